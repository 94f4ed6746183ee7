"""NL1xx extractor for Antrea: `antrea-agent.conf` in the antrea-config ConfigMap.

antrea-agent.conf is YAML inside a ConfigMap string (a block scalar in antrea.yml). Its
`defaultMTU` is the MTU of the host gateway and of every Pod interface (a pod MTU: Antrea uses
an explicit value as is; 0 or unset = the transport interface MTU minus the overhead below).
[antrea-io/antrea: build/charts/antrea/conf/antrea-agent.conf, pkg/agent/agent.go
getInterfaceMTU, pkg/agent/config/node_config.go CalculateMTUDeduction]

What Antrea deducts, which is what the pod MTU must leave room for:
* trafficEncapMode encap (default) or hybrid (encapsulates between Node subnets): the tunnel,
  geneve (default) / vxlan 50, gre 42, +20 on IPv6 Nodes (dual-stack included: Antrea adds it
  when the Node has an IPv6 address). STT: Antrea deducts nothing (no STT case in
  getEncapMTUDeduction), so netlint does not judge defaultMTU with STT.
* trafficEncryptionMode wireGuard: WireGuard (60, +20 IPv6) replaces the tunnel;
  ipsec: ESP (38) on top of the tunnel; the legacy `enableIPSecTunnel: true` is IPsec.
* noEncap: nothing (the pod MTU is judged against the node MTU).
* networkPolicyOnly: Antrea is chained behind the primary CNI, which sets the Pod MTU: not judged.
* multicluster.enableGateway: cross-cluster traffic is tunnelled (plus WireGuard when
  multicluster.trafficEncryptionMode is wireGuard), whatever trafficEncapMode says.

antrea-agent refuses to start on an unknown trafficEncapMode / tunnelType /
trafficEncryptionMode, and on encryption outside encap mode (cmd/antrea-agent/options.go
validateNodeOptions): NL105. It reads the file strictly, so a quoted defaultMTU ("1450") does
not decode into its integer field: NL106.
"""

from __future__ import annotations

from collections.abc import Iterator

from ruamel.yaml.nodes import MappingNode, Node

from netlint.checks.k8s import parse_int
from netlint.checks.mtu import ANTREA_CONF_KEY
from netlint.checks.mtu.ini import Embedded, YamlEntry, embedded, mapping_entries, yaml_mapping
from netlint.checks.mtu.model import Encap, Family, Install, Knob, Violation, Where
from netlint.checks.mtu.profile import label, overhead
from netlint.checks.mtu.values import read_mtu
from netlint.context import RunContext

CNI = "antrea"
CONF_KEY = ANTREA_CONF_KEY
LABEL = "antrea-agent.conf defaultMTU"
# Antrea compares these case-insensitively (strings.EqualFold in GetTrafficEncapModeFromStr /
# GetTrafficEncryptionModeFromStr)
ENCAP_MODES = {
    "encap": "encap",
    "noencap": "noEncap",
    "hybrid": "hybrid",
    "networkpolicyonly": "networkPolicyOnly",
}
ENCRYPTION_MODES = {"none": "none", "ipsec": "ipsec", "wireguard": "wireGuard"}
TUNNEL_TYPES = ("geneve", "vxlan", "gre", "stt")


def collect(ctx: RunContext) -> Iterator[Install]:
    family: Family = "ipv6" if ctx.config.model.cluster.ip_family in ("ipv6", "dual") else "ipv4"
    for cm in ctx.index.of_kind("ConfigMap"):
        data = cm.data.get("data")
        if not isinstance(data, dict) or not isinstance(data.get(CONF_KEY), str):
            continue
        conf = embedded(cm, ("data", CONF_KEY))
        if conf is None:
            continue
        where = f"{cm.name} {cm.namespace}" if cm.namespace else f"{cm.name}"
        inst = Install(CNI, f"Antrea ({where})", cm)
        _read(inst, conf, family)
        yield inst


def _text(entry: YamlEntry | None) -> str | None:
    """A setting as Go's YAML decoder puts it into a string field (None when unset)."""
    if entry is None or entry.value is None or isinstance(entry.value, Node):
        return None  # unset, or a mapping / list (an unrendered `{{ }}` template parses so)
    if isinstance(entry.value, bool):
        return "true" if entry.value else "false"
    return str(entry.value)


def _truthy(entry: YamlEntry | None) -> bool:
    return entry is not None and (
        entry.value is True or (isinstance(entry.value, str) and entry.value.lower() == "true")
    )


class _Conf:
    def __init__(self, conf: Embedded, entries: dict[str, YamlEntry]) -> None:
        self.conf = conf
        self.entries = entries

    def where(self, entry: YamlEntry) -> Where:
        span = self.conf.span(entry.line, entry.col, entry.end_col)
        return Where(self.conf.resource, self.conf.path, span=span, file=self.conf.resource.file)


def _read(inst: Install, conf: Embedded, family: Family) -> None:
    parsed = yaml_mapping(conf.text, f"{conf.resource.file.path}:{CONF_KEY}")
    if parsed is None:
        return
    entries, node = parsed
    c = _Conf(conf, entries)
    mode_e = entries.get("trafficEncapMode")
    tunnel_e = entries.get("tunnelType")
    enc_e = entries.get("trafficEncryptionMode")

    mode_raw = _text(mode_e) or ""
    mode = ENCAP_MODES.get(mode_raw.lower()) if mode_raw else "encap"
    tunnel_raw = _text(tunnel_e) or ""
    tunnel = tunnel_raw.lower() if tunnel_raw else "geneve"
    enc_raw = _text(enc_e) or ""
    encryption = ENCRYPTION_MODES.get(enc_raw.lower()) if enc_raw else "none"
    legacy_ipsec = encryption == "none" and _truthy(entries.get("enableIPSecTunnel"))
    if legacy_ipsec:
        encryption = "ipsec"

    broken = False
    if mode is None and mode_e is not None:
        broken = True
        inst.violations.append(
            Violation(
                "encapsulation",
                f"{inst.title}: trafficEncapMode {mode_raw!r} is not one of encap, noEncap, "
                f"hybrid, networkPolicyOnly: antrea-agent refuses to start (TrafficEncapMode "
                f"{mode_raw} is unknown). Use encap (the default) unless the network routes Pod "
                f"IPs",
                c.where(mode_e),
            )
        )
    if tunnel not in TUNNEL_TYPES and tunnel_e is not None:
        broken = True
        inst.violations.append(
            Violation(
                "encapsulation",
                f"{inst.title}: tunnelType {tunnel_raw!r} is not one of geneve, vxlan, gre, stt: "
                f"antrea-agent refuses to start (tunnel type {tunnel_raw} is invalid). Use geneve "
                f"(the default)",
                c.where(tunnel_e),
            )
        )
    if encryption is None and enc_e is not None:
        broken = True
        inst.violations.append(
            Violation(
                "encapsulation",
                f"{inst.title}: trafficEncryptionMode {enc_raw!r} is not one of none, ipsec, "
                f"wireGuard: antrea-agent refuses to start (TrafficEncryptionMode {enc_raw} is "
                f"unknown)",
                c.where(enc_e),
            )
        )
    if mode not in (None, "encap") and encryption not in (None, "none"):
        place = enc_e if enc_e is not None and not legacy_ipsec else entries["enableIPSecTunnel"]
        said = "enableIPSecTunnel: true" if legacy_ipsec else f"trafficEncryptionMode {enc_raw}"
        related = (
            (c.where(mode_e).related(f"trafficEncapMode is {mode_raw} here"),) if mode_e else ()
        )
        inst.violations.append(
            Violation(
                "encapsulation",
                f"{inst.title}: {said} encrypts tunnel traffic, which only exists with "
                f"trafficEncapMode encap, but it is {mode}: antrea-agent refuses to start "
                f"(TrafficEncryptionMode {encryption} may only be enabled in encap mode). Use "
                f"trafficEncapMode encap, or trafficEncryptionMode none",
                c.where(place),
                related,
            )
        )
        encryption = "none"  # judge the MTU as the mode alone would carry it

    knob = _knob(inst, c, family)
    if knob is None or broken or mode is None or encryption is None:
        return
    encaps = _encaps(c, node, family, mode, tunnel, encryption, legacy_ipsec)
    if encaps is None:
        return  # a mode netlint does not judge (networkPolicyOnly, STT, GRE on IPv6)
    inst.knobs.append(knob)
    inst.encaps.extend(encaps)


def _knob(inst: Install, c: _Conf, family: Family) -> Knob | None:
    entry = c.entries.get("defaultMTU")
    if entry is None or entry.value is None or isinstance(entry.value, Node):
        return None  # unset, or not a scalar (an unrendered `{{ .Values.x }}` is a mapping)
    where = c.where(entry)
    value = entry.value
    if isinstance(value, bool) or not isinstance(value, int):
        # Go decodes the file into an int field: a quoted "1450", 1450.0 or true is an error
        number = parse_int(value) if isinstance(value, str) else None
        shown = f'the string "{value}"' if isinstance(value, str) else str(value)
        advice = f"Write {number} without quotes" if number is not None else "Write an integer"
        inst.violations.append(
            Violation(
                "value",
                f"{inst.title}: {LABEL} is {shown}, not an integer: antrea-agent decodes "
                f"antrea-agent.conf strictly into typed fields and does not start. {advice}, "
                f"or 0 to auto-detect",
                where,
            )
        )
        return None
    read = read_mtu(value, where, LABEL, family)
    if isinstance(read, Violation):
        inst.violations.append(
            Violation(read.kind, f"{inst.title}: {read.message}", read.where, read.related)
        )
        return None
    if read is None:
        return None
    return Knob(CNI, "pod", read, LABEL, where)


def _said(entry: YamlEntry | None, key: str, default: str) -> tuple[str, bool]:
    text = _text(entry)
    if text:
        return f"{key}: {text}", False
    return f"{key}: {default}", True


def _encaps(
    c: _Conf,
    node: MappingNode,
    family: Family,
    mode: str,
    tunnel: str,
    encryption: str,
    legacy_ipsec: bool,
) -> list[Encap] | None:
    if mode == "networkPolicyOnly":
        return None
    mode_e = c.entries.get("trafficEncapMode")
    tunnel_e = c.entries.get("tunnelType")
    enc_e = c.entries.get("trafficEncryptionMode")
    out: list[Encap] = []
    if mode in ("encap", "hybrid"):
        mode_said, mode_default = _said(mode_e, "trafficEncapMode", "encap")
        if mode == "hybrid":
            mode_said += " (encapsulates between Node subnets)"
        if encryption == "wireGuard":
            size = overhead(CNI, "wireguard", family)
            if size is None:
                return None
            why = f"{mode_said}, trafficEncryptionMode: {_text(enc_e)} (replaces the tunnel)"
            out.append(Encap("wireguard", family, size, why, _where(c, enc_e)))
        else:
            tunnel_said, tunnel_default = _said(tunnel_e, "tunnelType", "geneve")
            if tunnel == "stt":
                return None
            base = overhead(CNI, tunnel, family)
            if base is None:
                return None  # GRE is not supported on IPv6 clusters
            if mode_default and tunnel_default:
                why = "trafficEncapMode: encap, tunnelType: geneve (defaults)"
            else:
                why = (
                    f"{mode_said}{' (default)' if mode_default else ''}, "
                    f"{tunnel_said}{' (default)' if tunnel_default else ''}"
                )
            if encryption == "ipsec":
                esp = overhead(CNI, "ipsec", family)
                if esp is None:
                    return None
                said = (
                    "enableIPSecTunnel: true"
                    if legacy_ipsec
                    else f"trafficEncryptionMode: {_text(enc_e)}"
                )
                place = c.entries.get("enableIPSecTunnel") if legacy_ipsec else enc_e
                out.append(
                    Encap(
                        "ipsec",
                        family,
                        base + esp,
                        f"{why}, {said}: {label(tunnel)} {base} + ESP {esp}",
                        _where(c, place),
                        (tunnel, "ipsec"),
                    )
                )
            else:
                out.append(Encap(tunnel, family, base, why, _where(c, tunnel_e or mode_e)))
    gateway = _multicluster(c, node, family, tunnel)
    if gateway is not None:
        out.append(gateway)
    return out


def _multicluster(c: _Conf, node: MappingNode, family: Family, tunnel: str) -> Encap | None:
    """Multi-cluster Gateway: cross-cluster traffic is tunnelled, and WireGuard-encrypted when
    multicluster.trafficEncryptionMode is wireGuard (Antrea deducts both)."""
    section = None
    for key, value in node.value:
        if getattr(key, "value", None) == "multicluster" and isinstance(value, MappingNode):
            section = value
    if section is None:
        return None
    mc = mapping_entries(section)
    if not _truthy(mc.get("enableGateway")):
        return None
    base = overhead(CNI, tunnel, family) if tunnel != "stt" else None
    if base is None:
        return None
    enc = (_text(mc.get("trafficEncryptionMode")) or "").lower()
    gate = mc["enableGateway"]
    if enc == "wireguard":
        wg = overhead(CNI, "wireguard", family)
        if wg is None:
            return None
        return Encap(
            "wireguard",
            family,
            base + wg,
            f"multicluster.enableGateway: true, multicluster.trafficEncryptionMode: wireGuard: "
            f"{label(tunnel)} {base} + WireGuard {wg}",
            _where(c, mc.get("trafficEncryptionMode")),
            (tunnel, "wireguard"),
        )
    return Encap(
        tunnel,
        family,
        base,
        "multicluster.enableGateway: true (cross-cluster traffic is tunnelled)",
        _where(c, gate),
    )


def _where(c: _Conf, entry: YamlEntry | None) -> Where | None:
    return c.where(entry) if entry is not None else None
