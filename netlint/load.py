"""Bytes -> documents with positions.

Parsing uses ruamel's C-backed composer (libyaml); every node keeps its start/end marks, and the
plain Python data the checks read is built from the nodes in one pass that also finds duplicate
keys. Comments are not in C-parser nodes: `# Source:` lines are read with a cheap line scan.
A syntax error ends libyaml's stream, so parsing resumes at the next `---` line: the documents
after a broken one are not lost.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tag import Tag as _Tag

from netlint.marks import Marks
from netlint.model import Document, Lines, SourceFile, Span
from netlint.unread import document_starts, has_line_start

# Problem codes produced while loading (the NL0xx checks turn them into findings).
SYNTAX = "syntax"
ENCODING = "encoding"
DUPLICATE_KEY = "duplicate-key"
TEMPLATE = "template"
LIMIT = "limit"
REFUSED = "refused"  # a whole file not read (too big); see api.read_file

_DOC_START = re.compile(r"^---(?=[ \t]|$)", re.M)
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$", re.M)
_TEMPLATE_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
# Template actions that only Helm (not Prometheus, Alertmanager or Argo, which also put
# `{{ }}` into valid YAML strings) writes; used on documents that parsed.
_HELM_ONLY = re.compile(
    r"\.Values\b|\.Release\.|\.Chart\.|\.Capabilities\.|\.Files\.|\.Template\.|"
    r"\binclude\s+\"|\btoYaml\b|\bnindent\b"
)

_intern = sys.intern
_INTERN_UP_TO = 32
# whether plain files are built from the parser's events (netlint/events.py); tests turn it off
# to compare with the node walk
EVENTS = True
_KNOWN_VALUES = 1 << 16  # the resolver's memo of tags by text (_loader_class)
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"


# libyaml composes recursively in C and overflows the stack somewhere past 20k levels of
# nesting (a segfault no exception handler can catch); files nested deeper than this bound are
# refused before parsing. Real manifests stay far below 100 levels.
PARSER_DEPTH_BOUND = 5000
# a line that starts with that many columns of indentation or indicators; searched as `\n` and
# the run (a literal first character lets the regex engine skip ahead: three times faster than
# `^` in multi-line mode), plus a match at the start of the text
_DEEP_BLOCK = re.compile(rf"[ \t?:-]{{{PARSER_DEPTH_BOUND}}}")
_DEEP_LINE = re.compile(rf"\n[ \t?:-]{{{PARSER_DEPTH_BOUND}}}")
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> int | None:
    """Offset where nesting may exceed PARSER_DEPTH_BOUND, or None. Cheap for normal files:
    block nesting needs that many columns of indentation or indicators at a line start, flow
    nesting that many brackets; only bracket-heavy files get a full scan."""
    if len(text) < PARSER_DEPTH_BOUND:
        return None
    if _DEEP_BLOCK.match(text) is not None:
        return 0
    m = _DEEP_LINE.search(text)
    if m is not None:
        return m.start() + 1
    if text.count("[") + text.count("{") < PARSER_DEPTH_BOUND:
        return None
    depth = 0
    for m in _BRACKET.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > PARSER_DEPTH_BOUND:
                return m.start()
        elif depth:
            depth -= 1
    return None


@dataclass(frozen=True)
class Limits:
    """Guards against hostile input; configurable through the config's `limits:` section."""

    max_depth: int = 400
    max_nodes_per_document: int = 2_000_000  # counted with alias expansion
    max_nodes_per_file: int = 5_000_000  # all documents together, with alias expansion
    max_file_bytes: int = 8 * 1024 * 1024
    max_documents_per_file: int = 10_000

    @classmethod
    def of(cls, model: Any) -> Limits:
        """From the config's `limits:` section (netlint.config.LimitsModel)."""
        return cls(**{f: getattr(model, f) for f in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Problem:
    code: str
    span: Span
    message: str
    key: str = ""  # content for the fingerprint (never the line number)
    doc_index: int | None = None


@dataclass(frozen=True)
class SourceMarks:
    """`# Source: chart/templates/x.yaml` comments (0-based lines) and `---` lines of a file."""

    marks: tuple[tuple[int, str], ...]
    separators: tuple[int, ...]

    def at(self, line0: int) -> str | None:
        """The template a line came from: the last Source comment above it in its document."""
        sep = max((s for s in self.separators if s <= line0), default=-1)
        found = None
        for mark_line, path in self.marks:
            if sep <= mark_line <= line0:
                found = path
        return found


@dataclass
class LoadedFile:
    file: SourceFile
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: SourceMarks | None = None


class _TooBig(Exception):
    def __init__(self, message: str, node: Node | None) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


def decode(raw: bytes) -> tuple[str | None, str | None]:
    """Return (text, None) or (None, reason). BOMs for UTF-8/16/32 are honoured and stripped."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), None
            except UnicodeDecodeError as exc:
                return None, f"not valid {codec.upper()} at byte {exc.start + len(bom)}"
    if b"\x00" in raw[:8192]:
        return None, _nul_reason(raw)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, f"not valid UTF-8 (byte {exc.start}, line {line}); save the file as UTF-8"


def _nul_reason(raw: bytes) -> str:
    """NUL bytes: UTF-16/32 text without a byte-order mark (its start decodes to printable
    text starting with ASCII in that encoding), else binary."""
    for codec in ("utf-32-be", "utf-32-le", "utf-16-be", "utf-16-le"):
        try:
            head = codecs.getincrementaldecoder(codec)().decode(raw[:4096], final=False)
        except UnicodeDecodeError:
            continue
        printable = all(ch.isprintable() or ch in "\t\r\n" for ch in head)
        # YAML starts with ASCII (a key, `-`, `#`, `---`), as YAML 1.2 section 5.2 assumes
        if head and head[0].isascii() and printable:
            return (
                f"{codec.upper()} text without a byte-order mark; save the file as UTF-8 (or "
                "start it with a byte-order mark)"
            )
    return "binary file (NUL bytes); not YAML or JSON"


def encoding_problem(reason: str, raw: bytes) -> Problem:
    line = 1
    m = re.search(r"line (\d+)", reason)
    if m:
        line = int(m.group(1))
    return Problem(ENCODING, Span(line, 1, line, 1), reason, key=reason.split(" (")[0])


def split_lines(text: str) -> tuple[str, ...]:
    return tuple(text.splitlines())


def load_text(
    file: SourceFile, text: str, limits: Limits = Limits(), keep_nodes: bool = True
) -> LoadedFile:
    """Parse every document of `text`; never raises for bad input. With `keep_nodes` False the
    node trees are not kept: each document composes its tree again when asked (`_Tree`)."""
    loader_class = _loader_class()
    if not file.lines and text:
        file = replace(file, lines=tuple(text.splitlines()))
    out = LoadedFile(file)
    if file.path.endswith(".json") and "\t" in text:
        # JSON allows tabs as white space where YAML forbids them; inside JSON strings a tab
        # must be escaped, so swapping each for a space keeps meaning, lines and columns.
        text = text.replace("\t", " ")
    deep = _too_deep(text)
    if deep is not None:
        line = text.count("\n", 0, deep) + 1
        out.problems.append(
            Problem(
                LIMIT,
                Span(line, 1, line, 2),
                f"nested too deeply to parse safely (over {PARSER_DEPTH_BOUND} open brackets "
                "or columns of block indentation); the file is not parsed",
                key="parser-depth",
            )
        )
        return out
    # what the C composer reads: the text, with the unread blocks of CRDs blanked (unread.py)
    composed = text
    if not file.path.endswith(".json"):
        from netlint.unread import skim

        composed = skim(text, limits.max_nodes_per_document, limits.max_depth)
    offset_line = pos = 0
    chunk = composed
    index = 0
    nodes = 0  # built so far in this file, aliases expanded (limits.max_nodes_per_file)
    has_braces = "{{" in text
    # a directive (%TAG) changes how every later document reads: keep such files' trees
    usual = (
        not keep_nodes
        and not has_line_start(composed, "%")
        and not _odd_breaks(composed)  # every line break is `\n` or `\r\n`
    )
    if usual and not has_braces:
        # the documents straight from the parser's events, when the file is usual enough: they
        # stop at the first alias and count their nodes, so neither a `*name` the scan cannot
        # rule out (in a description, say) nor the size of a file keeps a file from them
        from netlint.events import documents, usable

        built = documents(out.file, composed, limits) if EVENTS and usable() else None
        if built is not None:
            out.documents = built
            return _finish(out, text, has_braces)
    # the node walk: without alias guards where none can be (`plain`), forgetting the trees
    # of documents it need not keep (`lazy`)
    plain = _short(composed, limits) and not _may_alias(composed)
    lazy = usual and plain
    with _fast_nodes():
        while True:
            try:
                loader = loader_class(chunk)
            except UnicodeEncodeError as exc:  # lone surrogates: text that no bytes decode to
                out.problems.append(_unencodable(chunk, exc))
                break
            try:
                while loader.check_node():
                    node = loader.get_node()
                    if _is_empty(node):
                        continue
                    if index >= limits.max_documents_per_file:
                        out.problems.append(too_many_documents(node, limits, index))
                        break
                    added, cells = _add_document(
                        out, node, index, limits, has_braces, nodes, plain, lazy
                    )
                    nodes += added
                    if lazy and out.documents and out.documents[-1].index == index:
                        _forget(out, node, composed, offset_line, pos, cells)
                    index += 1
                break
            except (MarkedYAMLError, YAMLError) as exc:
                mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
                line = mark.line if mark is not None else 0
                col = mark.column if mark is not None else 0
                if mark is None and isinstance(getattr(exc, "position", None), int):
                    line, col = _reader_position(chunk, getattr(exc, "position", 0))
                line, col = _on_a_line(out.file.lines, line, col)
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                context = getattr(exc, "context", None)
                message = f"{problem} ({context})" if context else str(problem)
                out.problems.append(
                    Problem(
                        SYNTAX,
                        Span(line + 1, col + 1, line + 1, col + 2),
                        message,
                        key=f"{message}|{_line(text, line).strip()}",
                        doc_index=index,
                    )
                )
                index += 1
                resume = _next_document_start(composed, line, offset_line)
                if resume is None:
                    break
                offset_line, pos = resume
                # Newlines in front keep every mark's line number true for the resumed parse.
                chunk = "\n" * offset_line + composed[pos:]
            finally:
                with contextlib.suppress(Exception):
                    loader.dispose()
                _release(loader)
    return _finish(out, text, has_braces)


def _finish(out: LoadedFile, text: str, has_braces: bool) -> LoadedFile:
    """What `load_text` does after parsing, whichever way it parsed."""
    if has_braces and any(p.code == SYNTAX for p in out.problems):
        _templates_behind_syntax_errors(out, text)
    if "# Source:" in text:
        _attach_sources(out, text)
    _compact(out, text)
    return out


def _compact(out: LoadedFile, text: str) -> None:
    """A wide text held as UTF-8 (`Lines.compact`): the file's, and the text its documents
    compose from when it is another (a skimmed copy, unread.py). `text`: what was loaded."""
    lines = out.file.lines
    if type(lines) is not Lines:
        return
    held = lines.held
    if held is text:
        if not lines.compact():
            return
    elif type(held) is not bytes or held != text.encode("utf-8", "surrogatepass"):
        return  # another text (a JSON file's tabs made spaces), or one not held compact
    copies: dict[str, Lines | None] = {}  # a skimmed copy: one Lines for its documents
    for doc in out.documents:
        tree = doc.tree
        if type(tree) is not _Tree or type(tree.text) is not str:
            continue
        if tree.text is text:
            tree.text = lines
            continue
        if tree.text not in copies:
            copy = Lines(tree.text)
            copies[tree.text] = copy if copy.compact() else None
        compacted = copies[tree.text]
        if compacted is not None:
            tree.text = compacted


_ALIAS_NAME = re.compile(r"\*[\w-]")
# what may stand right before a token: libyaml starts a token after white space (any line break
# included), a flow indicator, a `:` (`{"a":*b}`) or a byte-order mark
_BEFORE_TOKEN = frozenset("[]{},:\ufeff")


def _short(text: str, limits: Limits) -> bool:
    """Whether, `text` holding no alias, none of its documents nor all of them together can
    build as many nodes as the limits allow: without aliases a document builds fewer nodes
    than twice its length, so one shorter than half a limit stays under it. A document lies
    between two `---` lines (a line starting with one inside a document can only be a syntax
    error), so the longest stretch between them bounds every document: a big file of many
    documents (an operator's install.yaml) is short too."""
    size = len(text)
    if 2 * size >= limits.max_nodes_per_file:
        return False
    half = limits.max_nodes_per_document // 2 + limits.max_nodes_per_document % 2
    if size < half:
        return True
    last = 0
    for start in document_starts(text):
        if start - last >= half:
            return False
        last = start
    return size - last < half


def _may_alias(text: str) -> bool:
    """Whether `text` may hold an alias (`*name`: libyaml's names are `[0-9A-Za-z_-]+`, at the
    start of a token). A `*` inside a scalar (`"*.example.com"`, `a*b`) is not one. Any doubt
    answers yes: the caller then walks with the alias guards on."""
    if "*" not in text:
        return False
    for m in _ALIAS_NAME.finditer(text):
        at = m.start()
        if at == 0:
            return True
        before = text[at - 1]
        if before.isspace() or before in _BEFORE_TOKEN:
            return True
    return False


def _odd_breaks(text: str) -> bool:
    """`_ODD_BREAK.search(text) is not None` in substring searches and counts, which run at
    memory speed (the regex scans every character of a non-ASCII text)."""
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return True
    # a CR that no LF follows: more CRs than CRLFs
    return "\r" in text and text.count("\r") != text.count("\r\n")


def _unencodable(chunk: str, exc: UnicodeEncodeError) -> Problem:
    line = chunk.count("\n", 0, exc.start) + 1
    reason = f"not encodable as UTF-8 (character {exc.start}, line {line})"
    return Problem(ENCODING, Span(line, 1, line, 1), reason, key="unencodable")


def _on_a_line(lines: Sequence[str], line0: int, col0: int) -> tuple[int, int]:
    """libyaml puts an error at the end of the stream on the line after the last one (the file
    ends inside a flow collection or without a final newline): point at the end of the last
    line instead, so the finding is on a line the file has."""
    if line0 < len(lines) or not lines:
        return (line0, col0) if lines else (0, 0)
    return len(lines) - 1, len(lines[-1])


def _reader_position(chunk: str, position: int) -> tuple[int, int]:
    """0-based line and column of a reader error (a character YAML forbids, such as NUL):
    libyaml gives only a byte offset into the UTF-8 text."""
    raw = chunk.encode("utf-8", "surrogatepass")
    start = raw.rfind(b"\n", 0, position) + 1
    return raw.count(b"\n", 0, position), len(raw[start:position].decode("utf-8", "replace"))


@functools.lru_cache(maxsize=1)
def _loader_class() -> Any:
    """ruamel's CSafeLoader with its resolver's dispatch precomputed. The C composer calls back
    into Python for every node: `resolve` for its tag, `descend_resolver`/`ascend_resolver` for
    path resolvers. With no path resolvers registered (the safe loader has none) those two do
    nothing, and `resolve` reduces to: the implicit resolvers for the scalar's first character,
    in their order, else the default tag. Same tags, a fraction of the calls; when the resolver
    is not the one this was derived from, CSafeLoader itself is used."""
    from ruamel.yaml.cyaml import CSafeLoader
    from ruamel.yaml.resolver import BaseResolver, Resolver
    from ruamel.yaml.tag import Tag

    if (
        Resolver.yaml_path_resolvers
        or Resolver.yaml_implicit_resolvers.get(None)
        or CSafeLoader.resolve is not BaseResolver.resolve
        or CSafeLoader.descend_resolver is not BaseResolver.descend_resolver
        or CSafeLoader.ascend_resolver is not BaseResolver.ascend_resolver
    ):
        return CSafeLoader
    implicit_resolvers = Resolver.yaml_implicit_resolvers
    # first character -> ((tag, regexp.match), ...), bound on first use: ruamel's regexps are
    # lazy wrappers that forward every attribute access through Python code. One Tag object per
    # tag, so the builder can tell the common tags by identity (_Builder._lean_mapping).
    table: dict[str, tuple[tuple[Any, Any], ...]] = {}
    tags: dict[str, Any] = {}

    def matchers(first: str) -> tuple[tuple[Any, Any], ...]:
        found = table[first] = tuple(
            (tags.setdefault(tag, Tag(suffix=tag)), regexp.match)
            for tag, regexp in implicit_resolvers.get(first, ())
        )
        return found

    # the tag of short plain scalars by their text: keys and values repeat across documents
    # (`name`, `image`, `80`, `true`), and a lookup is cheaper than the slice, the table and the
    # regular expressions; bounded, as a run may hold any number of distinct values
    known: dict[str, Any] = {}
    scalar_tag = CSafeLoader.DEFAULT_SCALAR_TAG
    sequence_tag = CSafeLoader.DEFAULT_SEQUENCE_TAG
    mapping_tag = CSafeLoader.DEFAULT_MAPPING_TAG

    class SafeResolvingLoader(CSafeLoader):
        # The composer calls `descend_resolver(parent, index)` before and `ascend_resolver()`
        # after every node; with no path resolvers both do nothing. A builtin type as a class
        # attribute is not bound to the instance, so these are calls into C that build a
        # throwaway slice and return the empty tuple: no Python frame per node.
        descend_resolver = slice  # type: ignore[assignment]
        ascend_resolver = tuple  # type: ignore[assignment]

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            # `kind` is the class the composer is about to build: ruamel's, or netlint's
            # while `_fast_nodes` is in effect
            if kind is FastScalarNode or kind is ScalarNode:
                if implicit[0]:
                    tag = known.get(value)
                    if tag is not None:
                        return tag
                    first = value[:1]
                    found = table.get(first)
                    tag = scalar_tag
                    for candidate, match in matchers(first) if found is None else found:
                        if match(value):
                            tag = candidate
                            break
                    if len(value) <= _INTERN_UP_TO and len(known) < _KNOWN_VALUES:
                        known[value] = tag
                    return tag
                return scalar_tag
            if kind is FastSequenceNode or kind is SequenceNode:
                return sequence_tag
            if kind is FastMappingNode or kind is MappingNode:
                return mapping_tag
            return None

    return SafeResolvingLoader


def _str_tag() -> Any:
    """The Tag object of implicitly typed strings, as the loader's `resolve` returns it."""
    return _loader_class().DEFAULT_SCALAR_TAG


# ---- node classes -----------------------------------------------------------------------------
# ruamel's node classes build every node through two Python `__init__` frames with keyword
# arguments (ScalarNode -> Node): a fifth of the load time. These subclasses set the same slots
# to the same values in one frame; while netlint composes (`_fast_nodes`) the C composer's module
# is pointed at them. Being subclasses, every `isinstance` test elsewhere holds.


class FastScalarNode(ScalarNode):
    __slots__ = ()

    def __init__(
        self,
        tag: Any,
        value: Any,
        start_mark: Any = None,
        end_mark: Any = None,
        style: Any = None,
        comment: Any = None,
        anchor: Any = None,
    ) -> None:
        self.ctag = tag if isinstance(tag, _Tag) else _Tag(suffix=tag)
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = comment
        self.anchor = anchor
        self.style = style


class FastSequenceNode(SequenceNode):
    __slots__ = ()

    def __init__(
        self,
        tag: Any,
        value: Any,
        start_mark: Any = None,
        end_mark: Any = None,
        flow_style: Any = None,
        comment: Any = None,
        anchor: Any = None,
    ) -> None:
        self.ctag = tag if isinstance(tag, _Tag) else _Tag(suffix=tag)
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = comment
        self.anchor = anchor
        self.flow_style = flow_style


class FastMappingNode(MappingNode):
    __slots__ = ()

    def __init__(
        self,
        tag: Any,
        value: Any,
        start_mark: Any = None,
        end_mark: Any = None,
        flow_style: Any = None,
        comment: Any = None,
        anchor: Any = None,
    ) -> None:
        self.ctag = tag if isinstance(tag, _Tag) else _Tag(suffix=tag)
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = comment
        self.anchor = anchor
        self.flow_style = flow_style
        self.merge = None


_NODE_CLASSES = (
    ("ScalarNode", ScalarNode, FastScalarNode),
    ("SequenceNode", SequenceNode, FastSequenceNode),
    ("MappingNode", MappingNode, FastMappingNode),
)
# named as ruamel's (reprs, and code that reports a node's class by name, stay the same)
for _name, _, _fast in _NODE_CLASSES:
    _fast.__name__ = _name


@functools.lru_cache(maxsize=1)
def _composer_module() -> Any:
    """The C composer's module when its node classes are ruamel's own (so they can be swapped
    for the fast ones), else None: then nodes are ruamel's, and the builder takes its general
    path for them."""
    try:
        import _ruamel_yaml  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - ruamel.yaml.clib is a dependency
        return None
    from ruamel.yaml.cyaml import CSafeLoader

    if _loader_class() is CSafeLoader:
        return None  # pragma: no cover - ruamel's `resolve` knows only ruamel's classes
    if any(getattr(_ruamel_yaml, name, None) is not cls for name, cls, _ in _NODE_CLASSES):
        return None  # pragma: no cover - another version or somebody else's classes
    return _ruamel_yaml


@contextlib.contextmanager
def _fast_nodes() -> Iterator[None]:
    """Compose with the fast node classes; ruamel's are back when the block ends, so nothing
    outside netlint's loading ever sees the swap (nested uses keep the outer one's)."""
    module = _composer_module()
    if module is None or module.ScalarNode is FastScalarNode:
        yield
        return
    for name, _, fast in _NODE_CLASSES:
        setattr(module, name, fast)
    try:
        yield
    finally:
        for name, cls, _ in _NODE_CLASSES:
            setattr(module, name, cls)


def _release(loader: Any) -> None:
    """ruamel's loaders refer to themselves (`_parser`, `loader`, `_resolver`, ...): a cycle
    that, with the collector paused for the run (api.lint), would keep every loader and its
    input text alive until the end. Dropping its attributes lets it go at once."""
    with contextlib.suppress(Exception):
        loader.__dict__.clear()


def _lines_of(text: str, offsets: list[int]) -> list[int]:
    """0-based line numbers of ascending character offsets, counted in one pass."""
    out = []
    line = prev = 0
    for offset in offsets:
        line += text.count("\n", prev, offset)
        prev = offset
        out.append(line)
    return out


def _line(text: str, line0: int) -> str:
    start = 0
    for _ in range(line0):
        nl = text.find("\n", start)
        if nl < 0:
            return ""
        start = nl + 1
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)]


def _next_document_start(text: str, error_line0: int, chunk_line0: int) -> tuple[int, int] | None:
    """First `---` line after the error (strictly after the chunk's own start)."""
    matches = list(_DOC_START.finditer(text))
    for m, line0 in zip(matches, _lines_of(text, [m.start() for m in matches]), strict=True):
        if line0 > chunk_line0 and line0 >= error_line0:
            if line0 == error_line0 and line0 == chunk_line0:
                continue
            return line0, m.start()
    return None


class _Tree:
    """A document's node tree, composed again from the text when asked: a big run keeps the
    data of every document but not the trees, which take three times as much memory. The
    document starts at `line0` (0-based) of `text`; composing from the start of that line, with
    as many newlines in front, gives the same nodes at the same lines and columns. The last
    `RECENT` trees are kept, as findings come in runs on the same objects."""

    __slots__ = ("line0", "marks", "node", "start", "text")
    RECENT = 256
    _recent: ClassVar[deque[_Tree]] = deque()

    def __init__(
        self, text: str | Lines, line0: int, start: int, marks: Marks | None = None
    ) -> None:
        # the text, or a Lines holding it as UTF-8 (the file's, or a skimmed copy's: _compact)
        self.text = text
        self.line0 = line0
        self.start = start
        # every node's position (netlint/marks.py): findings are placed without composing
        self.marks = marks
        self.node: Node | None = None

    def __call__(self) -> Node:
        node = self.node
        if node is None:
            held = self.text
            text = held if isinstance(held, str) else held.text
            loader = _loader_class()("\n" * self.line0 + text[self.start :])
            try:
                with _fast_nodes():
                    node = loader.get_node() if loader.check_node() else None
            finally:
                loader.dispose()
                _release(loader)
            self.node = node
            recent = _Tree._recent
            recent.append(self)
            while len(recent) > self.RECENT:
                recent.popleft().node = None
        assert node is not None
        return node


# ---- a file's text, kept only where its kept documents are (engine.Stream) ---------------------

# line breaks other than "\n" (YAML's "\r", str.splitlines' others): a text that holds one is
# kept whole, since its lines might not be counted alike by "\n" alone
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def keep_regions(loaded: LoadedFile, before: Sequence[Document]) -> None:
    """Blank the lines of `loaded`'s text that none of its documents still holds (`before`:
    its documents before some were dropped). A kept document holds its lines from its first
    up to the next document's first; every other line becomes empty, so lines keep their
    numbers and a kept line its text.

    It is done where every document is composed again from one text (`_Tree`): the file's,
    or a skimmed copy of it (unread.py: the same lines, CRDs' schemas blanked), whose kept
    lines are the file's since no CRD is kept. The regions are cut at the documents' own
    start offsets, with no line searched for. Nothing is done where that cannot be exact: a
    document with a tree of its own, or composed from another text, a kept CRD, a text with
    other line breaks than "\n"."""
    lines = loaded.file.lines
    if type(lines) is not Lines or len(loaded.documents) == len(before) or not before:
        return
    trees = [doc.tree for doc in before if type(doc.tree) is _Tree]
    if len(trees) < len(before):
        return
    held = trees[0].text
    if any(tree.text is not held for tree in trees):
        return
    own = held is lines or held is lines.held
    if not own and any(_is_crd(doc.data) for doc in loaded.documents):
        return
    text = held if isinstance(held, str) else held.text
    if _breaks_elsewhere(text):
        return
    kept = {id(doc) for doc in loaded.documents}
    pieces = ["\n" * trees[0].line0]
    at = len(pieces[0])
    moved: list[tuple[_Tree, int]] = []
    for i, doc in enumerate(before):
        tree = trees[i]
        nxt = trees[i + 1] if i + 1 < len(trees) else None
        end = nxt.start if nxt is not None else len(text)
        if id(doc) in kept:
            moved.append((tree, at))
            piece = text[tree.start : end]
        elif nxt is not None:
            piece = "\n" * (nxt.line0 - tree.line0)
        else:  # the last: its line breaks, and a last line without one as it is
            piece = "\n" * text.count("\n", tree.start)
            if not text.endswith("\n"):
                piece += text[text.rfind("\n") + 1 :]
        pieces.append(piece)
        at += len(piece)
    joined = "".join(pieces)
    shorter = Lines(joined)
    if type(lines.held) is bytes or (isinstance(held, Lines) and type(held.held) is bytes):
        shorter.compact()
    for tree, start in moved:
        tree.start = start
        tree.text = shorter if isinstance(held, Lines) else joined
    # the SourceFile is frozen; its lines are not part of its identity (`compare=False`)
    object.__setattr__(loaded.file, "lines", shorter)


def _is_crd(data: object) -> bool:
    return isinstance(data, dict) and data.get("kind") == "CustomResourceDefinition"


def _breaks_elsewhere(text: str) -> bool:
    if text.isascii():
        return any(c in text for c in _OTHER_BREAKS[:6])
    return any(c in text for c in _OTHER_BREAKS)


# ---- a loaded file between processes (--jobs: api._load_in_processes) ------------------------
# pickle writes a dataclass or slotted object through copyreg, a Python call per object; the same
# file as a tuple of builtins pickles and unpickles in about 60% of the time. Identity survives:
# one pickle holds a whole share, and its memo keeps a text shared by the file and its documents
# shared after unpickling.

_Packed = tuple[str, str | None, Any, list[tuple[Any, ...]], list[Problem], "SourceMarks | None"]


def pack(loaded: LoadedFile) -> _Packed | None:
    """`loaded` as builtins, for `unpack`; None when a document keeps its node tree (those
    files are read again where they are needed)."""
    file = loaded.file
    lines = file.lines
    # the file's text as `unpack` takes it: a str, UTF-8 (Lines.compact), or a tuple of lines
    text = lines.held if type(lines) is Lines else lines
    docs = []
    for doc in loaded.documents:
        tree = doc.tree
        if type(tree) is not _Tree:
            return None
        marks = tree.marks
        docs.append(
            (
                doc.index,
                text if tree.text is lines else _held(tree.text),
                tree.line0,
                tree.start,
                None if marks is None else marks.packed(),
                doc.data,
                doc.source_template,
            )
        )
    return file.path, file.abspath, text, docs, loaded.problems, loaded.sources


def _held(text: str | Lines) -> str | bytes:
    return text if isinstance(text, str) else text.held


def unpack(packed: _Packed) -> LoadedFile:
    """The LoadedFile that `pack` was given (its documents' trees not composed yet)."""
    path, abspath, text, docs, problems, sources = packed
    compact = type(text) is bytes
    lines = Lines(text) if type(text) is str else Lines.of_utf8(text) if compact else text
    file = SourceFile(path, abspath, lines)
    out = LoadedFile(file, [], problems, sources)
    append = out.documents.append
    copies: dict[bytes, Lines] = {}  # a skimmed copy held as UTF-8: one Lines for its documents
    for index, doc_text, line0, start, cells, data, template in docs:
        marks = None if cells is None else Marks.unpacked(cells)
        held: str | Lines = doc_text
        if doc_text is text and compact:
            held = lines
        elif type(doc_text) is bytes:
            if doc_text not in copies:
                copies[doc_text] = Lines.of_utf8(doc_text)
            held = copies[doc_text]
        append(Document(file, index, _Tree(held, line0, start, marks), data, template))
    return out


def _forget(
    out: LoadedFile,
    node: Node,
    composed: str,
    offset_line: int,
    pos: int,
    cells: list[int] | None = None,
) -> None:
    """Replace the last document's tree by a `_Tree` (with the positions in `cells`, when the
    walk recorded them), unless it starts on its `---` line (`--- !tag`, `--- {...}`)."""
    doc = out.documents[-1]
    data = doc.data
    line0 = node.start_mark.line
    # the mark's offset is into the chunk, which is `offset_line` newlines + composed[pos:]
    offset = node.start_mark.index - offset_line + pos
    start = composed.rfind("\n", 0, offset) + 1
    if composed.startswith("---", start) or composed[start:offset].strip():
        return
    marks = None if cells is None else Marks(cells)
    out.documents[-1] = Document(doc.file, doc.index, _Tree(composed, line0, start, marks), data)


def _start_line(doc: Document) -> int:
    tree = doc.tree
    return tree.line0 if isinstance(tree, _Tree) else doc.node.start_mark.line


def _is_empty(node: Node) -> bool:
    return (
        isinstance(node, ScalarNode)
        and node.ctag.suffix == _NULL
        and node.value in ("", "~", "null")
    )


def _start_span(node: Node) -> Span:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    return Span(line, col, line, col + 1)


def too_many_documents(node: Node, limits: Limits, index: int) -> Problem:
    line = node.start_mark.line + 1
    return Problem(
        LIMIT,
        Span(line, 1, line, 2),
        f"more than {limits.max_documents_per_file} documents in one file; this one and all "
        f"after it (from line {line}) are not checked (limit: limits.max_documents_per_file; "
        "raise it in the config or split the file)",
        key="max-documents",
        doc_index=index,
    )


def _add_document(
    out: LoadedFile,
    node: Node,
    index: int,
    limits: Limits,
    templates: bool,
    used: int = 0,
    plain: bool = False,
    capture: bool = False,
) -> tuple[int, list[int] | None]:
    """Build one document's data; returns the number of nodes built (for the file budget) and,
    with `capture` (a plain document whose tree will not be kept), every node's position in
    cells (netlint/marks.py), or None when the document's data cannot carry them."""
    if capture and plain and _composer_module() is not None:
        had = len(out.problems)
        capturing = _Capture(out, index, limits, templates, used, plain)
        try:
            built = _build(capturing, out, node, index)
        except _Inexact:  # walk it again the usual way, which reports what it found
            del out.problems[had:]
        else:
            return capturing.count, capturing.cells if built else None
    builder = _Builder(out, index, limits, templates, used, plain)
    _build(builder, out, node, index)
    return builder.count, None


def _build(builder: _Builder, out: LoadedFile, node: Node, index: int) -> bool:
    """Add the document `builder` builds from `node` to `out`, or the limit it ran into
    (False)."""
    try:
        data = builder.child(node, 0)
    except _TooBig as exc:
        span = node_span(exc.node) if exc.node is not None else _start_span(node)
        out.problems.append(Problem(LIMIT, span, exc.message, exc.message, index))
        return False
    finally:
        # `child` is a bound method of the builder: a reference cycle through `out`, which
        # with the collector paused for the run (api.lint) would keep every file's data and
        # trees alive after the run; breaking it frees them as soon as nothing uses them
        del builder.child
    out.documents.append(Document(out.file, index, node, data))
    return True


class _Builder:
    """Node tree -> plain data (dict/list/str/int/float/bool/None), recording duplicate keys."""

    def __init__(
        self,
        out: LoadedFile,
        index: int,
        limits: Limits,
        templates: bool,
        used: int = 0,
        plain: bool = False,
    ) -> None:
        self.out = out
        self.index = index
        self.limits = limits
        self.count = 0
        # the documents before this one have built `used` nodes of the file's budget
        self.budget = min(limits.max_nodes_per_document, limits.max_nodes_per_file - used)
        self.active: set[int] = set()
        self.templates = templates  # the text has `{{`: look for unrendered Helm actions
        # `plain`: the text has no alias and is too short to expand past the node limit, so no
        # node can be reached twice and counting cannot trip: the lean walk gives the same data
        self.child: Callable[[Node, int], Any] = self._lean if plain else self.build
        self.str_tag = _str_tag()

    def _unquoted_template(self, node: MappingNode) -> None:
        line0, col0 = node.start_mark.line, node.start_mark.column - 1
        line = self.out.file.line_text(line0 + 1)
        m = _TEMPLATE_ACTION.match(line, max(col0, 0))
        if m is None:
            return
        self.templates = False
        self.out.problems.append(_template_problem(line0, m.start(), m.group(0), line, self.index))

    def _template(self, node: ScalarNode) -> None:
        """Helm actions in a one-line plain or quoted scalar mean the chart was not rendered.
        Block scalars (`|`, `>`) and multi-line strings are data: config-file templates of
        Istio, Prometheus or Alertmanager kept in ConfigMaps, which are not ours to render."""
        value = node.value
        if "{{" not in value or node.style in ("|", ">"):
            return
        if node.start_mark.line != node.end_mark.line:
            return
        for m in _TEMPLATE_ACTION.finditer(value):
            if _HELM_ONLY.search(m.group(0)):
                self.templates = False  # once per document
                line0 = node.start_mark.line
                line = self.out.file.line_text(line0 + 1)
                col0 = line.find(m.group(0), node.start_mark.column)
                if col0 < 0:  # folded or escaped: point at the scalar
                    col0 = node.start_mark.column
                self.out.problems.append(
                    _template_problem(line0, col0, m.group(0), line, self.index)
                )
                return

    def build(self, node: Node, depth: int) -> Any:
        self.count += 1
        if self.count > self.budget:
            raise _TooBig(self._budget_message(), None)  # reported at the document's start
        if isinstance(node, ScalarNode):
            if self.templates:
                self._template(node)
            return scalar_value(node)
        if depth > self.limits.max_depth:
            raise _TooBig(
                f"nesting deeper than {self.limits.max_depth} levels; not checked "
                "(limit: limits.max_depth)",
                node,
            )
        ident = id(node)
        if ident in self.active:
            raise _TooBig("recursive alias: a node contains itself; not checked", node)
        self.active.add(ident)
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, depth + 1) for item in node.value]
            if isinstance(node, MappingNode):
                return self._mapping(node, depth)
            return None
        finally:
            self.active.discard(ident)

    def _budget_message(self) -> str:
        limits = self.limits
        if self.budget == limits.max_nodes_per_document:
            return (
                f"document expands to more than {limits.max_nodes_per_document} nodes "
                "(alias bomb?); not checked (limit: limits.max_nodes_per_document)"
            )
        return (
            f"the documents of this file expand to more than {limits.max_nodes_per_file} nodes "
            "together (alias bombs?); this document is not checked (limit: "
            "limits.max_nodes_per_file)"
        )

    def _lean(self, node: Node, depth: int) -> Any:
        """`build` for trees without aliases (see __init__): the same checks in the same order,
        minus node counting and the recursion guard."""
        cls = type(node)
        if cls is FastScalarNode or cls is ScalarNode:
            return self._leaf(node)  # type: ignore[arg-type]
        if depth > self.limits.max_depth:
            raise _TooBig(
                f"nesting deeper than {self.limits.max_depth} levels; not checked "
                "(limit: limits.max_depth)",
                node,
            )
        if cls is FastMappingNode or cls is MappingNode:
            return self._lean_mapping(node, depth)  # type: ignore[arg-type]
        if cls is FastSequenceNode or cls is SequenceNode:
            leaf = self._leaf
            lean = self._lean
            depth += 1
            return [
                leaf(item) if type(item) is FastScalarNode else lean(item, depth)
                for item in node.value
            ]
        return self.build(node, depth)  # another node class: the general walk

    def _leaf(self, node: ScalarNode) -> Any:
        """A scalar's data in the lean walk; short strings interned (names, ports, versions:
        the same few values everywhere)."""
        if self.templates:
            self._template(node)
        if node.ctag is self.str_tag:  # an implicitly typed string: the value as it is
            value = node.value
        else:
            value = scalar_value(node)
            if type(value) is not str:
                return value
        return _intern(value) if len(value) <= _INTERN_UP_TO else value

    def _lean_mapping(self, node: MappingNode, depth: int) -> dict[Any, Any]:
        """`_mapping` for the lean walk, with the common cases inline: a key that is an
        implicitly typed string other than `<<`, a value that is a scalar."""
        result: dict[Any, Any] = {}
        first: dict[Any, Node] = {}
        merges: list[Node] = []
        str_tag = self.str_tag
        lean = self._lean
        child_depth = depth + 1
        for key_node, value_node in node.value:
            if (
                type(key_node) is FastScalarNode
                and key_node.ctag is str_tag
                and key_node.value != "<<"
            ):
                key = _intern(key_node.value)  # keys repeat across documents: keep one copy
            elif key_node.ctag.suffix == _MERGE or (
                isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style
            ):
                merges.append(value_node)
                continue
            else:
                key = self._key(key_node, depth)
            if key in first:
                self._duplicate(key, key_node, first[key], depth)
            first[key] = key_node
            if type(value_node) is FastScalarNode:
                if self.templates:
                    self._template(value_node)
                if value_node.ctag is str_tag:
                    value = value_node.value
                    result[key] = _intern(value) if len(value) <= _INTERN_UP_TO else value
                else:
                    value = scalar_value(value_node)
                    if type(value) is str and len(value) <= _INTERN_UP_TO:
                        value = _intern(value)
                    result[key] = value
            else:
                result[key] = lean(value_node, child_depth)
        if merges:
            self._merge(result, merges, depth)
        return result

    def _duplicate(self, key: Any, key_node: Node, prev: Node, depth: int) -> None:
        hint = ""
        if depth == 0 and key in ("apiVersion", "kind"):
            hint = "; a `---` line between two objects is probably missing"
        self.out.problems.append(
            Problem(
                DUPLICATE_KEY,
                node_span(key_node),
                f"duplicate key '{key}' (first at line {prev.start_mark.line + 1}); "
                f"Kubernetes silently keeps only the last value{hint}",
                key=f"{key}",
                doc_index=self.index,
            )
        )

    def _merge(self, result: dict[Any, Any], merges: list[Node], depth: int) -> None:
        """`<<` keys: the merged mappings' entries that the mapping does not set itself."""
        for merge in merges:
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                value = self.child(source, depth + 1)
                if isinstance(value, dict):
                    for k, v in value.items():
                        result.setdefault(k, v)

    def _mapping(self, node: MappingNode, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first: dict[Any, Node] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.ctag.suffix == _MERGE or (
                isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style
            ):
                merges.append(value_node)
                continue
            key = self._key(key_node, depth)
            if key in first:
                self._duplicate(key, key_node, first[key], depth)
            first[key] = key_node
            result[key] = self.child(value_node, depth + 1)
        self._merge(result, merges, depth)
        return result

    def _key(self, node: Node, depth: int) -> Any:
        if isinstance(node, MappingNode) and node.flow_style and self.templates:
            # `{{ .Values.x }}` unquoted parses as a flow mapping keyed by a flow mapping
            self._unquoted_template(node)
        if isinstance(node, ScalarNode):
            value = scalar_value(node)
            if type(value) is str:
                return _intern(value)  # keys repeat across documents: keep one copy
            return (
                value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
            )
        # complex keys cannot come from Kubernetes JSON; keep a stable text form
        return repr(self.build(node, depth + 1))


class _Inexact(Exception):
    """The document's data cannot carry its positions (netlint/marks.py): a key that is not an
    implicitly typed string, a merge key or a duplicate key."""


class _Capture(_Builder):
    """The lean walk (same data, same problems, same order) that also writes each node's
    position into `cells` in walk order (netlint/marks.py). Only for documents composed with
    the fast node classes (`_fast_nodes`); raises `_Inexact` where the cells could not be
    followed through the data (the caller then walks the document with `_Builder`)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.cells: list[int] = []
        self.child = self._walk

    def _walk(self, node: Node, depth: int) -> Any:
        cells = self.cells
        start = node.start_mark
        cls = type(node)
        if cls is FastScalarNode:
            end = node.end_mark
            cells += (start.line, start.column, end.line, end.column, 8)  # size 1, a scalar
            return self._leaf(node)  # type: ignore[arg-type]
        if depth > self.limits.max_depth:
            raise _TooBig(
                f"nesting deeper than {self.limits.max_depth} levels; not checked "
                "(limit: limits.max_depth)",
                node,
            )
        at = len(cells)
        cells += (start.line, start.column, 0, 0, 0)
        data: Any
        if cls is FastMappingNode:
            data, last = self._walk_mapping(node, depth)  # type: ignore[arg-type]
            kind = 1
        elif cls is FastSequenceNode:
            items: list[Any] = []
            last = -1
            walk = self._walk
            depth += 1
            for item in node.value:
                last = len(cells)
                items.append(walk(item, depth))
            data, kind = items, 2
        else:
            raise _Inexact
        if node.flow_style:  # type: ignore[attr-defined]
            kind |= 4
        if last < 0 or kind & 4:
            end = node.end_mark
            cells[at + 2] = end.line
            cells[at + 3] = end.column
        else:  # a block collection ends where its last child ends (node_span)
            cells[at + 2] = cells[last + 2]
            cells[at + 3] = cells[last + 3]
        cells[at + 4] = (len(cells) - at) // 5 << 3 | kind
        return data

    def _walk_mapping(self, node: MappingNode, depth: int) -> tuple[dict[Any, Any], int]:
        """`_lean_mapping` for keys that are implicitly typed strings, with cells; returns the
        data and where the last value's cells start (-1: no entries)."""
        result: dict[Any, Any] = {}
        cells = self.cells
        str_tag = self.str_tag
        walk = self._walk
        child_depth = depth + 1
        last = -1
        for key_node, value_node in node.value:
            if (
                type(key_node) is not FastScalarNode
                or key_node.ctag is not str_tag
                or key_node.value == "<<"
            ):
                raise _Inexact
            key = _intern(key_node.value)
            if key in result:
                raise _Inexact
            start, end = key_node.start_mark, key_node.end_mark
            cells += (start.line, start.column, end.line, end.column, 8)
            last = len(cells)
            if type(value_node) is FastScalarNode:  # inlined as in _lean_mapping: no frame
                start, end = value_node.start_mark, value_node.end_mark
                cells += (start.line, start.column, end.line, end.column, 8)
                if self.templates:
                    self._template(value_node)
                if value_node.ctag is str_tag:
                    value = value_node.value
                    result[key] = _intern(value) if len(value) <= _INTERN_UP_TO else value
                else:
                    value = scalar_value(value_node)
                    if type(value) is str and len(value) <= _INTERN_UP_TO:
                        value = _intern(value)
                    result[key] = value
            else:
                result[key] = walk(value_node, child_depth)
        return result, last


def scalar_value(node: ScalarNode) -> Any:
    # `node.tag` formats a string through a Tag object on every call
    return _scalar_of(node.ctag.suffix, node.value)


def _scalar_of(tag: str, value: str) -> Any:
    """The data of a scalar of that tag (netlint/events.py has the tag but no node)."""
    if tag == _STR:
        return value
    if tag == _INT:
        return _to_int(value)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() in ("true", "yes", "on", "y")
    if tag == _FLOAT:
        return _to_float(value)
    return value  # timestamps, binary and custom tags stay text: nothing is ever constructed


def _to_int(value: str) -> Any:
    text = value.replace("_", "")
    try:
        if text.startswith(("0x", "+0x", "-0x")):
            return int(text, 16)
        if text.startswith(("0o", "+0o", "-0o")):
            return int(text, 8)
        return int(text)
    except ValueError:
        return value


def _to_float(value: str) -> Any:
    text = value.replace("_", "").lower()
    if text in (".inf", "+.inf"):
        return float("inf")
    if text == "-.inf":
        return float("-inf")
    if text == ".nan":
        return float("nan")
    try:
        return float(text)
    except ValueError:
        return value


def node_span(node: Node) -> Span:
    start = node.start_mark
    end = _end_mark(node)
    return Span(start.line + 1, start.column + 1, end[0] + 1, end[1] + 1)


def _end_mark(node: Node) -> tuple[int, int]:
    """End (0-based line, column) of a node. Block collections end at the start of the next
    line in libyaml; use their last child's end instead (a loop: nesting can be deep)."""
    while isinstance(node, (MappingNode, SequenceNode)) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    return node.end_mark.line, node.end_mark.column


def _templates_behind_syntax_errors(out: LoadedFile, text: str) -> None:
    """A document that does not parse and holds template actions before the error is an
    unrendered template: report that once, in place of the parser's complaint."""
    lines = text.splitlines()
    hits: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines):
        if "{{" not in line:
            continue
        m = _TEMPLATE_ACTION.search(line)
        if m is None:
            continue
        hits.append((i, m.start(), m.group(0)))
    if not hits:
        return
    starts = _lines_of(text, [m.start() for m in _DOC_START.finditer(text)])
    kept: list[Problem] = []
    for problem in out.problems:
        if problem.code != SYNTAX:
            kept.append(problem)
            continue
        err0 = problem.span.line - 1
        chunk0 = max((s for s in starts if s <= err0), default=0)
        inside = [h for h in hits if chunk0 <= h[0] <= err0]
        if not inside:
            kept.append(problem)
            continue
        line0, col0, action = inside[0]
        kept.append(_template_problem(line0, col0, action, lines[line0], problem.doc_index))
    out.problems = kept


def _template_problem(line0: int, col0: int, action: str, line: str, doc: int | None) -> Problem:
    end = col0 + len(action)
    return Problem(
        TEMPLATE,
        Span(line0 + 1, col0 + 1, line0 + 1, end + 1),
        f"unrendered template text {action}: this file is a template (Helm, Go or similar), "
        "not a rendered manifest",
        key=line.strip(),
        doc_index=doc,
    )


def _attach_sources(out: LoadedFile, text: str) -> None:
    found = list(_SOURCE.finditer(text))
    if not found:
        return
    lines = _lines_of(text, [m.start() for m in found])
    marks = list(zip(lines, (m.group(1) for m in found), strict=True))
    seps = _lines_of(text, document_starts(text))
    out.sources = SourceMarks(tuple(marks), tuple(seps))
    out.documents = [
        _with_source(doc, source) if (source := out.sources.at(_start_line(doc))) else doc
        for doc in out.documents
    ]


def _with_source(doc: Document, source: str) -> Document:
    return Document(doc.file, doc.index, doc.tree, doc.data, source)
