"""NL1xx framework: overheads from rules/data/mtu.yaml, node MTU from the profile, grouping."""

from __future__ import annotations

import pytest

from netlint.checks.mtu.model import Encap
from netlint.checks.mtu.profile import NodeMtu, node_mtu, overhead
from netlint.checks.mtu.rules import best_pod_mtu
from netlint.config import ClusterProfile, Config, ConfigModel

# Calico's "Common MTU sizes" table (tigera/docs calico/networking/configuring/mtu.mdx), as
# quoted in REFERENCE A.2: network MTU -> recommended pod MTU per encapsulation.
CALICO_TABLE = {
    1500: {"ipip": 1480, "vxlan4": 1450, "vxlan6": 1430, "wg4": 1440, "wg6": 1420},
    9000: {"ipip": 8980, "vxlan4": 8950, "vxlan6": 8930, "wg4": 8940, "wg6": 8920},
    9001: {"ipip": 8981, "vxlan4": 8951, "vxlan6": 8931, "wg4": 8941, "wg6": 8921},
    1460: {"ipip": 1440, "vxlan4": 1410, "vxlan6": 1390, "wg4": 1400, "wg6": 1380},
    1450: {"ipip": 1430, "vxlan4": 1400, "vxlan6": 1380, "wg4": 1390, "wg6": 1370},
}
COLUMNS = {
    "ipip": ("ipip", "ipv4"),
    "vxlan4": ("vxlan", "ipv4"),
    "vxlan6": ("vxlan", "ipv6"),
    "wg4": ("wireguard", "ipv4"),
    "wg6": ("wireguard", "ipv6"),
}


def encap(cni: str, name: str, family: str) -> Encap:
    size = overhead(cni, name, family)
    assert size is not None, (cni, name, family)
    return Encap(name, family, size, "test")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("network", "column"),
    [(n, c) for n in CALICO_TABLE for c in COLUMNS],
    ids=lambda v: str(v),
)
def test_calico_recommended_mtu_table(network, column):
    name, family = COLUMNS[column]
    best, limiting, said = best_pod_mtu(NodeMtu(network, "test"), [encap("calico", name, family)])
    assert best == CALICO_TABLE[network][column]
    assert limiting is not None and limiting.name == name
    assert said == f"the node MTU {network} (test)"


def test_calico_aks_row_uses_the_wireguard_path_mtu():
    # Calico's AKS row: NICs show 1500, the path is 1400, WireGuard sets DF: 1340 / 1320
    aks = node_mtu(Config(ConfigModel(cluster=ClusterProfile(provider="azure"))))
    assert (aks.value, aks.wireguard_path) == (1500, 1400)
    assert best_pod_mtu(aks, [encap("calico", "wireguard", "ipv4")])[0] == 1340
    assert best_pod_mtu(aks, [encap("calico", "wireguard", "ipv6")])[0] == 1320
    assert best_pod_mtu(aks, [encap("calico", "vxlan", "ipv4")])[0] == 1450


def test_several_encapsulations_take_the_smallest_best_value():
    node = NodeMtu(1500, "test")
    both = [encap("calico", "vxlan", "ipv4"), encap("calico", "wireguard", "ipv4")]
    best, limiting, _ = best_pod_mtu(node, both)
    assert (best, limiting.name if limiting else None) == (1440, "wireguard")
    assert best_pod_mtu(node, []) == (1500, None, "the node MTU 1500 (test)")


def test_per_cni_wireguard_overheads_differ():
    assert [
        overhead(c, "wireguard", "ipv4") for c in ("calico", "antrea", "cilium", "flannel")
    ] == [
        60,
        60,
        80,
        80,
    ]


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        ({}, (1500, "netlint's default; declare yours as cluster.node_mtu", None)),
        ({"node_mtu": 9000}, (9000, "cluster.node_mtu", None)),
        ({"provider": "aws"}, (9001, "cluster.provider aws preset: AWS VPC jumbo frames", None)),
        ({"provider": "gcp"}, (1460, "cluster.provider gcp preset: GCP default VPC MTU", None)),
        (
            {"provider": "openstack"},
            (1450, "cluster.provider openstack preset: OpenStack tenant VXLAN network", None),
        ),
        ({"provider": "aws", "node_mtu": 1500}, (1500, "cluster.node_mtu", None)),  # explicit wins
        ({"provider": "azure", "node_mtu": 1500}, (1500, "cluster.node_mtu", 1400)),
        (
            {"provider": "hetzner"},
            (1500, "netlint's default; declare yours as cluster.node_mtu", None),
        ),
    ],
)
def test_node_mtu_from_profile(cluster, expected):
    got = node_mtu(Config(ConfigModel(cluster=ClusterProfile(**cluster))))
    assert (got.value, got.source, got.wireguard_path) == expected


def _resources(files: dict[str, str]):
    from netlint.engine import build_index
    from netlint.load import load_text
    from netlint.model import SourceFile

    loaded = [load_text(SourceFile(name, None), text) for name, text in files.items()]
    index, _ = build_index(loaded)
    return index


INSTALLATION = "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\n"
FELIX = "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata:\n  name: default\n"


def test_attach_prefers_the_same_file_then_directory_then_the_only_install():
    from netlint.checks.mtu.group import attach

    index = _resources(
        {
            "a/install.yaml": INSTALLATION + "---\n" + FELIX,
            "a/felix.yaml": FELIX,
            "b/install.yaml": INSTALLATION,
            "b/felix.yaml": FELIX,
            "c/install.yaml": INSTALLATION,
            "d/felix.yaml": FELIX,
        }
    )
    anchors = list(index.of_kind("Installation"))
    felix = list(index.of_kind("FelixConfiguration"))
    by_dir = {a.file.path: a for a in anchors}
    paths = lambda found: sorted(r.file.path for r in found)  # noqa: E731
    assert paths(attach(by_dir["a/install.yaml"], anchors, felix)) == ["a/install.yaml"]
    assert paths(attach(by_dir["b/install.yaml"], anchors, felix)) == ["b/felix.yaml"]
    # c/ has no FelixConfiguration and there are three installs: d/felix.yaml is nobody's
    assert attach(by_dir["c/install.yaml"], anchors, felix) == []
    only = anchors[:1]
    assert paths(attach(only[0], only, [r for r in felix if r.file.path == "d/felix.yaml"])) == [
        "d/felix.yaml"
    ]
