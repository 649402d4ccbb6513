"""The front matter of a statement file: found and split by python-frontmatter, composed by PyYAML.

Parsed YAML has lost where each key stood; staff need `file:line`, so the handler's
load() composes into nodes, which keep their marks, instead of building values.
Lines are counted on '\\n' only: YAML (and str.splitlines) also break lines on
U+0085, U+2028 and lone '\\r', which editors do not show as lines. Those, tabs and
the other characters YAML refuses are reported here, each on its own line, before
YAML sees them; the same characters written as escapes ("\\a", "\\x1b", "\\L") are
reported once composed, in the value they decode into.

Anchors and aliases ('&a', '*a') are refused on the event stream, before composing: a
statement never needs them, and ten lines of aliases to aliases (an "alias bomb") make a
tree of ten billion nodes for anything that walks it (a walk took 28 s at eight levels).

What parse() finds depends only on the text and this code, so it is kept between runs under the
text's digest (a ParsedRecord, generator/cache.py): at 1,000 statements x 3 languages, parsing the
3,000 files took 0.38 s of CPU (best of 5), reading them back from the record 0.19 s (0.04 s the
record, 0.10 s rebuilding the nodes). Everything that depends on the site (its departments, time
zone, the present) is checked by the reader every time, on the nodes rebuilt from the record.
"""
from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

# libyaml when available: the pure-Python composer is most of the read time of a large site.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Deeper than any statement needs, shallow enough for the pure-Python composer's recursion.
MAX_DEPTH = 50
# Lines with an anchor or alias reported one by one; the rest in one message.
MAX_REPORTED = 10


_DEFAULT_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
                 yaml.MappingNode: "tag:yaml.org,2002:map"}


@lru_cache(maxsize=None)
def _untyped(loader: type) -> type:
    """`loader`, composing without guessing each scalar's type: the reader checks values as text
    (a date, 'true'), never by tag, and the guess was a third of the composing time."""
    return type(f"Untyped{loader.__name__}", (loader,), {"resolve": lambda self, kind, value, implicit:
                                                           _DEFAULT_TAGS[kind]})


class NodeHandler(YAMLHandler):
    """python-frontmatter's YAML handler (its `---` fences), loading nodes rather than values."""

    def load(self, fm: str, **kwargs) -> yaml.Node | None:
        return yaml.compose(fm, Loader=_untyped(kwargs.get("Loader") or SAFE_LOADER))


HANDLER = NodeHandler()

# What YAML refuses in a document, or counts as a line break where an editor shows none.
_BAD_CHARACTER = re.compile("[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]|\r(?!\n)")
_NAMES = {
    "\t": "a tab character",
    "\x00": "a NUL character",
    "\x0c": "a form feed character",
    "\x85": "a next-line character (U+0085)",
    "\u2028": "a line separator character (U+2028)",
    "\u2029": "a paragraph separator character (U+2029)",
    "\r": "a carriage return without a line feed",
}


class FrontMatterError(Exception):
    """A problem that stops the front matter from being read at all, with its file line."""

    def __init__(self, line: int, message: str, more: list[tuple[int, str]] = ()):
        super().__init__(message)
        self.line = line
        self.message = message
        self.more = list(more)  # further problems of the same kind, on later lines


@dataclass
class FrontMatter:
    node: yaml.Node | None  # None when the front matter is empty
    body: str
    offset: int  # lines of the file before the front matter's first line


def split(text: str) -> tuple[str, str, int]:
    """(front matter, body, lines before the front matter) of a file's text."""
    if not HANDLER.detect(text):
        raise FrontMatterError(1, "missing front matter: the file must start with a line '---', then "
                                  "'title:' and 'date:' lines, then another '---' line")
    try:
        fm, body = HANDLER.split(text)
    except ValueError:
        raise FrontMatterError(1, "the front matter is not closed: add a line '---' after its last key") from None
    offset = text[: HANDLER.FM_BOUNDARY.match(text).end()].count("\n")
    return fm, body, offset


def bad_characters(fm: str, offset: int) -> list[tuple[int, str]]:
    """(file line, message) for each line of the front matter that holds a character YAML refuses."""
    found, seen = [], set()
    for match in _BAD_CHARACTER.finditer(fm):
        pos = match.start()
        line = fm.count("\n", 0, pos) + 1 + offset
        if line in seen:
            continue
        seen.add(line)
        column = pos - (fm.rfind("\n", 0, pos) + 1) + 1
        char = match.group()
        if char == "\t":
            found.append((line, f"malformed YAML in the front matter: a tab character at column {column}; YAML "
                                "indentation and spacing must use spaces: replace the tab with spaces"))
            continue
        name = _NAMES.get(char, f"an invisible control character (U+{ord(char):04X})")
        found.append((line, f"{name} at column {column} of the front matter: delete it (it is invisible in most "
                            "editors and often comes from pasted text)"))
    return found


def _too_deep(fm: str, offset: int) -> int:
    """The file line where the front matter first nests deeper than MAX_DEPTH (the scanner does not recurse)."""
    depth = 0
    starts = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
              yaml.FlowSequenceStartToken)
    ends = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    try:
        for token in yaml.scan(fm, Loader=yaml.SafeLoader):
            if isinstance(token, starts):
                depth += 1
                if depth > MAX_DEPTH:
                    return token.start_mark.line + 1 + offset
            elif isinstance(token, ends):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        pass
    return offset + 1


def anchors_and_aliases(fm: str, offset: int) -> list[tuple[int, str]]:
    """(file line, message) for each anchor or alias of the front matter, read on the event stream,
    which never follows an alias: linear in the text, milliseconds for any bomb."""
    if "&" not in fm and "*" not in fm:
        return []  # neither can be written without one of these characters
    found, lines = [], set()
    try:
        for event in yaml.parse(fm, Loader=SAFE_LOADER):
            if isinstance(event, yaml.AliasEvent):
                what = f"the alias '*{event.anchor}'"
            elif getattr(event, "anchor", None):
                what = f"the anchor '&{event.anchor}'"
            else:
                continue
            line = event.start_mark.line + 1 + offset
            if line in lines:
                continue  # one problem a line: a bomb's line holds ten aliases
            lines.add(line)
            found.append((line,
                          f"{what} in the front matter: YAML anchors ('&name') and aliases ('*name') are not "
                          "allowed in a statement; write each value out in full (to start a line with '*' or "
                          "'&', put the value in quotes)"))
    except yaml.YAMLError:
        pass  # malformed: composing reports it with its line
    if len(found) > MAX_REPORTED:  # a bomb of a thousand lines needs no thousand messages
        found[MAX_REPORTED:] = [(found[MAX_REPORTED][0], f"{len(found) - MAX_REPORTED} more lines of the front "
                                                         "matter, from this one on, hold anchors or aliases: "
                                                         "write their values out in full")]
    return found


# Controls that a quoted value's escapes ("\\a", "\\x1b", "\\r", "\\L") can put in a decoded value:
# C0 and C1 (tab included: YAML itself refuses a raw one), and the line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\x00": "a NUL character",
                  "\x1b": "an escape character", "\x07": "a bell character", "\x85": "a next-line character",
                  "\u2028": "a line separator", "\u2029": "a paragraph separator"}


def control_characters(root: yaml.Node | None, offset: int) -> list[tuple[int, str]]:
    """(file line, message) for each key or value of the front matter whose decoded text holds a
    control character. A line break is one only when the value holds more of them than it spans
    lines in the file: a block ('|') or multi-line value keeps the file's own line breaks."""
    found = []
    stack = [(root, "the front matter")] if root is not None else []
    while stack:
        node, where = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            value = node.value
            match = _CONTROL.search(value)
            if match and match.group() == "\n" and value.count("\n") <= node.end_mark.line - node.start_mark.line:
                match = _CONTROL.search(value.replace("\n", " "))
            if match:
                char = match.group()
                name = _CONTROL_NAMES.get(char, "a control character")
                found.append((node.start_mark.line + 1 + offset,
                              f"{where} holds {name} (U+{ord(char):04X}), written as an escape such as "
                              f"'{char.encode('unicode_escape').decode()}' in quotes: a statement's text cannot "
                              "carry invisible characters; delete it"))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, where) for child in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                label = f"'{key.value}'" if isinstance(key, yaml.ScalarNode) and not _CONTROL.search(key.value) \
                    else "a key"
                stack.append((value, f"the value of {label}"))
                stack.append((key, "a key"))
    return sorted(found)


def parse(text: str, record=None) -> FrontMatter:
    """The front matter's root node and the body; FrontMatterError when it cannot be read.
    `record` (a cache.ParsedRecord of `record_version()`) keeps the outcome for the next run."""
    if record is None:
        return _parse(text)
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    kept = record.get(key)
    if kept is not None:
        if kept[0] == _KEPT_ERROR:
            raise FrontMatterError(kept[1], kept[2], [tuple(more) for more in kept[3]])
        try:
            return FrontMatter(node=_rebuilt(kept[3]), body=_body(text[kept[2]:]), offset=kept[1])
        except (TypeError, ValueError, KeyError, IndexError):
            pass  # not the shape this code writes (the record's checksum held): parse it again
    try:
        parsed = _parse(text)
    except FrontMatterError as exc:
        record.add(key, (_KEPT_ERROR, exc.line, exc.message, [tuple(more) for more in exc.more]))
        raise
    # Where the body starts, not the body: the record half the size (1.5 MB against 3.0 at 3,000 files).
    body_start = len(text) - len(HANDLER.split(text)[1])
    record.add(key, (_KEPT_NODES, parsed.offset, body_start, _kept(parsed.node)))
    return parsed


def record_version() -> bytes:
    """Everything parse() depends on besides the text: this code (its messages), python-frontmatter's
    fences, PyYAML and libyaml if it composes (their messages differ), Python and its recursion limit."""
    libyaml = yaml._yaml.get_version_string() if SAFE_LOADER is not yaml.SafeLoader else "none"
    parts = [Path(__file__).read_bytes(), Path(frontmatter.__file__).read_bytes(),
             Path(frontmatter.default_handlers.__file__).read_bytes(),
             f"{yaml.__version__} {libyaml} {SAFE_LOADER.__name__} {sys.version} {sys.getrecursionlimit()}".encode()]
    return b"\0".join(parts)


# A kept outcome: (_KEPT_NODES, offset, where the body starts, node) or (_KEPT_ERROR, line, message, more).
_KEPT_NODES, _KEPT_ERROR = 1, 0
# A kept node: (kind, line, value), its value a text, a list of nodes or a list of (key, value) pairs.
_SCALAR, _SEQUENCE, _MAPPING = 0, 1, 2


def _kept(node: yaml.Node | None):
    """`node` as plain tuples that marshal writes: only what the reader uses (kind, line, value)."""
    if node is None:
        return None
    line = node.start_mark.line
    if isinstance(node, yaml.ScalarNode):
        return _SCALAR, line, node.value
    if isinstance(node, yaml.SequenceNode):
        return _SEQUENCE, line, [_kept(child) for child in node.value]
    return _MAPPING, line, [(_kept(key), _kept(value)) for key, value in node.value]


_MARKS: dict[int, yaml.Mark] = {}


def _mark(line: int) -> yaml.Mark:
    mark = _MARKS.get(line)
    if mark is None:
        mark = _MARKS[line] = yaml.Mark("<front matter>", 0, line, 0, None, None)
    return mark


def _rebuilt(kept) -> yaml.Node | None:
    """The nodes `_kept` wrote, with their lines (nesting is at most MAX_DEPTH: parse refused deeper)."""
    if kept is None:
        return None
    kind, line, value = kept
    mark = _mark(line)
    if kind == _SCALAR:
        return yaml.ScalarNode(_DEFAULT_TAGS[yaml.ScalarNode], value, mark, mark)
    if kind == _SEQUENCE:
        return yaml.SequenceNode(_DEFAULT_TAGS[yaml.SequenceNode], [_rebuilt(child) for child in value], mark, mark)
    return yaml.MappingNode(_DEFAULT_TAGS[yaml.MappingNode],
                            [(_rebuilt(key), _rebuilt(item)) for key, item in value], mark, mark)


def _parse(text: str) -> FrontMatter:
    fm, body, offset = split(text)
    bad = bad_characters(fm, offset)
    if bad:
        raise FrontMatterError(*bad[0], more=bad[1:])
    refused = anchors_and_aliases(fm, offset)
    if refused:
        raise FrontMatterError(*refused[0], more=refused[1:])
    try:
        node = HANDLER.load(fm)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 1 + offset) if mark else offset + 1
        problem = getattr(exc, "problem", None) or str(exc)
        if "nesting depth" in (problem or ""):
            raise FrontMatterError(line, "the front matter is nested too deeply: a statement needs at most two "
                                         "levels (such as 'departments:' then 'emergency: reduced')") from None
        raise FrontMatterError(line, f"malformed YAML in the front matter ({problem}): check the indentation "
                                     "and quote values that contain ':' or start with a special character") from None
    except RecursionError:
        raise FrontMatterError(_too_deep(fm, offset), "the front matter is nested too deeply: a statement needs "
                                                      "at most two levels (such as 'departments:' then "
                                                      "'emergency: reduced')") from None
    # Some libyaml builds compose any depth without complaint: measure it here, without recursing.
    deep = _first_too_deep(node) if _may_be_too_deep(fm) else None
    if deep is not None:
        raise FrontMatterError(deep.start_mark.line + 1 + offset, "the front matter is nested too deeply: a "
                                                                  "statement needs at most two levels (such as "
                                                                  "'departments:' then 'emergency: reduced')")
    # Only an escape ('\\' in double quotes) can put a control character in a decoded value: a raw
    # one was refused above, and a value's own line breaks are never more than the lines it spans
    # (20,000 random front matters of block, folded, quoted and plain values, none found). Walking
    # every node was 0.06 s at 3,000 files; the corpora of the bench hold no backslash.
    controls = control_characters(node, offset) if "\\" in fm else []
    if controls:
        raise FrontMatterError(*controls[0], more=controls[1:])
    return FrontMatter(node=node, body=_body(body), offset=offset)


def _body(text: str) -> str:
    """The body as the reader takes it, from the text after the front matter's closing line."""
    return text.replace("\r\n", "\n").strip("\n")


def _may_be_too_deep(fm: str) -> bool:
    """False when `fm` cannot nest deeper than MAX_DEPTH: every list or mapping starts at a character
    of its own ('[', '{', '-', or its first key's ':' or '?'); only an alias ('*') can nest one again."""
    return "*" in fm or sum(fm.count(char) for char in "[{-:?") > MAX_DEPTH


def _first_too_deep(root: yaml.Node | None) -> yaml.Node | None:
    """The first node nested deeper than MAX_DEPTH, or None."""
    stack = [(root, 0)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
    return None
