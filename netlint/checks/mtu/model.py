"""What the NL1xx extractors find in manifests, in CNI-neutral terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from netlint.model import Fix, Path, Related, Resource, SourceFile, Span

Meaning = Literal["pod", "underlay"]
Family = Literal["ipv4", "ipv6"]


@dataclass(frozen=True)
class Where:
    """A place in the manifests: a path in an object, or (inside embedded text such as
    flannel's net-conf.json) a raw span of a file."""

    resource: Resource
    path: Path
    span: Span | None = None  # set when the place is inside a string (JSON in a ConfigMap)
    file: SourceFile | None = None

    def related(self, message: str) -> Related:
        if self.span is not None:
            return Related(message, file=self.file or self.resource.file, span=self.span)
        return Related(message, resource=self.resource, path=self.path)


@dataclass(frozen=True)
class Knob:
    """An MTU setting with a value, and what that value means for this CNI.

    meaning "pod": the MTU given to pod interfaces / tunnel devices (Calico, Antrea, Weave,
    OVN-Kubernetes, kube-ovn): it must leave room for the encapsulation overhead.
    meaning "underlay": the MTU of the node network the CNI subtracts its overhead from itself
    (Cilium `mtu`, Flannel Backend.MTU): it must not exceed the node MTU.
    """

    cni: str
    meaning: Meaning
    value: int  # 0 means auto-detect
    label: str  # how a user names it: "spec.calicoNetwork.mtu", "FELIX_VXLANMTU", ...
    where: Where
    # encapsulations this knob applies to (None: all of the install's); e.g. FELIX_VXLANMTU
    # applies to ("vxlan", "ipv4") only
    scope: tuple[tuple[str, Family], ...] | None = None
    fix: Fix | None = None  # how to set it (None when it cannot be written in place)
    # the setting is copied from another knob (FELIX_VXLANMTU <- calico-config veth_mtu):
    # the source is judged, not the copy
    alias_of: str | None = None


@dataclass(frozen=True)
class Encap:
    """An encapsulation in use between nodes, with its overhead in bytes."""

    name: str  # key in rules/data/mtu.yaml overheads: vxlan, ipip, wireguard, geneve, ...
    family: Family
    overhead: int
    why: str  # how we know it is on: "ipPools[0].encapsulation: VXLAN"
    where: Where | None = None
    stacked: tuple[str, ...] = ()  # names of encaps this one's overhead already includes


@dataclass(frozen=True)
class Violation:
    """Something the CNI rejects or misreads, found while reading an install: an invalid
    encapsulation combination (NL105) or an MTU value that is not a usable number (NL106)."""

    kind: Literal["encapsulation", "value"]
    message: str
    where: Where
    related: tuple[Related, ...] = ()


@dataclass
class Install:
    """One CNI installation: the objects that configure it, its knobs and encapsulations."""

    cni: str
    title: str  # "Calico (operator Installation default)"
    anchor: Resource
    knobs: list[Knob] = field(default_factory=list)
    encaps: list[Encap] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    # extra bytes the path loses for some encapsulations (Azure: WireGuard path MTU 1400)
    notes: list[str] = field(default_factory=list)
