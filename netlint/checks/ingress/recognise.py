"""Recognising ingress controller Services.

Only Services of type LoadBalancer or NodePort are candidates. The evidence, in this order:

a. a user matcher from `ingress_controllers:` of the config (every field it gives must match);
b. a label set of the catalog (rules/data/ingress_controllers.yaml) on the Service's labels or
   on its selector; the most specific set wins (more labels, then catalog order);
c. the selector selects a workload of the run whose container runs a known controller image;
d. a conventional Service name in its conventional namespace;
e. two weak matchers of the same controller together (a generic selector `app: envoy` in the
   namespace projectcontour).

Service names a controller lists under `not_names` (admin APIs, webhooks, metrics: they select the
same pods) are never that controller's client-facing Service. The controller's `workloads` are
every workload of the run that the selector selects, whatever the evidence was.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from netlint.checks.ingress.model import EXPOSED, WORKLOAD_KINDS, Controller, Place
from netlint.checks.k8s import containers, get, scalar_text
from netlint.checks.patterns import any_glob, glob_match
from netlint.context import RunContext
from netlint.model import Path, Resource

CATALOG = "ingress_controllers"

_LABELS: Path = ("metadata", "labels")
_SELECTOR: Path = ("spec", "selector")
_DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")


# ---------------------------------------------------------------------------------------------
# The catalog


@dataclass(frozen=True)
class LabelSet:
    match: tuple[tuple[str, str], ...]  # (key, value glob), in catalog order
    strong: bool
    names: tuple[str, ...] = ()  # Service name globs the set is restricted to
    not_labels: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class NameRule:
    names: tuple[str, ...]
    namespaces: tuple[str, ...]  # empty: any namespace
    strong: bool


@dataclass(frozen=True)
class ImageRule:
    glob: str
    strong: bool


@dataclass(frozen=True)
class Entry:
    key: str
    display: str
    labels: tuple[LabelSet, ...]
    services: tuple[NameRule, ...]
    namespaces: tuple[str, ...]
    images: tuple[ImageRule, ...]
    not_names: tuple[str, ...]  # never this controller's client-facing Service


class CatalogShapeError(ValueError):
    """rules/data/ingress_controllers.yaml does not have the documented shape."""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CatalogShapeError(f"{where}: expected a list of non-empty strings")
    return tuple(value)


def _flag(item: Mapping[str, Any], where: str) -> bool:
    strong = item.get("strong")
    if not isinstance(strong, bool):
        raise CatalogShapeError(f"{where}.strong: say true or false")
    return strong


def _label_set(item: Any, where: str) -> LabelSet:
    if not isinstance(item, dict) or not isinstance(item.get("match"), dict) or not item["match"]:
        raise CatalogShapeError(f"{where}: expected {{match: {{label: value}}, strong: ...}}")
    unknown = set(item) - {"match", "strong", "names", "not_labels"}
    if unknown:
        raise CatalogShapeError(f"{where}: unknown keys {sorted(unknown)}")
    match = []
    for key, value in item["match"].items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise CatalogShapeError(f"{where}.match: labels and values must be strings")
        match.append((key, value))
    vetoes = []
    for key, values in (item.get("not_labels") or {}).items():
        vetoes.append((str(key), _strings(values, f"{where}.not_labels.{key}")))
    return LabelSet(
        tuple(match),
        _flag(item, where),
        _strings(item.get("names"), f"{where}.names"),
        tuple(vetoes),
    )


def _entry(item: Any, index: int, not_names: tuple[str, ...]) -> Entry:
    where = f"controllers[{index}]"
    if not isinstance(item, dict):
        raise CatalogShapeError(f"{where}: expected a mapping")
    known = {"key", "display", "labels", "services", "namespaces", "images", "not_names"}
    unknown = set(item) - known
    if unknown:
        raise CatalogShapeError(f"{where}: unknown keys {sorted(unknown)}")
    key, display = item.get("key"), item.get("display")
    if not isinstance(key, str) or not isinstance(display, str) or not key or not display:
        raise CatalogShapeError(f"{where}: key and display are required strings")
    where = f"controllers[{index}] ({key})"
    labels = tuple(
        _label_set(s, f"{where}.labels[{i}]") for i, s in enumerate(item.get("labels") or [])
    )
    services = []
    for i, rule in enumerate(item.get("services") or []):
        spot = f"{where}.services[{i}]"
        if not isinstance(rule, dict):
            raise CatalogShapeError(f"{spot}: expected a mapping")
        names = _strings(rule.get("names"), f"{spot}.names")
        if not names:
            raise CatalogShapeError(f"{spot}.names: give at least one name")
        services.append(
            NameRule(
                names, _strings(rule.get("namespaces"), f"{spot}.namespaces"), _flag(rule, spot)
            )
        )
    images = []
    for i, rule in enumerate(item.get("images") or []):
        spot = f"{where}.images[{i}]"
        if not isinstance(rule, dict) or not isinstance(rule.get("glob"), str):
            raise CatalogShapeError(f"{spot}: expected {{glob: ..., strong: ...}}")
        images.append(ImageRule(rule["glob"].lower(), _flag(rule, spot)))
    return Entry(
        key,
        display,
        labels,
        tuple(services),
        _strings(item.get("namespaces"), f"{where}.namespaces"),
        tuple(images),
        not_names + _strings(item.get("not_names"), f"{where}.not_names"),
    )


def parse_catalog(data: Any) -> tuple[Entry, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("controllers"), list):
        raise CatalogShapeError("expected a mapping with a `controllers:` list")
    unknown = set(data) - {"controllers", "not_names"}
    if unknown:
        raise CatalogShapeError(f"unknown keys {sorted(unknown)}")
    vetoed = _strings(data.get("not_names"), "not_names")
    entries = tuple(_entry(item, i, vetoed) for i, item in enumerate(data["controllers"]))
    keys = [e.key for e in entries]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise CatalogShapeError(f"duplicate controller keys {duplicates}")
    return entries


def catalog() -> tuple[Entry, ...]:
    """The catalog as the run in force sees it: built-in data, with the config's `catalogs:`
    entries merged in (netlint/custom/catalogs.py)."""
    from netlint.custom.catalogs import key

    return _catalog(key(CATALOG))


@functools.lru_cache(maxsize=8)
def _catalog(override: str) -> tuple[Entry, ...]:
    from netlint.custom.catalogs import merged

    return parse_catalog(merged(CATALOG, override))


# ---------------------------------------------------------------------------------------------
# Reading Services, workloads and images


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, str] = {}
    for key, item in value.items():
        # a string is its own text (most labels): scalar_text only for the others
        text = item if item.__class__ is str else scalar_text(item)
        if isinstance(key, str) and text is not None:
            out[key] = text
    return out


def _service_type(service: Resource) -> str | None:
    kind = get(service.data, ("spec", "type"))
    return kind if kind in EXPOSED else None


def _pod_labels(workload: Resource) -> dict[str, str]:
    if workload.kind == "Pod":
        return _string_map(get(workload.data, _LABELS))
    return _string_map(get(workload.data, ("spec", "template", "metadata", "labels")))


_Pods = dict[tuple[str, str], list[tuple[int, Resource, dict[str, str]]]]


def _pods_by_label(ctx: RunContext) -> _Pods:
    """The run's workloads under each (label, value) of their pods, built once per run: a
    Service then looks at the workloads carrying its rarest selector label, not at all."""
    key = "ingress.recognise.pods-by-label"
    found: _Pods | None = ctx.cache.get(key)
    if found is None:
        found = {}
        for order, workload in enumerate(ctx.index.of_kind(*WORKLOAD_KINDS)):
            labels = _pod_labels(workload)
            for pair in labels.items():
                found.setdefault(pair, []).append((order, workload, labels))
        ctx.cache[key] = found
    return found


def selected_workloads(ctx: RunContext, service: Resource) -> tuple[Resource, ...]:
    """Every workload of the run whose pod labels carry all the Service's selector labels, in
    the same namespace (a Service without one selects workloads without one; a workload without
    one lands where `kubectl apply -n` puts it, so a namespaced Service selects it too)."""
    raw = get(service.data, _SELECTOR)
    selector = _string_map(raw)
    if not selector or not isinstance(raw, dict) or len(selector) != len(raw):
        return ()  # no selector (endpoints managed elsewhere), or one no pod can carry
    index = _pods_by_label(ctx)
    candidates = min((index.get(pair, []) for pair in selector.items()), key=len)
    namespaces = (None,) if service.namespace is None else (service.namespace, None)
    return tuple(
        workload
        for _, workload, labels in candidates
        if workload.namespace in namespaces and all(labels.get(k) == v for k, v in selector.items())
    )


@functools.lru_cache(maxsize=4096)
def image_names(image: str) -> tuple[str, ...]:
    """The forms an image is matched in: as written, without tag and digest, and without the
    registry host (docker.io and its `library/` dropped), all lower case."""
    written = image.strip().lower()
    ref = written.split("@", 1)[0]
    if ref.rfind(":") > ref.rfind("/"):
        ref = ref[: ref.rfind(":")]
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry, path = parts[0], "/".join(parts[1:])
    else:
        registry, path = "", ref
    if registry in _DOCKER_HUB:
        registry = ""
    if not registry and path.startswith("library/"):
        path = path[len("library/") :]
    full = f"{registry}/{path}" if registry else path
    return tuple(dict.fromkeys((written, full, path)))


def image_matches(image: str, globs: Sequence[str]) -> bool:
    names = image_names(image)
    matches = any_glob(tuple(glob.lower() for glob in globs))
    return any(matches(name) for name in names)


def _images(workloads: Sequence[Resource]) -> Iterator[tuple[Resource, Path, str]]:
    for workload in workloads:
        for path, container in containers(workload):
            image = container.get("image")
            if isinstance(image, str) and image.strip():
                yield workload, (*path, "image"), image


# ---------------------------------------------------------------------------------------------
# Evidence


@dataclass(frozen=True)
class Evidence:
    reason: str
    place: Place | None


_Maps = tuple[tuple[Path, dict[str, str]], ...]  # ((path, labels), (path, selector))


def _maps(service: Resource) -> _Maps:
    return tuple((base, _string_map(get(service.data, base))) for base in (_LABELS, _SELECTOR))


def _labels_found(
    maps: _Maps, wanted: Sequence[tuple[str, str]]
) -> tuple[Path, dict[str, str]] | None:
    """Where all `wanted` labels (value globs) are: the Service's labels, else its selector."""
    for base, have in maps:
        if wanted and all(k in have and glob_match(have[k], v) for k, v in wanted):
            return base, {k: have[k] for k, _ in wanted}
    return None


def _describe_labels(base: Path, found: Mapping[str, str]) -> str:
    pairs = ", ".join(f"{k}: {v}" for k, v in found.items())
    if base == _SELECTOR:
        return f"selector {pairs}"
    return f"{'labels' if len(found) > 1 else 'label'} {pairs}"


def _name_matches(name: str | None, globs: Sequence[str]) -> bool:
    # no globs match nothing: most catalog entries have no `not_names` (asked per Service)
    return name is not None and bool(globs) and any_glob(tuple(globs))(name)


def _label_evidence(service: Resource, maps: _Maps, rule: LabelSet) -> Evidence | None:
    found = _labels_found(maps, rule.match)
    if found is None:
        return None
    name = service.name
    if rule.names and not _name_matches(name, rule.names):
        return None
    for key, values in rule.not_labels:
        for _, have in maps:
            if key in have and any_glob(values)(have[key]):
                return None
    base, labels = found
    reason = _describe_labels(base, labels)
    if rule.names:
        reason += f" and Service name {name}"
    return Evidence(reason, Place(service, (*base, rule.match[0][0])))


def _name_evidence(service: Resource, rule: NameRule) -> Evidence | None:
    if not _name_matches(service.name, rule.names):
        return None
    if not rule.namespaces:
        return Evidence(f"Service name {service.name}", Place(service, ("metadata", "name")))
    if not _name_matches(service.namespace, rule.namespaces):
        return None
    return Evidence(
        f"Service name {service.name} in namespace {service.namespace}",
        Place(service, ("metadata", "name")),
    )


def _image_evidence(workloads: Sequence[Resource], rule: ImageRule) -> Evidence | None:
    for workload, path, image in _images(workloads):
        if image_matches(image, (rule.glob,)):
            return Evidence(
                f"selects pods of {workload.kind} {workload.name} running image {image}",
                Place(workload, path),
            )
    return None


def _controller(entry: Entry, evidence: Evidence, workloads: tuple[Resource, ...]) -> Controller:
    return Controller(entry.key, entry.display, evidence.reason, evidence.place, workloads)


def _config_name(ctx: RunContext) -> str:
    path = ctx.config.path
    return PurePath(path).name if path else "the config"


def _user_matcher(
    ctx: RunContext, service: Resource, maps: _Maps, workloads: tuple[Resource, ...]
) -> Controller | None:
    for matcher in ctx.config.model.ingress_controllers:
        places: list[Place] = []
        if matcher.labels:
            found = _labels_found(maps, tuple(matcher.labels.items()))
            if found is None:
                continue
            places.append(Place(service, (*found[0], next(iter(matcher.labels)))))
        if matcher.service_names:
            if not _name_matches(service.name, matcher.service_names):
                continue
            places.append(Place(service, ("metadata", "name")))
        if matcher.namespaces:
            if not _name_matches(service.namespace, matcher.namespaces):
                continue
            places.append(Place(service, ("metadata", "namespace")))
        if matcher.images:
            hit = next(
                (
                    Place(workload, path)
                    for workload, path, image in _images(workloads)
                    if image_matches(image, matcher.images)
                ),
                None,
            )
            if hit is None:
                continue
            places.append(hit)
        reason = f"matcher {matcher.name} from {_config_name(ctx)}"
        return Controller(
            matcher.name, matcher.name, reason, places[0] if places else None, workloads
        )
    return None


def _weak(
    service: Resource, maps: _Maps, entry: Entry, workloads: tuple[Resource, ...]
) -> list[Evidence]:
    """The weak evidence for one controller, one per kind: label, image, name, namespace."""
    out: list[Evidence] = []
    for finder in (
        (_label_evidence(service, maps, r) for r in entry.labels if not r.strong),
        (_image_evidence(workloads, r) for r in entry.images if not r.strong),
        (_name_evidence(service, r) for r in entry.services if not r.strong),
    ):
        hit = next((e for e in finder if e is not None), None)
        if hit is not None:
            out.append(hit)
    if _name_matches(service.namespace, entry.namespaces):
        out.append(
            Evidence(f"namespace {service.namespace}", Place(service, ("metadata", "namespace")))
        )
    return out


def recognise(ctx: RunContext, service: Resource) -> Controller | None:
    """The ingress controller behind a LoadBalancer or NodePort Service, or None."""
    if service.kind != "Service" or _service_type(service) is None:
        return None
    workloads = selected_workloads(ctx, service)
    maps = _maps(service)
    user = _user_matcher(ctx, service, maps, workloads)
    if user is not None:
        return user
    entries = tuple(e for e in catalog() if not _name_matches(service.name, e.not_names))

    best: tuple[int, Entry, Evidence] | None = None
    for entry in entries:
        for rule in entry.labels:
            if not rule.strong or (best is not None and len(rule.match) <= best[0]):
                continue
            found = _label_evidence(service, maps, rule)
            if found is not None:
                best = (len(rule.match), entry, found)
    if best is not None:
        return _controller(best[1], best[2], workloads)

    for workload, path, image in _images(workloads):
        for entry in entries:
            if any(r.strong and image_matches(image, (r.glob,)) for r in entry.images):
                reason = f"selects pods of {workload.kind} {workload.name} running image {image}"
                return _controller(entry, Evidence(reason, Place(workload, path)), workloads)

    for entry in entries:
        for name_rule in entry.services:
            if name_rule.strong:
                named = _name_evidence(service, name_rule)
                if named is not None:
                    return _controller(entry, named, workloads)

    for entry in entries:
        weak = _weak(service, maps, entry, workloads)
        if len(weak) >= 2:
            first, second = weak[0], weak[1]
            # point at the Service's own field when one of the two is there
            on_service = [
                e.place for e in (first, second) if e.place and e.place.resource is service
            ]
            place = on_service[0] if on_service else first.place
            reason = f"{first.reason} and {second.reason}"
            return _controller(entry, Evidence(reason, place), workloads)
    return None
