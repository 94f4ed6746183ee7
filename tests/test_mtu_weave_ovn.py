"""NL1xx for Weave Net (env WEAVE_MTU), OVN-Kubernetes (ovn-config mtu, ovnkube.conf [default]
mtu, the OpenShift Network operator CR, env OVN_MTU / --mtu) and kube-ovn (kube-ovn-cni --mtu,
--network-type). Facts: weaveworks/weave prog/weave-kube/launch.sh and site fastdp.md;
ovn-org/ovn-kubernetes dist/templates (ovn-config, OVN_MTU), the OVN Geneve overhead 58/78;
kubeovn/kube-ovn pkg/daemon/config.go (flags), charts/kube-ovn ovncni-ds.yaml (shape)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from netlint.api import lint
from netlint.checks.mtu import ovn, weave
from netlint.checks.mtu.ini import parse_ini
from netlint.checks.mtu.model import Install, Where
from netlint.config import ClusterProfile, Config, ConfigModel
from netlint.context import RunContext
from netlint.engine import context as run_context
from netlint.load import load_text
from netlint.model import Fix, SourceFile
from netlint.positions import span_of

NODE = "the node MTU 1500 (netlint's default; declare yours as cluster.node_mtu)"
DROPPED = (
    "so full-size pod packets are fragmented or silently dropped (stalled TLS handshakes, "
    "hanging large responses)"
)


def context(text: str, cluster: dict[str, Any] | None = None) -> RunContext:
    source = SourceFile("m.yaml", None, tuple(text.splitlines()))
    loaded = [load_text(source, text)]
    config = Config(ConfigModel(cluster=ClusterProfile(**(cluster or {}))))
    return run_context(loaded, config, today=dt.date(2026, 1, 1))


def line_of(where: Where | None) -> int | None:
    if where is None:
        return None
    if where.span is not None:
        return where.span.line
    return span_of(where.resource.node, where.path)[0].line


def summary(inst: Install) -> dict[str, Any]:
    return {
        "title": inst.title,
        "knobs": [(k.meaning, k.value, k.label, line_of(k.where), k.fix) for k in inst.knobs],
        "encaps": [(e.name, e.family, e.overhead, e.why, line_of(e.where)) for e in inst.encaps],
        "violations": [(v.kind, v.message, line_of(v.where)) for v in inst.violations],
    }


def findings(
    tmp_path: Path, text: str, cluster: dict[str, Any] | None = None, newline: str = "\n"
) -> list[tuple[str, int, str]]:
    path = tmp_path / "m.yaml"
    path.write_bytes(text.replace("\n", newline).encode())
    config = Config(ConfigModel(cluster=ClusterProfile(**(cluster or {}))))
    report = lint([str(path)], config, select=["NL1"])
    return sorted((f.rule, f.span.line, f.message) for f in report.active)


def too_large(title: str, value: int, name: str, size: int, why: str, label: str, best: int) -> str:
    return (
        f"{title}: pod MTU {value} + {name} {size} = {value + size} > {NODE}: {name} adds "
        f"{size} bytes ({why}), {DROPPED}. Set {label} to {best}"
    )


# --- Weave Net --------------------------------------------------------------------------------

WEAVE = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: weave-net
  namespace: kube-system
spec:
  template:
    spec:
      containers:
        - name: weave
          image: 'weaveworks/weave-kube:2.8.1'
          command:
            - /home/weave/launch.sh
          env:
            - name: HOSTNAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
"""
# env entries appended by weave_env() start on line 19
WT = "Weave Net (weave-net DaemonSet kube-system)"
FASTDP = ("VXLAN (fast datapath)", 50, "Weave's default; WEAVE_NO_FASTDP is not set")


def weave_env(*pairs: tuple[str, str]) -> str:
    return WEAVE + "".join(f"            - name: {n}\n              value: {v}\n" for n, v in pairs)


def weave_path(i: int) -> tuple[Any, ...]:
    return ("spec", "template", "spec", "containers", 0, "env", i, "value")


def test_weave_install():
    (got,) = [summary(i) for i in weave.collect(context(weave_env(("WEAVE_MTU", '"1500"'))))]
    assert got == {
        "title": WT,
        "knobs": [
            ("pod", 1500, "env WEAVE_MTU", 20, Fix("set env WEAVE_MTU", weave_path(1), "1500"))
        ],
        "encaps": [("fastdp", "ipv4", 50, FASTDP[2], None)],
        "violations": [],
    }


def test_weave_1500_on_1500_is_nl101(tmp_path):
    assert findings(tmp_path, weave_env(("WEAVE_MTU", '"1500"'))) == [
        ("NL101", 20, too_large(WT, 1500, *FASTDP, "env WEAVE_MTU", 1450))
    ]


@pytest.mark.parametrize("value", ['"1376"', '"1450"', "'1416'"])
def test_weave_values_that_fit(tmp_path, value):
    assert findings(tmp_path, weave_env(("WEAVE_MTU", value))) == []


def test_weave_without_weave_mtu_has_no_knob(tmp_path):
    # unset means Weave's fixed 1376, which fits any network netlint knows
    (got,) = [summary(i) for i in weave.collect(context(WEAVE))]
    assert (got["knobs"], got["encaps"]) == ([], [])


@pytest.mark.parametrize(("value", "judged"), [('"1"', False), ('"true"', False), ('""', True)])
def test_weave_no_fastdp_turns_the_judgment_off_when_non_empty(tmp_path, value, judged):
    text = weave_env(("WEAVE_NO_FASTDP", value), ("WEAVE_MTU", '"1500"'))
    expected = [("NL101", 22, too_large(WT, 1500, *FASTDP, "env WEAVE_MTU", 1450))]
    assert findings(tmp_path, text) == (expected if judged else [])


def test_weave_mtu_from_a_configmap_is_judged_at_the_configmap(tmp_path):
    text = (
        WEAVE
        + "            - name: WEAVE_MTU\n"
        + "              valueFrom:\n"
        + "                configMapKeyRef:\n"
        + "                  name: weave-settings\n"
        + "                  key: mtu\n"
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: weave-settings\n"
        + '  namespace: kube-system\ndata:\n  mtu: "1500"\n'
    )
    label = "ConfigMap weave-settings mtu (env WEAVE_MTU)"
    assert findings(tmp_path, text) == [("NL101", 31, too_large(WT, 1500, *FASTDP, label, 1450))]


def test_weave_args_mtu_overrides_the_env_and_conflicts(tmp_path):
    text = weave_env(("WEAVE_MTU", '"1376"')).replace(
        "          command:\n", "          args:\n            - --mtu=1500\n          command:\n"
    )
    assert findings(tmp_path, text) == [
        ("NL101", 13, too_large(WT, 1500, *FASTDP, "--mtu", 1450)),
        (
            "NL104",
            13,
            f"{WT}: --mtu 1500 disagrees with env WEAVE_MTU 1376: two settings for the same MTU, "
            "and which one wins depends on precedence rules nobody reviews. Keep one, or make "
            "them equal",
        ),
    ]


def test_weave_not_a_number_is_nl106(tmp_path):
    assert findings(tmp_path, weave_env(("WEAVE_MTU", "auto"))) == [
        (
            "NL106",
            20,
            f"{WT}: env WEAVE_MTU is 'auto', not a whole number of bytes: the CNI fails to start "
            "or ignores it; write an integer such as 1450, or 0 to auto-detect",
        )
    ]


def test_weave_on_jumbo_frames_is_nl103(tmp_path):
    assert findings(tmp_path, weave_env(("WEAVE_MTU", '"1376"')), {"node_mtu": 9001}) == [
        (
            "NL103",
            20,
            f"{WT}: env WEAVE_MTU 1376 is 7575 bytes below the best value 8951 (the node MTU 9001 "
            "(cluster.node_mtu) minus VXLAN (fast datapath) 50): every packet carries less "
            "payload than the network allows, costing throughput and CPU. Set env WEAVE_MTU to "
            "8951, or 0/unset to auto-detect where weave supports it",
        )
    ]


def test_other_workloads_are_not_weave():
    text = WEAVE.replace("weave-net", "web").replace("name: weave\n", "name: app\n")
    text = text.replace("weaveworks/weave-kube:2.8.1", "nginx:1.27")
    assert list(weave.collect(context(text))) == []


# --- OVN-Kubernetes ---------------------------------------------------------------------------

OVNKUBE_CONFIG = """\
kind: ConfigMap
apiVersion: v1
metadata:
  name: ovnkube-config
  namespace: openshift-ovn-kubernetes
data:
  ovnkube.conf:   |-
    [default]
"""
# lines appended by ovnkube_conf() start on line 9
OT = "OVN-Kubernetes (ovnkube-config openshift-ovn-kubernetes)"
GENEVE = (
    "Geneve",
    58,
    "OVN-Kubernetes tunnels Pod traffic between nodes, encap-type geneve by default",
)


def ovnkube_conf(*lines: str) -> str:
    return OVNKUBE_CONFIG + "".join(f"    {line}\n" for line in lines)


def test_ovnkube_conf_install():
    (got,) = [summary(i) for i in ovn.collect(context(ovnkube_conf('mtu="1500"')))]
    assert got == {
        "title": OT,
        "knobs": [("pod", 1500, "ovnkube.conf [default] mtu", 9, None)],
        "encaps": [("geneve", "ipv4", 58, GENEVE[2], None)],
        "violations": [],
    }


def test_ovnkube_conf_1500_is_nl101_on_its_line(tmp_path):
    text = ovnkube_conf('mtu="1500"', 'cluster-subnets="10.128.0.0/14/23"')
    assert findings(tmp_path, text) == [
        ("NL101", 9, too_large(OT, 1500, *GENEVE, "ovnkube.conf [default] mtu", 1442))
    ]


def test_ovnkube_conf_in_a_crlf_file(tmp_path):
    text = ovnkube_conf("; comment", 'encap-port="6081"', "mtu = 1500 ; overlay")
    for newline in ("\n", "\r\n"):
        path = tmp_path / f"x{len(newline)}.yaml"
        path.write_bytes(text.replace("\n", newline).encode())
        (found,) = lint([str(path)], select=["NL101"]).active
        assert (found.span.line, found.span.column, found.span.end_column) == (11, 11, 15)


@pytest.mark.parametrize("family", ["ipv6", "dual"])
def test_ovnkube_ipv6_and_dual_stack_need_78(tmp_path, family):
    msg = too_large(OT, 1430, "Geneve", 78, GENEVE[2], "ovnkube.conf [default] mtu", 1422)
    msg = msg.replace("Geneve adds", "Geneve over IPv6 adds")
    assert findings(tmp_path, ovnkube_conf('mtu="1430"'), {"ip_family": family}) == [
        ("NL101", 9, msg)
    ]


def test_routable_mtu_is_judged_instead_of_mtu(tmp_path):
    # MTU migration: pods keep mtu, routes to other nodes use routable-mtu
    text = ovnkube_conf('mtu="9000"', 'routable-mtu="1500"')
    label = "ovnkube.conf [default] routable-mtu"
    assert findings(tmp_path, text) == [("NL101", 10, too_large(OT, 1500, *GENEVE, label, 1442))]
    assert findings(tmp_path, ovnkube_conf('mtu="1400"', 'routable-mtu="1400"')) == []


@pytest.mark.parametrize(
    "lines",
    [
        ['mtu="1400"'],
        ["mtu=1442"],
        ['encap-type="vxlan"', 'mtu="1500"'],  # no overhead data: not judged
        ['transport="no-overlay"', 'mtu="1500"'],
        ["[kubernetes]", 'mtu="1500"'],  # not the [default] section
    ],
)
def test_ovnkube_conf_values_that_pass(tmp_path, lines):
    assert findings(tmp_path, ovnkube_conf(*lines)) == []


def test_ovnkube_single_node_needs_no_geneve_room(tmp_path):
    text = ovnkube_conf('mtu="1500"', "[gateway]", "mode=shared", "single-node=true")
    assert findings(tmp_path, text) == []
    text = ovnkube_conf('mtu="9000"', "[gateway]", "single-node")
    label = "ovnkube.conf [default] mtu"
    assert findings(tmp_path, text) == [
        (
            "NL101",
            9,
            f"{OT}: {label} 9000 is larger than {NODE}, with no encapsulation: pods send "
            "packets the node network cannot carry, so they are fragmented or dropped. "
            f"Set {label} to 1500",
        )
    ]


def test_ovnkube_conf_bad_value_is_nl106(tmp_path):
    assert findings(tmp_path, ovnkube_conf('mtu="fifteen hundred"')) == [
        (
            "NL106",
            9,
            f"{OT}: ovnkube.conf [default] mtu is 'fifteen hundred', not a whole number of bytes: "
            "the CNI fails to start or ignores it; write an integer such as 1450, or 0 to "
            "auto-detect",
        )
    ]


OVN_CONFIG = """\
kind: ConfigMap
apiVersion: v1
metadata:
  name: ovn-config
  namespace: ovn-kubernetes
data:
  net_cidr:      "10.244.0.0/16/24"
  mtu:           "1500"
"""


def test_upstream_ovn_config(tmp_path):
    (got,) = [summary(i) for i in ovn.collect(context(OVN_CONFIG))]
    fix = Fix("set ovn-config mtu", ("data", "mtu"), "1500")
    assert got["knobs"] == [("pod", 1500, "ovn-config mtu", 8, fix)]
    title = "OVN-Kubernetes (ovn-config ovn-kubernetes)"
    assert findings(tmp_path, OVN_CONFIG) == [
        ("NL101", 8, too_large(title, 1500, *GENEVE, "ovn-config mtu", 1442))
    ]


NETWORK = """\
apiVersion: operator.openshift.io/v1
kind: Network
metadata:
  name: cluster
spec:
  defaultNetwork:
    type: OVNKubernetes
    ovnKubernetesConfig:
      mtu: 1500
      genevePort: 6081
"""


def test_openshift_network_operator(tmp_path):
    title = "OVN-Kubernetes (cluster Network)"
    label = "spec.defaultNetwork.ovnKubernetesConfig.mtu"
    why = "defaultNetwork.type: OVNKubernetes (Geneve between nodes)"
    assert findings(tmp_path, NETWORK) == [
        ("NL101", 9, too_large(title, 1500, "Geneve", 58, why, label, 1442))
    ]
    (found,) = lint([str(tmp_path / "m.yaml")], select=["NL101"]).active
    assert found.fix is not None and found.fix.path == (
        "spec",
        "defaultNetwork",
        "ovnKubernetesConfig",
        "mtu",
    )
    assert found.edit is not None and found.edit.text == "1442"


def test_openshift_sdn_and_the_config_api_network_are_not_ovn(tmp_path):
    assert findings(tmp_path, NETWORK.replace("type: OVNKubernetes", "type: OpenShiftSDN")) == []
    config_api = NETWORK.replace("operator.openshift.io/v1", "config.openshift.io/v1")
    assert list(ovn.collect(context(config_api))) == []


OVNKUBE_NODE = """\
kind: DaemonSet
apiVersion: apps/v1
metadata:
  name: ovnkube-node
  namespace: ovn-kubernetes
spec:
  template:
    spec:
      containers:
      - name: ovnkube-node
        command: ["/root/ovnkube.sh", "ovn-node"]
        env:
        - name: OVN_MTU
          value: "1500"
"""


def test_literal_ovn_mtu_env_on_ovnkube_pods(tmp_path):
    title = "OVN-Kubernetes (ovnkube-node DaemonSet ovn-kubernetes)"
    assert findings(tmp_path, OVNKUBE_NODE) == [
        ("NL101", 14, too_large(title, 1500, *GENEVE, "env OVN_MTU", 1442))
    ]


def test_ovn_mtu_from_the_configmap_is_judged_only_there(tmp_path):
    text = OVNKUBE_NODE.replace(
        '          value: "1500"\n',
        "          valueFrom:\n            configMapKeyRef:\n              name: ovn-config\n"
        "              key: mtu\n",
    )
    assert list(ovn.collect(context(text))) == []


def test_ovnkube_binary_mtu_flag(tmp_path):
    text = OVNKUBE_NODE.replace(
        '["/root/ovnkube.sh", "ovn-node"]',
        '["/usr/bin/ovnkube", "--init-node", "n1", "--mtu", "1400"]',
    )
    (got,) = [summary(i) for i in ovn.collect(context(text))]
    # the flag comes after the env and wins; `--mtu 1400` (two items) can be fixed in place
    path = ("spec", "template", "spec", "containers", 0, "command", 4)
    assert got["knobs"] == [("pod", 1400, "--mtu", 11, Fix("set --mtu", path, "1400"))]


# --- kube-ovn ---------------------------------------------------------------------------------

KUBE_OVN = """\
kind: DaemonSet
apiVersion: apps/v1
metadata:
  name: kube-ovn-cni
  namespace: kube-system
spec:
  template:
    spec:
      containers:
      - name: cni-server
        command:
          - bash
          - /kube-ovn/start-cniserver.sh
        args:
          - --encap-checksum=true
"""
# args appended by kube_ovn() start on line 16
KT = "kube-ovn (kube-ovn-cni DaemonSet kube-system)"


def kube_ovn(*args: str) -> str:
    return KUBE_OVN + "".join(f"          - {a}\n" for a in args)


def test_kube_ovn_install():
    text = kube_ovn("--network-type=geneve", "--mtu=1500")
    (got,) = [summary(i) for i in ovn.collect(context(text))]
    why = "--network-type=geneve; OVN's Geneve header with its metadata option"
    assert got == {
        "title": KT,
        "knobs": [("pod", 1500, "--mtu", 17, None)],  # "--mtu=1500" is one item: no fix
        "encaps": [("geneve", "ipv4", 58, why, 16)],
        "violations": [],
    }


@pytest.mark.parametrize(
    ("args", "line", "name", "size", "why", "best"),
    [
        (
            ["--network-type=geneve", "--mtu=1450"],
            17,
            "Geneve",
            58,
            "--network-type=geneve; OVN's Geneve header with its metadata option",
            1442,
        ),
        (
            ["--mtu=1450"],
            16,
            "Geneve",
            58,
            "--network-type not set (geneve by default); OVN's Geneve header with its metadata "
            "option",
            1442,
        ),
        (["--network-type=vxlan", "--mtu=1460"], 17, "VXLAN", 50, "--network-type=vxlan", 1450),
        (["--network-type=stt", "--mtu", "1450"], 18, "STT", 72, "--network-type=stt", 1428),
    ],
)
def test_kube_ovn_nl101(tmp_path, args, line, name, size, why, best):
    value = int(args[-1].rsplit("=", 1)[-1])
    assert findings(tmp_path, kube_ovn(*args)) == [
        ("NL101", line, too_large(KT, value, name, size, why, "--mtu", best))
    ]


def test_kube_ovn_vlan_is_an_underlay(tmp_path):
    assert findings(tmp_path, kube_ovn("--network-type=vlan", "--mtu=1500")) == []
    assert findings(tmp_path, kube_ovn("--network-type=vlan", "--mtu=9000")) == [
        (
            "NL101",
            17,
            f"{KT}: --mtu 9000 is larger than {NODE}, with no encapsulation: pods send packets "
            "the node network cannot carry, so they are fragmented or dropped. Set --mtu to 1500",
        )
    ]


@pytest.mark.parametrize(
    "args", [[], ["--mtu=0"], ["--mtu=1400"], ["--network-type=nvgre", "--mtu=1500"]]
)
def test_kube_ovn_values_that_pass(tmp_path, args):
    assert findings(tmp_path, kube_ovn(*args)) == []


def test_kube_ovn_bad_mtu_is_nl106(tmp_path):
    assert findings(tmp_path, kube_ovn("--mtu=-1")) == [
        (
            "NL106",
            16,
            f"{KT}: --mtu is -1, which no interface accepts (an MTU is between 68 and 65535); use "
            "the node MTU minus the encapsulation overhead, or 0 to auto-detect",
        )
    ]


# --- never crash ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: weave-net}\nspec: 3\n",
        WEAVE.replace("          env:\n", "          env: 5\n"),
        WEAVE
        + "            - name: WEAVE_MTU\n              valueFrom: {secretKeyRef: {name: s}}\n",
        WEAVE + "            - name: WEAVE_MTU\n              valueFrom:\n"
        "                configMapKeyRef: {name: missing, key: mtu}\n",
        KUBE_OVN.replace(
            "          - --encap-checksum=true\n", "          - 5\n          - --mtu\n"
        ),
        KUBE_OVN.replace("        args:\n          - --encap-checksum=true\n", "        args: x\n"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ovn-config}\ndata: {mtu: [1]}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {ovnkube.conf: 7}\n",
        OVNKUBE_CONFIG + '    mtu="1500\n    [default\n    = 3\n',
        "apiVersion: operator.openshift.io/v1\nkind: Network\nmetadata: {name: cluster}\n"
        "spec: {defaultNetwork: {type: OVNKubernetes, ovnKubernetesConfig: 5}}\n",
    ],
)
def test_odd_shapes_never_crash(tmp_path, text):
    ctx = context(text)
    for inst in [*weave.collect(ctx), *ovn.collect(ctx)]:
        assert inst.knobs == [] and inst.encaps == []
    findings(tmp_path, text)


def test_parse_ini():
    text = '[default]\nmtu="1400" ; c\n# x\n[Gateway "sub"]\nMode = shared\nnodeport\n'
    got = [(e.section, e.subsection, e.key, e.value, e.raw, e.line, e.col) for e in parse_ini(text)]
    assert got == [
        ("default", None, "mtu", "1400", '"1400"', 1, 4),
        ("gateway", "sub", "mode", "shared", "shared", 4, 7),
        ("gateway", "sub", "nodeport", None, "", 5, 0),
    ]
