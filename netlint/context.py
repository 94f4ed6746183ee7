"""What checks receive: every resource of the run in one index, the loaded files, the config."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from netlint.load import LoadedFile
from netlint.model import Document, ObjectRef, Path, Resource, SourceFile

if TYPE_CHECKING:
    import datetime as dt

    from ruamel.yaml.nodes import Node

    from netlint.catalog import RuleMeta
    from netlint.config import Config


@dataclass
class ResourceIndex:
    """All resources of a run, looked up by kind and by identity across files.

    Only the list by kind is built as resources are added. The maps by identity and by
    document are built when first asked, and the identity map only for the kinds looked up:
    most runs look up a few kinds (StorageClasses, ConfigMaps, claims) and place few hits by
    line, and at 100k objects the two maps took about 35 MB when built up front for all."""

    resources: list[Resource] = field(default_factory=list)
    _by_kind: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    # per kind looked up: (namespace, name) -> the objects of that identity, in run order
    _by_id: dict[str, dict[tuple[str | None, str | None], list[Resource]]] = field(
        default_factory=dict
    )
    _by_doc: dict[int, list[Resource]] | None = None

    def add(self, resource: Resource) -> None:
        self.resources.append(resource)
        self._by_kind[resource.ref.kind].append(resource)
        self._by_id.pop(resource.ref.kind, None)
        self._by_doc = None

    def of_kind(self, *kinds: str) -> Iterator[Resource]:
        for kind in kinds:
            yield from self._by_kind.get(kind, ())

    def of_document(self, doc: Document) -> list[Resource]:
        by_doc = self._by_doc
        if by_doc is None:
            by_doc = self._by_doc = defaultdict(list)
            for resource in self.resources:
                by_doc[id(resource.doc)].append(resource)
        return by_doc.get(id(doc), [])

    def _identities(self, kind: str) -> dict[tuple[str | None, str | None], list[Resource]]:
        found = self._by_id.get(kind)
        if found is None:
            found = self._by_id[kind] = defaultdict(list)
            for resource in self._by_kind.get(kind, ()):
                found[(resource.ref.namespace, resource.ref.name)].append(resource)
        return found

    def get(self, kind: str, name: str, namespace: str | None = None) -> Resource | None:
        """The object of that kind and name; for namespaced lookups a match without namespace
        in the manifest (namespace comes from kubectl -n) is accepted too. Without a namespace,
        the only object of that name in any namespace."""
        return _lookup(
            self._identities(kind),
            lambda: [r for r in self._by_kind.get(kind, ()) if r.name == name],
            name,
            namespace,
        )


T = TypeVar("T")


def _lookup(
    by_id: dict[tuple[str | None, str | None], list[T]],
    named: Callable[[], list[T]],
    name: str,
    namespace: str | None,
) -> T | None:
    """`ResourceIndex.get` on the identities of a kind, `named` the objects of that name in any
    namespace: an exact match, else one without a namespace for a namespaced lookup; without
    a namespace, the only one of that name. The last of several wins."""
    found = by_id.get((namespace, name))
    if not found and namespace is not None:
        found = by_id.get((None, name))
    if not found and namespace is None:
        candidates = named()
        found = candidates[:1] if len(candidates) == 1 else []
    return found[-1] if found else None


class Identities:
    """Which objects a run holds, by kind, namespace and name, without the objects: what
    `ResourceIndex.get` would find, for facts kept past their documents (engine.Stream)."""

    __slots__ = ("_by_id",)

    def __init__(self) -> None:
        self._by_id: dict[str, dict[tuple[str | None, str | None], list[ObjectRef]]] = {}

    def add(self, ref: ObjectRef) -> None:
        self._by_id.setdefault(ref.kind, {}).setdefault((ref.namespace, ref.name), []).append(ref)

    def extend(self, other: Identities) -> None:
        for kind, refs in other._by_id.items():
            mine = self._by_id.setdefault(kind, {})
            for key, found in refs.items():
                mine.setdefault(key, []).extend(found)

    def holds_any(self) -> bool:
        return bool(self._by_id)

    def holds(self, kind: str) -> bool:
        """Whether it holds an object of `kind`."""
        return kind in self._by_id

    def get(self, kind: str, name: str, namespace: str | None = None) -> ObjectRef | None:
        by_id = self._by_id.get(kind, {})
        return _lookup(
            by_id,
            lambda: [ref for (_, n), refs in by_id.items() if n == name for ref in refs],
            name,
            namespace,
        )


@dataclass(frozen=True)
class NonObject:
    """A document, or an item of a `kind: List`, that is not a Kubernetes object."""

    doc: Document
    node: Node
    data: object
    where: str  # "document" or "List item 3"


@dataclass
class RunContext:
    files: list[LoadedFile]
    index: ResourceIndex
    config: Config
    rules: tuple[RuleMeta, ...]
    today: dt.date
    non_objects: list[NonObject] = field(default_factory=list)
    # facts several rules of a family derive from the same objects (the CNI installs of NL1xx),
    # computed once by whichever rule asks first; the engine empties it when the next family
    # starts (engine.run), so a check must not count on another family's entries
    cache: dict[str, Any] = field(default_factory=dict)
    # a run fed file by file (engine.Stream): the facts each family with a collector
    # (checks.FACTS) took from the files as they were read, by family ("NL3")
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def resources(self) -> list[Resource]:
        return self.index.resources


def iter_kinds(resources: Iterable[Resource], kinds: Iterable[str]) -> Iterator[Resource]:
    wanted = set(kinds)
    return (r for r in resources if r.kind in wanted)


class Facts(Protocol):
    """What a run-scoped family keeps of each file past its documents (checks.FACTS): the
    stream collects a new one from each batch of files, then extends the run's with it, in run
    order. `KINDS`: the kinds of the objects the family still reads whole at the end (through
    the index), in place of its checks' `Check.kinds`."""

    KINDS: tuple[str, ...]

    def collect(
        self,
        ctx: RunContext,
        kept: Callable[[str], bool],
        movable: Callable[[Resource], bool],
    ) -> None:
        """Take the facts of the objects of `ctx` (a batch of files). `kept(kind)`: whether the
        run keeps the objects of that kind whole to the end anyway (another family reads it
        whole); `movable`: whether an object may be detached from its document (else it is
        kept whole when it is `wanted`)."""
        ...

    def held(self) -> bool:
        """Whether it holds anything: a --jobs process sends no empty store."""
        ...

    def wanted(self) -> set[Key]:
        """The objects to keep whole (`key_of`), in this process: those whose facts are taken
        at the end."""
        ...

    def attach(self, kept: Iterable[Resource]) -> None:
        """The objects kept whole, among them the `wanted` ones, in this process."""
        ...

    def extend(self, other: Any) -> None:
        """The facts of the next batch or file, after this one's."""
        ...


# an object among the files of this process: its file (id), its document's index and its path
# in the document (a List item's); facts hold the file itself, which --jobs sends as a
# reference to the receiving process's copy
Key = tuple[int, int, tuple[str | int, ...]]


def key_of(resource: Resource) -> Key:
    doc = resource.doc
    return (id(doc.file), doc.index, resource.prefix)


class ReadWhole:
    """Facts that are only which objects to keep whole: of the kinds `READ` the run drops,
    those `reads` accepts (a test of the object alone, a superset of what the family then
    uses). The family's rules read them from the index at the end, as without facts."""

    KINDS: tuple[str, ...] = ()  # read whole at the end, every object
    READ: tuple[str, ...] = ()  # kept whole when `reads` accepts the object

    def __init__(self) -> None:
        # (file, document index, path in it) of each object to keep; the SourceFile, not its
        # id, so that a --jobs process can send it
        self.read: list[tuple[SourceFile, int, Path]] = []

    def reads(self, resource: Resource) -> bool:
        raise NotImplementedError

    def collect(
        self,
        ctx: RunContext,
        kept: Callable[[str], bool],
        movable: Callable[[Resource], bool],
    ) -> None:
        for resource in ctx.index.of_kind(*(kind for kind in self.READ if not kept(kind))):
            if self.reads(resource):
                doc = resource.doc
                self.read.append((doc.file, doc.index, resource.prefix))

    def held(self) -> bool:
        return bool(self.read)

    def wanted(self) -> set[Key]:
        return {(id(file), index, prefix) for file, index, prefix in self.read}

    def attach(self, kept: Iterable[Resource]) -> None:
        pass  # they are in the index, kept whole

    def extend(self, other: Any) -> None:
        pass  # nothing of it is needed past its files
