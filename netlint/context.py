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
    """All resources of a run, looked up by kind and by identity across files."""

    resources: list[Resource] = field(default_factory=list)
    _by_kind: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    _by_id: dict[tuple[str, str | None, str | None], list[Resource]] = field(
        default_factory=lambda: defaultdict(list)
    )

    _by_doc: dict[int, list[Resource]] = field(default_factory=lambda: defaultdict(list))

    def add(self, resource: Resource) -> None:
        ref = resource.ref
        kind = ref.kind
        self.resources.append(resource)
        self._by_doc[id(resource.doc)].append(resource)
        self._by_kind[kind].append(resource)
        self._by_id[(kind, ref.namespace, ref.name)].append(resource)

    def of_kind(self, *kinds: str) -> Iterator[Resource]:
        for kind in kinds:
            yield from self._by_kind.get(kind, ())

    def of_document(self, doc: Document) -> list[Resource]:
        return self._by_doc.get(id(doc), [])

    def get(self, kind: str, name: str, namespace: str | None = None) -> Resource | None:
        """The object of that kind and name; for namespaced lookups a match without namespace
        in the manifest (namespace comes from kubectl -n) is accepted too."""
        found = self._by_id.get((kind, namespace, name))
        if not found and namespace is not None:
            found = self._by_id.get((kind, None, name))
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
    # facts several rules derive from the same objects (the CNI installs of NL1xx), computed
    # once per run by whichever rule asks first
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def resources(self) -> list[Resource]:
        return self.index.resources


def iter_kinds(resources: Iterable[Resource], kinds: Iterable[str]) -> Iterator[Resource]:
    wanted = set(kinds)
    return (r for r in resources if r.kind in wanted)
