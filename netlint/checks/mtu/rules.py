"""The NL1xx rules: CNI-neutral judgments over Installs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netlint.checks.mtu import installs
from netlint.checks.mtu.model import Encap, Install, Knob
from netlint.checks.mtu.profile import NodeMtu, label, node_mtu
from netlint.context import RunContext
from netlint.model import Fix, Hit, Related

if TYPE_CHECKING:
    from netlint.checks.mtu.params import WasteParams


def _hit(knob: Knob, message: str, value: int | None, related: tuple[Related, ...] = ()) -> Hit:
    where = knob.where
    fix = None
    if knob.fix is not None and value is not None:
        # ConfigMap data and env values are strings: keep the type the extractor gave
        fixed: object = str(value) if isinstance(knob.fix.value, str) else value
        fix = Fix(f"set {knob.label} to {value}", knob.fix.path, fixed)
    if where.span is not None:
        return Hit(
            message,
            file=where.file or where.resource.file,
            span=where.span,
            related=related,
            fix=None,
            fingerprint_extra=knob.label,
        )
    return Hit(
        message,
        resource=where.resource,
        path=where.path,
        related=related,
        fix=fix,
        fingerprint_extra=knob.label,
    )


def applicable(inst: Install, knob: Knob) -> list[Encap]:
    if knob.scope is None:
        return list(inst.encaps)
    return [e for e in inst.encaps if (e.name, e.family) in knob.scope]


def best_pod_mtu(node: NodeMtu, encaps: list[Encap]) -> tuple[int, Encap | None, str]:
    """The largest pod MTU every encapsulation in use can carry, the encapsulation that limits
    it, and the limit it must fit in (said in messages)."""
    if not encaps:
        return node.value, None, f"the node MTU {node.value} ({node.source})"
    best: tuple[int, Encap | None, str] | None = None
    for encap in encaps:
        limit, said = node.limit_for(encap.name)
        candidate = limit - encap.overhead
        if best is None or candidate < best[0]:
            best = (candidate, encap, said)
    assert best is not None
    return best


def _encap_text(encap: Encap) -> str:
    name = label(encap.name) + (" over IPv6" if encap.family == "ipv6" else "")
    return f"{name} adds {encap.overhead} bytes ({encap.why})"


def _pod_knobs(inst: Install) -> Iterator[Knob]:
    for knob in inst.knobs:
        if knob.meaning == "pod" and knob.value > 0 and knob.alias_of is None:
            yield knob


def pod_mtu_too_large(ctx: RunContext, params: Any) -> Iterator[Hit]:
    node = node_mtu(ctx.config)
    for inst in installs(ctx):
        for knob in _pod_knobs(inst):
            encaps = applicable(inst, knob)
            if knob.scope is not None and not encaps:
                continue  # a tunnel device that is not in use
            best, encap, said = best_pod_mtu(node, encaps)
            if knob.value <= best:
                continue
            if encap is None:
                message = (
                    f"{inst.title}: {knob.label} {knob.value} is larger than {said}, with no "
                    f"encapsulation: pods send packets the node network cannot carry, so they "
                    f"are fragmented or dropped. Set {knob.label} to {best}"
                )
                related: tuple[Related, ...] = ()
            else:
                message = (
                    f"{inst.title}: pod MTU {knob.value} + {label(encap.name)} "
                    f"{encap.overhead} = {knob.value + encap.overhead} > {said}: "
                    f"{_encap_text(encap)}, so full-size pod packets are fragmented or silently "
                    f"dropped (stalled TLS handshakes, hanging large responses). "
                    f"Set {knob.label} to {best}"
                )
                related = (
                    (encap.where.related(f"{label(encap.name)} is enabled here"),)
                    if encap.where is not None
                    else ()
                )
            yield _hit(knob, message, best, related)


def underlay_mtu_too_large(ctx: RunContext, params: Any) -> Iterator[Hit]:
    node = node_mtu(ctx.config)
    for inst in installs(ctx):
        for knob in inst.knobs:
            if knob.meaning != "underlay" or knob.value <= 0 or knob.alias_of is not None:
                continue
            if knob.value <= node.value:
                continue
            names = dict.fromkeys(
                " + ".join(label(n) for n in (*e.stacked, e.name)) for e in inst.encaps
            )
            encaps = ", ".join(names) or "its encapsulation"
            yield _hit(
                knob,
                f"{inst.title}: {knob.label} {knob.value} is the MTU of the node network "
                f"({inst.cni} subtracts {encaps} overhead from it itself), but the node MTU is "
                f"{node.value} ({node.source}): pods get an MTU the nodes cannot carry and "
                f"large packets are dropped. Set {knob.label} to {node.value}, or remove it to "
                f"let {inst.cni} detect the MTU",
                node.value,
            )


def mtu_wasted(ctx: RunContext, params: WasteParams) -> Iterator[Hit]:
    """`params`: a WasteParams, or a read-only view of its validated values (engine.run)."""
    node = node_mtu(ctx.config)
    for inst in installs(ctx):
        for knob in inst.knobs:
            if knob.value <= 0 or knob.alias_of is not None:
                continue
            if knob.meaning == "underlay":
                best, why = node.value, f"the node MTU {node.value} ({node.source})"
            else:
                encaps = applicable(inst, knob)
                if knob.scope is not None and not encaps:
                    continue
                best, encap, said = best_pod_mtu(node, encaps)
                why = f"{said} minus {label(encap.name)} {encap.overhead}" if encap else said
            waste = best - knob.value
            if waste < params.min_waste:
                continue
            yield _hit(
                knob,
                f"{inst.title}: {knob.label} {knob.value} is {waste} bytes below the best value "
                f"{best} ({why}): every packet carries less payload than the network allows, "
                f"costing throughput and CPU. Set {knob.label} to {best}, or 0/unset to "
                f"auto-detect where {inst.cni} supports it",
                best,
            )


def conflicting_mtu(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for inst in installs(ctx):
        knobs = list(_pod_knobs(inst))
        for i, later in enumerate(knobs):
            for earlier in knobs[:i]:
                if earlier.value == later.value or not _overlap(earlier, later):
                    continue
                first = earlier.where.related(f"{earlier.label} is {earlier.value} here")
                yield _hit(
                    later,
                    f"{inst.title}: {later.label} {later.value} disagrees with {earlier.label} "
                    f"{earlier.value}: two settings for the same MTU, and which one wins depends "
                    f"on precedence rules nobody reviews. Keep one, or make them equal",
                    None,
                    (first,),
                )
                break


def _overlap(a: Knob, b: Knob) -> bool:
    if a.scope is None or b.scope is None:
        return True
    return bool(set(a.scope) & set(b.scope))


def invalid_encapsulation(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _violations(ctx, "encapsulation")


def invalid_mtu_value(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _violations(ctx, "value")


def _violations(ctx: RunContext, kind: str) -> Iterator[Hit]:
    for inst in installs(ctx):
        for violation in inst.violations:
            if violation.kind != kind:
                continue
            where = violation.where
            if where.span is not None:
                yield Hit(
                    violation.message,
                    file=where.file or where.resource.file,
                    span=where.span,
                    related=violation.related,
                    fingerprint_extra=violation.message,
                )
            else:
                yield Hit(
                    violation.message,
                    resource=where.resource,
                    path=where.path,
                    related=violation.related,
                    fingerprint_extra=violation.message,
                )
