"""Phone numbers in statement text and notes as `tel:` links a patient can tap.

Numbers are found by `phonenumbers` (Google's libphonenumber rules), read for the site's country
(`region: BE` in the statuspress block): "+32 3 555 00 99" and "03 555 00 99" both dial
+3235550099. Without a region, only numbers written with their "+" country code are found.
The link's text is the number exactly as written; the class `sp-tel` keeps it on one line
(it broke as "+32 3 / 555 00 99" on a phone), and `dir="ltr"` isolates it from a right-to-left
sentence (an Arabic page would otherwise draw "99 00 555 3 32+").
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

import phonenumbers
from markupsafe import Markup, escape

# A tag, or the text between two tags, of HTML that nh3 has already cleaned.
_TOKEN = re.compile(r"(<[^>]*>)")
# Inside these, text is not turned into a link: a link already, or code quoted as written.
_SKIP = {"a", "code", "pre", "kbd"}
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")


def _link(written: str, number: phonenumbers.PhoneNumber) -> str:
    target = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f'<a class="sp-tel" href="tel:{target}" dir="ltr">{html.escape(written, quote=False)}</a>'


# A note is on its statement's page, its incident's and each department's: at 1,000 statements x 3
# languages PhoneNumberMatcher ran 7,600 times for a few hundred texts (0.8 s of 36 profiled).
@lru_cache(maxsize=4096)
def _linked(text: str, region: str | None) -> str:
    """Plain `text`, escaped, its phone numbers as links."""
    out, position = [], 0
    for match in phonenumbers.PhoneNumberMatcher(text, region or "ZZ"):
        out.append(html.escape(text[position:match.start], quote=False))
        out.append(_link(match.raw_string, match.number))
        position = match.end
    out.append(html.escape(text[position:], quote=False))
    return "".join(out)


@lru_cache(maxsize=4096)
def link_phones_in_html(cleaned: str, region: str | None) -> str:
    """Sanitized HTML with the phone numbers of its text turned into `tel:` links."""
    if not any(c.isdigit() for c in cleaned):
        return cleaned
    out, skipping = [], 0
    for token in _TOKEN.split(cleaned):
        if not token:
            continue
        if token.startswith("<"):
            tag = _TAG_NAME.match(token)
            if tag and tag.group(2).lower() in _SKIP and not token.endswith("/>"):
                skipping += -1 if tag.group(1) else 1
                skipping = max(skipping, 0)
            out.append(token)
        elif skipping or not any(c.isdigit() for c in token):
            out.append(token)
        else:
            out.append(_linked(html.unescape(token), region))
    return "".join(out)


@lru_cache(maxsize=64)
def is_phone_number(phone: str, region: str | None) -> bool:
    """Whether `phone` is a full, valid number for `region` (not an emergency or short number)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(phone, region or "ZZ"))
    except phonenumbers.NumberParseException:
        return False


def link_phones(text: str, region: str | None) -> Markup:
    """Plain text (a note) as HTML, its phone numbers as `tel:` links."""
    if not any(c.isdigit() for c in text):
        return escape(text)
    return Markup(_linked(text, region))
