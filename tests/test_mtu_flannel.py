"""NL1xx Flannel extractor: net-conf.json read as flannel reads it (Go's encoding/json), the
exact Installs, and findings that land on the JSON line inside the ConfigMap string.

Backend.MTU is the MTU of the node network (an "underlay" knob), read only by the vxlan and
wireguard backends; flannel subtracts the backend's overhead from it itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netlint.api import lint
from netlint.checks.mtu import flannel, jsontext
from netlint.checks.mtu.model import Install
from netlint.config import ClusterProfile, Config, ConfigModel
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile, Span

DEFAULT = "netlint's default; declare yours as cluster.node_mtu"
TITLE = "Flannel (kube-flannel-cfg kube-flannel)"


def config(node_mtu: int | None = None) -> Config:
    return Config(ConfigModel(cluster=ClusterProfile(node_mtu=node_mtu)))


def collect(files: dict[str, str]) -> list[Install]:
    loaded = [load_text(SourceFile(name, None), text) for name, text in files.items()]
    ctx = context(loaded, config(), today=dt.date(2026, 1, 1))
    return list(flannel.collect(ctx))


def one(text: str, name: str = "kube-flannel.yml") -> Install:
    (inst,) = collect({name: text})
    return inst


def messages(
    tmp_path: Path, text: str, node_mtu: int | None = None, name: str = "kube-flannel.yml"
) -> list[tuple[str, int, str]]:
    path = tmp_path / name
    path.write_text(text)
    report = lint([str(path)], config(node_mtu), select=["NL1"])
    return [(f.rule, f.span.line, f.message) for f in report.active]


def findings(tmp_path: Path, text: str, node_mtu: int | None = None) -> set[tuple[str, int]]:
    return {(rule, line) for rule, line, _ in messages(tmp_path, text, node_mtu)}


HEAD = """\
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: kube-flannel
  labels:
    tier: node
    k8s-app: flannel
    app: flannel
data:
  net-conf.json: |
"""  # net-conf.json's first JSON line is line 12


def flannel_config(*backend: str, top: tuple[str, ...] = ()) -> str:
    """kube-flannel.yml's ConfigMap; `backend` members one per line from line 16 on."""
    members = ",\n".join(f"        {m}" for m in backend)
    extra = "".join(f"      {m},\n" for m in top)
    return (
        HEAD
        + "    {\n"
        + '      "Network": "10.244.0.0/16",\n'
        + '      "EnableNFTables": false,\n'
        + extra
        + '      "Backend": {\n'
        + members
        + "\n      }\n"
        + "    }\n"
    )


def encaps(inst: Install) -> list[tuple[object, ...]]:
    return [
        (
            e.name,
            e.family,
            e.overhead,
            e.why,
            e.where.span.line if e.where and e.where.span else None,
        )
        for e in inst.encaps
    ]


def knobs(inst: Install) -> list[tuple[object, ...]]:
    return [(k.meaning, k.label, k.value, k.where.span, k.where.path, k.fix) for k in inst.knobs]


# --- Installs -------------------------------------------------------------------------------


def test_vendor_manifest_is_vxlan_without_knob():
    inst = one(flannel_config('"Type": "vxlan"'))
    assert (inst.cni, inst.title) == ("flannel", TITLE)
    assert encaps(inst) == [("vxlan", "ipv4", 50, "Backend.Type: vxlan", 16)]
    assert inst.knobs == [] and inst.violations == []


def test_backend_mtu_is_an_underlay_knob_on_its_json_line():
    inst = one(flannel_config('"Type": "vxlan"', '"MTU": 9000'))
    assert knobs(inst) == [
        (
            "underlay",
            "net-conf.json Backend.MTU",
            9000,
            Span(17, 9, 17, 20),
            ("data", "net-conf.json"),
            None,
        )
    ]


@pytest.mark.parametrize("key", ["MTU", "mtu", "Mtu", "mTu"])
def test_mtu_key_is_case_insensitive(key):
    inst = one(flannel_config('"Type": "vxlan"', f'"{key}": 9000'))
    assert [(k.label, k.value, k.where.span) for k in inst.knobs] == [
        (f"net-conf.json Backend.{key}", 9000, Span(17, 9, 17, 20))
    ]


def test_last_duplicate_wins_as_in_go():
    inst = one(flannel_config('"Type": "vxlan"', '"MTU": 1500', '"mtu": 9000'))
    assert [(k.label, k.value, k.where.span) for k in inst.knobs] == [
        ("net-conf.json Backend.mtu", 9000, Span(18, 9, 18, 20))
    ]


def test_backend_and_type_names_are_case_insensitive_and_type_is_lowercased():
    text = HEAD + '    {"Network": "10.244.0.0/16", "backend": {"type": "VXLAN", "mtu": 9000}}\n'
    inst = one(text)
    assert encaps(inst) == [("vxlan", "ipv4", 50, "backend.type: VXLAN", 12)]
    assert [(k.label, k.value) for k in inst.knobs] == [("net-conf.json backend.mtu", 9000)]


def test_wireguard_backend():
    inst = one(
        flannel_config('"Type": "wireguard"', '"PersistentKeepaliveInterval": 25', '"MTU": 1500')
    )
    assert encaps(inst) == [("wireguard", "ipv4", 80, "Backend.Type: wireguard", 16)]
    assert [(k.label, k.value, k.where.span.line if k.where.span else 0) for k in inst.knobs] == [
        ("net-conf.json Backend.MTU", 1500, 18)
    ]


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        ("ipip", [("ipip", "ipv4", 20, "Backend.Type: ipip", 16)]),
        ("udp", [("udp", "ipv4", 28, "Backend.Type: udp", 16)]),
        ("ipsec", [("ipsec", "ipv4", 77, "Backend.Type: ipsec", 16)]),
        ("host-gw", []),
        ("aws-vpc", []),
        ("alloc", []),
        ("nonsense", []),
    ],
)
def test_backends_without_mtu_option(backend, expected):
    # only vxlan and wireguard read Backend.MTU: elsewhere the key is ignored, not a setting
    inst = one(flannel_config(f'"Type": "{backend}"', '"MTU": 9000'))
    assert encaps(inst) == expected
    assert inst.knobs == [] and inst.violations == []


def test_no_backend_means_udp():
    inst = one(HEAD + '    {"Network": "10.244.0.0/16"}\n')
    assert encaps(inst) == [
        ("udp", "ipv4", 28, "no Backend in net-conf.json: flannel uses udp", None)
    ]


@pytest.mark.parametrize(
    "backend", ['{"MTU": 9000}', "null", '"vxlan"', '{"Type": 1, "MTU": 9000}']
)
def test_backend_without_a_usable_type(backend):
    inst = one(HEAD + f'    {{"Network": "10.244.0.0/16", "Backend": {backend}}}\n')
    assert inst.encaps == [] and inst.knobs == [] and inst.violations == []


def test_ipv6_families():
    dual = one(
        flannel_config(
            '"Type": "vxlan"', top=('"EnableIPv6": true', '"IPv6Network": "2001:cafe:42::/56"')
        )
    )
    assert [(e.name, e.family, e.overhead) for e in dual.encaps] == [
        ("vxlan", "ipv4", 50),
        ("vxlan", "ipv6", 50),  # flannel gives flannel-v6 the same MTU - 50
    ]
    v6 = one(
        flannel_config(
            '"Type": "vxlan"',
            '"MTU": 1200',
            top=('"EnableIPv4": false', '"EnableIPv6": true'),
        )
    )
    assert [(e.name, e.family) for e in v6.encaps] == [("vxlan", "ipv6")]
    assert [v.kind for v in v6.violations] == ["value"]  # IPv6 needs 1280


@pytest.mark.parametrize(
    "text",
    [
        '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan", "MTU": 9000,}}',  # trailing ,
        '{"Backend": {"Type": "vxlan", "MTU": NaN}}',
        '{"Backend": {"Type": "vxlan"}} // comment',
        '{"Network": "{{ .Values.podCidr }}", "Backend": {{ .Values.backend }}}',
        "[1, 2]",
        "",
    ],
)
def test_broken_json_is_skipped(text):
    inst = one(HEAD.replace("|", "'") + "    " + text.replace("'", "''") + "'\n")
    assert inst.knobs == [] and inst.encaps == [] and inst.violations == []


@pytest.mark.parametrize(
    "data",
    ["data: {net-conf.json: 42}", "data: {net-conf.json: null}", "data: {net-conf.json: [1]}"],
)
def test_odd_shapes_never_crash(data):
    text = "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: kube-flannel-cfg\n" + data + "\n"
    inst = one(text)
    assert inst.knobs == [] and inst.encaps == []


def test_which_config_maps_are_flannel():
    def cm(name: str, labels: str = "{}") -> str:
        return (
            f"kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: {name}\n  labels: {labels}\n"
            'data:\n  net-conf.json: \'{"Backend": {"Type": "vxlan"}}\'\n'
        )

    found = collect(
        {
            "a.yaml": cm("kube-flannel-cfg"),
            "b.yaml": cm("my-overlay", "{app: flannel}"),
            "c.yaml": cm("rke2-flannel-net-conf"),
            "d.yaml": cm("canal-config", "{app: flannel}"),  # Canal: Calico's extractor
            "e.yaml": cm("other-config"),
        }
    )
    assert sorted(str(inst.anchor.name) for inst in found) == [
        "kube-flannel-cfg",
        "my-overlay",
        "rke2-flannel-net-conf",
    ]


def test_title_without_namespace():
    text = HEAD.replace("  namespace: kube-flannel\n", "") + '    {"Backend": {"Type": "vxlan"}}\n'
    assert one(text).title == "Flannel (kube-flannel-cfg)"


def test_config_map_in_a_list():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- kind: ConfigMap\n  apiVersion: v1\n  metadata:\n    name: kube-flannel-cfg\n"
        "  data:\n    net-conf.json: |\n"
        '      {"Backend": {\n        "Type": "vxlan", "MTU": 9000}}\n'
    )
    assert [(k.value, k.where.span) for k in one(text).knobs] == [(9000, Span(11, 26, 11, 37))]


# --- invalid values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '"1450"',
            'net-conf.json Backend.MTU is the string "1450": flannel decodes MTU as a JSON number '
            "and fails to start (error decoding backend config); write 1450 without quotes",
        ),
        (
            '"auto"',
            'net-conf.json Backend.MTU is the string "auto": flannel decodes MTU as a JSON number '
            "and fails to start (error decoding backend config); write the MTU of the node "
            "network as a JSON number (such as 1500), or remove the key to use the MTU of the "
            "node's interface",
        ),
        (
            "1450.0",
            "net-conf.json Backend.MTU is 1450.0, not a whole number of bytes: flannel fails to "
            "decode the backend config and does not start; write the MTU of the node network as "
            "a JSON number (such as 1500), or remove the key to use the MTU of the node's "
            "interface",
        ),
        (
            "true",
            "net-conf.json Backend.MTU is true, not a whole number of bytes: flannel fails to "
            "decode the backend config and does not start; write the MTU of the node network as "
            "a JSON number (such as 1500), or remove the key to use the MTU of the node's "
            "interface",
        ),
        (
            "0",
            "net-conf.json Backend.MTU is 0: flannel does not read 0 as 'detect the MTU', it "
            "takes it as the MTU of the node network and hands pods an MTU of -50 (0 - 50 "
            "VXLAN); remove the key to use the MTU of the node's interface",
        ),
        (
            "-1",
            "net-conf.json Backend.MTU is -1, which no interface accepts (an MTU is between 68 "
            "and 65535, and IPv6 needs at least 1280); write the MTU of the node network (such "
            "as 1500), or remove the key to use the MTU of the node's interface",
        ),
        (
            "70000",
            "net-conf.json Backend.MTU is 70000, which no interface accepts (an MTU is between "
            "68 and 65535, and IPv6 needs at least 1280); write the MTU of the node network "
            "(such as 1500), or remove the key to use the MTU of the node's interface",
        ),
    ],
)
def test_invalid_values(tmp_path, value, message):
    text = flannel_config('"Type": "vxlan"', f'"MTU": {value}')
    assert messages(tmp_path, text) == [("NL106", 17, f"{TITLE}: {message}")]
    assert one(text).knobs == []


def test_unrendered_template_value_is_not_judged():
    inst = one(flannel_config('"Type": "vxlan"', '"MTU": "{{ .Values.flannel.mtu }}"'))
    assert inst.knobs == [] and inst.violations == []


def test_null_mtu_is_absent():
    inst = one(flannel_config('"Type": "vxlan"', '"MTU": null'))
    assert inst.knobs == [] and inst.violations == []


# --- findings -------------------------------------------------------------------------------


def test_mtu_9000_on_the_default_profile_is_nl102_on_the_json_line(tmp_path):
    text = flannel_config('"Type": "vxlan"', '"MTU": 9000')
    assert messages(tmp_path, text) == [
        (
            "NL102",
            17,
            f"{TITLE}: net-conf.json Backend.MTU 9000 is the MTU of the node network (flannel "
            "subtracts VXLAN overhead from it itself), but the node MTU is 1500 "
            f"({DEFAULT}): pods get an MTU the nodes cannot carry and large packets are dropped. "
            "Set net-conf.json Backend.MTU to 1500, or remove it to let flannel detect the MTU",
        )
    ]


def test_finding_columns_and_object(tmp_path):
    path = tmp_path / "kube-flannel.yml"
    path.write_text(flannel_config('"Type": "vxlan"', '"MTU": 9000'))
    (finding,) = lint([str(path)], config(), select=["NL1"]).active
    assert finding.span == Span(17, 9, 17, 20)
    assert finding.object is not None and finding.object.name == "kube-flannel-cfg"


@pytest.mark.parametrize(("mtu", "node"), [(1500, None), (9000, 9000), (1450, None), (1400, 1450)])
def test_no_finding(tmp_path, mtu, node):
    text = flannel_config('"Type": "vxlan"', f'"MTU": {mtu}')
    assert findings(tmp_path, text, node) == set()


def test_mtu_far_below_the_node_mtu_is_nl103(tmp_path):
    text = flannel_config('"Type": "wireguard"', '"MTU": 1500')
    assert findings(tmp_path, text, node_mtu=9000) == {("NL103", 17)}


def test_host_gw_mtu_is_ignored(tmp_path):
    text = flannel_config('"Type": "host-gw"', '"MTU": 9000')
    assert findings(tmp_path, text) == set()


# --- jsontext -------------------------------------------------------------------------------


def test_parse_keeps_offsets_and_go_member_rules():
    text = '{"Backend": {"Type": "vxlan", "MTU": 1, "mtu": 2}}'
    doc = jsontext.parse(text)
    assert doc is not None and doc.kind == "object"
    backend = doc.member("backend")
    assert backend is not None
    mtu = backend.value.member("MTU")
    assert mtu is not None and (mtu.key, mtu.value.value, mtu.value.is_integer) == (
        "mtu",
        "2",
        True,
    )
    assert text[mtu.key_start : mtu.value.end] == '"mtu": 2'
    assert jsontext.raw(text, backend.value.members[0].value) == '"vxlan"'


@pytest.mark.parametrize(
    "text",
    ["{", '{"a": 1,}', "[1,]", '{"a" 1}', "01", "1.", "{'a': 1}", '"\x01"', "[] []", "tru", "-"],
)
def test_parse_rejects_what_go_rejects(text):
    assert jsontext.parse(text) is None


def test_parse_accepts_json():
    doc = jsontext.parse(' [1, -2.5e3, "x\\u0041", true, false, null, {}, []] ')
    assert doc is not None
    assert [v.kind for v in doc.items] == [
        "number",
        "number",
        "string",
        "true",
        "false",
        "null",
        "object",
        "array",
    ]
    assert doc.items[2].value == "xA"
    assert not doc.items[1].is_integer


def test_parse_stops_at_absurd_depth():
    assert jsontext.parse("[" * 5000 + "]" * 5000) is None


STYLES = """\
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: a
data:
  net-conf.json: |-
    {"Network": "10.244.0.0/16",
     "Backend": {"Type": "vxlan", "MTU": 9000}}
---
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: b
data:
  net-conf.json: >
    {"Network": "10.244.0.0/16",
     "Backend": {"Type": "vxlan",
       "MTU": 9000}}
---
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: c
data:
  net-conf.json: "{\\"Network\\": \\"10.244.0.0/16\\",
    \\"Backend\\": {\\"Type\\": \\"vxlan\\", \\"MTU\\": 9000}}"
---
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: d
data:
  net-conf.json: |2
      {"MTU": 1, "Backend": {"MTU": 9000, "Type": "vxlan"}}
---
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: e
data:
  net-conf.json: '{"Backend": {"Type": "vxlan", "MTU": 9000}}'
"""


def test_every_yaml_string_style_is_located():
    spans = {
        inst.anchor.namespace: inst.knobs[0].where.span for inst in collect({"s.yaml": STYLES})
    }
    assert spans == {
        "a": Span(9, 35, 9, 46),
        "b": Span(20, 8, 20, 19),
        "c": Span(29, 40, 29, 53),  # \"MTU\": 9000
        "d": Span(38, 30, 38, 41),  # the Backend's MTU, not the top-level one before it
        "e": Span(46, 49, 46, 60),
    }


def test_json_manifest_is_located():
    text = (
        '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n'
        '  "metadata": {"name": "kube-flannel-cfg", "namespace": "kube-flannel"},\n'
        '  "data": {\n'
        '    "net-conf.json": "{\\n  \\"Backend\\": {\\n    \\"Type\\": \\"vxlan\\",\\n'
        '    \\"MTU\\": 9000\\n  }\\n}\\n"\n'
        "  }\n}\n"
    )
    (inst,) = collect({"flannel.json": text})
    assert [(k.value, k.where.span) for k in inst.knobs] == [(9000, Span(6, 74, 6, 87))]
