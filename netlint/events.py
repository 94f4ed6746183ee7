"""A plain file's documents built straight from the parser's events, without node trees.

The usual load (netlint/load.py) has libyaml's C composer build a node tree per document,
calling back into Python twice per node (the node class, the resolver), and then walks the
tree to build the data and record every node's position (`load._Capture`, netlint/marks.py).
For most files of a big run the tree is thrown away at once. Here the same data and the same
positions come from the event stream: one Python step per event, no node objects, no second
walk (the synthetic 10k objects of benchmarks/ load in about 0.61 s against 0.82 s).

Only files where the result is certain to be the usual one take this way (`load.load_text`
decides: no alias, no directive, no template braces, ordinary line breaks, trees not kept),
and only documents whose every key is an implicitly typed string. Anything else, anywhere in
the file (a tag, an anchor, a merge or duplicate key, a key that is not a string, deep
nesting, a document that starts on its `---` line, too many documents or nodes, a syntax
error), makes `documents` return None having changed nothing: the caller then loads the file
the usual way, which reports what it found. tests/test_events.py compares both ways on every
corpus and YAML-test-suite file, and each process checks once that its ruamel.yaml.clib makes
events as this module reads them (`usable`).
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netlint.marks import WIDTH, Marks
from netlint.model import Document, SourceFile

if TYPE_CHECKING:
    from netlint.load import Limits

_intern = sys.intern


# The parser makes an event object per event through the classes its module names; these take
# their arguments as `args` in C (an exception's constructor), where ruamel's event classes run
# a Python `__init__` with keyword defaults. They exist only while `documents` parses (`_swap`).
# The arguments, as the parser passes them (ruamel.yaml.clib, `_event_to_object`):
#   scalar: anchor, tag, (plain implicit, quoted implicit), value, start, end, style
#   mapping or sequence start: anchor, tag, implicit, start, end, flow style
#   mapping or sequence end: start, end
class _Scalar(BaseException):
    __slots__ = ()


class _MappingStart(BaseException):
    __slots__ = ()


class _SequenceStart(BaseException):
    __slots__ = ()


class _MappingEnd(BaseException):
    __slots__ = ()


class _SequenceEnd(BaseException):
    __slots__ = ()


_EVENT_CLASSES = (
    ("ScalarEvent", _Scalar),
    ("MappingStartEvent", _MappingStart),
    ("SequenceStartEvent", _SequenceStart),
    ("MappingEndEvent", _MappingEnd),
    ("SequenceEndEvent", _SequenceEnd),
)


class _Unusual(Exception):
    """Something the usual load must handle: `documents` gives up on the file."""


@contextlib.contextmanager
def _swap(module: Any) -> Iterator[None]:
    saved = [(name, getattr(module, name)) for name, _ in _EVENT_CLASSES]
    for name, cls in _EVENT_CLASSES:
        setattr(module, name, cls)
    try:
        yield
    finally:
        for name, cls in saved:
            setattr(module, name, cls)


# Short plain scalars by their text (keys and values repeat across documents): the tag the
# loader's `resolve` gives them, and for those it types as strings the interned text itself,
# so that one lookup answers both; for the loader class whose str tag they were made with.
_TAGS: dict[str, Any] = {}
_STRS: dict[str, str] = {}
# and their data as a value: the interned text, or the int, bool or None it means (floats are
# built each time: a shared NaN would compare equal to itself inside containers)
_DATA: dict[str, Any] = {}
_TAGS_FOR: list[Any] = [None]
_NOTHING = object()


class _Walk:
    """One file's events -> data and cells, as `load._Capture` builds them from nodes: the same
    data (short strings interned), the same cells in the same order."""

    def __init__(self, loader: Any, max_depth: int) -> None:
        from ruamel.yaml.nodes import ScalarNode

        from netlint.load import _INTERN_UP_TO, _KNOWN_VALUES, _str_tag

        self.get = loader.get_event
        self.resolve = loader.resolve
        self.max_depth = max_depth
        self.str_tag = _str_tag()
        if _TAGS_FOR[0] is not self.str_tag:
            _TAGS.clear()
            _STRS.clear()
            _DATA.clear()
            _TAGS_FOR[0] = self.str_tag
        self.short = _INTERN_UP_TO
        self.known = _KNOWN_VALUES
        self.cells: list[int] = []
        # the resolver's node class argument: a scalar's tag depends on it being a scalar only
        self.scalar_kind = ScalarNode

    def plain(self, value: str, implicit: tuple[bool, bool]) -> Any:
        """The data of a plain scalar that `_STRS` does not hold (`load._Builder._leaf`)."""
        found = _TAGS.get(value)
        short = len(value) <= self.short
        if found is None:
            found = self.resolve(self.scalar_kind, value, implicit)
            if short and len(_TAGS) < self.known:
                _TAGS[value] = found
        if found is self.str_tag:
            if not short:
                return value
            value = _intern(value)
            if len(_STRS) < self.known:
                _STRS[value] = _DATA[value] = value
            return value
        from netlint.load import _scalar_of

        typed = _scalar_of(found.suffix, value)
        if short:
            if type(typed) is str:
                typed = _intern(typed)
            if type(typed) is not float and len(_DATA) < self.known:
                _DATA[value] = typed
        return typed

    def key(self, value: str, implicit: tuple[bool, bool]) -> str:
        """A plain key that `_STRS` does not hold: an implicitly typed string (never `<<`, the
        merge key), else the file is unusual (`load._Capture._walk_mapping` stops there)."""
        found = _TAGS.get(value)
        if found is None:
            found = self.resolve(self.scalar_kind, value, implicit)
            if len(value) <= self.short and len(_TAGS) < self.known:
                _TAGS[value] = found
        if found is not self.str_tag:
            raise _Unusual
        key = _intern(value)
        if len(value) <= self.short and len(_STRS) < self.known:
            _STRS[key] = _DATA[key] = key
        return key

    def scalar(self, args: tuple[Any, ...]) -> Any:
        """A scalar's data, its cells written."""
        anchor, tag, implicit, value, start, end, _ = args
        if anchor is not None or tag is not None:
            raise _Unusual  # an anchor, an explicit tag (`!!int`, `!`, custom)
        self.cells += (start.line, start.column, end.line, end.column, 8)
        if implicit[0]:
            found = _DATA.get(value, _NOTHING)
            return found if found is not _NOTHING else self.plain(value, implicit)
        return _intern(value) if len(value) <= self.short else value

    def collection(self, event: BaseException, depth: int) -> Any:
        """A mapping or sequence whose start event is `event`, up to its end event."""
        if depth > self.max_depth:
            raise _Unusual
        anchor, tag, _, start, _, flow = event.args
        if anchor is not None or tag is not None:
            raise _Unusual
        cells = self.cells
        at = len(cells)
        cells += (start.line, start.column, 0, 0, 0)
        get = self.get
        last = -1
        child = depth + 1
        data: Any
        if type(event) is _MappingStart:
            data = {}
            kind = 1
            short = self.short
            while True:
                item = get()
                cls = type(item)
                if cls is _MappingEnd:
                    break
                if cls is not _Scalar:
                    raise _Unusual  # a complex key or an alias
                anchor, tag, implicit, value, start, end, _ = item.args
                if anchor is not None or tag is not None:
                    raise _Unusual
                if implicit[0]:
                    key = _STRS.get(value) or self.key(value, implicit)
                elif value == "<<":
                    raise _Unusual  # as `load._Capture._walk_mapping`, quoted or not
                else:
                    key = _intern(value)
                if key in data:
                    raise _Unusual  # a duplicate key: the usual load reports it
                cells += (start.line, start.column, end.line, end.column, 8)
                last = len(cells)
                item = get()
                cls = type(item)
                if cls is _Scalar:  # inlined `scalar`, the common case
                    anchor, tag, implicit, value, start, end, _ = item.args
                    if anchor is not None or tag is not None:
                        raise _Unusual
                    cells += (start.line, start.column, end.line, end.column, 8)
                    if implicit[0]:
                        found = _DATA.get(value, _NOTHING)
                        data[key] = found if found is not _NOTHING else self.plain(value, implicit)
                    else:
                        data[key] = _intern(value) if len(value) <= short else value
                elif cls is _MappingStart or cls is _SequenceStart:
                    data[key] = self.collection(item, child)
                else:
                    raise _Unusual  # an alias
        else:
            data = []
            kind = 2
            append = data.append
            while True:
                item = get()
                cls = type(item)
                if cls is _SequenceEnd:
                    break
                last = len(cells)
                if cls is _Scalar:
                    append(self.scalar(item.args))
                elif cls is _MappingStart or cls is _SequenceStart:
                    append(self.collection(item, child))
                else:
                    raise _Unusual  # an alias
        if flow:
            kind |= 4
        if last < 0 or flow:
            end = item.args[1]
            cells[at + 2] = end.line
            cells[at + 3] = end.column
        else:  # a block collection ends where its last child ends (load.node_span)
            cells[at + 2] = cells[last + 2]
            cells[at + 3] = cells[last + 3]
        cells[at + 4] = (len(cells) - at) // 5 << 3 | kind
        return data


# a probe of every shape `_Walk` builds: block and flow collections, nesting, typed and quoted
# scalars, two documents
_PROBE = (
    "a: 1\nb: [true, 'x', null, 2.5, 0x1F]\nc:\n  d: e\n  f:\n  - g\n  - {h: i}\n"
    "---\n- j\n- k: ''\n"
)


@functools.lru_cache(maxsize=1)
def usable() -> bool:
    """Whether this ruamel.yaml.clib makes its events as `_Walk` reads them (their classes
    named in its module, their arguments in that order): the probe built from events must be
    the probe the node walk builds, data and positions. Else every file takes the node walk."""
    from netlint import load
    from netlint.model import Lines

    file = SourceFile("probe.yaml", None, Lines(_PROBE))
    fast = documents(file, _PROBE, load.Limits(max_depth=10, max_documents_per_file=10))
    saved = load.EVENTS
    load.EVENTS = False
    try:
        slow = load.load_text(file, _PROBE, keep_nodes=False).documents
    finally:
        load.EVENTS = saved
    return fast is not None and facts(fast) == facts(slow)


def facts(docs: list[Document]) -> list[tuple[Any, ...]]:
    """What two loads of one text must agree on, per document: index, data (types spelled out
    by repr), where its tree composes again, and its cells."""
    from netlint.load import _Tree

    out: list[tuple[Any, ...]] = []
    for doc in docs:
        tree = doc.tree
        if isinstance(tree, _Tree):
            cells = None if tree.marks is None else list(tree.marks.cells)
            out.append((doc.index, repr(doc.data), tree.line0, tree.start, cells))
        else:
            out.append((doc.index, repr(doc.data), None))
    return out


def documents(file: SourceFile, composed: str, limits: Limits) -> list[Document] | None:
    """The documents of `composed` (the text as the composer reads it, load.load_text), each
    with its positions and a `load._Tree` to compose it again; None when the file is not for
    this way (see the module's docstring), with nothing changed."""
    from netlint.load import _composer_module, _loader_class, _release, _Tree

    max_documents = limits.max_documents_per_file
    per_document, per_file = limits.max_nodes_per_document, limits.max_nodes_per_file
    nodes = 0  # in the documents so far: a node has WIDTH cells (keys are nodes)

    module = _composer_module()
    if module is None:
        return None
    try:
        loader = _loader_class()(composed)
    except UnicodeEncodeError:
        return None
    out: list[Document] = []
    try:
        with _swap(module):
            walk = _Walk(loader, limits.max_depth)
            get = walk.get
            get()  # the stream's start
            while True:
                event = get()
                if type(event).__name__ == "StreamEndEvent":
                    return out
                # a document's start event; then its root node's events, then its end event
                root = get()
                walk.cells = []
                cls = type(root)
                if cls is _Scalar:
                    _, tag, _, value, start, _, _ = root.args
                    data = walk.scalar(root.args)
                    if data is None and tag is None and value in ("", "~", "null"):
                        get()  # an empty document (load._is_empty): not one
                        continue
                elif cls is _MappingStart or cls is _SequenceStart:
                    start = root.args[3]
                    data = walk.collection(root, 0)
                else:
                    raise _Unusual
                get()  # the document's end
                if len(out) >= max_documents:
                    raise _Unusual
                built = len(walk.cells) // WIDTH
                nodes += built
                if built > per_document or nodes > per_file:
                    raise _Unusual  # the node walk counts again, and reports the limit
                offset = start.index
                line_start = composed.rfind("\n", 0, offset) + 1
                if composed.startswith("---", line_start) or composed[line_start:offset].strip():
                    raise _Unusual  # starts on its `---` line: it keeps its tree
                tree = _Tree(composed, start.line, line_start, Marks(walk.cells))
                out.append(Document(file, len(out), tree, data))
    except Exception:  # _Unusual, a syntax error, anything: the usual load decides
        return None
    finally:
        with contextlib.suppress(Exception):
            loader.dispose()
        _release(loader)
