"""The NL1xx facts of a run fed file by file (engine.Stream): which workloads the MTU rules read.

The extractors read a workload only through its containers, and each container by itself:
- Weave: a container running weave-kube, named weave in a workload named weave, or setting
  WEAVE_MTU (weave.is_weave);
- OVN-Kubernetes and kube-ovn: a container running ovnkube, or kube-ovn's cni-server
  (ovn.is_ovnkube, ovn.is_kube_ovn);
- Calico and Canal: a Linux DaemonSet with a calico-node container (calico_shapes.node_container).
Every other workload is skipped by every extractor, whatever else the run holds: it cannot
change a finding. So the stream keeps whole only the workloads one of those tests accepts (of
the kinds no other chosen family reads whole), and the rules read the index at the end as
without facts. ConfigMaps, Calico's and Cilium's resources and OpenShift's Network are read
whole at the end (`MtuFacts.KINDS`): a DaemonSet or a Weave container names its ConfigMaps."""

from __future__ import annotations

from netlint.checks.k8s import WORKLOAD_KINDS, pod_spec
from netlint.checks.mtu import CILIUM_NODE_CONFIG
from netlint.context import ReadWhole
from netlint.model import Resource


def read(resource: Resource) -> bool:
    """Whether an extractor reads this workload (a superset of what each one then uses)."""
    found = pod_spec(resource)
    if found is None:
        return False
    # here: most runs keep every workload kind whole for NL2, and never ask
    from netlint.checks.mtu.ovn import is_kube_ovn, is_ovnkube
    from netlint.checks.mtu.weave import is_weave

    items = found[1].get("containers")  # k8s.workload_containers: not the init containers
    if isinstance(items, list):
        for container in items:
            if isinstance(container, dict) and (
                is_weave(resource, container)
                or is_kube_ovn(resource, container)
                or is_ovnkube(container)
            ):
                return True
    if resource.kind == "DaemonSet":
        from netlint.checks.mtu.calico_shapes import node_container  # here: few DaemonSets

        return node_container(resource) is not None
    return False


class MtuFacts(ReadWhole):
    """checks.FACTS["NL1"]: the workloads of the files read that the extractors read."""

    KINDS: tuple[str, ...] = (
        "ConfigMap",
        "Installation",
        "IPPool",
        "FelixConfiguration",
        CILIUM_NODE_CONFIG,
        "Network",
    )
    READ: tuple[str, ...] = WORKLOAD_KINDS

    def reads(self, resource: Resource) -> bool:
        return read(resource)
