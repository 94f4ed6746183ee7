"""NL1xx: overlay MTU versus encapsulation overhead.

Extractors (one module per CNI, registered in EXTRACTORS) read the manifests into Installs:
MTU knobs with what their value means (pod or underlay MTU) and the encapsulations in use. The
rules in `rules.py` judge Installs against the node MTU of the cluster profile; they know no CNI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from netlint.checks.mtu.model import Install
from netlint.context import RunContext

Extractor = Callable[[RunContext], Iterable[Install]]


def _extractors() -> list[Extractor]:
    from netlint.checks.mtu import antrea, calico, cilium, flannel, ovn, weave

    return [
        calico.collect,
        cilium.collect,
        flannel.collect,
        antrea.collect,
        weave.collect,
        ovn.collect,
    ]


def installs(ctx: RunContext) -> list[Install]:
    """Every CNI install of the run, computed once and shared by the NL1xx rules."""
    cached = ctx.cache.get("mtu.installs")
    if cached is None:
        cached = [inst for extract in _extractors() for inst in extract(ctx)]
        ctx.cache["mtu.installs"] = cached
    result: list[Install] = cached
    return result
