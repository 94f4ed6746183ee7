"""NL1xx for Antrea: antrea-agent.conf (YAML inside the antrea-config ConfigMap) -> Installs and
findings. Facts: antrea-io/antrea pkg/agent/config/node_config.go (overheads,
CalculateMTUDeduction), pkg/agent/agent.go getInterfaceMTU (an explicit defaultMTU is used as is),
cmd/antrea-agent/options.go validateNodeOptions (what makes the agent refuse to start)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from netlint.api import lint
from netlint.checks.mtu import antrea
from netlint.checks.mtu.model import Install, Where
from netlint.config import ClusterProfile, Config, ConfigModel
from netlint.context import RunContext
from netlint.engine import context as run_context
from netlint.load import load_text
from netlint.model import SourceFile
from netlint.positions import span_of

HEAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: antrea-config
  namespace: kube-system
  labels:
    app: antrea
data:
  antrea-agent.conf: |
"""
# the embedded file starts on line 10 of every manifest built by conf()


def conf(*lines: str, head: str = HEAD) -> str:
    return head + "".join(f"    {line}\n" if line else "\n" for line in lines)


def context(text: str, cluster: dict[str, Any] | None = None, name: str = "m.yaml") -> RunContext:
    source = SourceFile(name, None, tuple(text.splitlines()))
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
    """Everything an Install says, with places as line numbers."""
    return {
        "title": inst.title,
        "knobs": [
            (k.meaning, k.value, k.label, line_of(k.where), k.scope, k.fix, k.alias_of)
            for k in inst.knobs
        ],
        "encaps": [
            (e.name, e.family, e.overhead, e.why, line_of(e.where), e.stacked) for e in inst.encaps
        ],
        "violations": [(v.kind, v.message, line_of(v.where)) for v in inst.violations],
    }


def installs(text: str, cluster: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [summary(i) for i in antrea.collect(context(text, cluster))]


def findings(
    tmp_path: Path, text: str, cluster: dict[str, Any] | None = None, newline: str = "\n"
) -> list[tuple[str, int, str]]:
    path = tmp_path / "antrea.yaml"
    path.write_bytes(text.replace("\n", newline).encode())
    config = Config(ConfigModel(cluster=ClusterProfile(**(cluster or {}))))
    report = lint([str(path)], config, select=["NL1"])
    return sorted((f.rule, f.span.line, f.message) for f in report.active)


T = "Antrea (antrea-config kube-system)"
NODE = "the node MTU 1500 (netlint's default; declare yours as cluster.node_mtu)"
DROPPED = (
    "so full-size pod packets are fragmented or silently dropped (stalled TLS handshakes, "
    "hanging large responses)"
)
LABEL = "antrea-agent.conf defaultMTU"


def too_large(value: int, name: str, size: int, why: str, best: int, node: str = NODE) -> str:
    return (
        f"{T}: pod MTU {value} + {name} {size} = {value + size} > {node}: {name} adds {size} "
        f"bytes ({why}), {DROPPED}. Set {LABEL} to {best}"
    )


# --- Installs ---------------------------------------------------------------------------------


def test_explicit_settings_give_a_pod_knob_and_the_tunnel():
    text = conf('trafficEncapMode: "encap"', 'tunnelType: "geneve"', "defaultMTU: 1500")
    assert installs(text) == [
        {
            "title": T,
            "knobs": [("pod", 1500, LABEL, 12, None, None, None)],
            "encaps": [
                ("geneve", "ipv4", 50, "trafficEncapMode: encap, tunnelType: geneve", 11, ())
            ],
            "violations": [],
        }
    ]


def test_defaults_are_encap_and_geneve():
    assert installs(conf("defaultMTU: 1400")) == [
        {
            "title": T,
            "knobs": [("pod", 1400, LABEL, 10, None, None, None)],
            "encaps": [
                (
                    "geneve",
                    "ipv4",
                    50,
                    "trafficEncapMode: encap, tunnelType: geneve (defaults)",
                    None,
                    (),
                )
            ],
            "violations": [],
        }
    ]


@pytest.mark.parametrize(
    ("lines", "encaps"),
    [
        # noEncap: routed, nothing to subtract; the mode is matched case-insensitively
        (["trafficEncapMode: NoEncap"], []),
        (
            ["trafficEncapMode: hybrid"],
            [
                (
                    "geneve",
                    "ipv4",
                    50,
                    "trafficEncapMode: hybrid (encapsulates between Node subnets), "
                    "tunnelType: geneve (default)",
                    10,
                    (),
                )
            ],
        ),
        (
            ["tunnelType: gre"],
            [("gre", "ipv4", 42, "trafficEncapMode: encap (default), tunnelType: gre", 10, ())],
        ),
        (
            ["tunnelType: VXLAN"],
            [("vxlan", "ipv4", 50, "trafficEncapMode: encap (default), tunnelType: VXLAN", 10, ())],
        ),
        # WireGuard replaces the tunnel (tunnelType is ignored)
        (
            ["tunnelType: vxlan", "trafficEncryptionMode: wireGuard"],
            [
                (
                    "wireguard",
                    "ipv4",
                    60,
                    "trafficEncapMode: encap, trafficEncryptionMode: wireGuard "
                    "(replaces the tunnel)",
                    11,
                    (),
                )
            ],
        ),
        # IPsec: ESP on top of the tunnel, one Encap with both
        (
            ["trafficEncryptionMode: ipsec"],
            [
                (
                    "ipsec",
                    "ipv4",
                    88,
                    "trafficEncapMode: encap, tunnelType: geneve (defaults), "
                    "trafficEncryptionMode: ipsec: Geneve 50 + ESP 38",
                    10,
                    ("geneve", "ipsec"),
                )
            ],
        ),
        (
            ["tunnelType: gre", "enableIPSecTunnel: true"],
            [
                (
                    "ipsec",
                    "ipv4",
                    80,
                    "trafficEncapMode: encap (default), tunnelType: gre, enableIPSecTunnel: true: "
                    "GRE 42 + ESP 38",
                    11,
                    ("gre", "ipsec"),
                )
            ],
        ),
    ],
)
def test_encapsulation_per_mode(lines, encaps):
    (got,) = installs(conf(*lines, "defaultMTU: 1400"))
    assert got["encaps"] == encaps
    assert got["knobs"] == [("pod", 1400, LABEL, 10 + len(lines), None, None, None)]
    assert got["violations"] == []


@pytest.mark.parametrize(
    ("lines", "knobs"),
    [
        # Antrea deducts nothing for STT: not judged
        (["tunnelType: stt", "defaultMTU: 9000"], []),
        # the primary CNI sets the Pod MTU
        (["trafficEncapMode: networkPolicyOnly", "defaultMTU: 9000"], []),
        # auto-detected: a knob the rules skip
        (["defaultMTU: 0"], [("pod", 0, LABEL, 10, None, None, None)]),
        (["tunnelType: vxlan"], []),  # no defaultMTU
    ],
)
def test_modes_netlint_does_not_judge(lines, knobs):
    (got,) = installs(conf(*lines))
    assert (got["knobs"], got["violations"]) == (knobs, [])


def test_gre_is_not_judged_on_ipv6_where_antrea_does_not_support_it():
    (got,) = installs(conf("tunnelType: gre", "defaultMTU: 1500"), {"ip_family": "ipv6"})
    assert (got["knobs"], got["encaps"]) == ([], [])


@pytest.mark.parametrize("family", ["ipv6", "dual"])
def test_ipv6_and_dual_stack_nodes_add_20_bytes(family):
    (got,) = installs(conf("defaultMTU: 1440"), {"ip_family": family})
    assert got["encaps"] == [
        ("geneve", "ipv6", 70, "trafficEncapMode: encap, tunnelType: geneve (defaults)", None, ())
    ]


def test_multicluster_gateway_with_wireguard_adds_both():
    text = conf(
        "trafficEncapMode: encap",
        "defaultMTU: 1450",
        "multicluster:",
        "  enableGateway: true",
        "  trafficEncryptionMode: wireGuard",
    )
    (got,) = installs(text)
    assert got["encaps"] == [
        ("geneve", "ipv4", 50, "trafficEncapMode: encap, tunnelType: geneve (default)", 10, ()),
        (
            "wireguard",
            "ipv4",
            110,
            "multicluster.enableGateway: true, multicluster.trafficEncryptionMode: wireGuard: "
            "Geneve 50 + WireGuard 60",
            14,
            ("geneve", "wireguard"),
        ),
    ]


def test_windows_config_and_hash_suffixed_names_are_read():
    head = HEAD.replace("antrea-config", "antrea-windows-config-7c8f9b6d5g")
    (got,) = installs(conf("defaultMTU: 1450", head=head))
    assert got["title"] == "Antrea (antrea-windows-config-7c8f9b6d5g kube-system)"
    assert got["knobs"] == [("pod", 1450, LABEL, 10, None, None, None)]


@pytest.mark.parametrize(
    "text",
    [
        conf("defaultMTU: [1500"),  # embedded YAML that does not parse
        conf("- defaultMTU: 1500"),  # not a mapping
        HEAD.replace("|", "5"),  # not a string
        HEAD.replace("  antrea-agent.conf: |\n", "  antrea-agent.conf: ~\n"),
        HEAD.replace("data:\n  antrea-agent.conf: |\n", "data: [1]\n"),
        conf("defaultMTU:", "trafficEncapMode:", "tunnelType:"),  # empty values: defaults
        conf("defaultMTU: {{ .Values.defaultMTU }}"),  # unrendered: parses as a mapping
        conf("defaultMTU: [1500]"),
    ],
)
def test_shapes_that_give_no_facts_never_crash(text):
    for got in installs(text):
        assert (got["knobs"], got["encaps"], got["violations"]) == ([], [], [])


# --- findings ---------------------------------------------------------------------------------


def test_geneve_1500_on_1500_is_nl101_at_the_line_inside_the_block_scalar(tmp_path):
    text = conf('trafficEncapMode: "encap"', 'tunnelType: "geneve"', "defaultMTU: 1500")
    assert findings(tmp_path, text) == [
        (
            "NL101",
            12,
            too_large(1500, "Geneve", 50, "trafficEncapMode: encap, tunnelType: geneve", 1450),
        )
    ]


def test_crlf_files_place_the_finding_on_the_same_line_and_column(tmp_path):
    text = conf("# comment", "", 'tunnelType: "geneve"', "defaultMTU: 1500")
    lf = lint([str(_write(tmp_path / "lf.yaml", text))], select=["NL101"]).active
    crlf = lint([str(_write(tmp_path / "crlf.yaml", text, "\r\n"))], select=["NL101"]).active
    assert [(f.span.line, f.span.column, f.span.end_column) for f in lf] == [(13, 17, 21)]
    assert [(f.span.line, f.span.column, f.span.end_column) for f in crlf] == [(13, 17, 21)]


def _write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def test_a_double_quoted_config_string_is_found_on_its_line(tmp_path):
    # `kubectl get -o yaml` writes the file as one double-quoted string when lines end in spaces
    text = HEAD.replace(
        "  antrea-agent.conf: |\n",
        '  antrea-agent.conf: "trafficEncapMode: encap \\ntunnelType: vxlan'
        '\\ndefaultMTU: 1500\\n"\n',
    )
    why = "trafficEncapMode: encap, tunnelType: vxlan"
    assert findings(tmp_path, text) == [("NL101", 9, too_large(1500, "VXLAN", 50, why, 1450))]
    report = lint([str(tmp_path / "antrea.yaml")], select=["NL101"])
    (found,) = report.active
    line = text.splitlines()[8]
    assert line[found.span.column - 1 : found.span.end_column - 1] == "1500"


@pytest.mark.parametrize(
    ("lines", "best", "encap"),
    [
        (["trafficEncapMode: hybrid"], 1450, None),
        (
            ["tunnelType: gre"],
            1458,
            ("GRE", 42, "trafficEncapMode: encap (default), tunnelType: gre"),
        ),
        (
            ["trafficEncryptionMode: wireGuard"],
            1440,
            (
                "WireGuard",
                60,
                "trafficEncapMode: encap, trafficEncryptionMode: wireGuard (replaces the tunnel)",
            ),
        ),
        (
            ["trafficEncryptionMode: ipsec"],
            1412,
            (
                "IPsec",
                88,
                "trafficEncapMode: encap, tunnelType: geneve (defaults), "
                "trafficEncryptionMode: ipsec: Geneve 50 + ESP 38",
            ),
        ),
    ],
)
def test_best_value_per_mode(tmp_path, lines, best, encap):
    text = conf(*lines, "defaultMTU: 1460")
    line = 10 + len(lines)
    if encap is None:
        why = (
            "trafficEncapMode: hybrid (encapsulates between Node subnets), "
            "tunnelType: geneve (default)"
        )
        encap = ("Geneve", 50, why)
    assert findings(tmp_path, text) == [("NL101", line, too_large(1460, *encap, best))]


def test_gre_1458_fits(tmp_path):
    assert findings(tmp_path, conf("tunnelType: gre", "defaultMTU: 1458")) == []


def test_noencap_is_judged_against_the_node_mtu_alone(tmp_path):
    assert findings(tmp_path, conf("trafficEncapMode: noEncap", "defaultMTU: 1500")) == []
    assert findings(tmp_path, conf("trafficEncapMode: noEncap", "defaultMTU: 1600")) == [
        (
            "NL101",
            11,
            f"{T}: {LABEL} 1600 is larger than {NODE}, with no encapsulation: pods send "
            "packets the node network cannot carry, so they are fragmented or dropped. "
            f"Set {LABEL} to 1500",
        )
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ["tunnelType: stt", "defaultMTU: 1500"],
        ["trafficEncapMode: networkPolicyOnly", "defaultMTU: 9000"],
    ],
)
def test_stt_and_network_policy_only_give_no_finding(tmp_path, lines):
    assert findings(tmp_path, conf(*lines)) == []


def test_default_mtu_0_is_auto(tmp_path):
    assert findings(tmp_path, conf("defaultMTU: 0"), {"node_mtu": 9001}) == []


def test_ipv6_best_value(tmp_path):
    why = "trafficEncapMode: encap, tunnelType: geneve (defaults)"
    message = too_large(1450, "Geneve", 70, why, 1430).replace(
        "Geneve adds", "Geneve over IPv6 adds"
    )
    assert findings(tmp_path, conf("defaultMTU: 1450"), {"ip_family": "ipv6"}) == [
        ("NL101", 10, message)
    ]


def test_jumbo_frames_wasted_is_nl103(tmp_path):
    assert findings(tmp_path, conf("defaultMTU: 1450"), {"node_mtu": 9001}) == [
        (
            "NL103",
            10,
            f"{T}: {LABEL} 1450 is 7501 bytes below the best value 8951 (the node MTU 9001 "
            "(cluster.node_mtu) minus Geneve 50): every packet carries less payload than the "
            f"network allows, costing throughput and CPU. Set {LABEL} to 8951, or 0/unset to "
            "auto-detect where antrea supports it",
        )
    ]


@pytest.mark.parametrize(
    ("value", "shown", "advice"),
    [
        ('"1450"', 'the string "1450"', "Write 1450 without quotes"),
        ("'1450'", 'the string "1450"', "Write 1450 without quotes"),
        ("auto", 'the string "auto"', "Write an integer"),
        ("1450.5", "1450.5", "Write an integer"),
        ("true", "True", "Write an integer"),
    ],
)
def test_values_antrea_cannot_decode_are_nl106(tmp_path, value, shown, advice):
    assert findings(tmp_path, conf(f"defaultMTU: {value}")) == [
        (
            "NL106",
            10,
            f"{T}: {LABEL} is {shown}, not an integer: antrea-agent decodes antrea-agent.conf "
            f"strictly into typed fields and does not start. {advice}, or 0 to auto-detect",
        )
    ]


def test_out_of_range_value_is_nl106(tmp_path):
    assert findings(tmp_path, conf("defaultMTU: 70000")) == [
        (
            "NL106",
            10,
            f"{T}: {LABEL} is 70000, which no interface accepts (an MTU is between 68 and 65535); "
            "use the node MTU minus the encapsulation overhead, or 0 to auto-detect",
        )
    ]


def test_unknown_modes_are_nl105_and_the_mtu_is_not_judged(tmp_path):
    text = conf(
        "trafficEncapMode: tunnel",
        "tunnelType: ipip",
        "trafficEncryptionMode: wg",
        "defaultMTU: 1500",
    )
    assert findings(tmp_path, text) == [
        (
            "NL105",
            10,
            f"{T}: trafficEncapMode 'tunnel' is not one of encap, noEncap, hybrid, "
            "networkPolicyOnly: antrea-agent refuses to start (TrafficEncapMode tunnel is "
            "unknown). Use encap (the default) unless the network routes Pod IPs",
        ),
        (
            "NL105",
            11,
            f"{T}: tunnelType 'ipip' is not one of geneve, vxlan, gre, stt: antrea-agent refuses "
            "to start (tunnel type ipip is invalid). Use geneve (the default)",
        ),
        (
            "NL105",
            12,
            f"{T}: trafficEncryptionMode 'wg' is not one of none, ipsec, wireGuard: antrea-agent "
            "refuses to start (TrafficEncryptionMode wg is unknown)",
        ),
    ]


def test_encryption_outside_encap_mode_is_nl105_with_the_mode_as_related(tmp_path):
    text = conf("trafficEncapMode: hybrid", "trafficEncryptionMode: wireGuard", "defaultMTU: 1450")
    assert findings(tmp_path, text) == [
        (
            "NL105",
            11,
            f"{T}: trafficEncryptionMode wireGuard encrypts tunnel traffic, which only exists with "
            "trafficEncapMode encap, but it is hybrid: antrea-agent refuses to start "
            "(TrafficEncryptionMode wireGuard may only be enabled in encap mode). Use "
            "trafficEncapMode encap, or trafficEncryptionMode none",
        )
    ]
    report = lint([str(tmp_path / "antrea.yaml")], select=["NL105"])
    (found,) = report.active
    assert [(r.message, r.span.line) for r in found.related] == [
        ("trafficEncapMode is hybrid here", 10)
    ]


def test_legacy_ipsec_outside_encap_mode_points_at_enable_ipsec_tunnel(tmp_path):
    text = conf("trafficEncapMode: noEncap", "enableIPSecTunnel: true", "defaultMTU: 1500")
    assert findings(tmp_path, text) == [
        (
            "NL105",
            11,
            f"{T}: enableIPSecTunnel: true encrypts tunnel traffic, which only exists with "
            "trafficEncapMode encap, but it is noEncap: antrea-agent refuses to start "
            "(TrafficEncryptionMode ipsec may only be enabled in encap mode). Use "
            "trafficEncapMode encap, or trafficEncryptionMode none",
        )
    ]


def test_a_list_of_objects_is_read(tmp_path):
    body = conf("defaultMTU: 1500")
    items = "".join("    " + line + "\n" for line in body.splitlines())
    text = "apiVersion: v1\nkind: List\nitems:\n  -\n" + items
    why = "trafficEncapMode: encap, tunnelType: geneve (defaults)"
    assert findings(tmp_path, text) == [("NL101", 14, too_large(1500, "Geneve", 50, why, 1450))]


def test_unrelated_configmaps_are_not_antrea(tmp_path):
    text = HEAD.replace("antrea-agent.conf", "kube-proxy.conf") + "    mtu: 9000\n"
    assert list(antrea.collect(context(text))) == []
