"""NL1xx: overlay MTU versus encapsulation overhead.

Extractors (one module per CNI, registered in EXTRACTORS) read the manifests into Installs:
MTU knobs with what their value means (pod or underlay MTU) and the encapsulations in use. The
rules in `rules.py` judge Installs against the node MTU of the cluster profile; they know no CNI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from netlint.checks.k8s import WORKLOAD_KINDS
from netlint.checks.mtu.model import Install
from netlint.context import ResourceIndex, RunContext

# what the extractors look for (their modules take these names from here)
CALICO_KINDS = ("Installation", "IPPool", "FelixConfiguration", "DaemonSet")
CALICO_CONFIG_MAPS = ("calico-config", "canal-config")
CILIUM_CONFIG_MAP = "cilium-config"
CILIUM_NODE_CONFIG = "CiliumNodeConfig"
FLANNEL_KEY = "net-conf.json"
ANTREA_CONF_KEY = "antrea-agent.conf"
# the kinds the extractors read (checks/__init__.py: Check.kinds): every workload's containers
# (Weave, OVN, Calico's calico-node), the CNIs' ConfigMaps and resources, OpenShift's Network
READS = (*WORKLOAD_KINDS, "ConfigMap", *CALICO_KINDS, CILIUM_NODE_CONFIG, "Network")

Extractor = Callable[[RunContext], Iterable[Install]]


def _extractors(ctx: RunContext) -> list[Extractor]:
    """The extractors, in this order, that can find something in the run. An extractor that
    reads only objects the run does not hold would find nothing: its module (and what it
    imports) is then not even imported, which most runs (no CNI manifests) are the faster for.
    Each test below is a superset of what the extractor reads; Weave and OVN look at every
    container and always run."""
    index = ctx.index
    config_maps = list(index.of_kind("ConfigMap"))
    names = {cm.name for cm in config_maps}
    keys: set[str] = set()
    for cm in config_maps:
        data = cm.data.get("data")
        if isinstance(data, dict):
            keys.update(k for k in (ANTREA_CONF_KEY, FLANNEL_KEY) if k in data)
    found: list[Extractor] = []
    if any(_has(index, kind) for kind in CALICO_KINDS) or names & set(CALICO_CONFIG_MAPS):
        from netlint.checks.mtu import calico

        found.append(calico.collect)
    if CILIUM_CONFIG_MAP in names or _has(index, CILIUM_NODE_CONFIG):
        from netlint.checks.mtu import cilium

        found.append(cilium.collect)
    if FLANNEL_KEY in keys:
        from netlint.checks.mtu import flannel

        found.append(flannel.collect)
    if ANTREA_CONF_KEY in keys:
        from netlint.checks.mtu import antrea

        found.append(antrea.collect)
    from netlint.checks.mtu import ovn, weave

    return [*found, weave.collect, ovn.collect]


def _has(index: ResourceIndex, kind: str) -> bool:
    return next(index.of_kind(kind), None) is not None


def installs(ctx: RunContext) -> list[Install]:
    """Every CNI install of the run, computed once and shared by the NL1xx rules."""
    cached = ctx.cache.get("mtu.installs")
    if cached is None:
        cached = [inst for extract in _extractors(ctx) for inst in extract(ctx)]
        ctx.cache["mtu.installs"] = cached
    result: list[Install] = cached
    return result
