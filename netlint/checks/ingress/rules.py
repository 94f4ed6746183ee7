"""The NL2xx rules: ingress controller Services and the client source IP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netlint.checks.ingress.model import EXPOSED, JOINED, Controller
from netlint.checks.k8s import get, pod_spec
from netlint.context import RunContext
from netlint.model import Fix, Hit, Related, Resource

# the kinds the run-scoped NL2xx rules read (checks/__init__.py: Check.kinds): the Services,
# the workloads behind them, and the settings controllers and CNIs keep in ConfigMaps and
# Contour's resource (NL202, invalid_policy, reads each Service alone: it is file-scoped)
READS = ("Service", *JOINED)

POLICIES = ("Cluster", "Local")
_ETP = ("spec", "externalTrafficPolicy")


def _services(ctx: RunContext) -> Iterator[Resource]:
    yield from ctx.index.of_kind("Service")


def _exposed(svc: Resource) -> str | None:
    kind = get(svc.data, ("spec", "type"))
    return kind if kind in EXPOSED else None


def _recognised(ctx: RunContext, svc: Resource) -> Controller | None:
    from netlint.checks.ingress.recognise import recognise

    key = f"ingress.controller.{id(svc)}"
    if key not in ctx.cache:
        ctx.cache[key] = recognise(ctx, svc)
    found: Controller | None = ctx.cache[key]
    return found


def _related(controller: Controller) -> tuple[Related, ...]:
    out: list[Related] = []
    if controller.place is not None:
        out.append(controller.place.related(f"recognised as {controller.display} here"))
    for workload in controller.workloads[:3]:
        out.append(Related(f"the {controller.display} pods this Service selects", workload))
    return tuple(out)


def client_ip_lost(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for svc in _services(ctx):
        kind = _exposed(svc)
        if kind is None:
            continue
        controller = _recognised(ctx, svc)
        if controller is None:
            continue
        # imported here: a run without an ingress controller Service needs none of it
        from netlint.checks.ingress.preserve import preservation

        policy = get(svc.data, _ETP)
        kept = preservation(ctx, svc, controller)
        name = f"{kind} Service {svc.name}"
        who = f"{controller.display} ({controller.reason})"
        if kept is not None and kept.kind == "lost":
            related = _related(controller)
            if kept.place is not None:
                related = (kept.place.related("this load balancer mode is set here"), *related)
            fix = None
            if kept.fix_annotation is not None:
                key, value = kept.fix_annotation
                fix = Fix(
                    f"set the annotation {key}: {value}", ("metadata", "annotations", key), value
                )
            yield Hit(
                f"{name} fronts {who}, but {kept.how}. externalTrafficPolicy does not help here. "
                + (
                    f"Set the annotation {kept.fix_annotation[0]}: {kept.fix_annotation[1]}"
                    if kept.fix_annotation
                    else "Enable PROXY protocol end to end"
                )
                + " so access logs, geo-blocking and per-client rate limits see the client",
                resource=svc,
                path=("metadata", "annotations") if kept.place is None else kept.place.path,
                related=related,
                fix=fix,
            )
            continue
        if policy == "Local" or (policy is not None and policy != "Cluster"):
            continue  # preserved, or an invalid value (NL202)
        if kept is not None:
            continue  # PROXY protocol or an equivalent keeps the client IP
        state = (
            "externalTrafficPolicy is Cluster"
            if policy == "Cluster"
            else "externalTrafficPolicy is not set (Cluster by default)"
        )
        yield Hit(
            f"{name} fronts {who} and {state}: kube-proxy SNATs incoming traffic to a node IP, "
            f"so {controller.display} logs and filters node addresses instead of clients — "
            "geo-blocking, per-client rate limits and the access logs kept for GDPR and audits "
            "break. Set spec.externalTrafficPolicy: Local (the load balancer then sends traffic "
            "only to nodes that run a controller pod, checked on healthCheckNodePort), or enable "
            "PROXY protocol on both the load balancer and the controller",
            resource=svc,
            path=_ETP,
            related=_related(controller),
            fix=Fix("set spec.externalTrafficPolicy to Local", _ETP, "Local"),
        )


def invalid_policy(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for svc in _services(ctx):
        for field, allowed in (
            ("externalTrafficPolicy", POLICIES),
            ("internalTrafficPolicy", POLICIES),
        ):
            value = get(svc.data, ("spec", field))
            if value is None or value in allowed:
                continue
            text = value if isinstance(value, str) else repr(value)
            fixed = next(
                (
                    a
                    for a in allowed
                    if isinstance(value, str) and a.lower() == value.strip().lower()
                ),
                None,
            )
            advice = f"write {fixed}" if fixed else f"use {' or '.join(allowed)}"
            yield Hit(
                f"spec.{field} is {text!r}: the API server accepts only "
                f"{' or '.join(allowed)} (case-sensitive) and rejects the Service; {advice}",
                resource=svc,
                path=("spec", field),
                fix=Fix(f"set spec.{field} to {fixed}", ("spec", field), fixed) if fixed else None,
                fingerprint_extra=field,
            )


def local_without_spread(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for svc in _services(ctx):
        if _exposed(svc) is None or get(svc.data, _ETP) != "Local":
            continue
        controller = _recognised(ctx, svc)
        if controller is None:
            continue
        for workload in controller.workloads:
            problem = _spread_problem(workload)
            if problem is None:
                continue
            yield Hit(
                f"Service {svc.name} uses externalTrafficPolicy: Local for {controller.display}, "
                f"but {problem}: with Local, nodes without a controller pod fail the load "
                "balancer's health check and the load is balanced per node, not per pod, so one "
                "node carries the traffic and losing it is an outage. Run the controller as a "
                "DaemonSet, or give it 2+ replicas with pod anti-affinity or a topology spread "
                "constraint on kubernetes.io/hostname",
                resource=svc,
                path=_ETP,
                related=(Related(f"the {controller.display} workload", workload),),
                fingerprint_extra=f"{workload.kind}/{workload.name}",
            )


_HOST = "kubernetes.io/hostname"


def _spread_problem(workload: Resource) -> str | None:
    if workload.kind == "DaemonSet":
        return None
    if get(workload.data, ("metadata", "ownerReferences")):
        return None  # a ReplicaSet or Pod of a dumped Deployment: judged at its owner
    replicas = get(workload.data, ("spec", "replicas"))
    if replicas is None:
        replicas = 1
    label = f"{workload.kind} {workload.name}"
    if isinstance(replicas, int) and replicas <= 1:
        return f"{label} runs a single replica"
    found = pod_spec(workload)
    spec = found[1] if found else {}
    for term in (
        get(spec, ("affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"))
        or []
    ):
        if isinstance(term, dict) and term.get("topologyKey") == _HOST:
            return None
    for term in (
        get(
            spec, ("affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
        )
        or []
    ):
        if isinstance(term, dict) and get(term, ("podAffinityTerm", "topologyKey")) == _HOST:
            return None
    for constraint in spec.get("topologySpreadConstraints") or []:
        if isinstance(constraint, dict) and constraint.get("topologyKey") == _HOST:
            return None
    return f"{label} has {replicas} replicas with nothing spreading them across nodes"
