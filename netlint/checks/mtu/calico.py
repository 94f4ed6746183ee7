"""NL1xx extractor for Calico (operator and manifest installs) and Canal.

Calico's MTU settings are *pod* MTUs (the veth and tunnel device MTU): they must leave room
for the encapsulation in use (REFERENCE A.0, A.3).

Installs (one per anchor):
* operator: an `Installation` (operator.tigera.io); a calico-node DaemonSet in the same file
  (a dump of the operator's rendering) joins it;
* manifest: a calico-node DaemonSet (calico.yaml, calico-vxlan.yaml, calico-typha.yaml,
  calico-bpf.yaml) with the calico-config ConfigMap its env reads;
* Canal: the canal DaemonSet (a calico-node container next to flannel) with canal-config;
* a calico-config / canal-config ConfigMap that no DaemonSet of the run reads.
IPPool and FelixConfiguration objects join an install through `group.attach`; IPPools that
join none are still checked for invalid encapsulation (NL105).

Facts read from the vendors' code (verified, see the issue notes):
* calico-node seeds the default pools from CALICO_IPV4POOL_IPIP / _VXLAN and
  CALICO_IPV6POOL_VXLAN only when no pool of that family exists; an unset or empty mode is
  Never (`createIPPool`: case "", "off", "never"), although the docs table says Always;
  NO_DEFAULT_POOLS=true and CALICO_IPV4POOL_CIDR=none skip the seeding.
* the operator defaults an IPv4 pool's encapsulation to IPIP and an IPv6 pool's to None; with
  ipPools absent it creates one IPv4 pool (VXLAN on EKS, else IPIP); IPIP and unencapsulated
  pools need BGP (`ValidatePools`).
* Felix reads FELIX_* env names case-insensitively; a tunnel MTU of an encapsulation that is
  not in use configures no device, so such knobs are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from netlint.checks.k8s import EnvVar, containers, digits_int, get
from netlint.checks.mtu.calico_shapes import (
    container_env,
    felix_bool,
    find_in_scalar,
    is_canal,
    is_felix_configuration,
    is_installation,
    is_ippool,
    is_ipv6_cidr,
    node_container,
    referenced_config_maps,
)
from netlint.checks.mtu.group import attach
from netlint.checks.mtu.model import Encap, Family, Install, Knob, Meaning, Violation, Where
from netlint.checks.mtu.profile import overhead
from netlint.checks.mtu.values import read_mtu
from netlint.checks.patterns import lazy
from netlint.context import RunContext
from netlint.model import Fix, Path, Related, Resource

CALICO = "Calico"
CANAL = "Canal"
Scope = tuple[tuple[str, Family], ...]

# FelixConfiguration MTU fields and their FELIX_* env names: the tunnel each one sizes.
FELIX_FIELDS: dict[str, tuple[str, Family]] = {
    "ipipMTU": ("ipip", "ipv4"),
    "vxlanMTU": ("vxlan", "ipv4"),
    "vxlanMTUV6": ("vxlan", "ipv6"),
    "wireguardMTU": ("wireguard", "ipv4"),
    "wireguardMTUV6": ("wireguard", "ipv6"),
}
FELIX_ENV: dict[str, tuple[str, Family]] = {
    "FELIX_IPINIPMTU": ("ipip", "ipv4"),
    "FELIX_VXLANMTU": ("vxlan", "ipv4"),
    "FELIX_VXLANMTUV6": ("vxlan", "ipv6"),
    "FELIX_WIREGUARDMTU": ("wireguard", "ipv4"),
    "FELIX_WIREGUARDMTUV6": ("wireguard", "ipv6"),
}
OPERATOR_ENCAPS = ("IPIP", "IPIPCrossSubnet", "VXLAN", "VXLANCrossSubnet", "None")
BPF_WHY = "forwards NodePort traffic over VXLAN"
# flannel backends (canal-config net-conf.json Backend.Type) -> overhead table key
FLANNEL_BACKENDS = ("vxlan", "wireguard", "udp", "ipip", "ipsec")  # host-gw: no tunnel
# Felix switches that turn an encapsulation on for all pod traffic, and off
# (FelixConfiguration field, env name, family)
WIREGUARD_SWITCHES: tuple[tuple[str, str, Family], ...] = (
    ("wireguardEnabled", "FELIX_WIREGUARDENABLED", "ipv4"),
    ("wireguardEnabledV6", "FELIX_WIREGUARDENABLEDV6", "ipv6"),
)
OFF_SWITCHES: tuple[tuple[str, str, tuple[str, Family]], ...] = (
    ("ipipEnabled", "FELIX_IPINIPENABLED", ("ipip", "ipv4")),
    ("vxlanEnabled", "FELIX_VXLANENABLED", ("vxlan", "ipv4")),
)

_CNI_MTU = lazy(r'\\?"mtu\\?"\s*:\s*(\d+)')
_NET_CONF_TYPE = lazy(r'\\?"(?i:type)\\?"\s*:\s*\\?"([^"\\]*)')
_NET_CONF_MTU = lazy(r'\\?"(?i:mtu)\\?"\s*:\s*"?(\w+)')


@dataclass
class _Spec:
    """A knob before its value is read (the IP family, which bounds the value, comes later)."""

    label: str
    meaning: Meaning
    raw: Any
    where: Where
    scope: Scope | None
    fix_path: Path | None  # relative to where.resource; None: cannot be set in place
    as_text: bool  # the field holds a string (ConfigMap data, env value)
    alias_of: str | None = None


@dataclass
class _Builder:
    cni: str
    title: str
    anchor: Resource
    specs: list[_Spec] = field(default_factory=list)
    pool_encaps: list[Encap] = field(default_factory=list)  # Felix *Enabled: false drops these
    extra_encaps: list[Encap] = field(default_factory=list)  # eBPF NodePort VXLAN, WireGuard
    violations: list[Violation] = field(default_factory=list)
    disabled: set[tuple[str, str]] = field(default_factory=set)
    pool_families: set[str] = field(default_factory=set)  # families IPPool objects define
    ipv6: bool = False  # the pod network carries IPv6 (an MTU must then be >= 1280)

    def knob(
        self,
        label: str,
        raw: Any,
        where: Where,
        scope: Scope | None = None,
        fix_path: Path | None = None,
        as_text: bool = False,
        alias_of: str | None = None,
        meaning: Meaning = "pod",
    ) -> None:
        self.specs.append(_Spec(label, meaning, raw, where, scope, fix_path, as_text, alias_of))

    def encap(self, name: str, family: Family, why: str, where: Where, pool: bool) -> None:
        size = overhead("calico", name, family)
        if size is None:
            return
        (self.pool_encaps if pool else self.extra_encaps).append(
            Encap(name, family, size, why, where)
        )
        self.ipv6 = self.ipv6 or family == "ipv6"

    def violation(self, message: str, where: Where, related: Sequence[Related] = ()) -> None:
        text = f"{self.title}: {message}"
        self.violations.append(Violation("encapsulation", text, where, tuple(related)))

    def finish(self) -> Install:
        encaps = [e for e in self.pool_encaps if (e.name, e.family) not in self.disabled]
        encaps += self.extra_encaps
        inst = Install(self.cni, self.title, self.anchor, encaps=encaps)
        inst.violations.extend(self.violations)
        in_use = {(e.name, e.family) for e in encaps}
        for spec in self.specs:
            family = _family(spec.scope, self.ipv6)
            value = read_mtu(spec.raw, spec.where, spec.label, family)
            if value is None:
                continue
            if isinstance(value, Violation):
                if spec.alias_of is None:  # the source reports it
                    inst.violations.append(value)
                continue
            if spec.scope is not None and not in_use & set(spec.scope):
                continue  # the MTU of a tunnel device that is not in use: nothing to judge
            fix = None
            if spec.fix_path is not None:
                typed: int | str = str(value) if spec.as_text else value
                fix = Fix(f"set {spec.label}", spec.fix_path, typed)
            inst.knobs.append(
                Knob(
                    self.cni,
                    spec.meaning,
                    value,
                    spec.label,
                    spec.where,
                    spec.scope,
                    fix,
                    spec.alias_of,
                )
            )
        return inst


def _family(scope: Scope | None, ipv6: bool) -> Family:
    if scope is not None:
        return "ipv6" if all(f == "ipv6" for _, f in scope) else "ipv4"
    return "ipv6" if ipv6 else "ipv4"


# --- grouping ---------------------------------------------------------------------------------


def collect(ctx: RunContext) -> Iterator[Install]:
    index = ctx.index
    installations = [r for r in index.of_kind("Installation") if is_installation(r)]
    daemonsets = [r for r in index.of_kind("DaemonSet") if node_container(r) is not None]
    pools = [r for r in index.of_kind("IPPool") if is_ippool(r)]
    felix = [r for r in index.of_kind("FelixConfiguration") if is_felix_configuration(r)]
    config_maps = list(index.of_kind("ConfigMap"))

    # a calico-node DaemonSet in the file of exactly one Installation is its rendering
    joined: dict[int, list[Resource]] = {}
    standalone: list[Resource] = []
    for ds in daemonsets:
        owners = [i for i in installations if i.file is ds.file]
        if len(owners) == 1:
            joined.setdefault(id(owners[0]), []).append(ds)
        else:
            standalone.append(ds)

    claimed: set[int] = set()
    ds_config: dict[int, dict[str, Resource]] = {}
    for ds in standalone:
        chosen = _daemonset_config_maps(ds, standalone, config_maps)
        ds_config[id(ds)] = chosen
        claimed.update(id(cm) for cm in chosen.values())
    orphans = [
        cm
        for cm in config_maps
        if cm.name in ("calico-config", "canal-config") and id(cm) not in claimed
    ]

    anchors: list[Resource] = [*installations, *standalone, *orphans]
    used: set[int] = set()

    def attached(anchor: Resource, candidates: list[Resource]) -> list[Resource]:
        found = attach(anchor, anchors, candidates)
        used.update(id(r) for r in found)
        return found

    for inst in installations:
        b = _Builder(CALICO, f"{CALICO} (Installation {inst.name or '<unnamed>'})", inst)
        cr_pools = attached(inst, pools)
        _operator(b, inst, bool(cr_pools))
        for pool in cr_pools:
            _ippool(b, pool)
        for ds in joined.get(id(inst), []):
            _daemonset(b, ds, {}, seed_pools=False)
        for fc in attached(inst, felix):
            _felix(b, fc)
        yield b.finish()

    for ds in standalone:
        canal = is_canal(ds)
        cni = CANAL if canal else CALICO
        b = _Builder(cni, f"{cni} ({ds.name or '<unnamed>'} DaemonSet{_ns(ds)})", ds)
        cms = ds_config[id(ds)]
        for cm in cms.values():
            _config_map(b, cm)
        for pool in attached(ds, pools):
            _ippool(b, pool, carries=not canal)  # Canal pods ride flannel, not Calico pools
        _daemonset(b, ds, cms, seed_pools=not canal)
        for fc in attached(ds, felix):
            _felix(b, fc)
        yield b.finish()

    for cm in orphans:
        cni = CANAL if cm.name == "canal-config" else CALICO
        b = _Builder(cni, f"{cni} ({cm.name}{_ns(cm)})", cm)
        _config_map(b, cm)
        for pool in attached(cm, pools):
            _ippool(b, pool, carries=cni == CALICO)
        for fc in attached(cm, felix):
            _felix(b, fc)
        yield b.finish()

    for fc in felix:
        if id(fc) in used:
            continue
        b = _Builder(CALICO, f"{CALICO} (FelixConfiguration {fc.name or '<unnamed>'})", fc)
        _felix(b, fc)
        done = b.finish()
        if done.knobs or done.violations:
            yield done

    for pool in pools:
        if id(pool) in used:
            continue
        b = _Builder(CALICO, f"{CALICO} (IPPool {pool.name or '<unnamed>'})", pool)
        _ippool(b, pool)
        if b.violations:
            yield b.finish()


def _ns(resource: Resource) -> str:
    return f" {resource.namespace}" if resource.namespace else ""


def _daemonset_config_maps(
    ds: Resource, daemonsets: list[Resource], config_maps: list[Resource]
) -> dict[str, Resource]:
    """The ConfigMaps a calico-node DaemonSet reads (by env configMapKeyRef, plus its CNI's
    calico-config / canal-config), each resolved to one object of the run."""
    names = referenced_config_maps(ds)
    default = "canal-config" if is_canal(ds) else "calico-config"
    if default not in names:
        names.append(default)
    chosen: dict[str, Resource] = {}
    for name in names:
        candidates = [
            cm
            for cm in config_maps
            if cm.name == name and (ds.namespace is None or cm.namespace in (None, ds.namespace))
        ]
        found = attach(ds, daemonsets, candidates)
        if found:
            chosen[name] = found[-1]
    return chosen


# --- operator Installation ----------------------------------------------------------------------


def _operator(b: _Builder, inst: Resource, has_pool_objects: bool) -> None:
    base: Path = ("spec", "calicoNetwork")
    cni_type = get(inst.data, ("spec", "cni", "type"))
    if cni_type is not None and cni_type != "Calico":
        return  # Calico enforces policy only; the other CNI owns pod MTU and encapsulation
    network = get(inst.data, base)
    if not isinstance(network, dict):
        network = {}
    path = (*base, "mtu")
    b.knob("spec.calicoNetwork.mtu", network.get("mtu"), Where(inst, path), fix_path=path)
    bgp = network.get("bgp")
    pools = network.get("ipPools")
    if isinstance(pools, list):
        for i, pool in enumerate(pools):
            if isinstance(pool, dict):
                _operator_pool(b, inst, i, pool, bgp)
    elif pools is None and not has_pool_objects:
        eks = get(inst.data, ("spec", "kubernetesProvider")) == "EKS"
        name, said = ("vxlan", "VXLAN on EKS") if eks else ("ipip", "IP-in-IP, its default")
        b.encap(
            name,
            "ipv4",
            f"ipPools absent: the operator creates one IPv4 pool, with {said}",
            Where(inst, (*base, "ipPools")),
            pool=True,
        )
    if network.get("linuxDataplane") == "BPF":
        b.encap(
            "vxlan",
            "ipv4",
            f"linuxDataplane: BPF {BPF_WHY}",
            Where(inst, (*base, "linuxDataplane")),
            pool=False,
        )


def _operator_pool(b: _Builder, inst: Resource, i: int, pool: dict[str, Any], bgp: Any) -> None:
    base: Path = ("spec", "calicoNetwork", "ipPools", i)
    cidr = pool.get("cidr")
    v6 = is_ipv6_cidr(cidr)
    b.ipv6 = b.ipv6 or v6
    name = pool.get("name")
    ref = f"ipPools[{i}]" + (f" {name}" if isinstance(name, str) and name else "")
    encap = pool.get("encapsulation")
    if encap is None or encap == "":
        encap = "None" if v6 else "IPIP"
        said = f"{ref} has no encapsulation, so the operator uses {encap} (its default)"
        where = Where(inst, base)
    else:
        said = f"{ref} encapsulation: {encap}"
        where = Where(inst, (*base, "encapsulation"))
    if encap not in OPERATOR_ENCAPS:
        b.violation(
            f"{ref} encapsulation {encap!r} is not one of {', '.join(OPERATOR_ENCAPS)}: the "
            "operator rejects the Installation and configures no pool",
            where,
        )
        return
    family: Family = "ipv6" if v6 else "ipv4"
    if encap.startswith("IPIP") and v6:
        b.violation(
            f"{ref} is an IPv6 pool ({cidr}) with encapsulation {encap}: IP-in-IP carries only "
            "IPv4, so Calico rejects the pool. Use VXLAN (or None) for IPv6 pools",
            where,
        )
        return
    if (encap.startswith("IPIP") or encap == "None") and bgp == "Disabled":
        what = "IP-in-IP" if encap != "None" else "an unencapsulated pool"
        b.violation(
            f"{said}, but spec.calicoNetwork.bgp is Disabled: {what} needs BGP to "
            "program routes, so the operator rejects the Installation. Use VXLAN, or "
            "enable BGP",
            where,
            (Where(inst, ("spec", "calicoNetwork", "bgp")).related("bgp is Disabled here"),),
        )
        return
    if encap.startswith("IPIP"):
        b.encap("ipip", "ipv4", said, where, pool=True)
    elif encap.startswith("VXLAN"):
        b.encap("vxlan", family, said, where, pool=True)


# --- IPPool objects ------------------------------------------------------------------------------


def _mode(value: Any) -> bool | None:
    """ipipMode / vxlanMode / CALICO_IPV4POOL_* as calico-node reads them: on, off, or None
    when the value is not one it accepts."""
    if value is None:
        return False
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in ("", "off", "never"):
        return False
    if text in ("always", "crosssubnet", "cross-subnet"):
        return True
    return None


def _ippool(b: _Builder, pool: Resource, carries: bool = True) -> None:
    """An IPPool's encapsulation (when its pool carries the install's pod traffic), and what
    Calico rejects in it."""
    spec = pool.data.get("spec")
    if not isinstance(spec, dict):
        return
    name = pool.name or "<unnamed>"
    cidr = spec.get("cidr")
    v6 = is_ipv6_cidr(cidr)
    family: Family = "ipv6" if v6 else "ipv4"
    b.pool_families.add(family)
    modes: dict[str, bool] = {}
    for key in ("ipipMode", "vxlanMode"):
        raw = spec.get(key)
        on = _mode(raw)
        if on is None:
            b.violation(
                f"IPPool {name} {key} is {raw!r}, not Always, CrossSubnet or Never: Calico "
                "rejects the pool",
                Where(pool, ("spec", key)),
            )
            on = False
        modes[key] = on
    ipip_at, vxlan_at = Where(pool, ("spec", "ipipMode")), Where(pool, ("spec", "vxlanMode"))
    if modes["ipipMode"] and modes["vxlanMode"]:
        b.violation(
            f"IPPool {name} sets ipipMode: {spec['ipipMode']} and vxlanMode: "
            f"{spec['vxlanMode']}: IP-in-IP and VXLAN are mutually exclusive on one pool, so "
            "Calico rejects it. Set one of them to Never",
            vxlan_at,
            (ipip_at.related(f"ipipMode: {spec['ipipMode']} is set here"),),
        )
        return
    if modes["ipipMode"] and v6:
        b.violation(
            f"IPPool {name} is an IPv6 pool ({cidr}) with ipipMode: {spec['ipipMode']}: "
            "IP-in-IP carries only IPv4, so Calico rejects the pool. Use vxlanMode for IPv6",
            ipip_at,
        )
        return
    if not carries:
        return
    b.ipv6 = b.ipv6 or v6
    if spec.get("disabled") is True or not _carries_pods(spec.get("allowedUses")):
        return  # no new pod addresses (disabled) or not a pod pool (LoadBalancer addresses)
    if modes["ipipMode"]:
        b.encap("ipip", "ipv4", f"IPPool {name} ipipMode: {spec['ipipMode']}", ipip_at, True)
    if modes["vxlanMode"]:
        b.encap("vxlan", family, f"IPPool {name} vxlanMode: {spec['vxlanMode']}", vxlan_at, True)


def _carries_pods(uses: Any) -> bool:
    if not isinstance(uses, list) or not uses:
        return True  # default: Workload and Tunnel
    return any(u in ("Workload", "Tunnel") for u in uses)


# --- ConfigMaps ----------------------------------------------------------------------------------


def _config_map(b: _Builder, cm: Resource) -> None:
    data = cm.data.get("data")
    if not isinstance(data, dict):
        return
    name = cm.name or "calico-config"
    if "veth_mtu" in data:
        path: Path = ("data", "veth_mtu")
        b.knob(f"{name} veth_mtu", data["veth_mtu"], Where(cm, path), fix_path=path, as_text=True)
    config = data.get("cni_network_config")
    if isinstance(config, str):
        m = _CNI_MTU.search(config)
        if m is not None:
            key: Path = ("data", "cni_network_config")
            found = find_in_scalar(cm, key, _CNI_MTU)
            span = found.span if found is not None else None
            number = digits_int(m.group(1))  # None past int()'s digit limit: "not a number"
            value = m.group(1) if number is None else number
            b.knob(f"{name} cni_network_config mtu", value, Where(cm, key, span))
    if b.cni == CANAL:
        _net_conf(b, cm, data.get("net-conf.json"))


def _ci(data: dict[str, Any], key: str) -> Any:
    """A JSON key as Go's decoder matches struct fields: case-insensitively."""
    if key in data:
        return data[key]
    for k, v in data.items():
        if isinstance(k, str) and k.lower() == key.lower():
            return v
    return None


def _net_conf(b: _Builder, cm: Resource, text: Any) -> None:
    """flannel's network config inside canal-config: its backend carries the pod traffic."""
    if not isinstance(text, str):
        return
    try:
        conf = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
        return
    if not isinstance(conf, dict):
        return
    backend = _ci(conf, "Backend")
    if not isinstance(backend, dict):
        return
    path: Path = ("data", "net-conf.json")
    name = cm.name or "canal-config"
    btype = _ci(backend, "Type")
    key = btype.lower() if isinstance(btype, str) else ""
    if key in FLANNEL_BACKENDS:
        found = find_in_scalar(cm, path, _NET_CONF_TYPE)
        where = Where(cm, path, found.span if found else None, cm.file if found else None)
        families: list[Family] = []
        if _ci(conf, "EnableIPv4") is not False:
            families.append("ipv4")
        if _ci(conf, "EnableIPv6") is True:
            families.append("ipv6")
        for family in families:
            size = overhead("flannel", key, family)
            if key == "vxlan" and family == "ipv6":
                # flannel sizes its v6 device like the v4 one; the wire carries 70 bytes
                size = overhead("calico", "vxlan", "ipv6")
            if key == "ipsec" and size is not None and _ci(backend, "UDPEncap") is True:
                size += 8
            if size is None:
                continue
            why = f"{name} net-conf.json Backend.Type: {btype}, flannel's tunnel for pod traffic"
            b.extra_encaps.append(Encap(key, family, size, why, where))
            b.ipv6 = b.ipv6 or family == "ipv6"
    mtu = _ci(backend, "MTU")
    if isinstance(mtu, str):
        found = find_in_scalar(cm, path, _NET_CONF_MTU)
        where = Where(cm, path, found.span if found else None, cm.file if found else None)
        b.violations.append(
            Violation(
                "value",
                f"{name} net-conf.json Backend.MTU is the JSON string {mtu!r}: flannel decodes "
                "MTU as a number and fails to start; write the number without quotes",
                where,
            )
        )
    elif mtu is not None:
        found = find_in_scalar(cm, path, _NET_CONF_MTU)
        where = Where(cm, path, found.span if found else None, cm.file if found else None)
        b.knob(f"{name} net-conf.json Backend.MTU", mtu, where, meaning="underlay")


# --- calico-node DaemonSet -----------------------------------------------------------------------


def _env_value(ds: Resource, var: EnvVar, cms: dict[str, Resource]) -> tuple[Any, Where] | None:
    if var.config_map is None:
        if var.value is None:
            return None  # fieldRef, secretKeyRef, ...
        return var.value, Where(ds, var.path)
    cm_name, key = var.config_map
    cm = cms.get(cm_name)
    data = cm.data.get("data") if cm is not None else None
    if cm is None or not isinstance(data, dict) or key not in data:
        return None
    return data[key], Where(cm, ("data", key))


def _daemonset(b: _Builder, ds: Resource, cms: dict[str, Resource], seed_pools: bool) -> None:
    found = node_container(ds)
    if found is None:
        return
    envs = container_env(*found)
    canal = b.cni == CANAL
    # CNI_MTU (install-cni) sizes the pod veth; it usually copies veth_mtu
    for path, container in containers(ds):
        var = container_env(path, container).get("CNI_MTU")
        if var is not None:
            _env_knob(b, ds, var, cms, None)
            break
    for key, (encap, family) in FELIX_ENV.items():
        var = envs.get(key)
        if var is not None and not (canal and encap != "wireguard"):
            _env_knob(b, ds, var, cms, ((encap, family),))

    def flag(key: str) -> tuple[bool, Where, str] | None:
        var = envs.get(key)
        got = _env_value(ds, var, cms) if var is not None else None
        if var is None or got is None:
            return None
        value = felix_bool(got[0])
        return None if value is None else (value, got[1], f"env {var.name}: {got[0]}")

    for _, env_name, family in WIREGUARD_SWITCHES:
        got = flag(env_name)
        if got is not None and got[0]:
            b.encap("wireguard", family, got[2], got[1], pool=False)
    got = flag("FELIX_BPFENABLED")
    if got is not None and got[0]:
        b.encap("vxlan", "ipv4", f"{got[2]}: the eBPF dataplane {BPF_WHY}", got[1], pool=False)
    for _, env_name, off in OFF_SWITCHES:
        got = flag(env_name)
        if got is not None and not got[0]:
            b.disabled.add(off)
    if seed_pools:
        _seed_pools(b, ds, envs, cms)


def _env_knob(
    b: _Builder, ds: Resource, var: EnvVar, cms: dict[str, Resource], scope: Scope | None
) -> None:
    label = f"env {var.name}"
    if var.config_map is None:
        if var.value is not None:
            b.knob(label, var.value, Where(ds, var.path), scope, fix_path=var.path, as_text=True)
        return
    got = _env_value(ds, var, cms)
    if got is None:
        return
    cm_name, key = var.config_map
    if key == "veth_mtu":  # the ConfigMap's own knob is judged; this copies it
        b.knob(label, got[0], Where(ds, var.path), scope, alias_of=f"{cm_name} veth_mtu")
        return
    path: Path = ("data", key)
    b.knob(f"{label} ({cm_name} {key})", got[0], got[1], scope, fix_path=path, as_text=True)


def _seed_pools(
    b: _Builder, ds: Resource, envs: dict[str, EnvVar], cms: dict[str, Resource]
) -> None:
    """The default pools calico-node creates at startup when no pool of a family exists."""

    def value(key: str) -> tuple[Any, Where] | None:
        var = envs.get(key)
        return _env_value(ds, var, cms) if var is not None else None

    no_pools = value("NO_DEFAULT_POOLS")
    if no_pools is not None and str(no_pools[0]).strip().lower() == "true":
        return
    v4_cidr, v6_cidr = value("CALICO_IPV4POOL_CIDR"), value("CALICO_IPV6POOL_CIDR")
    if "ipv4" not in b.pool_families and not (v4_cidr and v4_cidr[0] == "none"):
        ipip, vxlan = value("CALICO_IPV4POOL_IPIP"), value("CALICO_IPV4POOL_VXLAN")
        ipip_on = _seed_mode(b, "CALICO_IPV4POOL_IPIP", ipip)
        vxlan_on = _seed_mode(b, "CALICO_IPV4POOL_VXLAN", vxlan)
        if ipip_on and vxlan_on and ipip is not None and vxlan is not None:
            b.violation(
                f"env CALICO_IPV4POOL_IPIP: {ipip[0]} and CALICO_IPV4POOL_VXLAN: {vxlan[0]} "
                "both encapsulate the default IPv4 pool; IP-in-IP and VXLAN are mutually "
                "exclusive, so calico-node fails to create the pool. Set one of them to Never",
                vxlan[1],
                (ipip[1].related(f"CALICO_IPV4POOL_IPIP: {ipip[0]} is set here"),),
            )
        elif ipip_on and ipip is not None:
            b.encap("ipip", "ipv4", f"env CALICO_IPV4POOL_IPIP: {ipip[0]}", ipip[1], True)
        elif vxlan_on and vxlan is not None:
            b.encap("vxlan", "ipv4", f"env CALICO_IPV4POOL_VXLAN: {vxlan[0]}", vxlan[1], True)
    support = value("FELIX_IPV6SUPPORT")
    v6_off = support is not None and felix_bool(support[0]) is False
    if "ipv6" not in b.pool_families and not v6_off and not (v6_cidr and v6_cidr[0] == "none"):
        vxlan6 = value("CALICO_IPV6POOL_VXLAN")
        if _seed_mode(b, "CALICO_IPV6POOL_VXLAN", vxlan6) and vxlan6 is not None:
            b.encap("vxlan", "ipv6", f"env CALICO_IPV6POOL_VXLAN: {vxlan6[0]}", vxlan6[1], True)


def _seed_mode(b: _Builder, key: str, got: tuple[Any, Where] | None) -> bool:
    if got is None:
        return False  # unset is Never in calico-node's createIPPool
    on = _mode(got[0])
    if on is None:
        b.violation(
            f"env {key} is {got[0]!r}, not Always, CrossSubnet or Never: calico-node exits at "
            "startup (unrecognized mode)",
            got[1],
        )
        return False
    return on


# --- FelixConfiguration --------------------------------------------------------------------------


def _felix(b: _Builder, fc: Resource) -> None:
    spec = fc.data.get("spec")
    if not isinstance(spec, dict):
        return
    name = fc.name or "<unnamed>"
    # node.<name> objects configure one node, whose MTU the cluster profile does not know;
    # their switches still tell which encapsulations the cluster uses
    per_node = name.startswith("node.")
    if not per_node:
        for key, (encap, family) in FELIX_FIELDS.items():
            if key in spec and not (b.cni == CANAL and encap != "wireguard"):
                path: Path = ("spec", key)
                b.knob(
                    f"FelixConfiguration {name} {key}",
                    spec[key],
                    Where(fc, path),
                    ((encap, family),),
                    fix_path=path,
                )
    for key, _, family in WIREGUARD_SWITCHES:
        if felix_bool(spec.get(key)):
            why = f"FelixConfiguration {name} {key}: true"
            b.encap("wireguard", family, why, Where(fc, ("spec", key)), pool=False)
    if felix_bool(spec.get("bpfEnabled")):
        why = f"FelixConfiguration {name} bpfEnabled: true: the eBPF dataplane {BPF_WHY}"
        b.encap("vxlan", "ipv4", why, Where(fc, ("spec", "bpfEnabled")), pool=False)
    if not per_node:  # a node's override turns nothing off for the others
        for key, _, off in OFF_SWITCHES:
            if felix_bool(spec.get(key)) is False:
                b.disabled.add(off)
