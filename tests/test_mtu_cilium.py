"""NL1xx Cilium extractor: cilium-config and CiliumNodeConfig read into Installs, and the exact
findings the NL1 rules give for them.

Cilium's `mtu` is the MTU of the node network (an "underlay" knob): only NL102 (above the node
MTU) and NL103 (far below it) judge it; the encapsulations are recorded for the messages and
stack as the agent computes them (tunnel + WireGuard = 50 + 80 in one Encap).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netlint.api import lint
from netlint.checks.mtu import cilium
from netlint.checks.mtu.model import Install
from netlint.config import ClusterProfile, Config, ConfigModel
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile

DEFAULT = "netlint's default; declare yours as cluster.node_mtu"


def config(node_mtu: int | None = None) -> Config:
    return Config(ConfigModel(cluster=ClusterProfile(node_mtu=node_mtu)))


def collect(files: dict[str, str]) -> list[Install]:
    loaded = [load_text(SourceFile(name, None), text) for name, text in files.items()]
    ctx = context(loaded, config(), today=dt.date(2026, 1, 1))
    return list(cilium.collect(ctx))


def one(text: str) -> Install:
    (inst,) = collect({"cilium.yaml": text})
    return inst


def knobs(inst: Install) -> list[tuple[str, str, int, tuple[object, ...], str | None]]:
    return [
        (k.meaning, k.label, k.value, k.where.path, str(k.where.resource.name)) for k in inst.knobs
    ]


def encaps(inst: Install) -> list[tuple[object, ...]]:
    return [
        (e.name, e.family, e.overhead, e.why, e.where.path if e.where else None, e.stacked)
        for e in inst.encaps
    ]


def findings(
    tmp_path: Path, text: str, node_mtu: int | None = None, name: str = "cilium.yaml"
) -> set[tuple[str, int]]:
    return {(rule, line) for rule, line, _ in messages(tmp_path, text, node_mtu, name)}


def messages(
    tmp_path: Path, text: str, node_mtu: int | None = None, name: str = "cilium.yaml"
) -> list[tuple[str, int, str]]:
    path = tmp_path / name
    path.write_text(text)
    report = lint([str(path)], config(node_mtu), select=["NL1"])
    return [(f.rule, f.span.line, f.message) for f in report.active]


def cilium_config(*lines: str, namespace: str | None = "kube-system") -> str:
    ns = f"  namespace: {namespace}\n" if namespace else ""
    body = "".join(f"  {line}\n" for line in lines)
    return (
        "# Source: cilium/templates/cilium-configmap.yaml\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: cilium-config\n"
        f"{ns}"
        "data:\n"
        f"{body}"
    )


def node_config(name: str, selector: str, *defaults: str, api: str = "cilium.io/v2") -> str:
    body = "".join(f"    {line}\n" for line in defaults)
    return (
        f"apiVersion: {api}\n"
        "kind: CiliumNodeConfig\n"
        "metadata:\n"
        f"  name: {name}\n"
        "  namespace: kube-system\n"
        "spec:\n"
        f"  nodeSelector: {selector}\n"
        "  defaults:\n"
        f"{body}"
    )


HELM_TUNNEL = ('routing-mode: "tunnel"', 'tunnel-protocol: "vxlan"')
VXLAN = ("vxlan", "ipv4", 50, "routing-mode: tunnel, tunnel-protocol: vxlan")


# --- Installs -------------------------------------------------------------------------------


def test_helm_default_tunnel_without_mtu():
    inst = one(cilium_config(*HELM_TUNNEL, 'enable-ipv4: "true"'))
    assert inst.cni == "cilium"
    assert inst.title == "Cilium (cilium-config kube-system)"
    assert knobs(inst) == []
    assert encaps(inst) == [(*VXLAN, ("data", "routing-mode"), ())]
    assert inst.violations == []


def test_mtu_is_an_underlay_knob_with_a_string_fix():
    inst = one(cilium_config(*HELM_TUNNEL, 'mtu: "9001"'))
    assert knobs(inst) == [
        ("underlay", "cilium-config mtu", 9001, ("data", "mtu"), "cilium-config")
    ]
    fix = inst.knobs[0].fix
    assert fix is not None and (fix.path, fix.value) == (("data", "mtu"), "9001")


def test_mtu_zero_means_auto_detect():
    inst = one(cilium_config(*HELM_TUNNEL, 'mtu: "0"'))
    assert [k.value for k in inst.knobs] == [0]


def test_unquoted_integer_mtu_is_read():
    assert [k.value for k in one(cilium_config("mtu: 1500")).knobs] == [1500]


def test_no_routing_keys_means_cilium_default_tunnel():
    inst = one(cilium_config('enable-ipv4: "true"'))
    assert encaps(inst) == [
        (
            "vxlan",
            "ipv4",
            50,
            "routing-mode: tunnel (Cilium's default), tunnel-protocol: vxlan (default)",
            None,
            (),
        )
    ]


def test_routing_mode_without_tunnel_protocol_defaults_to_vxlan():
    inst = one(cilium_config('routing-mode: "tunnel"'))
    assert encaps(inst) == [
        (
            "vxlan",
            "ipv4",
            50,
            "routing-mode: tunnel, tunnel-protocol: vxlan (default)",
            ("data", "routing-mode"),
            (),
        )
    ]


def test_geneve_and_native_routing():
    geneve = one(cilium_config('routing-mode: "tunnel"', 'tunnel-protocol: "geneve"'))
    assert encaps(geneve) == [
        (
            "geneve",
            "ipv4",
            50,
            "routing-mode: tunnel, tunnel-protocol: geneve",
            ("data", "routing-mode"),
            (),
        )
    ]
    native = one(cilium_config('routing-mode: "native"', 'tunnel-protocol: "vxlan"'))
    assert encaps(native) == []


def test_legacy_tunnel_key():
    # `tunnel` was replaced by routing-mode + tunnel-protocol in 1.14 / removed in 1.15
    assert encaps(one(cilium_config("tunnel: disabled"))) == []
    assert encaps(one(cilium_config("tunnel: geneve"))) == [
        ("geneve", "ipv4", 50, "tunnel: geneve", ("data", "tunnel"), ())
    ]
    assert encaps(one(cilium_config("tunnel: vxlan"))) == [
        ("vxlan", "ipv4", 50, "tunnel: vxlan", ("data", "tunnel"), ())
    ]
    # routing-mode wins over a stale `tunnel` (1.15+ reads only routing-mode)
    assert encaps(one(cilium_config("tunnel: vxlan", "routing-mode: native"))) == []


def test_ipv6_underlay_costs_70():
    inst = one(cilium_config(*HELM_TUNNEL, 'underlay-protocol: "ipv6"'))
    assert encaps(inst) == [
        (
            "vxlan",
            "ipv6",
            70,
            "routing-mode: tunnel, tunnel-protocol: vxlan, underlay-protocol: ipv6",
            ("data", "routing-mode"),
            (),
        )
    ]


def test_wireguard_on_vxlan_stacks_to_130():
    # cilium#29000 / #30329: encapsulated, then encrypted: route MTU = 1500 - 130 = 1370
    inst = one(cilium_config(*HELM_TUNNEL, 'enable-wireguard: "true"'))
    assert encaps(inst) == [
        (
            "wireguard",
            "ipv4",
            130,
            "enable-wireguard: true on routing-mode: tunnel, tunnel-protocol: vxlan: "
            "encapsulated, then encrypted",
            ("data", "enable-wireguard"),
            ("vxlan",),
        )
    ]


def test_wireguard_with_native_routing_is_80():
    inst = one(cilium_config('routing-mode: "native"', 'enable-wireguard: "true"'))
    assert encaps(inst) == [
        ("wireguard", "ipv4", 80, "enable-wireguard: true", ("data", "enable-wireguard"), ())
    ]


def test_wireguard_false_is_only_the_tunnel():
    inst = one(cilium_config(*HELM_TUNNEL, 'enable-wireguard: "false"'))
    assert encaps(inst) == [(*VXLAN, ("data", "routing-mode"), ())]


def test_ipsec_on_tunnel_and_native():
    tunnel = one(cilium_config(*HELM_TUNNEL, 'enable-ipsec: "true"'))
    assert encaps(tunnel) == [
        (
            "ipsec",
            "ipv4",
            127,
            "enable-ipsec: true on routing-mode: tunnel, tunnel-protocol: vxlan: "
            "encapsulated, then encrypted",
            ("data", "enable-ipsec"),
            ("vxlan",),
        )
    ]
    native = one(cilium_config('routing-mode: "native"', 'enable-ipsec: "true"'))
    assert encaps(native) == [
        ("ipsec", "ipv4", 77, "enable-ipsec: true", ("data", "enable-ipsec"), ())
    ]


def test_eni_without_routing_mode_is_native():
    inst = one(cilium_config('ipam: "eni"', 'enable-endpoint-routes: "true"'))
    assert encaps(inst) == []
    assert inst.violations == []


def test_eni_with_tunnel_is_rejected_by_the_agent():
    inst = one(cilium_config('ipam: "eni"', *HELM_TUNNEL))
    assert [(v.kind, v.where.path, v.message) for v in inst.violations] == [
        (
            "encapsulation",
            ("data", "routing-mode"),
            "Cilium (cilium-config kube-system): routing-mode: tunnel with ipam: eni: the Cilium "
            'agent refuses to start ("Cannot specify IPAM mode eni in tunnel mode"); ENI gives '
            "pods VPC addresses, so set routing-mode: native",
        )
    ]
    assert one(cilium_config('ipam: "eni"', 'routing-mode: "native"')).violations == []


def test_title_without_namespace_and_in_other_namespaces():
    assert one(cilium_config("mtu: '1500'", namespace=None)).title == "Cilium (cilium-config)"
    assert one(cilium_config("mtu: '1500'", namespace="cilium")).title == (
        "Cilium (cilium-config cilium)"
    )


def test_cilium_config_in_a_list():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cilium-config\n"
        "    namespace: kube-system\n  data:\n    mtu: '9001'\n"
    )
    assert knobs(one(text)) == [
        ("underlay", "cilium-config mtu", 9001, ("data", "mtu"), "cilium-config")
    ]


@pytest.mark.parametrize(
    "data",
    [
        "data: null",
        "data: []",
        "data: {mtu: [1], routing-mode: {a: b}, enable-wireguard: [true], tunnel: null}",
        "data: {mtu: null, underlay-protocol: 6, ipam: [eni]}",
        "data: {mtu: true}",
    ],
)
def test_odd_shapes_never_crash(data):
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n{data}\n"
    inst = one(text)
    assert [k.value for k in inst.knobs] == []


def test_invalid_values_are_violations():
    inst = one(cilium_config('mtu: "auto"'))
    assert [(v.kind, v.where.path, v.message) for v in inst.violations] == [
        (
            "value",
            ("data", "mtu"),
            "Cilium (cilium-config kube-system): cilium-config mtu is 'auto', not a whole number "
            "of bytes: the Cilium agent fails to start or ignores it, depending on the version; "
            "write the MTU of the node network (such as 1500 or 9001), or remove the key to let "
            "Cilium detect it",
        )
    ]
    assert inst.knobs == []
    for bad in ('"-1"', '"70000"', '"60"'):
        (violation,) = one(cilium_config(f"mtu: {bad}")).violations
        number = bad.strip('"')
        assert violation.message == (
            f"Cilium (cilium-config kube-system): cilium-config mtu is {number}, which no "
            "interface accepts (an MTU is between 68 and 65535, and IPv6 needs at least 1280); "
            "write the MTU of the node network (such as 1500 or 9001), or remove the key to let "
            "Cilium detect it"
        )


def test_unrendered_template_value_is_not_judged():
    inst = one(cilium_config('mtu: "{{ .Values.MTU }}"'))
    assert inst.knobs == [] and inst.violations == []


def test_ipv6_only_cluster_needs_1280():
    inst = one(cilium_config('enable-ipv4: "false"', 'enable-ipv6: "true"', 'mtu: "1200"'))
    assert [v.kind for v in inst.violations] == ["value"]
    ok = one(cilium_config('enable-ipv4: "true"', 'enable-ipv6: "true"', 'mtu: "1200"'))
    assert [k.value for k in ok.knobs] == [1200]


# --- CiliumNodeConfig -----------------------------------------------------------------------


def test_node_config_for_all_nodes_is_a_knob_of_the_install():
    text = (
        cilium_config(*HELM_TUNNEL)
        + "---\n"
        + node_config("jumbo-nodes", "{}", 'mtu: "9000"', api="cilium.io/v2alpha1")
    )
    inst = one(text)
    assert knobs(inst) == [
        (
            "underlay",
            "CiliumNodeConfig jumbo-nodes spec.defaults.mtu",
            9000,
            ("spec", "defaults", "mtu"),
            "jumbo-nodes",
        )
    ]
    fix = inst.knobs[0].fix
    assert fix is not None and fix.path == ("spec", "defaults", "mtu")


def test_node_config_for_some_nodes_is_not_judged_but_checked():
    selector = "{matchLabels: {jumbo: 'true'}}"
    base = cilium_config(*HELM_TUNNEL) + "---\n"
    inst = one(base + node_config("jumbo", selector, "mtu: '9001'"))
    assert knobs(inst) == []
    bad = one(base + node_config("jumbo", selector, "mtu: 9k"))
    assert [(v.kind, v.where.path) for v in bad.violations] == [
        ("value", ("spec", "defaults", "mtu"))
    ]


def test_node_config_without_selector_selects_no_node():
    text = cilium_config() + "---\n" + node_config("x", "null", 'mtu: "9001"')
    assert knobs(one(text)) == []


def test_node_config_overrides_add_their_encapsulations():
    text = (
        cilium_config(*HELM_TUNNEL)
        + "---\n"
        + node_config(
            "encrypted",
            "{matchExpressions: [{key: secure, operator: Exists}]}",
            "routing-mode: native",
            'enable-wireguard: "true"',
        )
    )
    assert encaps(one(text)) == [
        (*VXLAN, ("data", "routing-mode"), ()),
        (
            "wireguard",
            "ipv4",
            80,
            "enable-wireguard: true",
            ("spec", "defaults", "enable-wireguard"),
            (),
        ),
    ]


def test_node_config_in_another_file_of_the_directory_attaches():
    installs = collect(
        {
            "prod/cilium.yaml": cilium_config(*HELM_TUNNEL),
            "prod/nodes.yaml": node_config("all", "{}", 'mtu: "9001"'),
            "dev/cilium.yaml": cilium_config(*HELM_TUNNEL),
        }
    )
    by_file = {inst.anchor.file.path: inst for inst in installs}
    assert sorted(by_file) == ["dev/cilium.yaml", "prod/cilium.yaml"]
    assert [k.value for k in by_file["prod/cilium.yaml"].knobs] == [9001]
    assert by_file["dev/cilium.yaml"].knobs == []


def test_orphan_node_config_is_its_own_install():
    (inst,) = collect({"nodes.yaml": node_config("all", "{}", 'mtu: "9001"')})
    assert inst.title == "Cilium (CiliumNodeConfig all kube-system)"
    assert [k.value for k in inst.knobs] == [9001]
    assert inst.encaps == []


def test_node_config_of_another_api_group_is_ignored():
    text = node_config("all", "{}", 'mtu: "9001"', api="example.com/v1")
    assert collect({"x.yaml": text}) == []


# --- findings -------------------------------------------------------------------------------


def test_mtu_9001_on_the_default_profile_is_nl102(tmp_path):
    text = cilium_config(*HELM_TUNNEL, 'mtu: "9001"')
    assert messages(tmp_path, text) == [
        (
            "NL102",
            10,
            "Cilium (cilium-config kube-system): cilium-config mtu 9001 is the MTU of the node "
            "network (cilium subtracts VXLAN overhead from it itself), but the node MTU is 1500 "
            f"({DEFAULT}): pods get an MTU the nodes cannot carry and large packets are dropped. "
            "Set cilium-config mtu to 1500, or remove it to let cilium detect the MTU",
        )
    ]


@pytest.mark.parametrize("mtu", [None, '"1500"', '"0"'])
def test_no_finding_on_the_default_profile(tmp_path, mtu):
    lines = [*HELM_TUNNEL, f"mtu: {mtu}"] if mtu else list(HELM_TUNNEL)
    assert findings(tmp_path, cilium_config(*lines)) == set()


def test_mtu_1500_with_wireguard_is_not_judged_like_a_pod_mtu(tmp_path):
    text = cilium_config(*HELM_TUNNEL, 'enable-wireguard: "true"', 'mtu: "1500"')
    assert findings(tmp_path, text) == set()


def test_jumbo_profile(tmp_path):
    assert findings(tmp_path, cilium_config(*HELM_TUNNEL, 'mtu: "9001"'), node_mtu=9001) == set()
    text = cilium_config(*HELM_TUNNEL, 'mtu: "1450"')
    assert messages(tmp_path, text, node_mtu=9001) == [
        (
            "NL103",
            10,
            "Cilium (cilium-config kube-system): cilium-config mtu 1450 is 7551 bytes below the "
            "best value 9001 (the node MTU 9001 (cluster.node_mtu)): every packet carries less "
            "payload than the network allows, costing throughput and CPU. Set cilium-config mtu "
            "to 9001, or 0/unset to auto-detect where cilium supports it",
        )
    ]


def test_calico_habit_1450_on_1500_is_below_min_waste(tmp_path):
    # 1500 - 1450 = 50 < min_waste 100: not reported (see rules/NL103-mtu-wasted/pass/)
    assert findings(tmp_path, cilium_config(*HELM_TUNNEL, 'mtu: "1450"')) == set()
    # 1300 is 200 below: a note
    assert findings(tmp_path, cilium_config(*HELM_TUNNEL, 'mtu: "1300"')) == {("NL103", 10)}


def test_node_config_findings(tmp_path):
    text = (
        cilium_config(*HELM_TUNNEL, 'mtu: "1500"')
        + "---\n"
        + node_config("all", "{}", 'mtu: "9001"')
        + "---\n"
        + node_config("some", "{matchLabels: {a: b}}", 'mtu: "9001"')
        + "---\n"
        + node_config("typo", "{matchLabels: {a: b}}", 'mtu: "9001 "', 'enable-ipsec: "yes"')
    )
    assert findings(tmp_path, text) == {("NL102", 20)}


def test_invalid_value_finding(tmp_path):
    assert findings(tmp_path, cilium_config('mtu: "auto"')) == {("NL106", 8)}


def test_eni_tunnel_finding(tmp_path):
    text = cilium_config('ipam: "eni"', 'routing-mode: "tunnel"')
    assert findings(tmp_path, text) == {("NL105", 9)}


def test_wireguard_on_geneve_over_ipv6_is_150():
    inst = one(
        cilium_config(
            'routing-mode: "tunnel"',
            'tunnel-protocol: "geneve"',
            'underlay-protocol: "ipv6"',
            'enable-wireguard: "true"',
        )
    )
    assert [(e.name, e.family, e.overhead, e.stacked) for e in inst.encaps] == [
        ("wireguard", "ipv6", 150, ("geneve",))
    ]


def test_node_config_mtu_is_checked_against_the_merged_families():
    # cilium-config makes the cluster IPv6-only: an override's 1200 is below IPv6's 1280
    text = (
        cilium_config('enable-ipv4: "false"', 'enable-ipv6: "true"', 'routing-mode: "native"')
        + "---\n"
        + node_config("small", "{}", 'mtu: "1200"')
    )
    inst = one(text)
    assert [(v.kind, v.where.path) for v in inst.violations] == [
        ("value", ("spec", "defaults", "mtu"))
    ]
    assert inst.knobs == []
