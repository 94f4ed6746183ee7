"""Escaping shared by the formatters: manifest text must never drive a terminal or a CI log.

Finding messages, file names, object names and suppression reasons all carry text from the
manifests being checked, so every formatter passes them through here before writing them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from itertools import chain, compress, islice, repeat
from json.encoder import encode_basestring as _encode_str  # the C escaper
from operator import mod, not_
from typing import Any

# Characters that can move the cursor, change colours, end a line or reorder what is shown:
# C0 and C1 controls and DEL (ESC starts ANSI sequences, CSI U+009B is a one-byte ESC [),
# line and paragraph separators, bidirectional overrides and isolates ("Trojan Source"),
# and lone surrogates (they cannot even be encoded as UTF-8).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible_char(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character written out (`\\x1b`, `\\n`, `\\u202e`).

    Printable text, including non-ASCII letters, is left alone; the result is one line."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_visible_char, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_json(document: Any) -> str:
    """Pretty JSON (UTF-8 text, not \\u-escaped) that can always be written as UTF-8.

    JSON string escaping already neutralises control characters; lone surrogates (possible
    from YAML `"\\ud800"` escapes) are written as `\\udxxx` escapes instead of raw, because a
    raw one cannot be encoded and would crash the write.

    The text is exactly `json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)`;
    with `indent` that runs the standard library's pure-Python encoder (a generator per
    container, a yield per token): a tenth of a second for five thousand findings.
    `_Indented` writes the same bytes with the C encoder doing the scalars (see there)."""
    return writable(_Indented().text(document))


def writable(text: str) -> str:
    """`text` (JSON) with each lone surrogate written as its `\\udxxx` escape, as `to_json`
    does; a text cut anywhere between code points gives the same pieces of the same whole."""
    if not _has_surrogate(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def streamed(
    document: Any, slot: list[Any], items: Iterable[list[str]], level: int
) -> Iterator[str]:
    """`to_json(document)` in pieces, where `slot`, an empty list in `document` at nesting
    `level` - 1, has the items whose texts `items` gives a run at a time, as `texts_at(values,
    level)` writes them: a report is written as its findings are, never whole (its text can
    be several times what the run holds)."""
    slot.append(Raw(_SPLIT))
    head, _, tail = to_json(document).partition(_SPLIT)
    slot.clear()
    sep = ",\n" + _INDENT * level
    first = True
    for texts in items:
        if not texts:
            continue
        if first:
            yield head
        text = sep.join(texts)
        yield writable(text if first else sep + text)
        first = False
    if first:  # no item: the empty list as to_json writes it
        yield to_json(document)
    else:
        yield tail


_SPLIT = "\x00netlint-split\x00"


def _has_surrogate(text: str) -> bool:
    """Whether `text` holds a lone surrogate. A report is megabytes: ASCII text has none (a
    flag check), and strict UTF-8 encoding, which fails exactly on surrogates, runs at a third
    of the cost of the regular expression's search; a chunk at a time, so that no copy of the
    whole report is made (a code point is never split: a chunk is of code points)."""
    if text.isascii():
        return False
    for start in range(0, len(text), _CHUNK):
        try:
            text[start : start + _CHUNK].encode("utf-8")
        except UnicodeEncodeError:
            return True
    return False


_CHUNK = 2**18  # code points: a quarter to one MiB of UTF-8 at a time


class Raw:
    """JSON text written as it is where a value stands: what a formatter has already written
    (the JSON report's findings, netlint/report/json_report.py). Only in containers that
    `_Indented` writes (to_json with the C encoder), never as a dict key. It holds the text,
    it is not a copy of it: a report's findings are most of its megabytes."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def scalar_texts(values: list[Any]) -> list[str] | None:
    """The JSON text of each value, as `to_json` writes it, with one call of the C encoder;
    None when the values are not all str, int, bool or None (or the C encoder is missing)."""
    if _c_make_encoder is None or not _SCALARS.issuperset(map(type, values)):
        return None
    return _Indented()._scalars(values)


def has_c_encoder() -> bool:
    """Whether `texts_at` can be used (the C encoder of the json module is there)."""
    return _c_make_encoder is not None


def texts_at(values: list[Any], level: int) -> list[str]:
    """The JSON text of each value as `to_json` writes it at nesting `level` (the C encoder
    must be there: `scalar_texts` says so)."""
    return _Indented()._level(values, level)


def template(document: Any, level: int) -> str:
    """A `%`-format of `document` as `to_json` writes it at nesting `level`, with a `%s` for
    each occurrence of `SLOT` (as a value, never as a key)."""
    text = _Indented()._level([document], level)[0].replace("%", "%%")
    return text.replace(_SLOT_TEXT, "%s")


SLOT = "\x00netlint-slot\x00"
_SLOT_TEXT = _encode_str(SLOT)


def templated(
    items: Sequence[Any],
    shape_of: Callable[[Any], Hashable | None],
    write: Callable[[Any], Any],
    values_of: Callable[[Any, list[Any]], None],
    level: int,
    formats: dict[Any, str],
) -> list[str] | None:
    """`texts_at([write(x) for x in items], level)`, without writing most items as values:
    items of one shape (`shape_of`, None for an item of no shape) have dicts of the same keys
    and scalar types, so an item of a shape is its shape's template (`formats`, written from
    its first item's dict) filled with the texts of its scalars, which `values_of` appends in
    the order of its dict's leaves; all of them written by one call of the C encoder. None
    when a value is of a type the C encoder does not write as to_json does."""
    shapes = list(map(shape_of, items))
    values: list[Any] = []
    slots: list[int] = []
    others: list[Any] = []  # the values of items of no shape
    for item, shape in zip(items, shapes, strict=True):
        if shape is None:
            others.append(write(item))
            continue
        if shape not in formats:
            formats[shape] = template(skeleton(write(item)), level)
        before = len(values)
        values_of(item, values)
        slots.append(len(values) - before)
    texts = scalar_texts(values)
    if texts is None:
        return None
    inner = iter(texts)
    shaped = [formats[s] for s in shapes if s is not None]
    # each template % its values' texts, taken from `inner` in order
    plain = list(map(mod, shaped, map(tuple, map(islice, repeat(inner), slots))))
    if not others:
        return plain
    fills = (iter(texts_at(others, level)), iter(plain))
    return [next(fills[s is not None]) for s in shapes]


def skeleton(value: Any) -> Any:
    """`value` with a SLOT for each scalar (empty containers stay: they have no slot), for
    `template`."""
    if isinstance(value, dict):
        return {k: skeleton(v) for k, v in value.items()}
    if isinstance(value, list):
        return [skeleton(v) for v in value]
    return SLOT


_INDENT = "  "
# values the C encoder writes exactly as the indenting Python encoder does (floats are left
# out: its error message for NaN differs)
_SCALARS = frozenset({str, int, bool, type(None)})
_SEQUENCES = frozenset({list, tuple})
_DICT = frozenset({dict})
_CONTAINERS = _DICT | _SEQUENCES
_STR_ONLY = frozenset({str})
# below this depth (never reached by a report) everything is left to the recursive encoder,
# which also finds circular references as json does
_DEEPEST = 100


class _Indented:
    """`json.dumps(indent=2, ensure_ascii=False, allow_nan=False)`, level by level.

    The containers of one nesting level are taken together: the scalars among their items go
    through the C encoder in one call, as a list whose item separator is a line break (never
    part of an encoded value: JSON escapes it in strings), so splitting at line breaks gives
    each value's text; the containers among them are written the same way one level down.
    Then each container is put together from its items' texts: a dict with a format string
    made once per sequence of keys, a list with a join. Anything the C encoder would not write
    as the indenting encoder does (floats, subclasses such as enums, non-string keys) and
    whatever is nested deeper than `_DEEPEST` goes through `_Slow`, the Python encoder's type
    tests in its order, which raises its errors."""

    def __init__(self) -> None:
        self.breaks: list[str] = ["\n"]  # "\n" + indentation, by level
        self.formats: dict[tuple[int, tuple[str, ...]], str] = {}
        self.by_level: dict[int, dict[tuple[str, ...], str]] = {}  # the same, per level
        self.encoder: Any = (
            None
            if _c_make_encoder is None
            else _c_make_encoder(None, None, _encode_str, None, ": ", "\n", *_FLAGS)
        )

    def text(self, o: Any) -> str:
        """The JSON text of `o` and a final newline. A report is a dict of a few lists of
        many items: the top two levels are joined once, with the newline, instead of a copy
        of the whole text per level (a report's text is megabytes)."""
        if self.encoder is None:  # pragma: no cover - no C accelerator
            return _Slow(self._break).text(o, 0) + "\n"
        if not (o and type(o) is dict and _STR_ONLY.issuperset(map(type, o))):
            return self._level([o], 0)[0] + "\n"
        values = list(o.values())
        lists = [bool(v) and type(v) in _SEQUENCES for v in values]
        items = iter(self._level(list(chain.from_iterable(compress(values, lists))), 2))
        others = iter(self._level(list(compress(values, map(not_, lists))), 1))
        brk1, brk2 = self._break(1), self._break(2)
        pieces = ["{"]
        sep = brk1
        for key, value, many in zip(o, values, lists, strict=True):
            pieces.append(f"{sep}{_encode_str(key)}: ")
            sep = "," + brk1
            if not many:
                pieces.append(next(others))
                continue
            pieces.append("[")
            between = brk2
            for text in islice(items, len(value)):
                pieces.append(between)
                pieces.append(text)
                between = "," + brk2
            pieces.append(brk1 + "]")
        pieces.append("\n}\n")
        return "".join(pieces)

    def _break(self, level: int) -> str:
        breaks = self.breaks
        while len(breaks) <= level:
            breaks.append(breaks[-1] + _INDENT)
        return breaks[level]

    def _level(self, items: list[Any], level: int) -> list[str]:
        """The texts of `items`, all at `level`. Per item only C-level maps run (a Python
        loop per value would cost what the standard encoder does); per container a loop."""
        if level > _DEEPEST:
            slow = _Slow(self._break)
            return [slow.text(o, level) for o in items]
        flags = list(map(_SCALARS.__contains__, map(type, items)))
        scalars = self._scalars(list(compress(items, flags)) if False in flags else items)
        if False not in flags:
            return scalars
        containers = list(compress(items, map(not_, flags)))
        texts = self._containers(containers, level)
        # back in the order of `items`: flags pick the scalars' (True) or containers' texts
        sources = (iter(texts), iter(scalars))
        return list(map(next, map(sources.__getitem__, flags)))

    def _containers(self, containers: list[Any], level: int) -> list[str]:
        """The texts of the containers of one level. When they are all dicts with string keys,
        lists and tuples (a report's always are), with C-level maps over all of them: the dicts'
        values and then the sequences' items go one level down together, and each dict is put
        together by its format, each sequence by a join. Else `_mixed`, a loop per container."""
        kinds = list(map(type, containers))
        if not _CONTAINERS.issuperset(kinds):
            return self._mixed(containers, level)
        is_dict = list(map(_DICT.__contains__, kinds))
        dicts = list(compress(containers, is_dict)) if False in is_dict else containers
        if not _STR_ONLY.issuperset(map(type, chain.from_iterable(dicts))):
            return self._mixed(containers, level)
        sequences = list(compress(containers, map(not_, is_dict))) if dicts else containers
        keys = list(map(tuple, dicts))
        children = list(chain.from_iterable(map(dict.values, dicts)))
        children.extend(chain.from_iterable(sequences))
        inner = iter(self._level(children, level + 1) if children else ())
        formats = self._formats(level, keys)
        # each dict's format % its values' texts, taken from `inner` in order
        dict_texts = list(map(mod, formats, map(tuple, map(islice, repeat(inner), map(len, keys)))))
        if not sequences:
            return dict_texts
        brk, end = self._break(level + 1), self._break(level)
        between = "," + brk
        sequence_texts = [
            f"[{brk}{between.join(islice(inner, n))}{end}]" if n else "[]"
            for n in map(len, sequences)
        ]
        if not dicts:
            return sequence_texts
        sources = (iter(sequence_texts), iter(dict_texts))
        return list(map(next, map(sources.__getitem__, is_dict)))

    def _mixed(self, containers: list[Any], level: int) -> list[str]:
        """`_containers` one container at a time, for levels that hold anything else."""
        children: list[Any] = []  # the items of this level's containers, in order
        plan: list[Any] = []  # per container: a key tuple, a length or its text
        for o in containers:
            kind = type(o)
            if kind is dict and _STR_ONLY.issuperset(map(type, o)):
                if o:
                    children.extend(o.values())
                    plan.append(tuple(o))
                else:
                    plan.append("{}")
            elif kind in _SEQUENCES:
                if o:
                    children.extend(o)
                    plan.append(len(o))
                else:
                    plan.append("[]")
            elif kind is Raw:
                plan.append(o.text)
            else:
                plan.append(_Slow(self._break).text(o, level))
        inner = iter(self._level(children, level + 1) if children else ())
        texts: list[str] = []
        for step in plan:
            if type(step) is tuple:
                texts.append(self._format(level, step) % tuple(islice(inner, len(step))))
            elif type(step) is int:
                brk = self._break(level + 1)
                body = ("," + brk).join(islice(inner, step))
                texts.append(f"[{brk}{body}{self._break(level)}]")
            else:
                texts.append(step)
        return texts

    def _scalars(self, values: list[Any]) -> list[str]:
        if not values:
            return []
        text = "".join(self.encoder(values, 0))  # `[` v1 `\n` v2 ... `]`
        return text[1:-1].split("\n")

    def _formats(self, level: int, keys: list[tuple[str, ...]]) -> list[str]:
        """`_format(level, k)` for each `k` of `keys` (most of them alike)."""
        known = self.by_level.get(level)
        if known is None:
            known = self.by_level[level] = {}
        for k in set(keys).difference(known):
            known[k] = self._format(level, k)
        return list(map(known.__getitem__, keys))

    def _format(self, level: int, keys: tuple[str, ...]) -> str:
        """`%`-format of a dict with these keys at `level`, a `%s` per value."""
        if not keys:
            return "{}"
        found = self.formats.get((level, keys))
        if found is None:
            brk = self._break(level + 1)
            body = ("," + brk).join(_encode_str(k).replace("%", "%%") + ": %s" for k in keys)
            found = self.formats[(level, keys)] = f"{{{brk}{body}{self._break(level)}}}"
        return found


class _Slow:
    """The indenting Python encoder's logic, recursively: for what `_Indented` leaves to it."""

    def __init__(self, brk: Any) -> None:
        self.brk = brk
        self.active: set[int] = set()  # containers being written (json's circular check)

    def text(self, o: Any, level: int) -> str:
        out: list[str] = []
        self.value(o, level, out)
        return "".join(out)

    def value(self, o: Any, level: int, out: list[str]) -> None:
        if isinstance(o, str):
            out.append(_encode_str(o))
        elif o is None:
            out.append("null")
        elif o is True:
            out.append("true")
        elif o is False:
            out.append("false")
        elif isinstance(o, int):
            out.append(int.__repr__(o))
        elif isinstance(o, float):
            out.append(_float(o))
        elif isinstance(o, (list, tuple, dict)):
            self.container(o, level, out)
        else:
            raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

    def container(self, o: Any, level: int, out: list[str]) -> None:
        is_dict = isinstance(o, dict)
        if not o:
            out.append("{}" if is_dict else "[]")
            return
        ident = id(o)
        if ident in self.active:
            raise ValueError("Circular reference detected")
        self.active.add(ident)
        inner = level + 1
        brk = self.brk(inner)
        between = "," + brk
        sep = ("{" if is_dict else "[") + brk
        if is_dict:
            for key, item in o.items():
                out.append(f"{sep}{_key(key)}: ")
                self.value(item, inner, out)
                sep = between
        else:
            for item in o:
                out.append(sep)
                self.value(item, inner, out)
                sep = between
        out.append(self.brk(level) + ("}" if is_dict else "]"))
        self.active.discard(ident)


try:
    from json.encoder import c_make_encoder as _c_make_encoder  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    _c_make_encoder = None
# sort_keys, skipkeys, allow_nan
_FLAGS = (False, False, False)


def _float(o: float) -> str:
    if o != o or o in (_INF, -_INF):
        raise ValueError("Out of range float values are not JSON compliant: " + repr(o))
    return float.__repr__(o)


_INF = float("inf")


def _key(key: Any) -> str:
    """A non-string mapping key as `json.dumps` writes it (skipkeys=False)."""
    if isinstance(key, str):
        return _encode_str(key)
    if isinstance(key, float):
        return _encode_str(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _encode_str(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def plain(value: Any) -> Any:
    """A JSON-safe copy of a value from a manifest (dates, sets, NaN and the like as text)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)
