"""NL1xx extractor for Cilium: the cilium-config ConfigMap and CiliumNodeConfig overrides.

cilium-config `mtu` is the MTU of the node network ("underlay"; Helm value `MTU`: "Configure
the underlying network MTU"); absent or "0" means auto-detect. The agent gives pod devices that
MTU and subtracts tunnel and encryption overhead itself for the route MTU (cilium/cilium
pkg/mtu/mtu.go): tunnel 50 (70 over an IPv6 underlay), WireGuard 80, IPsec 77; with a tunnel,
packets are encapsulated and then encrypted, so the overheads add up (tunnel + WireGuard =
130). Only the node MTU bounds `mtu` (NL102 above it, NL103 far below it).

Routing mode: `routing-mode` (tunnel | native); before 1.14 the `tunnel` key (vxlan | geneve |
disabled). Neither set: Cilium tunnels ("when no configuration is provided, Cilium runs in
encapsulation mode", Documentation/network/concepts/routing.rst), except with `ipam: eni`,
which needs native routing (the agent refuses "IPAM mode eni in tunnel mode"): such a config
is taken as native rather than guessed broken.

CiliumNodeConfig (cilium.io/v2alpha1, cilium.io/v2) overrides cilium-config keys for the nodes
its `spec.nodeSelector` selects. Its `mtu` is judged when it selects every node (`{}`); when it
selects some nodes only, those nodes may well have another MTU than the cluster profile's node
MTU (that is why the override exists), so the value is checked for validity only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.checks.k8s import get, parse_int
from netlint.checks.mtu import CILIUM_CONFIG_MAP, CILIUM_NODE_CONFIG
from netlint.checks.mtu.group import attach
from netlint.checks.mtu.model import Encap, Family, Install, Knob, Violation, Where
from netlint.checks.mtu.profile import overhead
from netlint.checks.mtu.values import MAX_MTU, MIN_MTU_IPV4, MIN_MTU_IPV6, read_mtu
from netlint.context import RunContext
from netlint.model import Fix, Path, Related, Resource

CNI = "cilium"
CONFIG_MAP = CILIUM_CONFIG_MAP
NODE_CONFIG = CILIUM_NODE_CONFIG
TUNNEL_PROTOCOLS = ("vxlan", "geneve")
# strconv.ParseBool, as the agent reads boolean flags
TRUE = ("1", "t", "true")

# a cilium-config key's value and where it is written
Setting = tuple[Any, Where]


def collect(ctx: RunContext) -> Iterator[Install]:
    anchors = [r for r in ctx.index.of_kind("ConfigMap") if r.name == CONFIG_MAP]
    node_configs = [r for r in ctx.index.of_kind(NODE_CONFIG) if _is_cilium(r)]
    claimed: set[int] = set()
    for anchor in anchors:
        attached = attach(anchor, anchors, node_configs)
        claimed.update(id(r) for r in attached)
        yield _install(anchor, attached)
    for orphan in node_configs:
        if id(orphan) not in claimed:
            # an override whose cilium-config is not in the run (installed by Helm elsewhere)
            yield _install(orphan, [orphan])


def _is_cilium(resource: Resource) -> bool:
    return resource.api_version.startswith("cilium.io/")


def title(resource: Resource) -> str:
    kind = CONFIG_MAP if resource.kind == "ConfigMap" else NODE_CONFIG + " " + str(resource.name)
    ident = " ".join(p for p in (kind, resource.namespace) if p)
    return f"Cilium ({ident})"


def config_settings(resource: Resource) -> dict[str, Setting]:
    """The cilium-config keys of a ConfigMap (`data`) or a CiliumNodeConfig (`spec.defaults`)."""
    base: Path = ("data",) if resource.kind == "ConfigMap" else ("spec", "defaults")
    data = get(resource.data, base)
    if not isinstance(data, dict):
        return {}
    return {
        key: (value, Where(resource, (*base, key)))
        for key, value in data.items()
        if isinstance(key, str)
    }


def _install(anchor: Resource, node_configs: list[Resource]) -> Install:
    inst = Install(CNI, title(anchor), anchor)
    known = anchor.kind == "ConfigMap"  # without cilium-config the routing is unknown
    base = config_settings(anchor) if known else {}
    if known:
        for encap in encapsulations(base):
            _add(inst, encap)
        _read_mtu(inst, base, f"{CONFIG_MAP} mtu", judged=True)
        _check_ipam(inst, base)
    for node_config in node_configs:
        overrides = config_settings(node_config)
        merged = {**base, **overrides}
        if known and overrides:
            for encap in encapsulations(merged):
                _add(inst, encap)
        if "mtu" in overrides:
            label = f"{NODE_CONFIG} {node_config.name} spec.defaults.mtu"
            _read_mtu(inst, merged, label, judged=selects_all_nodes(node_config))
    return inst


def _add(inst: Install, encap: Encap) -> None:
    key = (encap.name, encap.family, encap.overhead, encap.stacked)
    if all((e.name, e.family, e.overhead, e.stacked) != key for e in inst.encaps):
        inst.encaps.append(encap)


def selects_all_nodes(node_config: Resource) -> bool:
    """`spec.nodeSelector: {}` selects every node; a missing selector selects none."""
    selector = get(node_config.data, ("spec", "nodeSelector"))
    if not isinstance(selector, dict):
        return False
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def _text(setting: Setting | None) -> str:
    if setting is None:
        return ""
    value = setting[0]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().lower() if isinstance(value, (str, int)) else ""


def _written(key: str, setting: Setting) -> str:
    value = setting[0]
    shown = ("true" if value else "false") if isinstance(value, bool) else str(value).strip()
    return f"{key}: {shown}"


def _family(settings: Mapping[str, Setting], tunnel: bool) -> Family:
    if tunnel:
        return "ipv6" if _text(settings.get("underlay-protocol")) == "ipv6" else "ipv4"
    ipv4 = _text(settings.get("enable-ipv4")) not in ("false", "0", "f")
    ipv6 = _text(settings.get("enable-ipv6")) in TRUE
    return "ipv6" if ipv6 and not ipv4 else "ipv4"


def _tunnel(settings: Mapping[str, Setting]) -> tuple[str | None, str, Where | None]:
    """(tunnel protocol, or None for native routing or an unknown mode; why; where)."""
    mode = settings.get("routing-mode")
    legacy = settings.get("tunnel")
    if mode is not None:
        why, where = _written("routing-mode", mode), mode[1]
        if _text(mode) != "tunnel":
            return None, why, where
    elif legacy is not None:
        value = _text(legacy)
        why, where = _written("tunnel", legacy), legacy[1]
        return (value if value in TUNNEL_PROTOCOLS else None), why, where
    elif _text(settings.get("ipam")) == "eni":
        return None, "ipam: eni (native routing)", None
    else:
        why, where = "routing-mode: tunnel (Cilium's default)", None
    protocol = settings.get("tunnel-protocol")
    if protocol is None:
        return "vxlan", f"{why}, tunnel-protocol: vxlan (default)", where
    name = _text(protocol)
    why = f"{why}, {_written('tunnel-protocol', protocol)}"
    return (name if name in TUNNEL_PROTOCOLS else None), why, where


def encapsulations(settings: Mapping[str, Setting]) -> list[Encap]:
    """What Cilium subtracts from `mtu` for these settings: the tunnel, or the encryption, or
    (tunnel and encryption) one Encap whose overhead is the sum, as the agent computes it."""
    protocol, tunnel_why, tunnel_where = _tunnel(settings)
    family = _family(settings, protocol is not None)
    if protocol is not None:
        underlay = settings.get("underlay-protocol")
        if underlay is not None and family == "ipv6":
            tunnel_why += f", {_written('underlay-protocol', underlay)}"
    tunnel_size = overhead(CNI, protocol, family) if protocol else None
    for key, name in (("enable-wireguard", "wireguard"), ("enable-ipsec", "ipsec")):
        setting = settings.get(key)
        if _text(setting) not in TRUE:
            continue
        assert setting is not None
        size = overhead(CNI, name, family)
        if size is None:
            return []
        why = _written(key, setting)
        if protocol is None or tunnel_size is None:
            return [Encap(name, family, size, why, setting[1])]
        return [
            Encap(
                name,
                family,
                size + tunnel_size,
                f"{why} on {tunnel_why}: encapsulated, then encrypted",
                setting[1],
                stacked=(protocol,),
            )
        ]
    if protocol is None or tunnel_size is None:
        return []
    return [Encap(protocol, family, tunnel_size, tunnel_why, tunnel_where)]


def _read_mtu(inst: Install, settings: Mapping[str, Setting], label: str, judged: bool) -> None:
    setting = settings.get("mtu")
    if setting is None:
        return
    value, where = setting
    if isinstance(value, str) and "{{" in value:
        return  # an unrendered template: NL004 reports it; there is no value yet
    family = _family(settings, tunnel=False)
    found = read_mtu(value, where, label, family)
    if isinstance(found, Violation):
        inst.violations.append(Violation("value", f"{inst.title}: {_invalid(label, value)}", where))
        return
    if found is None or not judged:
        return
    # ConfigMap data and spec.defaults hold strings: the value is a string here
    fix = Fix(f"set {label}", where.path, str(found))
    inst.knobs.append(Knob(CNI, "underlay", found, label, where, fix=fix))


def _invalid(label: str, value: Any) -> str:
    remedy = (
        "write the MTU of the node network (such as 1500 or 9001), or remove the key to let "
        "Cilium detect it"
    )
    number = parse_int(value)
    if number is None:
        return (
            f"{label} is {value!r}, not a whole number of bytes: the Cilium agent fails to start "
            f"or ignores it, depending on the version; {remedy}"
        )
    return (
        f"{label} is {number}, which no interface accepts (an MTU is between {MIN_MTU_IPV4} and "
        f"{MAX_MTU}, and IPv6 needs at least {MIN_MTU_IPV6}); {remedy}"
    )


def _check_ipam(inst: Install, settings: Mapping[str, Setting]) -> None:
    """ENI IPAM with an explicit tunnel: the agent refuses to start (daemon_main.go: "Cannot
    specify IPAM mode eni in tunnel mode")."""
    ipam = settings.get("ipam")
    if _text(ipam) != "eni" or ipam is None:
        return
    mode = settings.get("routing-mode")
    legacy = settings.get("tunnel")
    if mode is not None:
        if _text(mode) != "tunnel":
            return
        key, setting = "routing-mode", mode
    elif legacy is not None and _text(legacy) in TUNNEL_PROTOCOLS:
        key, setting = "tunnel", legacy
    else:
        return
    inst.violations.append(
        Violation(
            "encapsulation",
            f"{inst.title}: {_written(key, setting)} with ipam: eni: the Cilium agent refuses to "
            f'start ("Cannot specify IPAM mode eni in tunnel mode"); ENI gives pods VPC '
            f"addresses, so set routing-mode: native",
            setting[1],
            (Related("ipam: eni is set here", resource=ipam[1].resource, path=ipam[1].path),),
        )
    )
