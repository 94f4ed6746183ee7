"""The Calico / Canal NL1xx extractor: Installs read from in-memory manifests, and the exact
findings the NL1xx rules give on them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import check_json

from netlint.api import lint
from netlint.checks.mtu import calico
from netlint.checks.mtu.model import Install
from netlint.config import Config, ConfigModel
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile

DAY = dt.date(2026, 1, 1)


def config(**cluster: Any) -> Config:
    return Config(ConfigModel.model_validate({"cluster": cluster}))


def installs(*files: tuple[str, str], cfg: Config | None = None) -> list[Install]:
    loaded = [
        load_text(SourceFile(name, None, tuple(text.splitlines())), text) for name, text in files
    ]
    ctx = context(loaded, cfg or Config(ConfigModel()), today=DAY)
    return list(calico.collect(ctx))


def knobs(inst: Install) -> list[tuple[Any, ...]]:
    return [
        (
            k.label,
            k.value,
            k.meaning,
            k.scope,
            k.alias_of,
            k.where.resource.kind,
            k.where.path,
            None if k.fix is None else (k.fix.path, k.fix.value),
        )
        for k in inst.knobs
    ]


def encaps(inst: Install) -> list[tuple[Any, ...]]:
    return [(e.name, e.family, e.overhead, e.why) for e in inst.encaps]


def findings(tmp_path: Path, files: dict[str, str], cfg: Config | None = None) -> list[Any]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    report = lint(
        [str(tmp_path / name) for name in files],
        cfg or Config(ConfigModel()),
        select=["NL1"],
        today=DAY,
        cwd=tmp_path,
    )
    return [(f.rule, f.file.path, f.span.line, f.message) for f in report.active]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


VXLAN_POOL = """\
    ipPools:
      - name: default-ipv4-ippool
        blockSize: 26
        cidr: 192.168.0.0/16
        encapsulation: VXLAN
        natOutgoing: Enabled
        nodeSelector: all()
"""


def installation(mtu: str = "1500", pools: str = VXLAN_POOL, extra: str = "") -> str:
    mtu_line = f"    mtu: {mtu}\n" if mtu else ""
    return (
        "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\n"
        f"spec:\n{extra}  calicoNetwork:\n{mtu_line}{pools}"
    )


SEED = installation()
SEED_MESSAGE = (
    "Calico (Installation default): pod MTU 1500 + VXLAN 50 = 1550 > the node MTU 1500 "
    "(netlint's default; declare yours as cluster.node_mtu): VXLAN adds 50 bytes (ipPools[0] "
    "default-ipv4-ippool encapsulation: VXLAN), so full-size pod packets are fragmented or "
    "silently dropped (stalled TLS handshakes, hanging large responses). "
    "Set spec.calicoNetwork.mtu to 1450"
)


def test_seed_installation_vxlan_mtu_1500(tmp_path):
    (inst,) = installs(("seed.yaml", SEED))
    assert inst.cni == "Calico"
    assert inst.title == "Calico (Installation default)"
    assert knobs(inst) == [
        (
            "spec.calicoNetwork.mtu",
            1500,
            "pod",
            None,
            None,
            "Installation",
            ("spec", "calicoNetwork", "mtu"),
            (("spec", "calicoNetwork", "mtu"), 1500),
        )
    ]
    assert encaps(inst) == [
        ("vxlan", "ipv4", 50, "ipPools[0] default-ipv4-ippool encapsulation: VXLAN")
    ]
    assert inst.encaps[0].where is not None
    assert inst.encaps[0].where.path == ("spec", "calicoNetwork", "ipPools", 0, "encapsulation")
    assert findings(tmp_path, {"seed.yaml": SEED}) == [("NL101", "seed.yaml", 7, SEED_MESSAGE)]


def test_seed_json_has_fix_and_edit(tmp_path):
    (tmp_path / "seed.yaml").write_text(SEED, "utf-8")
    result = check_json("seed.yaml", "--select", "NL1", cwd=tmp_path)
    (finding,) = result.json()["findings"]
    assert (finding["rule"], finding["line"], finding["message"]) == ("NL101", 7, SEED_MESSAGE)
    assert finding["fix"]["path"] == ["spec", "calicoNetwork", "mtu"]
    assert finding["fix"]["value"] == 1450
    assert (finding["edit"]["line"], finding["edit"]["text"]) == (7, "1450")
    assert [(r["line"], r["message"]) for r in finding["related"]] == [
        (12, "VXLAN is enabled here")
    ]


def test_installation_without_pools_assumes_the_default_ipip_pool():
    (inst,) = installs(("i.yaml", installation("1500", pools="")))
    assert encaps(inst) == [
        (
            "ipip",
            "ipv4",
            20,
            "ipPools absent: the operator creates one IPv4 pool, with IP-in-IP, its default",
        )
    ]
    eks = installation("1500", pools="", extra="  kubernetesProvider: EKS\n")
    (inst,) = installs(("i.yaml", eks))
    assert [e[:3] for e in encaps(inst)] == [("vxlan", "ipv4", 50)]
    (inst,) = installs(("i.yaml", installation("1500", pools="    ipPools: []\n")))
    assert encaps(inst) == []


def test_installation_of_another_cni_is_policy_only():
    text = installation("9001", extra="  cni:\n    type: AmazonVPC\n")
    (inst,) = installs(("i.yaml", text))
    assert (inst.knobs, inst.encaps, inst.violations) == ([], [], [])


def test_pool_encapsulation_defaults_by_family():
    pools = """\
    ipPools:
      - cidr: 10.244.0.0/16
      - cidr: fd00:10:244::/56
"""
    (inst,) = installs(("i.yaml", installation("1480", pools=pools)))
    assert encaps(inst) == [
        (
            "ipip",
            "ipv4",
            20,
            "ipPools[0] has no encapsulation, so the operator uses IPIP (its default)",
        )
    ]


def test_bpf_dataplane_adds_vxlan():
    pools = "    linuxDataplane: BPF\n" + VXLAN_POOL.replace("VXLAN", "None")
    (inst,) = installs(("i.yaml", installation("1450", pools=pools)))
    assert encaps(inst) == [
        ("vxlan", "ipv4", 50, "linuxDataplane: BPF forwards NodePort traffic over VXLAN")
    ]


FELIX_WG = """\
---
apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata:
  name: default
spec:
  wireguardEnabled: true
"""


def test_wireguard_from_felixconfiguration(tmp_path):
    text = installation("1450") + FELIX_WG
    (inst,) = installs(("i.yaml", text))
    assert encaps(inst)[1] == (
        "wireguard",
        "ipv4",
        60,
        "FelixConfiguration default wireguardEnabled: true",
    )
    got = findings(tmp_path, {"i.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL101", 7)]
    assert "pod MTU 1450 + WireGuard 60 = 1510 > the node MTU 1500" in got[0][3]
    assert got[0][3].endswith("Set spec.calicoNetwork.mtu to 1440")


def test_azure_wireguard_path_mtu(tmp_path):
    text = installation("1440") + FELIX_WG
    got = findings(tmp_path, {"i.yaml": text}, config(provider="azure"))
    assert [(r, line) for r, _, line, _ in got] == [("NL101", 7)]
    assert "pod MTU 1440 + WireGuard 60 = 1500 > the WireGuard path MTU 1400" in got[0][3]
    assert got[0][3].endswith("Set spec.calicoNetwork.mtu to 1340")


def test_felixconfiguration_conflict_reported_at_the_later_knob(tmp_path):
    felix = (
        "---\napiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata:\n"
        "  name: default\nspec:\n  vxlanMTU: 1410\n  ipipMTU: 1480\n"
    )
    text = installation("1450") + felix
    (inst,) = installs(("i.yaml", text))
    # ipipMTU sizes a tunnel that is not in use: left out
    assert [k[:5] for k in knobs(inst)] == [
        ("spec.calicoNetwork.mtu", 1450, "pod", None, None),
        ("FelixConfiguration default vxlanMTU", 1410, "pod", (("vxlan", "ipv4"),), None),
    ]
    assert findings(tmp_path, {"i.yaml": text}) == [
        (
            "NL104",
            "i.yaml",
            line_of(text, "vxlanMTU"),
            "Calico (Installation default): FelixConfiguration default vxlanMTU 1410 disagrees "
            "with spec.calicoNetwork.mtu 1450: two settings for the same MTU, and which one "
            "wins depends on precedence rules nobody reviews. Keep one, or make them equal",
        )
    ]


def test_jumbo_frames_waste_is_a_note(tmp_path):
    text = installation("1410")
    got = findings(tmp_path, {"i.yaml": text}, config(node_mtu=9001))
    assert [(r, line) for r, _, line, _ in got] == [("NL103", 7)]
    assert "spec.calicoNetwork.mtu 1410 is 7541 bytes below the best value 8951" in got[0][3]


def test_ipv6_pool_with_ipip_is_nl105(tmp_path):
    pools = """\
    ipPools:
      - cidr: 192.168.0.0/16
        encapsulation: IPIP
      - cidr: fd00:10:244::/56
        encapsulation: IPIP
"""
    text = installation("", pools=pools)
    (inst,) = installs(("i.yaml", text))
    assert encaps(inst) == [("ipip", "ipv4", 20, "ipPools[0] encapsulation: IPIP")]
    assert findings(tmp_path, {"i.yaml": text}) == [
        (
            "NL105",
            "i.yaml",
            line_of(text, "encapsulation: IPIP", 2),
            "Calico (Installation default): ipPools[1] is an IPv6 pool (fd00:10:244::/56) with "
            "encapsulation IPIP: IP-in-IP carries only IPv4, so Calico rejects the pool. Use "
            "VXLAN (or None) for IPv6 pools",
        )
    ]


def test_unknown_operator_encapsulation_is_nl105(tmp_path):
    text = installation("1450", pools=VXLAN_POOL.replace("VXLAN", "Vxlan"))
    got = findings(tmp_path, {"i.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL105", 12)]
    assert "encapsulation 'Vxlan' is not one of IPIP, IPIPCrossSubnet" in got[0][3]


# --- manifest installs ------------------------------------------------------------------------

CONFIG_MAP = """\
kind: ConfigMap
apiVersion: v1
metadata:
  name: calico-config
  namespace: kube-system
data:
  calico_backend: "bird"
  veth_mtu: "{mtu}"
"""


def daemonset(env: str, init_env: str = "") -> str:
    init = ""
    if init_env:
        init = (
            "      initContainers:\n        - name: install-cni\n"
            "          image: quay.io/calico/cni:v3.30.2\n          env:\n" + init_env
        )
    return (
        "kind: DaemonSet\napiVersion: apps/v1\nmetadata:\n  name: calico-node\n"
        "  namespace: kube-system\nspec:\n  template:\n    spec:\n" + init + "      containers:\n"
        "        - name: calico-node\n          image: quay.io/calico/node:v3.30.2\n"
        "          env:\n" + env
    )


def env(name: str, value: str) -> str:
    return f'            - name: {name}\n              value: "{value}"\n'


def env_ref(name: str, key: str = "veth_mtu", cm: str = "calico-config") -> str:
    return (
        f"            - name: {name}\n              valueFrom:\n                configMapKeyRef:\n"
        f"                  name: {cm}\n                  key: {key}\n"
    )


CALICO_ENV = (
    env("CALICO_IPV4POOL_IPIP", "Always")
    + env("CALICO_IPV4POOL_VXLAN", "Never")
    + env_ref("FELIX_IPINIPMTU")
    + env_ref("FELIX_VXLANMTU")
    + env_ref("FELIX_WIREGUARDMTU")
)
CNI_ENV = env_ref("CNI_MTU")


def test_manifest_veth_mtu_with_ipip(tmp_path):
    text = CONFIG_MAP.format(mtu="1500") + "---\n" + daemonset(CALICO_ENV, CNI_ENV)
    (inst,) = installs(("calico.yaml", text))
    assert inst.title == "Calico (calico-node DaemonSet kube-system)"
    ds_env = ("spec", "template", "spec", "containers", 0, "env")
    assert knobs(inst) == [
        (
            "calico-config veth_mtu",
            1500,
            "pod",
            None,
            None,
            "ConfigMap",
            ("data", "veth_mtu"),
            (("data", "veth_mtu"), "1500"),
        ),
        (
            "env CNI_MTU",
            1500,
            "pod",
            None,
            "calico-config veth_mtu",
            "DaemonSet",
            ("spec", "template", "spec", "initContainers", 0, "env", 0),
            None,
        ),
        (
            "env FELIX_IPINIPMTU",
            1500,
            "pod",
            (("ipip", "ipv4"),),
            "calico-config veth_mtu",
            "DaemonSet",
            (*ds_env, 2),
            None,
        ),
    ]
    assert encaps(inst) == [("ipip", "ipv4", 20, "env CALICO_IPV4POOL_IPIP: Always")]
    got = findings(tmp_path, {"calico.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL101", 8)]
    assert got[0][3].startswith(
        "Calico (calico-node DaemonSet kube-system): pod MTU 1500 + IP-in-IP 20 = 1520 > the "
        "node MTU 1500"
    )
    assert got[0][3].endswith("Set calico-config veth_mtu to 1480")


def test_ipip_unset_is_never():
    # calico-node's createIPPool treats an empty mode as Never (the docs table says Always)
    text = CONFIG_MAP.format(mtu="1500") + "---\n" + daemonset(env("IP", "autodetect"))
    (inst,) = installs(("calico.yaml", text))
    assert inst.encaps == []
    lower = daemonset(env("CALICO_IPV4POOL_IPIP", "off") + env("CALICO_IPV4POOL_VXLAN", "always"))
    (inst,) = installs(("calico.yaml", lower))
    assert encaps(inst) == [("vxlan", "ipv4", 50, "env CALICO_IPV4POOL_VXLAN: always")]


def test_felix_env_names_are_case_insensitive(tmp_path):
    ds_env = (
        env("CALICO_IPV4POOL_IPIP", "Never")
        + env("CALICO_IPV4POOL_VXLAN", "Always")
        + env("FELIX_VxlanMtu", "1480")
        + env("felix_ipinipmtu", "1480")
    )
    text = CONFIG_MAP.format(mtu="0") + "---\n" + daemonset(ds_env)
    (inst,) = installs(("calico.yaml", text))
    assert [k[:5] for k in knobs(inst)] == [
        ("calico-config veth_mtu", 0, "pod", None, None),
        ("env FELIX_VxlanMtu", 1480, "pod", (("vxlan", "ipv4"),), None),
    ]
    assert inst.knobs[1].fix is not None and inst.knobs[1].fix.value == "1480"
    got = findings(tmp_path, {"calico.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL101", line_of(text, '"1480"', 1))]
    assert got[0][3].endswith("Set env FELIX_VxlanMtu to 1450")


def test_config_map_key_ref_across_files(tmp_path):
    files = {
        "cluster/calico-config.yaml": CONFIG_MAP.format(mtu="1480"),
        "cluster/calico-node.yaml": daemonset(
            env("CALICO_IPV4POOL_IPIP", "Never")
            + env("CALICO_IPV4POOL_VXLAN", "CrossSubnet")
            + env_ref("FELIX_VXLANMTU"),
            CNI_ENV,
        ),
    }
    (inst,) = installs(*files.items())
    assert [(k[0], k[1], k[4], k[5]) for k in knobs(inst)] == [
        ("calico-config veth_mtu", 1480, None, "ConfigMap"),
        ("env CNI_MTU", 1480, "calico-config veth_mtu", "DaemonSet"),
        ("env FELIX_VXLANMTU", 1480, "calico-config veth_mtu", "DaemonSet"),
    ]
    assert inst.knobs[0].where.resource.file.path == "cluster/calico-config.yaml"
    got = findings(tmp_path, files)
    # judged once, at the ConfigMap: the env vars copy it
    assert [(r, f, line) for r, f, line, _ in got] == [("NL101", "cluster/calico-config.yaml", 8)]


def test_config_map_of_another_key_is_its_own_knob():
    cm = CONFIG_MAP.format(mtu="0") + '  tunnel_mtu: "1480"\n'
    ds = daemonset(env("CALICO_IPV4POOL_IPIP", "Always") + env_ref("FELIX_IPINIPMTU", "tunnel_mtu"))
    (inst,) = installs(("calico.yaml", cm + "---\n" + ds))
    assert knobs(inst)[1] == (
        "env FELIX_IPINIPMTU (calico-config tunnel_mtu)",
        1480,
        "pod",
        (("ipip", "ipv4"),),
        None,
        "ConfigMap",
        ("data", "tunnel_mtu"),
        (("data", "tunnel_mtu"), "1480"),
    )


def test_env_ipip_and_vxlan_is_nl105(tmp_path):
    ds_env = env("CALICO_IPV4POOL_IPIP", "Always") + env("CALICO_IPV4POOL_VXLAN", "Always")
    text = daemonset(ds_env)
    (inst,) = installs(("ds.yaml", text))
    assert inst.encaps == []
    assert findings(tmp_path, {"ds.yaml": text}) == [
        (
            "NL105",
            "ds.yaml",
            line_of(text, '"Always"', 2),
            "Calico (calico-node DaemonSet kube-system): env CALICO_IPV4POOL_IPIP: Always and "
            "CALICO_IPV4POOL_VXLAN: Always both encapsulate the default IPv4 pool; IP-in-IP and "
            "VXLAN are mutually exclusive, so calico-node fails to create the pool. Set one of "
            "them to Never",
        )
    ]


def test_unrecognized_env_mode_is_nl105(tmp_path):
    text = daemonset(env("CALICO_IPV4POOL_IPIP", "Enabled"))
    got = findings(tmp_path, {"ds.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL105", line_of(text, "Enabled"))]
    assert "env CALICO_IPV4POOL_IPIP is 'Enabled', not Always, CrossSubnet or Never" in got[0][3]


IPPOOL_VXLAN = """\
apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata:
  name: default-ipv4-ippool
spec:
  cidr: 192.168.0.0/16
  ipipMode: Never
  vxlanMode: Always
"""


def test_ippool_objects_replace_the_env_seeded_pool():
    text = CONFIG_MAP.format(mtu="1450") + "---\n" + daemonset(CALICO_ENV) + "---\n" + IPPOOL_VXLAN
    (inst,) = installs(("calico.yaml", text))
    assert encaps(inst) == [("vxlan", "ipv4", 50, "IPPool default-ipv4-ippool vxlanMode: Always")]
    assert [k[0] for k in knobs(inst)] == ["calico-config veth_mtu", "env FELIX_VXLANMTU"]


def test_ippool_modes_both_on_is_nl105_and_standalone_pools_are_checked(tmp_path):
    text = IPPOOL_VXLAN.replace("ipipMode: Never", "ipipMode: CrossSubnet")
    (inst,) = installs(("pool.yaml", text))
    assert inst.title == "Calico (IPPool default-ipv4-ippool)"
    got = findings(tmp_path, {"pool.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL105", 8)]
    assert got[0][3] == (
        "Calico (IPPool default-ipv4-ippool): IPPool default-ipv4-ippool sets ipipMode: "
        "CrossSubnet and vxlanMode: Always: IP-in-IP and VXLAN are mutually exclusive on one "
        "pool, so Calico rejects it. Set one of them to Never"
    )
    # a valid pool on its own is no install at all
    assert installs(("pool.yaml", IPPOOL_VXLAN)) == []


def test_ipv6_ippool_with_ipip_and_other_groups_ignored(tmp_path):
    v6 = IPPOOL_VXLAN.replace("192.168.0.0/16", "fd00::/64").replace(
        "ipipMode: Never\n  vxlanMode: Always", "ipipMode: Always"
    )
    got = findings(tmp_path, {"pool.yaml": v6})
    assert [(r, line) for r, _, line, _ in got] == [("NL105", 7)]
    antrea = v6.replace("crd.projectcalico.org/v1", "crd.antrea.io/v1beta1")
    assert installs(("pool.yaml", antrea)) == []


def test_felix_switches_turn_encapsulations_off_and_on():
    felix = (
        "---\napiVersion: crd.projectcalico.org/v1\nkind: FelixConfiguration\nmetadata:\n"
        "  name: default\nspec:\n  ipipEnabled: false\n---\n"
        "apiVersion: crd.projectcalico.org/v1\nkind: FelixConfiguration\nmetadata:\n"
        "  name: node.worker-1\nspec:\n  wireguardEnabledV6: true\n  vxlanEnabled: false\n"
        "  wireguardMTUV6: 1500\n"
    )
    text = CONFIG_MAP.format(mtu="1500") + "---\n" + daemonset(CALICO_ENV) + felix
    (inst,) = installs(("calico.yaml", text))
    assert encaps(inst) == [
        ("wireguard", "ipv6", 80, "FelixConfiguration node.worker-1 wireguardEnabledV6: true")
    ]
    # node.<name> MTUs configure one node: not read; IPv6 in use: MTUs are read as IPv6
    assert [k[:2] for k in knobs(inst)] == [("calico-config veth_mtu", 1500)]


def test_bpf_and_wireguard_env_switches():
    ds_env = env("FELIX_BPFENABLED", "true") + env("FELIX_WireguardEnabled", "True")
    (inst,) = installs(("ds.yaml", daemonset(ds_env)))
    assert encaps(inst) == [
        ("wireguard", "ipv4", 60, "env FELIX_WireguardEnabled: True"),
        (
            "vxlan",
            "ipv4",
            50,
            "env FELIX_BPFENABLED: true: the eBPF dataplane forwards NodePort traffic over VXLAN",
        ),
    ]


def test_cni_network_config_literal_mtu_points_into_the_json(tmp_path):
    cm = (
        "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: calico-config\n"
        "  namespace: kube-system\ndata:\n  cni_network_config: |-\n    {\n"
        '      "name": "k8s-pod-network",\n      "plugins": [\n        {\n'
        '          "type": "calico",\n          "mtu": 1500,\n'
        '          "ipam": {"type": "calico-ipam"}\n        }\n      ]\n    }\n'
    )
    text = cm + "---\n" + daemonset(env("CALICO_IPV4POOL_IPIP", "Always"))
    (inst,) = installs(("calico.yaml", text))
    knob = inst.knobs[0]
    assert (knob.label, knob.value, knob.fix) == (
        "calico-config cni_network_config mtu",
        1500,
        None,
    )
    assert knob.where.span is not None
    assert (knob.where.span.line, knob.where.span.column) == (13, 18)
    got = findings(tmp_path, {"calico.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL101", 13)]


# --- Canal ------------------------------------------------------------------------------------

CANAL_CM = """\
kind: ConfigMap
apiVersion: v1
metadata:
  name: canal-config
  namespace: kube-system
data:
  canal_iface: ""
  masquerade: "true"
  veth_mtu: "{mtu}"
  net-conf.json: |
    {{
      "Network": "10.244.0.0/16",
      "Backend": {{
        "Type": "vxlan"{extra}
      }}
    }}
"""
CANAL_DS = """\
kind: DaemonSet
apiVersion: apps/v1
metadata:
  name: canal
  namespace: kube-system
spec:
  template:
    spec:
      containers:
        - name: calico-node
          image: quay.io/calico/node:v3.30.2
          env:
            - name: CALICO_NETWORKING_BACKEND
              value: "none"
            - name: CLUSTER_TYPE
              value: "k8s,canal"
            - name: FELIX_VXLANMTU
              value: "1500"
        - name: kube-flannel
          image: docker.io/flannel/flannel:v0.24.4
          env:
            - name: FLANNELD_IFACE
              valueFrom:
                configMapKeyRef:
                  name: canal-config
                  key: canal_iface
"""


def test_canal_uses_flannels_vxlan(tmp_path):
    text = CANAL_CM.format(mtu="1500", extra=',\n        "MTU": 1600') + "---\n" + CANAL_DS
    (inst,) = installs(("canal.yaml", text))
    assert (inst.cni, inst.title) == ("Canal", "Canal (canal DaemonSet kube-system)")
    assert encaps(inst) == [
        (
            "vxlan",
            "ipv4",
            50,
            "canal-config net-conf.json Backend.Type: vxlan, flannel's tunnel for pod traffic",
        )
    ]
    # FELIX_VXLANMTU sizes Felix's own VXLAN device, which Canal does not use
    assert [k[:5] for k in knobs(inst)] == [
        ("canal-config veth_mtu", 1500, "pod", None, None),
        ("canal-config net-conf.json Backend.MTU", 1600, "underlay", None, None),
    ]
    assert inst.encaps[0].where is not None and inst.encaps[0].where.span is not None
    assert inst.encaps[0].where.span.line == 14
    got = findings(tmp_path, {"canal.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL101", 9), ("NL102", 15)]
    assert got[0][3].startswith(
        "Canal (canal DaemonSet kube-system): pod MTU 1500 + VXLAN 50 = 1550 > the node MTU 1500"
    )


def test_canal_ignores_calico_pool_encapsulation_but_checks_the_pool(tmp_path):
    bad = IPPOOL_VXLAN.replace("ipipMode: Never", "ipipMode: Always")
    text = CANAL_CM.format(mtu="1450", extra="") + "---\n" + CANAL_DS + "---\n" + bad
    (inst,) = installs(("canal.yaml", text))
    assert [e[:3] for e in encaps(inst)] == [("vxlan", "ipv4", 50)]
    got = findings(tmp_path, {"canal.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL105", line_of(text, "vxlanMode"))]


def test_canal_config_alone_and_broken_net_conf():
    (inst,) = installs(("cm.yaml", CANAL_CM.format(mtu="1450", extra="")))
    assert inst.title == "Canal (canal-config kube-system)"
    assert [e[:3] for e in encaps(inst)] == [("vxlan", "ipv4", 50)]
    broken = CANAL_CM.format(mtu="1450", extra="").replace('"Network"', "Network")
    (inst,) = installs(("cm.yaml", broken))
    assert (inst.encaps, [k[0] for k in knobs(inst)]) == ([], ["canal-config veth_mtu"])


# --- grouping and shapes ------------------------------------------------------------------------


def test_kind_list(tmp_path):
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: operator.tigera.io/v1
    kind: Installation
    metadata:
      name: default
    spec:
      calicoNetwork:
        mtu: 1500
        ipPools:
          - cidr: 192.168.0.0/16
            encapsulation: VXLANCrossSubnet
  - apiVersion: crd.projectcalico.org/v1
    kind: FelixConfiguration
    metadata:
      name: default
    spec:
      vxlanMTU: "1450"
"""
    (inst,) = installs(("list.yaml", text))
    assert [k[:2] for k in knobs(inst)] == [
        ("spec.calicoNetwork.mtu", 1500),
        ("FelixConfiguration default vxlanMTU", 1450),
    ]
    got = findings(tmp_path, {"list.yaml": text})
    assert [(r, line) for r, _, line, _ in got] == [("NL101", 10), ("NL104", 19)]


def test_string_and_int_values():
    text = installation('"1450"') + FELIX_WG.replace(
        "wireguardEnabled: true", 'wireguardEnabled: "true"\n  wireguardMTU: 1440'
    )
    (inst,) = installs(("i.yaml", text))
    assert [(k[0], k[1], k[7]) for k in knobs(inst)] == [
        ("spec.calicoNetwork.mtu", 1450, (("spec", "calicoNetwork", "mtu"), 1450)),
        (
            "FelixConfiguration default wireguardMTU",
            1440,
            (("spec", "wireguardMTU"), 1440),
        ),
    ]
    cm = installs(("cm.yaml", CONFIG_MAP.format(mtu="1450")))
    assert knobs(cm[0])[0][7] == (("data", "veth_mtu"), "1450")


def test_unrelated_installs_do_not_mix(tmp_path):
    felix = FELIX_WG
    files = {
        "prod/installation.yaml": installation("1440"),
        "prod/felix.yaml": felix,
        "dev/installation.yaml": installation("1450"),
    }
    prod, dev = installs(*files.items())
    assert [e[0] for e in encaps(prod)] == ["vxlan", "wireguard"]
    assert [e[0] for e in encaps(dev)] == ["vxlan"]
    assert findings(tmp_path, files) == []


def test_operator_and_manifest_installs_are_separate_unless_in_one_file():
    cm = CONFIG_MAP.format(mtu="1500")
    ds = daemonset(env("CALICO_IPV4POOL_IPIP", "Always") + env("FELIX_IPINIPMTU", "1480"))
    apart = installs(("op/i.yaml", installation("1450")), ("m/calico.yaml", cm + "---\n" + ds))
    assert [i.title for i in apart] == [
        "Calico (Installation default)",
        "Calico (calico-node DaemonSet kube-system)",
    ]
    together = installs(("dump.yaml", installation("1450") + "---\n" + ds))
    assert [i.title for i in together] == ["Calico (Installation default)"]
    # the DaemonSet is the operator's rendering: its env joins, its pool env does not seed
    assert [k[0] for k in knobs(together[0])] == ["spec.calicoNetwork.mtu"]


def test_canal_backend_mtu_as_json_string_is_nl106(tmp_path):
    text = CANAL_CM.format(mtu="0", extra=',\n        "MTU": "1450"')
    got = findings(tmp_path, {"cm.yaml": text})
    assert got == [
        (
            "NL106",
            "cm.yaml",
            15,
            "canal-config net-conf.json Backend.MTU is the JSON string '1450': flannel decodes "
            "MTU as a number and fails to start; write the number without quotes",
        )
    ]


def test_csi_driver_registrar_is_not_calico_node():
    ds = daemonset(env("CALICO_IPV4POOL_IPIP", "Always")).replace(
        "name: calico-node\n          image: quay.io/calico/node:v3.30.2",
        "name: csi-node-driver-registrar\n"
        "          image: docker.io/calico/node-driver-registrar:v3.26",
    )
    assert installs(("ds.yaml", ds)) == []


def test_windows_daemonset_is_not_read():
    ds = (
        daemonset(env("CALICO_IPV4POOL_IPIP", "Always"))
        .replace("quay.io/calico/node:v3.30.2", "quay.io/calico/node-windows:v3.30.2")
        .replace("name: calico-node\n          image", "name: node\n          image")
    )
    assert installs(("ds.yaml", ds)) == []


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: x\nspec: []\n",
        "apiVersion: operator.tigera.io/v1\nkind: Installation\nspec:\n  calicoNetwork: x\n",
        "apiVersion: operator.tigera.io/v1\nkind: Installation\nspec:\n  calicoNetwork:\n"
        "    mtu: [1]\n    linuxDataplane: {a: 1}\n    ipPools: [1, x, null, {cidr: 5}]\n",
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nspec:\n  cidr: [x]\n  ipipMode: 3\n",
        "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nspec:\n  vxlanMTU: {}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: canal-config\ndata:\n"
        "  net-conf.json: '[1, 2]'\n  veth_mtu: 7\n  cni_network_config: 3\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: calico-config\ndata: [1]\n",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: calico-node\nspec:\n"
        "  template:\n    spec:\n      containers:\n        - name: calico-node\n"
        "          env: [1, {name: 2}, {name: CALICO_IPV4POOL_IPIP, value: [x]},\n"
        "                {name: FELIX_VXLANMTU, valueFrom: {configMapKeyRef: {name: nope,"
        " key: k}}}]\n",
    ],
)
def test_odd_shapes_never_crash(tmp_path, text):
    installs(("odd.yaml", text))
    findings(tmp_path, {"odd.yaml": text})
