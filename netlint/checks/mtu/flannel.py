"""NL1xx extractor for Flannel: the `net-conf.json` of the kube-flannel-cfg ConfigMap.

`Backend.MTU` is the MTU of the node network ("underlay"): flannel subtracts the backend's
overhead from it itself (vxlan 50, wireguard 80) and writes the pod MTU to subnet.env. Only the
vxlan and wireguard backends read it (flannel-io/flannel pkg/backend/{vxlan,wireguard}); the
other backends ignore the key, so it is not a setting there.

How flannel reads the file (flannel-io/flannel pkg/subnet/config.go, pkg/backend/manager.go):
Go's encoding/json, so member names match case-insensitively and the last duplicate wins; no
`Backend` at all means the udp backend; `Backend.Type` is lower-cased; `MTU` is a Go int, so a
quoted "1450" or 1450.0 makes flannel fail to start, and an explicit 0 is taken literally (the
default, the interface MTU, applies only when the key is absent).

Canal keeps a flannel net-conf.json in `canal-config`; that install is Calico's, not ours.
"""

from __future__ import annotations

from collections.abc import Iterator

from ruamel.yaml.nodes import ScalarNode

from netlint.checks.k8s import digits_int
from netlint.checks.mtu import FLANNEL_KEY, jsontext
from netlint.checks.mtu.model import Encap, Family, Install, Knob, Violation, Where
from netlint.checks.mtu.profile import label as label_of
from netlint.checks.mtu.profile import overhead
from netlint.checks.mtu.values import MAX_MTU, MIN_MTU_IPV4, MIN_MTU_IPV6, read_mtu
from netlint.context import RunContext
from netlint.model import Resource
from netlint.positions import resolve

CNI = "flannel"
KEY = FLANNEL_KEY
CONFIG_MAP = "kube-flannel-cfg"
# backends that read Backend.MTU (the others ignore it)
MTU_BACKENDS = ("vxlan", "wireguard")
# backends without encapsulation: routes only (host-gw), cloud route tables, no forwarding
UNENCAPSULATED = ("host-gw", "alloc", "aws-vpc", "gce", "ali-vpc", "tencent-vpc", "extension")


def collect(ctx: RunContext) -> Iterator[Install]:
    for resource in ctx.index.of_kind("ConfigMap"):
        if is_flannel_config(resource):
            yield _install(resource)


def is_flannel_config(resource: Resource) -> bool:
    data = resource.data.get("data")
    if not isinstance(data, dict) or KEY not in data:
        return False
    name = resource.name or ""
    if "canal" in name:
        return False  # canal-config: Calico's extractor handles Canal
    labels = resource.labels
    return (
        name == CONFIG_MAP
        or "flannel" in name
        or "flannel" in (labels.get("app"), labels.get("k8s-app"))
    )


def title(resource: Resource) -> str:
    ident = " ".join(p for p in (resource.name, resource.namespace) if p)
    return f"Flannel ({ident})"


class _Text:
    """net-conf.json of one ConfigMap: the decoded string, its YAML node, places in the file."""

    def __init__(self, resource: Resource, text: str) -> None:
        self.resource = resource
        self.text = text
        _, node, depth = resolve(resource.node, ("data", KEY))
        self.node = node if depth == 2 and isinstance(node, ScalarNode) else None

    def where(self, member: jsontext.JMember | None = None) -> Where:
        path = ("data", KEY)
        if member is None or self.node is None:
            return Where(self.resource, path)
        span = jsontext.locate_member(self.resource.file, self.node, self.text, member)
        if span is None:
            return Where(self.resource, path)
        return Where(self.resource, path, span=span, file=self.resource.file)


def _install(resource: Resource) -> Install:
    inst = Install(CNI, title(resource), resource)
    text = resource.data["data"][KEY]
    if not isinstance(text, str):
        return inst
    conf = jsontext.parse(text)
    if conf is None or conf.kind != "object":
        return inst  # broken JSON: flannel does not start; not an MTU question
    source = _Text(resource, text)
    families = _families(conf)
    backend = conf.member("Backend")
    if backend is None:
        # flannel's parseBackendType: no Backend means udp
        _add_encaps(inst, "udp", families, "no Backend in net-conf.json: flannel uses udp", None)
        return inst
    if backend.value.kind != "object":
        return inst  # flannel fails to decode the backend
    kind = backend.value.member("Type")
    if kind is None or kind.value.kind != "string":
        return inst  # flannel: unknown backend type
    name = str(kind.value.value).lower()
    why = f"{backend.key}.{kind.key}: {kind.value.value}"
    _add_encaps(inst, name, families, why, source.where(kind))
    if name in MTU_BACKENDS:
        _read_mtu(inst, source, backend, name, families)
    return inst


def _families(conf: jsontext.JValue) -> list[Family]:
    """The IP families flannel runs: EnableIPv4 (default true) and EnableIPv6 (default false)."""
    found: list[Family] = []
    if _flag(conf.member("EnableIPv4"), True):
        found.append("ipv4")
    if _flag(conf.member("EnableIPv6"), False):
        found.append("ipv6")
    return found


def _flag(member: jsontext.JMember | None, default: bool) -> bool:
    if member is None or member.value.kind == "null":
        return default
    if member.value.kind in ("true", "false"):
        return member.value.kind == "true"
    return default  # not a bool: flannel fails to decode the file; keep the default


def _add_encaps(
    inst: Install, name: str, families: list[Family], why: str, where: Where | None
) -> None:
    if name in UNENCAPSULATED:
        return
    for family in families:
        size = overhead(CNI, name, family)
        if size is not None:
            inst.encaps.append(Encap(name, family, size, why, where))


def _read_mtu(
    inst: Install,
    source: _Text,
    backend: jsontext.JMember,
    name: str,
    families: list[Family],
) -> None:
    mtu = backend.value.member("MTU")
    if mtu is None or mtu.value.kind == "null":
        return  # absent: flannel uses the MTU of the external interface
    label = f"{KEY} {backend.key}.{mtu.key}"
    where = source.where(mtu)
    family: Family = "ipv6" if "ipv6" in families else "ipv4"
    value = mtu.value
    if value.kind == "string" and "{{" in str(value.value):
        return  # an unrendered template: NL004 reports it; there is no value yet
    written = jsontext.raw(source.text, value)
    if not value.is_integer:
        message = _not_a_number(label, value, written)
        inst.violations.append(Violation("value", f"{inst.title}: {message}", where))
        return
    number = digits_int(value.value)
    if number is None:  # more digits than int() converts: far out of range
        message = _out_of_range(label, written)
        inst.violations.append(Violation("value", f"{inst.title}: {message}", where))
        return
    found = read_mtu(number, where, label, family)
    if isinstance(found, Violation):
        message = _out_of_range(label, number)
        inst.violations.append(Violation("value", f"{inst.title}: {message}", where))
        return
    if found == 0:
        loss = overhead(CNI, name, family) or 0
        inst.violations.append(
            Violation(
                "value",
                f"{inst.title}: {label} is 0: flannel does not read 0 as 'detect the MTU', it "
                f"takes it as the MTU of the node network and hands pods an MTU of {-loss} "
                f"(0 - {loss} {label_of(name)}); remove the key to use the MTU of the node's "
                f"interface",
                where,
            )
        )
        return
    assert found is not None
    inst.knobs.append(Knob(CNI, "underlay", found, label, where))


def _not_a_number(label: str, value: jsontext.JValue, written: str) -> str:
    remedy = (
        "write the MTU of the node network as a JSON number (such as 1500), or remove the key "
        "to use the MTU of the node's interface"
    )
    if value.kind == "string":
        text = str(value.value).strip()
        if text.isdigit():
            remedy = f"write {text} without quotes"
        return (
            f"{label} is the string {written}: flannel decodes MTU as a JSON number and fails to "
            f"start (error decoding backend config); {remedy}"
        )
    return (
        f"{label} is {written}, not a whole number of bytes: flannel fails to decode the backend "
        f"config and does not start; {remedy}"
    )


def _out_of_range(label: str, number: int | str) -> str:
    return (
        f"{label} is {number}, which no interface accepts (an MTU is between {MIN_MTU_IPV4} and "
        f"{MAX_MTU}, and IPv6 needs at least {MIN_MTU_IPV6}); write the MTU of the node network "
        f"(such as 1500), or remove the key to use the MTU of the node's interface"
    )
