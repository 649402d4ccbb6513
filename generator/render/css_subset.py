"""The style sheet of only the rules a set of pages uses.

A patient on a slow phone network sees nothing until the page's render-blocking style sheets
have arrived. Material's bundle is 137 KB (23 KB compressed) for every component of a
documentation site; a status page uses a sixth of it. `subset` keeps, from style sheets parsed
with tinycss2, the rules whose selectors match an element of the given pages (cssselect2):

- a selector list keeps only its selectors that match (the others match nothing here);
- states a static page cannot show but a reader can (`:hover`, `:focus`, `:checked`: the
  navigation drawer opens by a checkbox) and pseudo-elements are left out of the test: a rule
  is kept when its selector matches with them removed;
- a selector cssselect2 cannot compile is kept as it is (never a rule lost by doubt);
- `@media` and `@supports` keep the rules inside them that match; `@font-face` goes (the
  status pages use the reader's own fonts); other at-rules stay;
- custom properties (`--md-…`) stay only where a kept rule, or a property they feed, reads
  them: Material's `:root` holds 15 KB of them, mostly icons for components a status page
  never shows.

The pages are given as HTML text; they are parsed with Python's own parser (`html.parser`),
which is all cssselect2 needs: tags, attributes and the tree.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import cssselect2
import tinycss2

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# States a reader brings about (hover, focus, a ticked checkbox) and pseudo-elements: removed
# from a selector before it is tested against the static pages (a whole name: `:focus` is not
# the start of `:focus-within`).
_DYNAMIC = re.compile(
    r"::?(?:before|after|placeholder|marker|selection|backdrop|first-line|first-letter|file-selector-button|"
    r"-webkit-[-\w]+|-moz-[-\w]+|-ms-[-\w]+|hover|focus|focus-visible|focus-within|active|visited|target|"
    r"target-within|checked|indeterminate|valid|invalid|user-valid|user-invalid|placeholder-shown|"
    r"disabled|enabled|link|any-link|autofill|open|popover-open|modal|defined)(?![-\w])(?:\([^()]*\))?")
_EMPTY_COMPOUND = re.compile(r"(^|[>+~])\s*(?=[>+~]|$)")
_GROUP = re.compile(r"\([^()]*\)")  # the argument of :not(), :is(), :where(), :nth-child()...
_CLASS = re.compile(r"\.(-?[_a-zA-Z][-\w]*)")
_VAR = re.compile(r"var\(\s*(--[-\w]+)")
_ANIMATION = re.compile(r"[-\w]+")


class _TreeBuilder(HTMLParser):
    """An ElementTree of an HTML page: elements and attributes only (text plays no part in
    matching selectors, `:empty` aside, which no kept rule of a status page relies on)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = ET.SubElement(self.stack[-1], tag, {name: value or "" for name, value in attrs})
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        ET.SubElement(self.stack[-1], tag, {name: value or "" for name, value in attrs})

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return


def parse_html(page: str) -> ET.Element:
    """The <html> element of `page`."""
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root.find("html") if builder.root.find("html") is not None else builder.root


def _selectors(prelude) -> list[str]:
    """The selectors of a rule's selector list, as text."""
    parts, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    return [tinycss2.serialize(part).strip() for part in parts]


def _static(selector: str) -> str:
    """`selector` without states and pseudo-elements: what must exist on the static page."""
    bare = _DYNAMIC.sub("", selector).strip()
    return _EMPTY_COMPOUND.sub(r"\1*", bare) if bare else "*"


def _rules(tokens):
    return tinycss2.parse_rule_list(tokens, skip_whitespace=True, skip_comments=True)


class _Collector:
    """Every style rule of the sheets, each selector compiled once into one matcher. A selector
    naming a class that no page has cannot match and is not compiled: most of Material's are
    for components status pages never show, and compiling is half of the work."""

    def __init__(self, classes: set[str]):
        self.classes = classes
        self.matcher = cssselect2.Matcher()
        self.kept: set[tuple[int, int]] = set()  # (rule number, selector number) that matched
        self.selectors: dict[int, list[str]] = {}
        self.count = 0

    def add(self, rule) -> int:
        number = self.count
        self.count += 1
        self.selectors[number] = selectors = _selectors(rule.prelude)
        for index, selector in enumerate(selectors):
            static = _static(selector)
            outside_groups = static
            while _GROUP.search(outside_groups):
                outside_groups = _GROUP.sub("", outside_groups)
            if not self.classes.issuperset(_CLASS.findall(outside_groups)):
                continue
            try:
                compiled = cssselect2.compile_selector_list(static)
            except (cssselect2.SelectorError, NotImplementedError, ValueError):
                self.kept.add((number, index))  # not understood: kept
                continue
            for part in compiled:
                if part.never_matches:
                    continue
                self.matcher.add_selector(part, (number, index))
        return number

    def match(self, root) -> None:
        for element in cssselect2.ElementWrapper.from_html_root(root).iter_subtree():
            for *_, payload in self.matcher.match(element):
                self.kept.add(payload)


def _tree(rules, collector: _Collector) -> list:
    """The sheet as a list of ("rule", number, rule), ("block", at-rule, children), ("keep", rule)."""
    tree = []
    for rule in rules:
        if rule.type == "qualified-rule":
            tree.append(("rule", collector.add(rule), rule))
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
            tree.append(("block", rule, _tree(_rules(rule.content), collector)))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
            continue
        elif rule.type in ("qualified-rule", "at-rule"):
            tree.append(("keep", rule))
    return tree


def _declarations(rule):
    return [d for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True)
            if d.type == "declaration"]


def _kept(tree, collector: _Collector) -> list:
    """[(selectors, declarations) | (at-rule, children) | rule] of what matched."""
    out = []
    for item in tree:
        if item[0] == "rule":
            _, number, rule = item
            selectors = [s for i, s in enumerate(collector.selectors[number]) if (number, i) in collector.kept]
            if selectors:
                out.append((selectors, _declarations(rule)))
        elif item[0] == "block":
            children = _kept(item[2], collector)
            if children:
                out.append((item[1], children))
        else:
            out.append(item[1])
    return out


def _walk_declarations(kept):
    for item in kept:
        if isinstance(item, tuple) and isinstance(item[0], list):
            yield from item[1]
        elif isinstance(item, tuple):
            yield from _walk_declarations(item[1])


def _used_properties(kept, extra_text: str) -> set[str]:
    """The custom properties read by kept declarations and `extra_text`, and by what they read."""
    defined: dict[str, list[str]] = {}
    reads: set[str] = set(_VAR.findall(extra_text))
    for declaration in _walk_declarations(kept):
        value = tinycss2.serialize(declaration.value)
        if declaration.name.startswith("--"):
            defined.setdefault(declaration.name, []).extend(_VAR.findall(value))
        else:
            reads.update(_VAR.findall(value))
    used, pending = set(), list(reads)
    while pending:
        name = pending.pop()
        if name not in used:
            used.add(name)
            pending.extend(defined.get(name, ()))
    return used


def _animations(kept, extra_text: str) -> set[str]:
    names = set()
    for declaration in _walk_declarations(kept):
        if declaration.lower_name in ("animation", "animation-name"):
            names.update(_ANIMATION.findall(tinycss2.serialize(declaration.value)))
    if "animation" in extra_text:
        names.update(_ANIMATION.findall(extra_text))
    return names


def _declaration_text(declaration) -> str:
    value = tinycss2.serialize(declaration.value).strip()
    return f"{declaration.name}:{value}{'!important' if declaration.important else ''}"


def _serialize(kept, used: set[str], animations: set[str]) -> str:
    out = []
    for item in kept:
        if isinstance(item, tuple) and isinstance(item[0], list):
            selectors, declarations = item
            body = ";".join(_declaration_text(d) for d in declarations
                            if not d.name.startswith("--") or d.name in used)
            if body:
                out.append(f"{','.join(selectors)}{{{body}}}")
        elif isinstance(item, tuple):
            rule, children = item
            inner = _serialize(children, used, animations)
            if inner:
                out.append(f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}{{{inner}}}")
        else:
            if item.type == "at-rule" and item.lower_at_keyword.endswith("keyframes"):
                name = tinycss2.serialize(item.prelude).strip()
                if name not in animations:
                    continue
            out.append(item.serialize())
    return "".join(out)


def subset(sheets: list[str], pages: list[str], keep_properties_of: str = "") -> str:
    """The rules of `sheets` (CSS texts, in order) that the HTML `pages` use, as one sheet.

    `keep_properties_of` is CSS served beside the subset (our own sheet): the custom
    properties it reads stay defined.
    """
    roots = [parse_html(page) for page in pages]
    classes = {name for root in roots for element in root.iter() for name in element.get("class", "").split()}
    collector = _Collector(classes)
    trees = [_tree(tinycss2.parse_stylesheet(sheet, skip_whitespace=True, skip_comments=True), collector)
             for sheet in sheets]
    for root in roots:
        collector.match(root)
    kept = [item for tree in trees for item in _kept(tree, collector)]
    used = _used_properties(kept, keep_properties_of)
    return _serialize(kept, used, _animations(kept, keep_properties_of))


# Attribute values that are text or addresses: Material's sheet tests `href` and `title` only
# for being there, never their value.
_TEXT_ATTRIBUTES = {"content", "datetime", "title", "alt", "aria-label", "href", "hreflang", "lang", "id", "for",
                    "name", "value", "src", "srcset"}
_POSITIONS = 8  # a child's position from either end, counted this far (for :first-child, :nth-child...)


_ATTRIBUTE = re.compile(r"\[\s*([-\w]+)")


def _signature(element: ET.Element, named: set[str] | None) -> str:
    attributes = []
    for name, value in sorted(element.items()):
        if name in _TEXT_ATTRIBUTES or (named is not None and name != "class" and f"[{name}" not in named):
            value = ""
        elif name == "class" and named is not None:
            value = " ".join(sorted(c for c in value.split() if c in named))
        attributes.append((name, value))
    return f"{element.tag}{attributes}"


def classes_named(sheets: list[str]) -> set[str]:
    """Every class name the sheets' text mentions, and every attribute name it tests (as
    "[name"): more than their selectors name, which is harmless."""
    return {name for sheet in sheets for name in _CLASS.findall(sheet)} | \
        {f"[{name}" for sheet in sheets for name in _ATTRIBUTE.findall(sheet)}


def structure(page: str, named: set[str] | None = None) -> set[str]:
    """What `subset` reads of `page`, as a set: each element with its ancestors, its position
    from both ends and the elements before it among its siblings, but not how often a shape
    repeats, nor text, times or addresses, nor the classes no sheet names (`named`, when
    given: a department's status class changes nothing Material's sheet matches). A key for remembering a subset between builds that
    stays the same when a statement adds one more card of a known shape. (Text plays no part:
    `:empty` is never relied on.)"""
    found: set[str] = set()

    def walk(element: ET.Element, path: str) -> None:
        children = list(element)
        before: set[str] = set()
        for index, child in enumerate(children):
            signature = _signature(child, named)
            position = (min(index, _POSITIONS), min(len(children) - 1 - index, _POSITIONS))
            found.add(f"{path}>{signature}{position}{sorted(before)}")
            before.add(signature)
            walk(child, f"{path}>{signature}")

    walk(parse_html(page), "")
    return found


def fingerprint() -> bytes:
    """This module's code and its parsers' versions: a remembered subset is made again when any changes."""
    from importlib.metadata import version
    from pathlib import Path
    return b"\0".join([Path(__file__).read_bytes(), version("tinycss2").encode(), version("cssselect2").encode()])


def minify(sheet: str) -> str:
    """`sheet` without comments and the whitespace between rules and declarations: our own
    sheet, whose comments give the reasons, travels to every status page (3.2 KB compressed
    instead of 6)."""
    out = []
    for rule in tinycss2.parse_stylesheet(sheet, skip_whitespace=True, skip_comments=True) \
            if isinstance(sheet, str) else sheet:
        if rule.type == "qualified-rule":
            selector = " ".join(tinycss2.serialize(rule.prelude).split())
            out.append(f"{selector}{{{';'.join(_declaration_text(d) for d in _declarations(rule))}}}")
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
            prelude = " ".join(tinycss2.serialize(rule.prelude).split())
            out.append(f"@{rule.at_keyword} {prelude}{{{minify(_rules(rule.content))}}}")
        elif rule.type == "at-rule":
            out.append(rule.serialize())
    return "".join(out)
