"""Reading common Kubernetes shapes: pod templates, containers, env vars, ConfigMap values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from netlint.context import ResourceIndex, RunContext
from netlint.model import Path, Resource

POD_SPEC_PATHS: dict[str, Path] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
WORKLOAD_KINDS = tuple(POD_SPEC_PATHS)


def get(data: Any, path: Path) -> Any:
    """The value at `path`, or None when any step is missing or of the wrong type."""
    for step in path:
        if step.__class__ is str and isinstance(data, dict):
            data = data.get(step)  # the common step first: a key of a mapping
        elif isinstance(step, int):
            if not isinstance(data, list) or not 0 <= step < len(data):
                return None
            data = data[step]
        elif not isinstance(data, dict):
            return None
        else:
            data = data.get(step)
        if data is None:
            return None
    return data


def pod_spec(resource: Resource) -> tuple[Path, dict[str, Any]] | None:
    path = POD_SPEC_PATHS.get(resource.kind)
    if path is None:
        return None
    spec: Any = resource.data
    for step in path:  # get() inlined: every rule family asks this of every workload
        if not isinstance(spec, dict):
            return None
        spec = spec.get(step)
    return (path, spec) if isinstance(spec, dict) else None


def containers(resource: Resource, init: bool = True) -> Iterator[tuple[Path, dict[str, Any]]]:
    found = pod_spec(resource)
    if found is None:
        return
    path, spec = found
    for key in ("containers", "initContainers") if init else ("containers",):
        items = spec.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    yield (*path, key, i), item


def workload_containers(ctx: RunContext) -> list[tuple[Resource, Path, dict[str, Any]]]:
    """(workload, path, container) of every container (not init container) of every workload of
    the run, in the order of `ctx.index.of_kind(*WORKLOAD_KINDS)`: read once per run for the
    extractors that look at every container."""
    found: list[tuple[Resource, Path, dict[str, Any]]] | None = ctx.cache.get("k8s.containers")
    if found is None:
        found = []
        for resource in ctx.index.of_kind(*WORKLOAD_KINDS):
            spec = pod_spec(resource)  # containers(resource, init=False), without a generator
            if spec is None:
                continue
            items = spec[1].get("containers")
            if isinstance(items, list):
                base = (*spec[0], "containers")
                for i, item in enumerate(items):
                    if isinstance(item, dict):
                        found.append((resource, (*base, i), item))
        ctx.cache["k8s.containers"] = found
    return found


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: Any  # the literal value, or None when it comes from a reference
    path: Path  # path of the env entry's `value` (or of the entry, for references)
    config_map: tuple[str, str] | None = None  # (ConfigMap name, key) of a configMapKeyRef


def env(container_path: Path, container: dict[str, Any]) -> Iterator[EnvVar]:
    items = container.get("env")
    if not isinstance(items, list):
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        base = (*container_path, "env", i)
        ref = get(item, ("valueFrom", "configMapKeyRef"))
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            yield EnvVar(item["name"], None, base, (ref["name"], str(ref.get("key", ""))))
        elif "value" in item:
            yield EnvVar(item["name"], item["value"], (*base, "value"))
        else:
            yield EnvVar(item["name"], None, base)


def config_map_value(
    index: ResourceIndex, name: str, key: str, namespace: str | None, near: Resource
) -> tuple[Resource, Any] | None:
    """A ConfigMap's data value, preferring the ConfigMap in the same file as `near`."""
    candidates = [
        r
        for r in index.of_kind("ConfigMap")
        if r.name == name and (namespace is None or r.namespace in (namespace, None))
    ]
    if not candidates:
        return None
    same_file = [r for r in candidates if r.file is near.file]
    chosen = (same_file or candidates)[-1]
    data = chosen.data.get("data")
    if not isinstance(data, dict) or key not in data:
        return None
    return chosen, data[key]


def scalar_text(value: Any) -> str | None:
    """A label, annotation, parameter or ConfigMap value as the API server holds it (a string;
    an unquoted YAML `true` or `8080` as its usual spelling); None for mappings and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return None


def parse_int(value: Any) -> int | None:
    """An integer from a YAML value or a ConfigMap string ("1450"); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return digits_int(text)
    return None


def digits_int(text: str) -> int | None:
    """int(text) for a string of digits; None past Python's limit on the digits it converts
    (4300 by default: int() raises ValueError, a guard against quadratic-time conversion)."""
    try:
        return int(text)
    except ValueError:
        return None
