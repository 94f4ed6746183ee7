"""NL1xx extractors for the OVN-based CNIs: OVN-Kubernetes and kube-ovn. Both set the pod MTU.

OVN-Kubernetes (`mtu`: "MTU value used for the overlay networks", default 1400, a fixed value,
not auto-detected; the node interface must carry mtu + 58 on IPv4, + 78 on IPv6 and dual-stack:
Geneve with OVN's metadata option) reads it from
* upstream manifests: ConfigMap `ovn-config` key `mtu` (env OVN_MTU of the ovnkube pods comes
  from it: dist/templates/ovnkube-node.yaml.j2; ovnkube.sh `mtu=${OVN_MTU:-1400}`), and
  `routable_mtu` (route MTU during an MTU migration),
* OpenShift: ConfigMap `ovnkube-config` key `ovnkube.conf`, gcfg INI `[default] mtu="1400"`
  (and `routable-mtu`), rendered by the network operator from the `Network.operator.openshift.io`
  `spec.defaultNetwork.ovnKubernetesConfig.mtu`,
* a literal env OVN_MTU, or an `--mtu` flag of an `ovnkube` command.
When a routable MTU is set, the traffic between nodes is sized by it, and `mtu` is not judged.
An `encap-type` (or `transport`) other than geneve is not judged (no overhead data); with
`[gateway] single-node` there is no traffic between nodes and ovnkube only requires mtu <= the
node MTU (node/gateway_init.go: requiredMTU = mtu, else mtu + GeneveHeaderLengthIPv4/IPv6).

kube-ovn: DaemonSet kube-ovn-cni, container cni-server, args `--mtu` ("The MTU used by pod iface
in overlay networks (default iface MTU - 100)") and `--network-type` (geneve by default; vxlan,
stt; vlan is an underlay without encapsulation) [kubeovn/kube-ovn: pkg/daemon/config.go,
charts/kube-ovn/templates/ovncni-ds.yaml]. The overheads are rules/data/mtu.yaml `kube-ovn`
(Geneve there is kube-ovn's own reserve of 100 bytes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netlint.checks.k8s import env, get, workload_containers
from netlint.checks.mtu.model import Encap, Family, Install, Knob, Violation, Where
from netlint.checks.mtu.profile import overhead
from netlint.checks.mtu.values import read_mtu
from netlint.context import RunContext
from netlint.model import Fix, Path, Resource

if TYPE_CHECKING:
    from netlint.checks.mtu.ini import Flag, IniEntry

# netlint.checks.mtu.ini is imported where an install is read: every run looks for OVN, few
# hold it

OVNK = "ovn-kubernetes"
KUBE_OVN = "kube-ovn"
GENEVE_WHY = "OVN-Kubernetes tunnels Pod traffic between nodes, encap-type geneve by default"
GCFG_TRUE = ("true", "yes", "on", "1")
OPENSHIFT_MTU: Path = ("spec", "defaultNetwork", "ovnKubernetesConfig", "mtu")


def collect(ctx: RunContext) -> Iterator[Install]:
    ip_family = ctx.config.model.cluster.ip_family
    # OVN-Kubernetes checks mtu + 78 on IPv6 and dual-stack nodes
    ovnk_family: Family = "ipv6" if ip_family in ("ipv6", "dual") else "ipv4"
    # kube-ovn tunnels over the Node's IPv4 address when it has one
    kube_ovn_family: Family = "ipv6" if ip_family == "ipv6" else "ipv4"
    for cm in ctx.index.of_kind("ConfigMap"):
        data = cm.data.get("data")
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("ovnkube.conf"), str):
            yield _ovnkube_conf(cm, ovnk_family)
        elif cm.name == "ovn-config" and ("mtu" in data or "routable_mtu" in data):
            yield _ovn_config(cm, data, ovnk_family)
    for network in ctx.index.of_kind("Network"):
        if network.api_version.startswith("operator.openshift.io/"):
            inst = _openshift(network, ovnk_family)
            if inst is not None:
                yield inst
    for resource, cpath, container in workload_containers(ctx):
        found = _container(resource, cpath, container, ovnk_family, kube_ovn_family)
        if found is not None:
            yield found


def _title(cni: str, resource: Resource, kind: bool = False) -> str:
    name = "OVN-Kubernetes" if cni == OVNK else "kube-ovn"
    parts = [resource.name or "<unnamed>"]
    if kind:
        parts.append(resource.kind)
    if resource.namespace:
        parts.append(resource.namespace)
    return f"{name} ({' '.join(parts)})"


def _geneve(family: Family, why: str, where: Where | None = None) -> Encap | None:
    size = overhead(OVNK, "geneve", family)
    return None if size is None else Encap("geneve", family, size, why, where)


def _titled(inst: Install, violation: Violation) -> Violation:
    return Violation(
        violation.kind, f"{inst.title}: {violation.message}", violation.where, violation.related
    )


@dataclass(frozen=True)
class _Candidate:
    label: str
    value: Any
    where: Where
    fix: Fix | None = None
    routable: bool = False  # the route MTU of an MTU migration: sizes inter-node traffic


def _judged(inst: Install, candidates: list[_Candidate], family: Family) -> list[Knob]:
    """Every value is checked (NL106); when a routable MTU is set, only it is judged."""
    read: list[tuple[_Candidate, int]] = []
    for c in candidates:
        got = read_mtu(c.value, c.where, c.label, family)
        if isinstance(got, Violation):
            inst.violations.append(_titled(inst, got))
        elif got is not None:
            read.append((c, got))
    routable = [(c, v) for c, v in read if c.routable and v > 0]
    chosen = routable[-1:] if routable else [(c, v) for c, v in read if not c.routable]
    return [Knob(inst.cni, "pod", v, c.label, c.where, fix=c.fix) for c, v in chosen]


def _ovnkube_conf(cm: Resource, family: Family) -> Install:
    inst = Install(OVNK, _title(OVNK, cm), cm)
    from netlint.checks.mtu.ini import embedded, parse_ini

    conf = embedded(cm, ("data", "ovnkube.conf"))
    if conf is None:
        return inst
    last: dict[str, IniEntry] = {}
    gateway: dict[str, IniEntry] = {}
    for entry in parse_ini(conf.text):
        if entry.subsection is None and entry.section in ("default", "gateway"):
            (last if entry.section == "default" else gateway)[entry.key] = entry
    candidates: list[_Candidate] = []
    for key in ("mtu", "routable-mtu"):
        found = last.get(key)
        if found is None:
            continue
        span = conf.span(found.line, found.col, found.end_col)
        where = Where(cm, conf.path, span=span, file=cm.file)
        candidates.append(
            _Candidate(f"ovnkube.conf [default] {key}", found.value, where, None, key != "mtu")
        )
    knobs = _judged(inst, candidates, family)
    for key in ("encap-type", "transport"):
        other = last.get(key)
        if other is not None and (other.value or "").lower() not in ("", "geneve"):
            return inst  # another encapsulation, or no overlay: no data to judge it with
    single = gateway.get("single-node")
    if single is not None and (single.value is None or single.value.lower() in GCFG_TRUE):
        # one node, no traffic between nodes: ovnkube only requires mtu <= the node MTU
        inst.knobs.extend(knobs)
        return inst
    encap = _geneve(family, GENEVE_WHY)
    if knobs and encap is not None:
        inst.knobs.extend(knobs)
        inst.encaps.append(encap)
    return inst


def _ovn_config(cm: Resource, data: dict[str, Any], family: Family) -> Install:
    inst = Install(OVNK, _title(OVNK, cm), cm)
    candidates: list[_Candidate] = []
    for key in ("mtu", "routable_mtu"):
        if key in data:
            knob_label = f"ovn-config {key}"
            fix = Fix(f"set {knob_label}", ("data", key), data[key])
            where = Where(cm, ("data", key))
            candidates.append(_Candidate(knob_label, data[key], where, fix, key != "mtu"))
    knobs = _judged(inst, candidates, family)
    encap = _geneve(family, GENEVE_WHY)
    if knobs and encap is not None:
        inst.knobs.extend(knobs)
        inst.encaps.append(encap)
    return inst


def _openshift(network: Resource, family: Family) -> Install | None:
    default = get(network.data, ("spec", "defaultNetwork"))
    if not isinstance(default, dict):
        return None
    kind = default.get("type")
    if kind != "OVNKubernetes" and not (kind is None and "ovnKubernetesConfig" in default):
        return None
    inst = Install(OVNK, _title(OVNK, network, kind=True), network)
    value = get(network.data, OPENSHIFT_MTU)
    if value is None:
        return inst
    knob_label = "spec.defaultNetwork.ovnKubernetesConfig.mtu"
    where = Where(network, OPENSHIFT_MTU)
    fix = Fix(f"set {knob_label}", OPENSHIFT_MTU, value)
    knobs = _judged(inst, [_Candidate(knob_label, value, where, fix)], family)
    encap = _geneve(family, "defaultNetwork.type: OVNKubernetes (Geneve between nodes)")
    if knobs and encap is not None:
        inst.knobs.extend(knobs)
        inst.encaps.append(encap)
    return inst


def is_kube_ovn(resource: Resource, container: dict[str, Any]) -> bool:
    if resource.name == "kube-ovn-cni" and container.get("name") == "cni-server":
        return True
    for key in ("command", "args"):
        words = container.get(key)
        if isinstance(words, list):
            for w in words:
                if isinstance(w, str) and w.endswith("start-cniserver.sh"):
                    return True
    return False


def is_ovnkube(container: dict[str, Any]) -> bool:
    command = container.get("command")
    if not isinstance(command, list) or not command or not isinstance(command[0], str):
        return False
    return command[0].rsplit("/", 1)[-1] == "ovnkube" or any(
        isinstance(w, str) and w.endswith("/ovnkube.sh") for w in command
    )


def _container(
    resource: Resource,
    cpath: Path,
    container: dict[str, Any],
    ovnk_family: Family,
    kube_ovn_family: Family,
) -> Install | None:
    if is_kube_ovn(resource, container):
        return _kube_ovn(resource, cpath, container, kube_ovn_family)
    if is_ovnkube(container):
        return _ovnkube_workload(resource, cpath, container, ovnk_family)
    return None


def _flag_candidate(found: Flag | None, resource: Resource) -> _Candidate | None:
    if found is None or found.value is None:
        return None
    # "--mtu=1400" in one list item cannot be rewritten by setting a value: no fix
    fix = None if found.inline else Fix("set --mtu", found.path, found.value)
    return _Candidate("--mtu", found.value, Where(resource, found.path), fix)


def _ovnkube_workload(
    resource: Resource, cpath: Path, container: dict[str, Any], family: Family
) -> Install | None:
    inst = Install(OVNK, _title(OVNK, resource, kind=True), resource)
    candidates: list[_Candidate] = []
    for var in env(cpath, container):
        # OVN_MTU from the ovn-config ConfigMap is judged there
        if var.name == "OVN_MTU" and var.config_map is None and var.value is not None:
            fix = Fix("set env OVN_MTU", var.path, var.value)
            candidates.append(_Candidate("env OVN_MTU", var.value, Where(resource, var.path), fix))
    from netlint.checks.mtu.ini import flags, last_flag

    found = _flag_candidate(last_flag(list(flags(resource, cpath, container)), "mtu"), resource)
    if found is not None:
        candidates.append(found)
    if not candidates:
        return None
    knobs = _judged(inst, candidates[-1:], family)  # the flag (last) overrides the env
    for c in candidates[:-1]:
        got = read_mtu(c.value, c.where, c.label, family)
        if isinstance(got, Violation):
            inst.violations.append(_titled(inst, got))
    encap = _geneve(family, GENEVE_WHY)
    if knobs and encap is not None:
        inst.knobs.extend(knobs)
        inst.encaps.append(encap)
    return inst


def _kube_ovn(
    resource: Resource, cpath: Path, container: dict[str, Any], family: Family
) -> Install:
    inst = Install(KUBE_OVN, _title(KUBE_OVN, resource, kind=True), resource)
    from netlint.checks.mtu.ini import flags, last_flag

    found = list(flags(resource, cpath, container))
    candidate = _flag_candidate(last_flag(found, "mtu"), resource)
    if candidate is None:
        return inst
    knobs = _judged(inst, [candidate], family)
    network = last_flag(found, "network-type")
    kind = (network.value or "").lower() if network is not None else "geneve"
    if network is not None and network.value:
        why = f"--network-type={network.value}"
        place: Where | None = Where(resource, network.path)
    else:
        why = "--network-type not set (geneve by default)"
        place = None
    if kind == "vlan":
        inst.knobs.extend(knobs)  # an underlay: the pod MTU is judged against the node MTU
        return inst
    if kind not in ("geneve", "vxlan", "stt"):
        return inst
    size = overhead(KUBE_OVN, kind, family)
    if kind == "geneve":
        why += "; OVN's Geneve header with its metadata option"
    if size is not None and knobs:
        inst.knobs.extend(knobs)
        inst.encaps.append(Encap(kind, family, size, why, place))
    return inst
