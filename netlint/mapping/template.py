"""Follow a key path through a Helm template's text.

A template is not YAML (`{{ }}` actions anywhere), so it is read line by line: each line is a
mapping key, a sequence item, a scalar or a pure action line. Indentation gives the structure.
Action lines are no structure of their own: `{{- if }}` / `{{- end }}` blocks are transparent,
`{{- toYaml .Values.x | nindent 4 }}` injects values content at column 4, and `{{- with
.Values.x }}` sets what `.` means inside. A step is taken only when it is unambiguous: one key
of that name at that level (or one whose literal value matches the rendered value), a sequence
index when the items can be counted (no `range`, as many items as rendered) or named.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from netlint.model import Path, Span

_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
# longer lines are taken as opaque text (keeps every regex below linear enough on odd input)
_MAX_LINE = 4096
_CONTROL = re.compile(r"^(if|else|range|with|end|define|block|template)\b")
_OPENS = ("if", "range", "with", "define", "block")
_NINDENT = re.compile(r"\|\s*n?indent\s+(\d+)")
_INCLUDE = re.compile(r"\b(toYaml|include|tpl|toJson|template)\b")
_VALUES = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)")
_DOT_REF = re.compile(r"(?<![\w$)\]])\.([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)")
_TO_YAML_DOT = re.compile(r"\b(?:toYaml|toJson)\s+\.(?:\s|\||$)")
_KEY = re.compile(
    r"""^(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{\[\]-][^:#]*|-[^\s:#][^:#]*)"""
    r""":(?:\s+|$)"""
)
_DOC_START = re.compile(r"^---(?:\s|$)")

Values = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    line: int  # 1-based
    kind: str  # "key", "item", "scalar", "action"
    indent: int  # 0-based column of the key / dash / scalar; an include's target column
    key: str = ""
    key_end: int = 0  # 0-based column after the key
    value: str = ""  # text after `key:` (comments kept; stripped)
    value_col: int = 0
    control: str = ""  # if / else / range / with / end ... for action lines
    include: bool = False  # injects content (toYaml, include, tpl)
    values: Values | None = None  # the values path an include or the value reads


@dataclass(frozen=True)
class Segment:
    """One `---`-separated document of a template file."""

    entries: tuple[Entry, ...]
    kind: str | None  # literal `kind:` at the top level, when there is one
    name: str | None  # literal metadata.name

    def head(self) -> Entry | None:
        for entry in self.entries:
            if entry.kind == "key" and entry.key == "kind":
                return entry
        return next((e for e in self.entries if e.kind != "action"), None)


def segments(text: str) -> list[Segment]:
    out: list[Segment] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _DOC_START.match(line):
            out.append(_segment(current))
            current = []
            continue
        current.append((number, line))
    out.append(_segment(current))
    return [s for s in out if any(e.kind != "action" for e in s.entries)]


def _segment(lines: list[tuple[int, str]]) -> Segment:
    entries: list[Entry] = []
    contexts: list[Values | None] = []  # `with` stack: what `.` is
    block_indent: int | None = None
    for number, line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue  # inside a block scalar
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        dot = next((c for c in reversed(contexts) if c is not None), None)
        if len(line) > _MAX_LINE:
            entries.append(Entry(number, "scalar", indent))
            continue
        if stripped.startswith("{{") and not _ACTION.sub("", stripped).strip():
            entries.append(_action(number, indent, stripped, contexts, dot))
            continue
        col = indent
        rest = line[indent:]
        while rest.startswith("- ") or rest == "-":
            entries.append(Entry(number, "item", col))
            step = 1 + (len(rest[1:]) - len(rest[1:].lstrip(" ")))
            col += step
            rest = rest[step:]
        if not rest:
            continue
        m = _KEY.match(rest)
        if m is None:
            entries.append(Entry(number, "scalar", col, value=rest.strip(), value_col=col))
            continue
        raw_key = m.group("key").rstrip()
        key = _unquote(raw_key)
        value = rest[m.end() :].strip()
        value_col = col + m.end()
        include = bool(value.startswith("{{") and _INCLUDE.search(value))
        entries.append(
            Entry(
                number,
                "key",
                col,
                key=key,
                key_end=col + len(raw_key),
                value=value,
                value_col=value_col,
                include=include,
                values=_values_ref(value, dot),
            )
        )
        if value[:1] in ("|", ">"):
            block_indent = col
    kind = name = None
    top = min((e.indent for e in entries if e.kind == "key"), default=0)
    for i, entry in enumerate(entries):
        if entry.kind != "key" or entry.indent != top:
            continue
        if entry.key == "kind" and "{{" not in entry.value:
            kind = _unquote(_strip_comment(entry.value))
        if entry.key == "metadata":
            for sub in entries[i + 1 :]:
                if sub.kind != "action" and sub.indent <= top:
                    break
                if sub.kind == "key" and sub.key == "name" and "{{" not in sub.value:
                    name = _unquote(_strip_comment(sub.value))
                    break
    return Segment(tuple(entries), kind, name)


def _action(
    number: int, indent: int, stripped: str, contexts: list[Values | None], dot: Values | None
) -> Entry:
    control = ""
    include = False
    values: Values | None = None
    for m in _ACTION.finditer(stripped):
        body = m.group(1)
        c = _CONTROL.match(body)
        if c:
            control = c.group(1)
            if control in _OPENS:
                ctx = None
                if control == "with":
                    ctx = _values_ref("{{" + body[4:] + "}}", dot)
                contexts.append(ctx)
            elif control == "end" and contexts:
                contexts.pop()
        elif _INCLUDE.search(body):
            include = True
            values = _values_ref(m.group(0), dot)
    n = _NINDENT.search(stripped)
    target = int(n.group(1)) if n and include else indent
    return Entry(number, "action", target, control=control, include=include, values=values)


def _values_ref(text: str, dot: Values | None) -> Values | None:
    """The one values path a value or include reads (`.Values.a.b`, or `.b` / `.` inside
    `with .Values.a`), or None when it reads none or several."""
    if "{{" not in text:
        return None
    found: set[Values] = set()
    for m in _ACTION.finditer(text):
        body = m.group(1)
        for v in _VALUES.finditer(body):
            found.add(tuple(v.group(1)[1:].split(".")))
        if dot is not None:
            scrubbed = _VALUES.sub("", body)
            scrubbed = re.sub(r'"(?:[^"\\]|\\.)*"', '""', scrubbed)
            for v in _DOT_REF.finditer(scrubbed):
                found.add((*dot, *v.group(1).split(".")))
            if _TO_YAML_DOT.search(scrubbed + " "):
                found.add(dot)
    return found.pop() if len(found) == 1 else None


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"')
    return text


def _strip_comment(value: str) -> str:
    return re.split(r"\s+#", value, maxsplit=1)[0].strip()


def literal(value: str) -> str | None:
    """The plain text of a literal value (`Local`, `"Local"`), None for templated values."""
    text = _strip_comment(value)
    if not text or "{{" in text or text[:1] in ("|", ">", "[", "{", "&", "*", "!"):
        return None
    return _unquote(text)


# ---- walking -------------------------------------------------------------------------------


@dataclass
class Walk:
    """How far a path got through a template."""

    reached: list[Entry] = field(default_factory=list)  # one entry per step taken
    values: Values | None = None  # content injected from values at the point it stopped
    values_rest: Path = ()  # steps of the path not taken, to follow inside `values`
    include: Entry | None = None  # the include / toYaml line where the path was injected
    ambiguous: bool = False


# The rendered object's data at a path (None when it is not there): sequence lengths, item
# names and scalar values decide ambiguous steps.
Probe = Callable[[Path], Any]


def walk(seg: Segment, path: Path, rendered: Probe) -> Walk:
    out = Walk()
    block = list(range(len(seg.entries)))
    entries = seg.entries
    for depth, step in enumerate(path):
        children = _children(entries, block)
        if isinstance(step, int):
            index = _item(entries, block, children, step, path[:depth], rendered)
            if index is None:
                out.ambiguous = out.ambiguous or bool(children)
                return out
        else:
            keys = [i for i in children if entries[i].kind == "key" and entries[i].key == step]
            if len(keys) > 1:
                keys = _disambiguate(entries, keys, path, depth, rendered)
            if len(keys) != 1:
                if not keys:
                    _injected(out, entries, block, children, path, depth)
                else:
                    out.ambiguous = True
                return out
            index = keys[0]
        entry = entries[index]
        out.reached.append(entry)
        if entry.kind == "key" and entry.include and depth + 1 < len(path):
            if entry.values is not None:
                out.values, out.values_rest = entry.values, path[depth + 1 :]
                out.include = entry
            return out
        block = _block(entries, index)
    return out


def _injected(
    out: Walk,
    entries: Sequence[Entry],
    block: list[int],
    children: list[int],
    path: Path,
    depth: int,
) -> None:
    """The step is not literal: did an include at this level inject it from values?"""
    level = min((entries[i].indent for i in children), default=None)
    includes = [
        i
        for i in block
        if entries[i].kind == "action"
        and entries[i].include
        and (level is None or entries[i].indent == level)
    ]
    if len(includes) == 1:
        out.include = entries[includes[0]]
        if out.include.values is not None:
            out.values = out.include.values
            out.values_rest = path[depth:]


def _children(entries: Sequence[Entry], block: list[int]) -> list[int]:
    content = [i for i in block if entries[i].kind != "action"]
    if not content:
        return []
    level = min(entries[i].indent for i in content)
    return [i for i in content if entries[i].indent == level]


def _block(entries: Sequence[Entry], index: int) -> list[int]:
    """Entries that belong under entry `index` (its value's content)."""
    head = entries[index]
    out = []
    for i in range(index + 1, len(entries)):
        e = entries[i]
        if e.kind == "action":
            out.append(i)
            continue
        if e.indent > head.indent or (
            head.kind == "key" and e.kind == "item" and e.indent == head.indent
        ):
            out.append(i)
            continue
        break
    while out and entries[out[-1]].kind == "action" and not entries[out[-1]].include:
        out.pop()  # trailing `{{- end }}` lines belong to the enclosing level
    return out


def _item(
    entries: Sequence[Entry],
    block: list[int],
    children: list[int],
    step: int,
    at: Path,
    rendered: Probe,
) -> int | None:
    items = [i for i in children if entries[i].kind == "item"]
    if not items:
        return None
    controls = {entries[i].control for i in block if entries[i].kind == "action"} - {""}
    data = rendered(at)
    length = len(data) if isinstance(data, list) else None
    if "range" in controls and len(items) == 1:
        return items[0]
    if not controls and not any(entries[i].include for i in block) and len(items) == length:
        return items[step]
    name = rendered((*at, step, "name"))
    if isinstance(name, str):
        named = [i for i in items if _item_name(entries, i) == name]
        if len(named) == 1:
            return named[0]
    return None


def _item_name(entries: Sequence[Entry], index: int) -> str | None:
    kids = _children(entries, _block(entries, index))
    for i in kids:
        if entries[i].kind == "key" and entries[i].key == "name":
            return literal(entries[i].value)
    return None


def _disambiguate(
    entries: Sequence[Entry], keys: list[int], path: Path, depth: int, rendered: Probe
) -> list[int]:
    """Several keys of one name (if/else branches): keep the one whose literal value is what
    was rendered."""
    if depth + 1 != len(path):
        return keys
    value = rendered(path)
    if not isinstance(value, (str, int, float, bool)):
        return keys
    text = str(value).lower() if isinstance(value, bool) else str(value)
    matching = [i for i in keys if literal(entries[i].value) == text]
    return matching or keys


def key_span(entry: Entry) -> Span:
    return Span(entry.line, entry.indent + 1, entry.line, entry.key_end + 1)


def value_span(entry: Entry) -> Span:
    value = _strip_comment(entry.value)
    if not value:
        return key_span(entry)
    return Span(entry.line, entry.value_col + 1, entry.line, entry.value_col + len(value) + 1)


def line_span(entry: Entry, text_line: str) -> Span:
    start = len(text_line) - len(text_line.lstrip())
    return Span(entry.line, start + 1, entry.line, len(text_line.rstrip()) + 1)
