"""The NL3xx facts of a run fed file by file (engine.Stream): the etcd members among the
objects whose documents the run does not keep (no other chosen family reads their kind), found
while their files are loaded.

A member is decided by its own object (recognise.py): its image, program or environment. Most
of what the rules say about it is decided there too: its data and WAL directories, the volumes
mounted there, its claim templates and their classes, --unsafe-no-fsync. Only three things
depend on the rest of the run:
- the ConfigMaps its environment reads (envFrom, configMapKeyRef) and the claims its volumes
  name (persistentVolumeClaim.claimName, an operator cluster's pvcName): the object's members
  are then found at the end, from the object kept whole;
- whether an owner it names is in the run (then it is that owner's, and not a member itself):
  decided at the end, from the identities of the objects of an owner kind the run drops;
- the StorageClass of each claim: the rules resolve it at the end, as before (StorageClasses
  are kept whole: `EtcdFacts.KINDS`).

To tell the first case apart, each object's members are found with an index that refuses any
question (`_Refusing`): an object that asks none has members that no other object can change.
Those are kept detached from their document (positions.detach), with the spans of the fields
their findings and notes point at. The objects of a kind the run keeps whole anyway are read at
the end, as without facts: detaching them would only add to what the run holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from netlint.checks.etcd.model import MEMBER_KINDS, OWNER_KINDS, EtcdMember, Place
from netlint.context import Identities, Key, ResourceIndex, RunContext, key_of
from netlint.model import Detached, Path, Resource, SourceFile
from netlint.positions import detach


class _Asked(Exception):
    """An object's members asked the index: they depend on other objects of the run."""


class _Refusing(ResourceIndex):
    def get(self, kind: str, name: str, namespace: str | None = None) -> Resource | None:
        raise _Asked

    def of_kind(self, *kinds: str) -> Iterator[Resource]:
        raise _Asked


@dataclass(slots=True)
class _Entry:
    """An object that is or may be a member: its members, found when it was read, or (None)
    to be found at the end from the object kept whole (`resource`, once attached)."""

    file: SourceFile
    index: int  # its document's
    prefix: Path
    namespace: str | None
    owners: list[tuple[str, str]]
    members: list[EtcdMember] | None
    resource: Resource | None = None

    def key(self) -> Key:
        return (id(self.file), self.index, self.prefix)


class EtcdFacts:
    """checks.FACTS["NL3"]: the members among the objects of the kinds the run does not keep
    whole (`kept`), by kind in run order, and the identities of those of an owner kind. The
    members of the kinds it keeps (another family reads them) are found at the end from the
    objects, as without facts: their documents stay anyway."""

    # read whole at the end: the ConfigMaps and claims of the members found there, and every
    # StorageClass (storage.resolve)
    KINDS: tuple[str, ...] = ("ConfigMap", "PersistentVolumeClaim", "StorageClass")

    def __init__(self) -> None:
        self.entries: dict[str, list[_Entry]] = {}
        self.owners = Identities()
        # the member kinds whose objects go with their files: their members are the entries
        self.dropped: set[str] = set()
        # one tuple for each field path of the batch: most members point at the same fields
        self._paths: dict[Path, Path] = {}

    def collect(
        self,
        ctx: RunContext,
        kept: Callable[[str], bool],
        movable: Callable[[Resource], bool],
    ) -> None:
        index = ctx.index
        for kind in OWNER_KINDS:
            if not kept(kind):
                for resource in index.of_kind(kind):
                    self.owners.add(resource.ref)
        local: RunContext | None = None
        for resource in index.of_kind(*(kind for kind in MEMBER_KINDS if not kept(kind))):
            self.dropped.add(resource.kind)
            if local is None:  # most batches hold no object of a kind the run drops
                local = replace(ctx, index=_Refusing(), cache={})
            # here: most runs keep every member kind whole, and need no recognition yet
            from netlint.checks.etcd.recognise import members_of, owners

            found: list[EtcdMember] | None
            try:
                found = members_of(local, resource)
            except _Asked:
                found = None  # found at the end, from the object kept whole
            else:
                if not found:
                    continue  # not etcd, whatever else the run holds
                # detached; or, in a file mapped to its templates, kept whole
                found = [_detached(m, self._paths) for m in found] if movable(resource) else None
            doc = resource.doc
            entry = _Entry(
                doc.file, doc.index, resource.prefix, resource.namespace, owners(resource), found
            )
            self.entries.setdefault(resource.kind, []).append(entry)

    def held(self) -> bool:
        return bool(self.entries or self.dropped or self.owners.holds_any())

    def wanted(self) -> set[Key]:
        return {e.key() for e in self._entries() if e.members is None and e.resource is None}

    def attach(self, kept: Iterable[Resource]) -> None:
        wanted = {e.key(): e for e in self._entries() if e.members is None and e.resource is None}
        if wanted:
            for resource in kept:
                entry = wanted.get(key_of(resource))
                if entry is not None:
                    entry.resource = resource

    def extend(self, other: Any) -> None:
        assert isinstance(other, EtcdFacts)
        for kind, entries in other.entries.items():
            self.entries.setdefault(kind, []).extend(entries)
        self.owners.extend(other.owners)
        self.dropped |= other.dropped

    def _entries(self) -> Iterator[_Entry]:
        for entries in self.entries.values():
            yield from entries

    def _owned(self, ctx: RunContext, namespace: str | None, refs: list[tuple[str, str]]) -> bool:
        """`recognise._owned_in_run`: an owner kind the run keeps is in the index, one it
        drops in the identities (a kind is kept or dropped whole)."""
        for kind, name in refs:
            found = (
                self.owners.get(kind, name, namespace)
                if self.owners.holds(kind)
                else ctx.index.get(kind, name, namespace)
            )
            if found is not None:
                return True
        return False

    def members(self, ctx: RunContext) -> list[EtcdMember]:
        """recognise.members of the whole run."""
        from netlint.checks.etcd.recognise import members_of, owners

        out: list[EtcdMember] = []
        for kind in MEMBER_KINDS:
            if kind not in self.dropped:
                for resource in ctx.index.of_kind(kind):
                    if not self._owned(ctx, resource.namespace, owners(resource)):
                        out.extend(members_of(ctx, resource))
                continue
            for entry in self.entries.get(kind, ()):
                if self._owned(ctx, entry.namespace, entry.owners):
                    continue
                if entry.members is not None:
                    out.extend(entry.members)
                else:
                    assert entry.resource is not None, "an object kept whole was not attached"
                    out.extend(members_of(ctx, entry.resource))
        return out


def _detached(member: EtcdMember, paths: dict[Path, Path]) -> EtcdMember:
    """The member with its places on its object detached (no place of a member found without
    the index is on another object), each field path the one tuple of `paths` for it."""
    resource = member.resource
    places = [member.place, *(v.place for v in member.volumes)]
    if member.unsafe_no_fsync is not None:
        places.append(member.unsafe_no_fsync)
    assert all(p.resource is resource for p in places)
    assert all(v.claim is None for v in member.volumes)
    alone: Detached = detach(resource, {(paths.setdefault(p.path, p.path), False) for p in places})

    def moved(place: Place) -> Place:
        return Place(alone, paths[place.path])

    return EtcdMember(
        alone,
        member.title,
        member.reason,
        moved(member.place),
        [replace(v, place=moved(v.place)) for v in member.volumes],
        None if member.unsafe_no_fsync is None else moved(member.unsafe_no_fsync),
    )
