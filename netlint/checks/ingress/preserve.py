"""Other ways the client IP survives without externalTrafficPolicy: Local, or is lost whatever it
says. Facts (annotation keys, value grammars, controller settings) live in
rules/data/client_ip.yaml; this module applies them to one Service and its controller.

* PROXY protocol needs both sides: the load balancer sends the header, the controller parses it
  (either alone breaks every connection). Each side is "on", "off" (its configuration is in the
  run and PROXY is not on) or "unknown" (not in the run). Both on: preserved. One side on and the
  other unknown: preserved, the user configured PROXY deliberately and the missing half is
  somewhere netlint cannot see. One side on and the other off: not preserved here (a broken
  one-sided setup is another rule's business).
* An X-Forwarded-For load balancer (an HTTP listener) keeps the client IP when the controller
  trusts the header; same both-sides logic, but the controller side alone proves nothing.
* AWS NLB through the AWS Load Balancer Controller: IP targets send traffic straight to pod IPs
  (externalTrafficPolicy is irrelevant) and IP-type TCP target groups do not preserve the client
  IP unless the target-group attribute preserve_client_ip.enabled=true or PROXY protocol is on;
  an explicit preserve_client_ip.enabled=false loses it for instance targets too. Those are
  kind "lost", with the target-group attribute as the fix.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from netlint.catalog import load_data
from netlint.checks.ingress.model import Controller, Place, Preservation
from netlint.checks.k8s import containers, get, pod_spec, scalar_text
from netlint.checks.patterns import lazy
from netlint.context import RunContext
from netlint.model import Path, Resource

_ANNOTATIONS: Path = ("metadata", "annotations")
_GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_REFERENCE = lazy(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")  # $$ and $(VAR) in args
_LIST_SPLIT = lazy(r"[\s,]+")

State = Literal["on", "off", "unknown"]


@dataclass(frozen=True)
class Side:
    """One half of PROXY protocol (or of X-Forwarded-For): the load balancer or the controller."""

    state: State
    how: str = ""  # "the DigitalOcean load balancer sends it (...)"; "" when unknown
    place: Place | None = None


UNKNOWN = Side("unknown")


def preservation(ctx: RunContext, service: Resource, controller: Controller) -> Preservation | None:
    """How the client IP of `service` reaches `controller` other than by externalTrafficPolicy
    (kind "preserved"), why its load balancer loses it anyway (kind "lost"), or None."""
    table = _table()
    kind = get(service.data, ("spec", "type"))
    balanced = kind == "LoadBalancer"
    annotations = _annotations(service)
    sides = _controller_sides(ctx, service, controller, table)

    lb_proxy = _load_balancer_proxy(service, annotations, table) if balanced else UNKNOWN
    proxy = _combine(lb_proxy, sides.proxy, controller, "PROXY protocol", alone_counts=True)

    nlb = _aws_nlb(service, annotations, table) if balanced else None
    if nlb is not None:
        decided = _judge_nlb(nlb, proxy, controller)
        if decided is not None:
            return decided
    if proxy is not None:
        return proxy
    if balanced:
        lb_xff = _forwarded_for(service, annotations, table)
        return _combine(lb_xff, sides.forwarded, controller, "X-Forwarded-For", alone_counts=False)
    return None


# ---------------------------------------------------------------------------------------------
# combining the two sides


def _combine(
    lb: Side, ctrl: Side, controller: Controller, what: str, alone_counts: bool
) -> Preservation | None:
    who = controller.display
    if lb.state == "on" and ctrl.state == "on":
        return Preservation("preserved", f"{what} on both sides: {lb.how} and {ctrl.how}", lb.place)
    if lb.state == "on" and ctrl.state == "unknown":
        return Preservation(
            "preserved",
            f"{what}: {lb.how}; the {who} configuration is not in this run, so netlint assumes "
            f"{who} accepts it (without that every connection would fail)"
            if what == "PROXY protocol"
            else f"{what}: {lb.how}; the {who} configuration is not in this run, so netlint "
            f"assumes {who} trusts that header",
            lb.place,
        )
    if alone_counts and ctrl.state == "on" and lb.state == "unknown":
        return Preservation(
            "preserved",
            f"{what}: {ctrl.how}; no load balancer annotation netlint knows sends it on this "
            "Service, so the proxy or load balancer in front must (without that every "
            "connection would fail)",
            ctrl.place,
        )
    return None


# ---------------------------------------------------------------------------------------------
# the data table


@dataclass(frozen=True)
class _Annotation:
    key: str
    parse: str
    on: tuple[str, ...] = ()
    off: tuple[str, ...] = ()
    version: str = ""


@dataclass(frozen=True)
class _Provider:
    name: str
    prefixes: tuple[str, ...]
    combine: str
    annotations: tuple[_Annotation, ...]
    per_port_prefix: str = ""
    per_port_key: str = ""


@dataclass(frozen=True)
class _ConfigMapKnob:
    key: str  # catalog key of the controller
    arg: str
    setting: str
    parse: str
    without_arg: str
    binaries: tuple[str, ...]
    images: tuple[str, ...]
    names: tuple[str, ...]
    forwarded_headers: str = ""


@dataclass(frozen=True)
class _Table:
    providers: tuple[_Provider, ...]
    forwarded_for: tuple[tuple[str, _Annotation], ...]
    aws: Mapping[str, Any]
    configmaps: Mapping[str, _ConfigMapKnob]


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _annotation(raw: Mapping[str, Any]) -> _Annotation:
    return _Annotation(
        str(raw["key"]),
        str(raw.get("parse", "exact")),
        _strs(raw.get("on")),
        _strs(raw.get("off")),
        str(raw.get("version", "")),
    )


@functools.lru_cache(maxsize=1)
def _table() -> _Table:
    data: dict[str, Any] = load_data("client_ip")
    providers = []
    for raw in data.get("load_balancers", []):
        per_port = raw.get("per_port") or {}
        providers.append(
            _Provider(
                str(raw["provider"]),
                _strs(raw.get("prefixes")),
                str(raw.get("combine", "first")),
                tuple(_annotation(a) for a in raw.get("annotations", [])),
                str(per_port.get("prefix", "")),
                str(per_port.get("json_key", "")),
            )
        )
    forwarded = tuple(
        (str(raw["provider"]), _annotation(raw)) for raw in data.get("forwarded_for", [])
    )
    knobs = {}
    for key, raw in (data.get("controllers") or {}).items():
        if raw.get("kind") != "configmap":
            continue
        knob = _ConfigMapKnob(
            str(key),
            str(raw["arg"]),
            str(raw["key"]),
            str(raw.get("parse", "go-bool")),
            str(raw.get("without_arg", "names")),
            _strs(raw.get("binaries")),
            _strs(raw.get("images")),
            _strs(raw.get("names")),
            str(raw.get("forwarded_headers", "")),
        )
        for name in (key, *_strs(raw.get("aliases"))):
            knobs[str(name)] = knob
    return _Table(tuple(providers), forwarded, data.get("aws_nlb") or {}, knobs)


# ---------------------------------------------------------------------------------------------
# values


def go_bool(value: Any) -> bool | None:
    """Go's strconv.ParseBool, which the cloud controller managers and controllers use."""
    text = scalar_text(value)
    if text in _GO_TRUE:
        return True
    if text in _GO_FALSE:
        return False
    return None


def _service_ports(service: Resource) -> list[int]:
    out = []
    for port in get(service.data, ("spec", "ports")) or []:
        number = port.get("port") if isinstance(port, dict) else None
        if isinstance(number, int) and not isinstance(number, bool):
            out.append(number)
    return out


def _scaleway_ports(text: str, ports: list[int]) -> list[int] | None:
    """Scaleway isPortInRange over the Service ports: the ports PROXY is on for, None if invalid."""
    if text not in ("1", "0") and go_bool(text) is not None:
        return list(ports) if go_bool(text) else []
    if text == "*":
        return list(ports)
    if text == "":
        return []
    wanted = set()
    for item in text.replace(" ", "").split(","):
        try:
            wanted.add(int(item, 0))
        except ValueError:
            return None
    return [p for p in ports if p in wanted]


def _is_on(spec: _Annotation, text: str) -> bool:
    if spec.parse == "go-bool":
        return go_bool(text) is True
    if spec.parse == "lower":
        return text.strip().lower() in spec.on
    if spec.parse == "non-empty":
        return bool(text.strip())
    return text in spec.on


# ---------------------------------------------------------------------------------------------
# load balancer side


def _annotations(service: Resource) -> dict[str, Any]:
    return {k: v for k, v in service.annotations.items() if isinstance(k, str)}


def _annotation_place(service: Resource, key: str) -> Place:
    return Place(service, (*_ANNOTATIONS, key))


def _load_balancer_proxy(service: Resource, annotations: dict[str, Any], table: _Table) -> Side:
    """PROXY protocol as the Service's annotations configure the cloud load balancer."""
    visible = False
    for provider in table.providers:
        if not any(k.startswith(provider.prefixes) for k in annotations):
            continue
        visible = True
        found = _provider_proxy(service, annotations, provider)
        if found is not None:
            return found
    aws = _aws_target_group_proxy(service, annotations, table)
    if aws is not None:
        return aws
    return Side("off") if visible else UNKNOWN


def _provider_proxy(
    service: Resource, annotations: dict[str, Any], provider: _Provider
) -> Side | None:
    ports = _service_ports(service)
    if provider.per_port_prefix:
        return _per_port_proxy(service, annotations, provider, ports)
    for spec in provider.annotations:
        text = scalar_text(annotations.get(spec.key))
        if text is None:
            continue
        if spec.parse == "ports":
            on_ports = _scaleway_ports(text, ports)
            if on_ports:
                scope = "" if set(on_ports) == set(ports) else _on_ports(on_ports)
                return _lb_side(service, provider.name, spec.key, f'"{text}"', scope)
            continue
        if _is_on(spec, text):
            return _lb_side(service, provider.name, spec.key, f'"{text}"')
        if provider.combine == "first":
            return None
    return None


def _per_port_proxy(
    service: Resource, annotations: dict[str, Any], provider: _Provider, ports: list[int]
) -> Side | None:
    """Linode: a port's JSON annotation overrides the first default annotation present."""
    default = next(
        (
            (a, t)
            for a in provider.annotations
            if (t := scalar_text(annotations.get(a.key))) is not None
        ),
        None,
    )
    default_on = default is not None and _is_on(*default)
    if not ports:
        if default is None or not default_on:
            return None
        return _lb_side(service, provider.name, default[0].key, f'"{default[1]}"')
    grammar = provider.annotations[0] if provider.annotations else _Annotation("", "exact")
    on: list[tuple[int, str, str]] = []  # (port, annotation key, value as shown)
    for port in ports:
        key = f"{provider.per_port_prefix}{port}"
        value = _json_key(annotations.get(key), provider.per_port_key)
        if value is not None:
            if _is_on(grammar, value):
                on.append((port, key, str(scalar_text(annotations[key]))))
        elif default is not None and default_on:
            on.append((port, default[0].key, f'"{default[1]}"'))
    if not on:
        return None
    _, key, shown = on[0]
    scope = "" if len(on) == len(ports) else _on_ports([p for p, _, _ in on])
    return _lb_side(service, provider.name, key, shown, scope)


def _json_key(raw: Any, key: str) -> str | None:
    """The non-empty string `key` of a JSON object annotation, else None (the default applies)."""
    text = scalar_text(raw)
    if not text:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def _on_ports(ports: list[int]) -> str:
    listed = ", ".join(str(p) for p in ports)
    return f" on port {listed}" if len(ports) == 1 else f" on ports {listed}"


def _lb_side(service: Resource, provider: str, key: str, shown: str, scope: str = "") -> Side:
    return Side(
        "on",
        f"the {provider} load balancer sends it{scope} ({key}: {shown})",
        _annotation_place(service, key),
    )


def _forwarded_for(service: Resource, annotations: dict[str, Any], table: _Table) -> Side:
    for provider, spec in table.forwarded_for:
        text = scalar_text(annotations.get(spec.key))
        if text is not None and _is_on(spec, text):
            return Side(
                "on",
                f'the {provider} load balancer inserts it ({spec.key}: "{text}")',
                _annotation_place(service, spec.key),
            )
    return UNKNOWN


# ---------------------------------------------------------------------------------------------
# AWS NLB through the AWS Load Balancer Controller


@dataclass(frozen=True)
class _Nlb:
    ip_targets: bool
    managed: bool  # reconciled by the AWS Load Balancer Controller
    mode: Place | None  # the annotation that selects IP targets
    attributes_place: Place  # the target-group-attributes annotation (may not exist yet)
    attributes_key: str
    attributes: str | None  # the target-group-attributes annotation as written
    preserve: str | None  # preserve_client_ip.enabled, lower-cased
    preserve_attribute: str
    all_udp: bool


def _attributes(text: str | None) -> dict[str, str]:
    """The AWS Load Balancer Controller's stringMap: "k1=v1,k2=v2" (spaces trimmed)."""
    out: dict[str, str] = {}
    for item in (text or "").split(","):
        key, sep, value = item.partition("=")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def _aws_nlb(service: Resource, annotations: dict[str, Any], table: _Table) -> _Nlb | None:
    aws = table.aws
    if not aws:
        return None
    lb_type = (scalar_text(annotations.get(aws["type"])) or "").strip().lower()
    target = (scalar_text(annotations.get(aws["target_type"])) or "").strip().lower()
    lb_class = get(service.data, ("spec", "loadBalancerClass"))
    managed = lb_type in _strs(aws.get("controller_types")) or lb_class == aws.get(
        "load_balancer_class"
    )
    mode: Place | None = None
    if lb_type == aws.get("ip_type"):
        mode = _annotation_place(service, aws["type"])
    elif target == "ip" and (managed or not lb_type):
        # without an aws-load-balancer-type the target-type annotation only means something to
        # the AWS Load Balancer Controller (its webhook sets the LoadBalancerClass); an explicit
        # in-tree type ("nlb") ignores it
        mode = _annotation_place(service, aws["target_type"])
    if mode is None and not managed:
        return None
    key = str(aws["target_group_attributes"])
    raw = scalar_text(annotations.get(key))
    preserve = _attributes(raw).get(str(aws["preserve_attribute"]))
    protocols = [
        p.get("protocol", "TCP") if isinstance(p, dict) else "TCP"
        for p in get(service.data, ("spec", "ports")) or []
    ]
    return _Nlb(
        mode is not None,
        managed or mode is not None,
        mode,
        _annotation_place(service, key),
        key,
        raw,
        preserve.lower() if preserve is not None else None,
        str(aws["preserve_attribute"]),
        bool(protocols) and all(p == "UDP" for p in protocols),
    )


def _aws_target_group_proxy(
    service: Resource, annotations: dict[str, Any], table: _Table
) -> Side | None:
    """PROXY v2 through the target-group attribute; the proxy-protocol annotation, when present,
    takes precedence (AWS Load Balancer Controller docs)."""
    aws = table.aws
    if not aws or any(
        a.key in annotations for p in table.providers if p.name == "AWS" for a in p.annotations
    ):
        return None
    key = str(aws["target_group_attributes"])
    raw = scalar_text(annotations.get(key))
    value = _attributes(raw).get(str(aws["proxy_attribute"]))
    if value is None or value.lower() != "true":
        return None
    return Side(
        "on",
        f"the AWS NLB target group sends it ({key}: {aws['proxy_attribute']}={value})",
        _annotation_place(service, key),
    )


def _fix_attributes(nlb: _Nlb) -> tuple[str, str]:
    """The target-group-attributes value with preserve_client_ip.enabled=true, other attributes
    kept as written."""
    wanted = f"{nlb.preserve_attribute}=true"
    raw = (nlb.attributes or "").strip().rstrip(",").strip()
    if not raw:
        return nlb.attributes_key, wanted
    pattern = re.compile(rf"(^|,)(\s*){re.escape(nlb.preserve_attribute)}\s*=[^,]*")
    if pattern.search(raw):
        return nlb.attributes_key, pattern.sub(lambda m: f"{m[1]}{m[2]}{wanted}", raw)
    return nlb.attributes_key, f"{raw},{wanted}"


def _judge_nlb(
    nlb: _Nlb, proxy: Preservation | None, controller: Controller
) -> Preservation | None:
    if nlb.all_udp:
        return None  # UDP target groups always preserve the client IP
    if nlb.ip_targets:
        if nlb.preserve == "true":
            return Preservation(
                "preserved",
                "an AWS NLB with IP targets sends traffic straight to the pod IPs and its target "
                f"group keeps the client address ({nlb.attributes_key}: {nlb.attributes})",
                nlb.attributes_place,
            )
        if proxy is not None:
            return proxy
        disabled = (
            f"and the target-group attribute {nlb.preserve_attribute}={nlb.preserve} "
            "disables client IP preservation"
            if nlb.preserve is not None
            else "and IP-type TCP target groups do not preserve the client IP by default "
            f"(target-group attribute {nlb.preserve_attribute}=false)"
        )
        return Preservation(
            "lost",
            "an AWS NLB with IP targets sends traffic straight to the pod IPs, "
            f"{disabled}, so {controller.display} sees the NLB's private addresses",
            nlb.mode,
            _fix_attributes(nlb),
        )
    if nlb.managed and nlb.preserve == "false":
        if proxy is not None:
            return proxy
        return Preservation(
            "lost",
            f"the AWS NLB target-group attribute {nlb.preserve_attribute}=false makes the NLB "
            "replace the client address with its own private IP before traffic reaches the "
            "nodes",
            nlb.attributes_place,
            _fix_attributes(nlb),
        )
    return None


# ---------------------------------------------------------------------------------------------
# controller side


@dataclass(frozen=True)
class Sides:
    proxy: Side = UNKNOWN
    forwarded: Side = UNKNOWN  # trusts X-Forwarded-For from the load balancer


def _controller_sides(
    ctx: RunContext, service: Resource, controller: Controller, table: _Table
) -> Sides:
    knob = table.configmaps.get(controller.key)
    if knob is not None:
        return _configmap_sides(ctx, service, controller, knob)
    reader = _READERS.get(controller.key)
    return reader(ctx, service, controller) if reader is not None else Sides()


def _strongest(sides: list[Side]) -> Side:
    for state in ("on", "off"):
        for side in sides:
            if side.state == state:
                return side
    return UNKNOWN


# --- container arguments ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Flag:
    name: str  # without the leading dashes
    value: str | None  # after "=", None for a bare flag
    following: str | None  # the next argument when it is not a flag
    path: Path


def _flags(container_path: Path, container: dict[str, Any]) -> Iterator[_Flag]:
    for part in ("command", "args"):
        items = container.get(part)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.startswith("-") or not item.strip("-"):
                continue
            name, sep, value = item.lstrip("-").partition("=")
            nxt = items[i + 1] if i + 1 < len(items) else None
            following = nxt if isinstance(nxt, str) and not nxt.startswith("-") else None
            yield _Flag(name, value if sep else None, following, (*container_path, part, i))


def _words(container: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for part in ("command", "args"):
        items = container.get(part)
        if isinstance(items, list):
            out.extend(i for i in items if isinstance(i, str))
    return out


def _expand(text: str, container: dict[str, Any], workload: Resource) -> str:
    """Kubernetes $(VAR) expansion in command and args from the container's env (literal values
    and the pod namespace); unresolvable references stay as written, as in Kubernetes."""
    env: dict[str, str] = {}
    for item in container.get("env") or []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        if isinstance(item.get("value"), str):
            env[item["name"]] = item["value"]
        elif (
            get(item, ("valueFrom", "fieldRef", "fieldPath")) == "metadata.namespace"
            and workload.namespace
        ):
            env[item["name"]] = workload.namespace

    def sub(m: re.Match[str]) -> str:
        if m[0] == "$$":
            return "$"
        return env.get(m[1], m[0])

    return _REFERENCE.sub(sub, text)


def _image(container: dict[str, Any]) -> str:
    image = container.get("image")
    return image if isinstance(image, str) else ""


def _workload_containers(
    controller: Controller,
) -> Iterator[tuple[Resource, Path, dict[str, Any]]]:
    for workload in controller.workloads:
        for path, container in containers(workload, init=False):
            yield workload, path, container


# --- ConfigMap-configured controllers (ingress-nginx, NGINX Inc, HAProxy) ---------------------


def _configmap_sides(
    ctx: RunContext, service: Resource, controller: Controller, knob: _ConfigMapKnob
) -> Sides:
    found: list[Sides] = []
    for workload, path, container in _workload_containers(controller):
        flag = next((f for f in _flags(path, container) if f.name == knob.arg), None)
        if flag is not None:
            ref = flag.value if flag.value is not None else flag.following
            if ref is None:
                continue
            found.append(_configmap_ref(ctx, controller, knob, workload, container, ref))
        elif knob.without_arg == "defaults" and _is_controller(container, knob):
            how = (
                f"{controller.display} runs without --{knob.arg}, on its defaults "
                f"({knob.setting} off)"
            )
            side = Side("off", how, Place(workload, path))
            found.append(Sides(side, side if knob.forwarded_headers else UNKNOWN))
    if found:
        return Sides(_strongest([s.proxy for s in found]), _strongest([s.forwarded for s in found]))
    base = service.name or ""
    base = base[: -len("-controller")] if base.endswith("-controller") else base
    for pattern in knob.names:
        name = pattern.format(service=service.name or "", base=base)
        cm = ctx.index.get("ConfigMap", name, service.namespace)
        if cm is not None:
            return _read_configmap(controller, knob, cm)
    return Sides()


def _is_controller(container: dict[str, Any], knob: _ConfigMapKnob) -> bool:
    image = _image(container)
    words = _words(container)
    return any(i in image for i in knob.images) or any(w in knob.binaries for w in words[:1])


def _configmap_ref(
    ctx: RunContext,
    controller: Controller,
    knob: _ConfigMapKnob,
    workload: Resource,
    container: dict[str, Any],
    ref: str,
) -> Sides:
    text = _expand(ref, container, workload)
    namespace, sep, name = text.rpartition("/")
    if not sep or ("$(" in namespace and workload.namespace is None):
        # no namespace, or $(POD_NAMESPACE) of a workload whose manifest has none (kubectl -n):
        # the ConfigMap is looked up by name, preferring one without a namespace too
        namespace = workload.namespace or ""
    if "$(" in namespace or "$(" in name or not name:
        return Sides()
    cm = ctx.index.get("ConfigMap", name, namespace or None)
    return _read_configmap(controller, knob, cm) if cm is not None else Sides()


def _read_configmap(controller: Controller, knob: _ConfigMapKnob, cm: Resource) -> Sides:
    data = cm.data.get("data")
    data = data if isinstance(data, dict) else {}
    ident = f"{cm.namespace}/{cm.name}" if cm.namespace else str(cm.name)
    sides = []
    for setting, parse in ((knob.setting, knob.parse), (knob.forwarded_headers, "go-bool")):
        if not setting:
            sides.append(UNKNOWN)
            continue
        text = scalar_text(data.get(setting))
        spec = _Annotation(setting, parse)
        if text is not None and _is_on(spec, text):
            verb = "accepts it" if setting == knob.setting else "trusts it"
            sides.append(
                Side(
                    "on",
                    f'{controller.display} {verb} (ConfigMap {ident} {setting}: "{text}")',
                    Place(cm, ("data", setting)),
                )
            )
        else:
            where = ("data", setting) if setting in data else ("data",)
            sides.append(Side("off", f"ConfigMap {ident} has no {setting} on", Place(cm, where)))
    return Sides(sides[0], sides[1])


# --- Traefik ----------------------------------------------------------------------------------

_TRAEFIK_ARG = lazy(
    r"entrypoints\.(?P<ep>[^.]+)\.(?P<what>proxyprotocol|forwardedheaders)\."
    r"(?P<knob>insecure|trustedips)$"
)
_TRAEFIK_ENV = lazy(
    r"TRAEFIK_ENTRYPOINTS_(?P<ep>.+)_(?P<what>PROXYPROTOCOL|FORWARDEDHEADERS)_"
    r"(?P<knob>INSECURE|TRUSTEDIPS)$"
)


def _traefik(ctx: RunContext, service: Resource, controller: Controller) -> Sides:
    """Traefik's static configuration in CLI arguments or TRAEFIK_* env (case-insensitive keys):
    entryPoints.<name>.proxyProtocol.trustedIPs / .insecure (and forwardedHeaders likewise).
    A static configuration file (--configFile) is not read: then only "on" is reported."""
    found: dict[str, dict[str, tuple[str, Place]]] = {"proxyprotocol": {}, "forwardedheaders": {}}
    visible = False
    entrypoints: set[str] = set()
    for workload, path, container in _workload_containers(controller):
        flags = list(_flags(path, container))
        names = [f.name.lower() for f in flags]
        env = [
            (i, item)
            for i, item in enumerate(container.get("env") or [])
            if isinstance(item, dict) and isinstance(item.get("name"), str)
        ]
        configured = any(n.startswith("entrypoints.") for n in names) or any(
            item["name"].upper().startswith("TRAEFIK_ENTRYPOINTS_") for _, item in env
        )
        visible = visible or (configured and "configfile" not in names)
        for flag in flags:
            name = flag.name.lower()
            if name.startswith("entrypoints.") and name.endswith(".address"):
                entrypoints.add(name.split(".")[1])
            m = _TRAEFIK_ARG.match(name)
            if m is None:
                continue
            value = flag.value
            if m["knob"] == "trustedips" and value is None:
                value = flag.following
            if _traefik_on(m["knob"], value):
                shown = f"--{flag.name}" + (f"={flag.value}" if flag.value is not None else "")
                found[m["what"]].setdefault(m["ep"], (shown, Place(workload, flag.path)))
        for i, item in env:
            m = _TRAEFIK_ENV.match(item["name"].upper())
            if m is None:
                continue
            value = scalar_text(item.get("value"))
            if value is not None and _traefik_on(m["knob"].lower(), value):
                where = Place(workload, (*path, "env", i, "value"))
                found[m["what"].lower()].setdefault(
                    m["ep"].lower(), (f"{item['name']}={value}", where)
                )
    targets = _target_names(service)
    mapped = bool(targets) and targets <= entrypoints  # the Service's named targets are entrypoints
    sides = []
    for what, verb in (("proxyprotocol", "accept"), ("forwardedheaders", "trust")):
        eps = found[what]
        used = {ep: v for ep, v in eps.items() if ep in targets} if mapped else eps
        if used:
            names = sorted(used)
            shown, place = used[names[0]]
            label = (
                f"entrypoint {names[0]} {verb}s"
                if len(names) == 1
                else (f"entrypoints {', '.join(names)} {verb}")
            )
            sides.append(Side("on", f"Traefik {label} it ({shown})", place))
        elif eps:  # on, but not on the entrypoints this Service sends traffic to
            sides.append(Side("off", f"only Traefik entrypoints {', '.join(sorted(eps))}"))
        else:
            sides.append(Side("off", "no Traefik entrypoint sets it") if visible else UNKNOWN)
    return Sides(sides[0], sides[1])


def _traefik_on(knob: str, value: str | None) -> bool:
    if knob == "insecure":
        return value is None or go_bool(value) is True
    return bool(value and value.strip())


def _target_names(service: Resource) -> set[str]:
    """Named targetPorts of the Service (the Traefik chart names ports after entrypoints)."""
    out = set()
    for port in get(service.data, ("spec", "ports")) or []:
        target = port.get("targetPort") if isinstance(port, dict) else None
        if isinstance(target, str) and not target.isdigit():
            out.add(target.lower())
    return out


# --- Kong -------------------------------------------------------------------------------------


def _kong(ctx: RunContext, service: Resource, controller: Controller) -> Sides:
    """KONG_PROXY_LISTEN with the proxy_protocol flag on a listener (kong.conf proxy_listen)."""
    sides = []
    for workload, path, container in _workload_containers(controller):
        for i, item in enumerate(container.get("env") or []):
            if not isinstance(item, dict) or item.get("name") != "KONG_PROXY_LISTEN":
                continue
            found = _env_value(ctx, workload, item, (*path, "env", i, "value"))
            if found is None:
                continue
            value, place = found
            if "proxy_protocol" in _LIST_SPLIT.split(value):
                how = f"Kong accepts it (KONG_PROXY_LISTEN: {value!r} has proxy_protocol)"
                sides.append(Side("on", how, place))
            else:
                sides.append(Side("off", "KONG_PROXY_LISTEN has no proxy_protocol", place))
    return Sides(_strongest(sides))


def _env_value(
    ctx: RunContext, workload: Resource, item: dict[str, Any], path: Path
) -> tuple[str, Place] | None:
    """A literal env value, or one from a configMapKeyRef whose ConfigMap is in the run."""
    value = scalar_text(item.get("value"))
    if value is not None:
        return value, Place(workload, path)
    ref = get(item, ("valueFrom", "configMapKeyRef"))
    if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
        return None
    cm = ctx.index.get("ConfigMap", ref["name"], workload.namespace)
    data = cm.data.get("data") if cm is not None else None
    key = ref.get("key")
    if cm is None or not isinstance(data, dict) or not isinstance(key, str):
        return None
    value = scalar_text(data.get(key))
    return (value, Place(cm, ("data", key))) if value is not None else None


# --- Contour ----------------------------------------------------------------------------------


def _contour(ctx: RunContext, service: Resource, controller: Controller) -> Sides:
    """`contour serve --use-proxy-protocol`, or use-proxy-protocol in the listener section of its
    configuration file, or ContourConfiguration spec.envoy.listener.useProxyProtocol, on the
    Contour that manages this Envoy Service (--envoy-service-name, default "envoy")."""
    sides = []
    for workload in ctx.index.of_kind("Deployment", "DaemonSet", "StatefulSet"):
        if service.namespace and workload.namespace not in (service.namespace, None):
            continue
        for path, container in containers(workload, init=False):
            words = _words(container)
            if "serve" not in words or "contour" not in " ".join([_image(container), *words]):
                continue
            flags = {f.name: f for f in _flags(path, container)}
            svc_flag = flags.get("envoy-service-name")
            svc_name = (svc_flag.value or svc_flag.following) if svc_flag else "envoy"
            if svc_name != service.name:
                continue
            sides.append(_contour_side(ctx, workload, container, flags))
    return Sides(_strongest(sides))


def _contour_side(
    ctx: RunContext, workload: Resource, container: dict[str, Any], flags: dict[str, _Flag]
) -> Side:
    flag = flags.get("use-proxy-protocol")
    if flag is not None and (flag.value is None or go_bool(flag.value) is True):
        return Side("on", "Contour accepts it (--use-proxy-protocol)", Place(workload, flag.path))
    unknown = False
    config = flags.get("config-path")
    if config is not None:
        found = _contour_file(ctx, workload, container, config.value or config.following or "")
        if found is None:
            unknown = True
        elif found.state == "on":
            return found
    named = flags.get("contour-config-name")
    if named is not None:
        name = named.value or named.following or ""
        cc = ctx.index.get("ContourConfiguration", name, workload.namespace)
        if cc is None:
            unknown = True
        elif get(cc.data, ("spec", "envoy", "listener", "useProxyProtocol")) is True:
            path: Path = ("spec", "envoy", "listener", "useProxyProtocol")
            return Side(
                "on",
                f"Contour accepts it (ContourConfiguration {name} "
                "spec.envoy.listener.useProxyProtocol: true)",
                Place(cc, path),
            )
    return UNKNOWN if unknown else Side("off", "Contour runs without --use-proxy-protocol")


def _contour_file(
    ctx: RunContext, workload: Resource, container: dict[str, Any], file: str
) -> Side | None:
    """The ConfigMap mounted at the --config-path directory, its listener.use-proxy-protocol."""
    directory, base = posixpath.split(file)
    volume = None
    for mount in container.get("volumeMounts") or []:
        if isinstance(mount, dict) and mount.get("mountPath") in (directory, directory + "/"):
            volume = mount.get("name")
    found = pod_spec(workload)
    spec = (found[1].get("volumes") if found else None) or []
    cm_name = next(
        (
            get(v, ("configMap", "name"))
            for v in spec
            if isinstance(v, dict) and v.get("name") == volume
        ),
        None,
    )
    if not isinstance(cm_name, str):
        return None
    cm = ctx.index.get("ConfigMap", cm_name, workload.namespace)
    text = get(cm.data, ("data", base)) if cm is not None else None
    if cm is None or not isinstance(text, str):
        return None
    try:
        from ruamel.yaml import YAML

        conf = YAML(typ="safe").load(text)
    except Exception:  # a broken embedded file is the controller's problem, not a crash here
        return None
    if get(conf, ("listener", "use-proxy-protocol")) is True:
        return Side(
            "on",
            f"Contour accepts it (ConfigMap {cm.namespace}/{cm.name} {base}: listener "
            "use-proxy-protocol: true)",
            Place(cm, ("data", base)),
        )
    return Side("off", f"{base} does not set listener use-proxy-protocol")


# --- Cilium -----------------------------------------------------------------------------------


def _cilium(ctx: RunContext, service: Resource, controller: Controller) -> Sides:
    """cilium-config enable-ingress-proxy-protocol (Ingress) or enable-gateway-api-proxy-protocol
    (Gateway API Services cilium-gateway-*)."""
    setting = (
        "enable-gateway-api-proxy-protocol"
        if (service.name or "").startswith("cilium-gateway-")
        else "enable-ingress-proxy-protocol"
    )
    candidates = [r for r in ctx.index.of_kind("ConfigMap") if r.name == "cilium-config"]
    if not candidates:
        return Sides()
    cm = next((r for r in candidates if r.namespace == "kube-system"), candidates[-1])
    data = cm.data.get("data")
    text = scalar_text(data.get(setting)) if isinstance(data, dict) else None
    if go_bool(text) is True:
        return Sides(
            Side(
                "on",
                f'Cilium accepts it (ConfigMap {cm.namespace}/{cm.name} {setting}: "{text}")',
                Place(cm, ("data", setting)),
            )
        )
    return Sides(Side("off", f"cilium-config has no {setting} on"))


_READERS = {"traefik": _traefik, "kong": _kong, "contour": _contour, "cilium": _cilium}
