"""Frozen data types shared by the loader, the engine, the checks and the formatters."""

from __future__ import annotations

import enum
import operator
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    from collections.abc import Callable

    from ruamel.yaml.nodes import Node

PathKey = str | int
Path = tuple[PathKey, ...]

# what a StorageClass is made of (NL3xx; cluster.storage_classes, catalogs.storage_media)
Media = Literal[
    "local-nvme",
    "nvme-of",
    "local-ssd",
    "local",
    "network-ssd",
    "network-hdd",
    "network-file",
    "ephemeral",
    "unknown",
]


class Severity(str, enum.Enum):
    """Finding severity, ordered note < warning < error."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """1-based inclusive start, exclusive-end column (SARIF convention: endColumn is one past)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def __reduce__(self) -> tuple[type[Span], tuple[int, int, int, int]]:
        # pickled (--jobs) as its four ints: a frozen slotted dataclass otherwise pickles
        # through a Python __getstate__/__setstate__ pair, twice as slow. Slots take a Span
        # to 64 bytes from 160 or more with its dict (every finding and related note has one).
        return (Span, (self.line, self.column, self.end_line, self.end_column))


# `Lines.compact` leaves shorter texts as they are: what it saves there is not worth a decode
COMPACT_FROM = 4096


# the Lines whose UTF-8 was decoded last, and its text (Lines.text)
_DECODED: list[object] = [None, ""]


class Lines(Sequence[str]):
    """The lines of a text (`str.splitlines`), found when first read: most files of a run are
    never read line by line, and a tuple of lines takes five times the memory of the text. A
    line is cut from the text when asked, by the offsets where lines end (eight bytes a line).
    A text Python holds at two or four bytes a character (one typographic quote in a CRD's
    descriptions makes the whole text so) can be held as UTF-8 instead (`compact`); its lines
    are then cut from the UTF-8, by byte offsets."""

    __slots__ = ("_ends", "_raw", "_text")

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._raw: bytes | None = None
        self._ends: array[int] | None = None

    @classmethod
    def of_utf8(cls, raw: bytes) -> Lines:
        """The Lines that `compact` made, from its `raw`."""
        lines = cls.__new__(cls)
        lines._text, lines._raw, lines._ends = None, raw, None
        return lines

    @property
    def text(self) -> str:
        text = self._text
        if text is None:
            # the last text decoded is kept: the trees of a file's documents are composed one
            # after another (load._Tree), each from the whole text
            if _DECODED[0] is not self:
                assert self._raw is not None
                _DECODED[:] = [self, self._raw.decode("utf-8", "surrogatepass")]
            decoded = _DECODED[1]
            assert isinstance(decoded, str)
            return decoded
        return text

    @property
    def raw(self) -> bytes | None:
        """The text as UTF-8 when `compact` took it so, else None."""
        return self._raw

    @property
    def held(self) -> str | bytes:
        """The text as held: the str, or its UTF-8 (`compact`)."""
        text = self._text
        if text is None:
            assert self._raw is not None
            return self._raw
        return text

    def compact(self) -> bool:
        """Hold the text as UTF-8 when that takes at most three quarters of what the str takes
        (a text of some KiB at two or four bytes a character, few of them wide: a mostly-ASCII
        text takes about half); `text` decodes it when asked. Whether it did."""
        text = self._text
        if text is None or len(text) < COMPACT_FROM or text.isascii():
            return False
        held = sys.getsizeof(text)
        if held < 2 * len(text):  # one byte a character already (Latin-1)
            return False
        raw = text.encode("utf-8", "surrogatepass")
        if 4 * len(raw) > 3 * held:
            return False
        self._raw, self._text = raw, None
        return True

    def _line_ends(self) -> array[int]:
        """Where each line ends, its line break included: in the text, or in its UTF-8."""
        ends = self._ends
        if ends is None:
            text = self._text
            lengths: Iterable[int]
            if text is not None:
                lengths = map(len, text.splitlines(True))
            else:
                pieces = self.text.splitlines(True)
                lengths = (len(p.encode("utf-8", "surrogatepass")) for p in pieces)
            ends = self._ends = array("q", accumulate(lengths))
        return ends

    def _line(self, ends: array[int], i: int) -> str:
        start, end = ends[i - 1] if i else 0, ends[i]
        text = self._text
        if text is not None:
            piece = text[start:end]
        else:
            assert self._raw is not None
            piece = self._raw[start:end].decode("utf-8", "surrogatepass")
        return piece.splitlines()[0]  # without its line break (a piece is never empty)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        ends = self._line_ends()
        if isinstance(index, slice):
            return tuple(self._line(ends, i) for i in range(*index.indices(len(ends))))
        i = index + len(ends) if index < 0 else index
        if not 0 <= i < len(ends):
            raise IndexError("line index out of range")
        return self._line(ends, i)

    def __len__(self) -> int:
        return len(self._line_ends())

    def __iter__(self) -> Iterator[str]:
        return iter(self.text.splitlines())

    def __bool__(self) -> bool:
        return bool(self._text if self._text is not None else self._raw)  # a text has a line

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, (Lines, tuple)) else other)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class SourceFile:
    """One input file (or stdin) as the user named it."""

    path: str  # the path as displayed in reports (relative where possible, '/'-separated)
    abspath: str | None  # None for stdin
    lines: Sequence[str] = field(repr=False, compare=False, default=())  # a tuple, or Lines

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""

    def held_size(self) -> int:
        """The size of the text as held: its characters, or the bytes of a text kept as UTF-8
        (Lines.compact), which are not decoded to count them."""
        lines = self.lines
        return len(lines.held) if isinstance(lines, Lines) else sum(map(len, lines))


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document of a file, with its composed node tree (positions) and plain data."""

    file: SourceFile
    index: int  # 0-based document index in the file
    # the node tree, or what composes it again on demand (a big run keeps no trees: load.py)
    tree: Node | Callable[[], Node] = field(repr=False, compare=False)
    data: Any = field(repr=False, compare=False)
    source_template: str | None = None

    @property
    def node(self) -> Node:
        tree = self.tree
        return tree() if callable(tree) else tree


@dataclass(frozen=True, slots=True)
class ObjectRef:
    api_version: str
    kind: str
    namespace: str | None
    name: str | None

    def describe(self) -> str:
        ident = self.name or "<unnamed>"
        if self.namespace:
            ident = f"{self.namespace}/{ident}"
        return f"{self.kind} {ident}"


@dataclass(frozen=True, slots=True)
class Resource:
    """A Kubernetes object: a document, or one item of a `kind: List`."""

    doc: Document = field(repr=False)
    ref: ObjectRef
    data: dict[str, Any] = field(repr=False, compare=False)
    # its node; None: the document's node at `prefix`, composed when asked (load._Tree)
    tree: Node | None = field(repr=False, compare=False)
    prefix: Path = ()  # path of this object inside its document (("items", 3) for a List item)
    # where its node's cells start in the positions its document recorded (netlint/marks.py):
    # 0, the document itself, but for a List item
    at: int = field(default=0, repr=False, compare=False)

    @property
    def node(self) -> Node:
        if self.tree is not None:
            return self.tree
        if not self.prefix:
            return self.doc.node
        from netlint.positions import resolve

        return resolve(self.doc.node, self.prefix)[1]

    @property
    def file(self) -> SourceFile:
        return self.doc.file

    @property
    def kind(self) -> str:
        return self.ref.kind

    @property
    def api_version(self) -> str:
        return self.ref.api_version

    @property
    def namespace(self) -> str | None:
        return self.ref.namespace

    @property
    def name(self) -> str | None:
        return self.ref.name

    @property
    def labels(self) -> dict[str, Any]:
        return _str_map(self.data, "labels")

    @property
    def annotations(self) -> dict[str, Any]:
        return _str_map(self.data, "annotations")


def no_tree() -> Node:
    """The tree of a detached object's document (Detached): there is none. A fix on such an
    object could not be placed as an edit (edits.make_edit reads the tree); no family that
    keeps facts sets one."""
    raise AssertionError("a detached object has no node: its fields were placed when it was read")


@dataclass(frozen=True, slots=True)
class Detached(Resource):
    """An object that outlives its document: a run-scoped family's facts (engine.Stream) point
    at it once the document is gone. It holds its identity, its `metadata` (for suppression by
    annotation), where it came from, and the spans of the fields its facts may point at,
    placed while it was loaded (`positions.detach`): `(path, at_key)` -> `resource_span`'s
    answer. Its document keeps no data and no tree."""

    spans: dict[tuple[Path, bool], tuple[Span, bool]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def node(self) -> Node:
        return no_tree()


def _str_map(data: dict[str, Any], key: str) -> dict[str, Any]:
    meta = data.get("metadata")
    if isinstance(meta, dict):
        value = meta.get(key)
        if isinstance(value, dict):
            return value
    return {}


@dataclass(frozen=True)
class Location:
    """Where a hit or related note points: a path inside a resource, or a raw span of a file."""

    file: SourceFile
    span: Span
    resource: Resource | None = None
    path: Path = ()


@dataclass(frozen=True)
class Related:
    """A related location (the StorageClass of a StatefulSet, a ConfigMap of a controller)."""

    message: str
    resource: Resource | None = None
    path: Path = ()
    file: SourceFile | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A field of an object, for rules that remember where a fact came from (the label that
    matched, the annotation that enables PROXY protocol, the volume etcd writes to)."""

    resource: Resource
    path: Path

    def related(self, message: str) -> Related:
        return Related(message, resource=self.resource, path=self.path)


@dataclass(frozen=True)
class Fix:
    """A machine-readable fix: set `path` of the object to `value` (or delete it when `delete`)."""

    description: str
    path: Path
    value: Any = None
    delete: bool = False


@dataclass(frozen=True)
class Edit:
    """A fix as a text change: replace `span` of the file with `text` (an empty span inserts)."""

    span: Span
    text: str


@dataclass(frozen=True)
class Hit:
    """What a check yields. The engine turns it into a Finding (position, ID, severity)."""

    message: str
    resource: Resource | None = None
    path: Path = ()
    file: SourceFile | None = None  # file-level hits (syntax errors) give file + span
    span: Span | None = None
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    at_key: bool = False  # point at the mapping key of `path` rather than its value
    fingerprint_extra: str = ""  # disambiguates several hits of one rule on one path


@dataclass(frozen=True)
class ResolvedRelated:
    message: str
    file: SourceFile
    span: Span
    object: ObjectRef | None


@dataclass(frozen=True)
class Suppression:
    kind: str  # "inSource" (annotation) or "external" (config exclude, baseline)
    justification: str
    source: str  # e.g. "annotation ignore.netlint.io/NL201", "config exclude #2", "baseline"


@dataclass(frozen=True)
class Rendering:
    """Where the object of a finding was rendered (helm template, kustomize build) and how the
    finding's location was mapped back to the file a reviewer edits."""

    file: SourceFile  # the rendered stream, e.g. `charts/web[values-prod.yaml]` or <stdin>
    span: Span  # the finding's place in it
    mapping: str  # "exact" (the offending line), "object" (the object's start) or "none"
    tool: str | None = None  # "helm" or "kustomize"
    target: str | None = None  # the chart or kustomization directory, when known
    name: str | None = None  # the render's name (helm: its values files); None for kustomize
    origin: str | None = None  # helm: the template (`# Source:`); kustomize: the base file


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    message: str
    file: SourceFile
    span: Span
    object: ObjectRef | None
    source_template: str | None
    fingerprint: str
    path: Path = ()
    related: tuple[ResolvedRelated, ...] = ()
    fix: Fix | None = None
    edit: Edit | None = None  # the fix as a text replacement, when it can be placed exactly
    suppression: Suppression | None = None
    # set when the object was rendered: `file` and `span` are then the mapped location
    rendered: Rendering | None = None

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        # pickled (--jobs) as its fields, as Span is: the slotted dataclass's own
        # __getstate__/__setstate__ pair costs more, and so does an unslotted one's copyreg
        # path (5,028 findings: dumps 0.057 -> 0.035 s, loads 0.030 -> 0.024 s)
        return (
            Finding,
            (
                self.rule,
                self.name,
                self.severity,
                self.message,
                self.file,
                self.span,
                self.object,
                self.source_template,
                self.fingerprint,
                self.path,
                self.related,
                self.fix,
                self.edit,
                self.suppression,
                self.rendered,
            ),
        )

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file.path, self.span.line, self.span.column, self.rule, self.message)


# Finding.sort_key as one C-level call per finding (a run sorts tens of thousands); kept beside
# it, and equal to it (tests/test_perf_rules2_shortcuts.py)
SORT_KEY = operator.attrgetter("file.path", "span.line", "span.column", "rule", "message")
