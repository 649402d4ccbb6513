"""The status pages' sheet: only the rules the pages use (render/css_subset.py), parsed back with tinycss2."""
from __future__ import annotations

import tinycss2

from generator.render.css_subset import minify, structure, subset

SHEET = """
@charset "UTF-8";
:root{--used:red;--chained:var(--used);--unused:url(data:image/svg+xml,AAAA)}
.md-header{color:var(--chained)}
.md-search{color:blue}
.md-nav__link:hover,.md-search__input:focus{color:green}
.md-nav:focus-within .md-nav__link,.md-search:focus-within .md-nav__link{opacity:1}
[data-md-toggle=drawer]:checked~.md-container .md-nav{left:0}
.md-typeset ol ol,.md-typeset dl dt{margin:0}
.md-header:before{content:""}
@media screen and (max-width:76em){.md-header{top:0}.md-tabs{display:none}}
@supports selector(::-webkit-scrollbar){.md-search{scrollbar-width:thin}}
@font-face{font-family:x;src:url(x.woff2)}
@keyframes spin{to{transform:rotate(1turn)}}
.md-header:fullscreen{display:none}
"""
PAGE = """<!doctype html><html dir="ltr"><body>
<input type="checkbox" data-md-toggle="drawer"><div class="md-container"><header class="md-header"></header>
<nav class="md-nav"><a class="md-nav__link" href="#">x</a></nav>
<article class="md-typeset"><ol><li><ol><li>x</li></ol></li></ol><p>text</p></article></div></body></html>"""


def selectors(css: str) -> set[str]:
    found = set()
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True):
        if rule.type == "qualified-rule":
            found.add(tinycss2.serialize(rule.prelude).strip())
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
            found |= {f"@{rule.lower_at_keyword} {s}" for s in selectors(tinycss2.serialize(rule.content))}
    return found


def test_keeps_what_the_page_uses_and_drops_the_rest():
    result = subset([SHEET], [PAGE])
    kept = selectors(result)
    assert ".md-header" in kept and ".md-header:before" in kept
    assert ".md-search" not in kept and "@supports .md-search" not in kept
    # Hover and focus states of elements that exist: kept, only the selectors that match.
    assert ".md-nav__link:hover" in kept
    # The language menu opens on :focus-within (not read as :focus followed by "-within").
    assert ".md-nav:focus-within .md-nav__link" in kept
    # The drawer opens by a checkbox a reader ticks.
    assert "[data-md-toggle=drawer]:checked~.md-container .md-nav" in kept
    assert ".md-typeset ol ol" in kept
    assert "@media .md-header" in kept and "@media .md-tabs" not in kept
    # Not understood by cssselect2 (:fullscreen): kept, never lost by doubt.
    assert ".md-header:fullscreen" in kept
    assert "@font-face" not in result and "@keyframes spin" not in result


def test_keeps_only_the_custom_properties_something_reads():
    result = subset([SHEET], [PAGE])
    assert "--used:red" in result and "--chained:var(--used)" in result
    assert "--unused" not in result
    # Read only by a sheet served beside the subset: kept too.
    assert "--unused" in subset([SHEET], [PAGE], keep_properties_of=".x{color:var(--unused)}")


def test_the_cache_key_ignores_text_and_repeats_but_not_structure():
    one = '<ul class="cards"><li class="card" title="One">Hello</li></ul>'
    assert structure(one) == structure('<ul class="cards"><li class="card" title="Two">Bye</li></ul>')
    assert structure(one) != structure(one.replace('class="card"', 'class="other"'))
    many = "".join(f'<li class="card">{n}</li>' for n in range(30))
    assert structure(f'<ul class="cards">{many}</ul>') == structure(f'<ul class="cards">{many}{many}</ul>')
    # A child's position counts (:first-child, :last-child, :nth-child).
    assert structure('<ul class="cards"><li class="card">1</li></ul>') != \
        structure('<ul class="cards"><li class="card">1</li><li class="card">2</li></ul>')


def test_minify_keeps_every_rule_and_declaration():
    sheet = """/* a reason */
.sp-a, .sp-b > p { color: red; margin: 0 !important }
@media print { /* why */ .sp-a { display: none } }
"""
    assert minify(sheet) == ".sp-a, .sp-b > p{color:red;margin:0!important}@media print{.sp-a{display:none}}"
