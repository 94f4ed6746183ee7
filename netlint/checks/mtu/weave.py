"""NL1xx extractor for Weave Net: env WEAVE_MTU on the weave container of the weave-net
DaemonSet (weave-daemonset-k8s.yaml, a `kind: List`).

WEAVE_MTU is the MTU of the Weave overlay, so a pod MTU ("Weave Net defaults to 1376 bytes";
launch.sh passes it as `weaver --mtu`; a weaver `--mtu` in the container args comes later and
wins). Unset means the fixed default 1376, not auto-detection: no knob, no finding.

Overhead: fast datapath (the default) is OVS VXLAN, 50 bytes over IPv4. Weave's docs ask for
"around 84-87 bytes" of room so that *encrypted* fast datapath (ESP, +34..37) also fits; when
the path cannot carry a packet Weave falls back to the slow `sleeve` overlay for that peer
[weaveworks/weave: site/tasks/manage/fastdp.md; blog "Weave Net 1.9 fast datapath encryption"].
netlint judges only the unencrypted 50 bytes (rules/data/mtu.yaml weave.fastdp), which is sure to
be needed. Any non-empty WEAVE_NO_FASTDP turns fast datapath off (launch.sh: `[ -z
"$WEAVE_NO_FASTDP" ] || echo --no-fastdp`): sleeve then does its own PMTU discovery, and the MTU
is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netlint.checks.k8s import EnvVar, config_map_value, env, workload_containers
from netlint.checks.mtu.model import Encap, Install, Knob, Violation, Where
from netlint.checks.mtu.profile import overhead
from netlint.checks.mtu.values import read_mtu
from netlint.context import RunContext
from netlint.model import Fix, Path, Resource

CNI = "weave"


def is_weave(resource: Resource, container: dict[str, Any]) -> bool:
    image = container.get("image")
    if isinstance(image, str) and "weave-kube" in image:
        return True
    if container.get("name") == "weave" and "weave" in (resource.name or ""):
        return True
    items = container.get("env")
    if isinstance(items, list):  # a loop, not any(): every container of the run comes here
        for e in items:
            if isinstance(e, dict) and e.get("name") == "WEAVE_MTU":
                return True
    return False


def collect(ctx: RunContext) -> Iterator[Install]:
    for resource, cpath, container in workload_containers(ctx):
        if is_weave(resource, container):
            yield _install(ctx, resource, cpath, container)


def _install(
    ctx: RunContext, resource: Resource, cpath: Path, container: dict[str, Any]
) -> Install:
    ns = f" {resource.namespace}" if resource.namespace else ""
    inst = Install(CNI, f"Weave Net ({resource.name} {resource.kind}{ns})", resource)
    variables = {e.name: e for e in env(cpath, container)}  # the last duplicate wins
    knobs: list[Knob] = []
    mtu = variables.get("WEAVE_MTU")
    if mtu is not None:
        knob = _env_knob(ctx, inst, resource, mtu)
        if knob is not None:
            knobs.append(knob)
    from netlint.checks.mtu.ini import flags, last_flag  # here: few runs hold Weave

    flag = last_flag(list(flags(resource, cpath, container)), "mtu")
    if flag is not None and flag.value is not None:
        where = Where(resource, flag.path)
        read = read_mtu(flag.value, where, "--mtu")
        if isinstance(read, Violation):
            inst.violations.append(_titled(inst, read))
        elif read is not None:
            fix = None if flag.inline else Fix("set --mtu", flag.path, flag.value)
            knobs.append(Knob(CNI, "pod", read, "--mtu", where, fix=fix))
    if not knobs:
        return inst
    no_fastdp = variables.get("WEAVE_NO_FASTDP")
    if no_fastdp is not None and (no_fastdp.value is None or str(no_fastdp.value) != ""):
        return inst  # sleeve only (or unknown): Weave handles the path MTU itself
    size = overhead(CNI, "fastdp", "ipv4")
    if size is None:
        return inst
    inst.knobs.extend(knobs)
    inst.encaps.append(Encap("fastdp", "ipv4", size, "Weave's default; WEAVE_NO_FASTDP is not set"))
    return inst


def _env_knob(ctx: RunContext, inst: Install, resource: Resource, var: EnvVar) -> Knob | None:
    if var.config_map is not None:
        name, key = var.config_map
        found = config_map_value(ctx.index, name, key, resource.namespace, resource)
        if found is None:
            return None
        cm, value = found
        where = Where(cm, ("data", key))
        knob_label = f"ConfigMap {name} {key} (env WEAVE_MTU)"
        fix_path: Path = ("data", key)
    else:
        if var.value is None:
            return None  # a Secret or field reference: the value is not in the manifests
        value = var.value
        where = Where(resource, var.path)
        knob_label = "env WEAVE_MTU"
        fix_path = var.path
    read = read_mtu(value, where, knob_label)
    if isinstance(read, Violation):
        inst.violations.append(_titled(inst, read))
        return None
    if read is None:
        return None
    return Knob(CNI, "pod", read, knob_label, where, fix=Fix(f"set {knob_label}", fix_path, value))


def _titled(inst: Install, violation: Violation) -> Violation:
    return Violation(
        violation.kind, f"{inst.title}: {violation.message}", violation.where, violation.related
    )
