"""What checks receive: every resource of the run in one index, the loaded files, the config."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netlint.load import LoadedFile
from netlint.model import Document, Resource

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
        in the manifest (namespace comes from kubectl -n) is accepted too."""
        by_id = self._identities(kind)
        found = by_id.get((namespace, name))
        if not found and namespace is not None:
            found = by_id.get((None, name))
        if not found and namespace is None:
            candidates = [r for r in self._by_kind.get(kind, ()) if r.name == name]
            found = candidates[:1] if len(candidates) == 1 else []
        return found[-1] if found else None


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

    @property
    def resources(self) -> list[Resource]:
        return self.index.resources


def iter_kinds(resources: Iterable[Resource], kinds: Iterable[str]) -> Iterator[Resource]:
    wanted = set(kinds)
    return (r for r in resources if r.kind in wanted)
