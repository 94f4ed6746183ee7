"""JSON embedded in a YAML string (flannel's `net-conf.json` in a ConfigMap): parse it as Go's
encoding/json reads it, keep where every key and value sits in the string, and find that place
in the YAML file so that findings land on the JSON line, not on the `net-conf.json: |` line.

Only what the MTU extractors need: strict JSON (no comments, no trailing commas, no NaN), and
member lookup with Go's rules for decoding into a struct (case-insensitive names, the last
duplicate wins).
"""

from __future__ import annotations

import json.decoder
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ruamel.yaml.nodes import ScalarNode

from netlint.checks.patterns import lazy
from netlint.model import SourceFile, Span

Kind = Literal["object", "array", "string", "number", "true", "false", "null"]

_NUMBER = lazy(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_INTEGER = lazy(r"-?(?:0|[1-9][0-9]*)")
_WHITESPACE = " \t\n\r"
_MAX_DEPTH = 200  # a flannel config is 3 levels deep; deeper input is not worth recursing into


@dataclass(frozen=True)
class JValue:
    """A JSON value with its offsets [start, end) in the decoded string."""

    kind: Kind
    start: int
    end: int
    value: Any = None  # str for strings, the raw text for numbers, None otherwise
    members: tuple[JMember, ...] = field(default=())  # objects, in source order
    items: tuple[JValue, ...] = field(default=())  # arrays

    @property
    def is_integer(self) -> bool:
        return self.kind == "number" and _INTEGER.fullmatch(self.value) is not None

    def member(self, name: str) -> JMember | None:
        """The member Go's decoder assigns to the struct field `name`: keys match it
        case-insensitively and a later duplicate overwrites an earlier one."""
        wanted = name.lower()
        found = None
        for member in self.members:
            if member.key.lower() == wanted:
                found = member
        return found


@dataclass(frozen=True)
class JMember:
    key: str
    key_start: int
    key_end: int
    value: JValue


class _Invalid(Exception):
    pass


def parse(text: str) -> JValue | None:
    """The JSON document in `text`, or None when Go's decoder would reject it."""
    try:
        value, end = _value(text, _skip(text, 0), 0)
    except (_Invalid, ValueError):
        return None
    if _skip(text, end) != len(text):
        return None
    return value


def _string(text: str, i: int) -> tuple[str, int]:
    """A JSON string whose opening quote is at i - 1: its value and the index after it (json's
    own scanner, strict about control characters as Go is)."""
    found: tuple[str, int] = json.decoder.scanstring(text, i, True)  # type: ignore[attr-defined]
    return found


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WHITESPACE:
        i += 1
    return i


def _value(text: str, i: int, depth: int) -> tuple[JValue, int]:
    if depth > _MAX_DEPTH or i >= len(text):
        raise _Invalid
    char = text[i]
    if char == "{":
        return _object(text, i, depth)
    if char == "[":
        return _array(text, i, depth)
    if char == '"':
        string, end = _string(text, i + 1)
        return JValue("string", i, end, string), end
    for word in ("true", "false", "null"):
        if text.startswith(word, i):
            return JValue(word, i, i + len(word)), i + len(word)
    m = _NUMBER.match(text, i)
    if m is None:
        raise _Invalid
    return JValue("number", i, m.end(), m.group(0)), m.end()


def _object(text: str, start: int, depth: int) -> tuple[JValue, int]:
    members: list[JMember] = []
    i = _skip(text, start + 1)
    if i < len(text) and text[i] == "}":
        return JValue("object", start, i + 1), i + 1
    while True:
        if i >= len(text) or text[i] != '"':
            raise _Invalid
        key, key_end = _string(text, i + 1)
        colon = _skip(text, key_end)
        if colon >= len(text) or text[colon] != ":":
            raise _Invalid
        value, end = _value(text, _skip(text, colon + 1), depth + 1)
        members.append(JMember(key, i, key_end, value))
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
            continue
        if i < len(text) and text[i] == "}":
            return JValue("object", start, i + 1, members=tuple(members)), i + 1
        raise _Invalid


def _array(text: str, start: int, depth: int) -> tuple[JValue, int]:
    items: list[JValue] = []
    i = _skip(text, start + 1)
    if i < len(text) and text[i] == "]":
        return JValue("array", start, i + 1), i + 1
    while True:
        value, end = _value(text, i, depth + 1)
        items.append(value)
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            return JValue("array", start, i + 1, items=tuple(items)), i + 1
        raise _Invalid


def raw(text: str, value: JValue) -> str:
    """The JSON text of a value, as written."""
    return text[value.start : value.end]


def locate_member(file: SourceFile, node: ScalarNode, text: str, member: JMember) -> Span | None:
    """The span of `"key": value` of an object member (the key alone when the value is not a
    scalar on the key's line); None when the key cannot be placed."""
    key = _find(file, node, text, member.key_start, member.key_end)
    if key is None:
        return None
    value = member.value
    if value.kind in ("object", "array"):
        return key
    found = _find(file, node, text, value.start, value.end)
    if found is None or found.line != key.line or found.column < key.column:
        return key
    return Span(key.line, key.column, found.end_line, found.end_column)


def locate_value(file: SourceFile, node: ScalarNode, text: str, value: JValue) -> Span | None:
    return _find(file, node, text, value.start, value.end)


def _find(file: SourceFile, node: ScalarNode, text: str, start: int, end: int) -> Span | None:
    """Where text[start:end] of the YAML string `node` (whose value is `text`) is written in
    the file; None when it cannot be placed with certainty.

    A block scalar (`|`) holds the JSON verbatim, indented; quoted and folded scalars escape or
    fold it. Either way a token without white space is written in the same order: the k-th
    occurrence of the token in the decoded string is the k-th occurrence in the source, once
    the quote escapes of the YAML style are allowed for.
    """
    token = text[start:end]
    if not token or any(c in token for c in _WHITESPACE):
        return None
    nth = _count(text[:start], token)
    region, origin = _region(file, node)
    if region is None:
        return None
    pattern = re.compile(_pattern(token))
    pos = 0
    for _ in range(nth + 1):
        m = pattern.search(region, pos)
        if m is None:
            return None
        pos = m.end()
    assert m is not None
    line, column = _position(region, origin, m.start())
    end_line, end_column = _position(region, origin, m.end())
    return Span(line, column, end_line, end_column)


def _count(text: str, token: str) -> int:
    count, pos = 0, text.find(token)
    while pos != -1:
        count += 1
        pos = text.find(token, pos + len(token))
    return count


def _pattern(token: str) -> str:
    """The token as the YAML source may write it: `"` as `\\"` in double quotes, `\\` as `\\\\`
    there, `'` as `''` in single quotes."""
    out = []
    for char in token:
        if char == '"':
            out.append(r'\\?"')
        elif char == "\\":
            out.append(r"\\{1,2}")
        elif char == "'":
            out.append("'{1,2}")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _region(file: SourceFile, node: ScalarNode) -> tuple[str | None, tuple[int, int]]:
    """The source text of the scalar (after the `|` / `>` header line for block scalars), and
    the 0-based (line, column) where it starts."""
    lines = file.lines
    start_line, start_col = node.start_mark.line, node.start_mark.column
    end_line, end_col = node.end_mark.line, node.end_mark.column
    if getattr(node, "style", None) in ("|", ">"):
        start_line, start_col = start_line + 1, 0
    if not 0 <= start_line < len(lines) or end_line < start_line:
        return None, (0, 0)
    parts = []
    for number in range(start_line, min(end_line, len(lines) - 1) + 1):
        text = lines[number]
        lo = start_col if number == start_line else 0
        hi = end_col if number == end_line else len(text)
        parts.append(text[lo:hi])
    return "\n".join(parts), (start_line, start_col)


def _position(region: str, origin: tuple[int, int], offset: int) -> tuple[int, int]:
    """1-based (line, column) in the file of `offset` in the region text."""
    before = region[:offset]
    newlines = before.count("\n")
    if newlines == 0:
        return origin[0] + 1, origin[1] + offset + 1
    return origin[0] + newlines + 1, offset - before.rfind("\n")
