"""Config `catalogs:`: entries merged over netlint's data catalogs (rules/data/*.yaml) without
forking them: storage media for an in-house provisioner, an ingress controller's labels, a
region of an in-house cloud.

The merge is per run: engine.run puts the overrides of the config in force into a context
variable for the duration of the run (`in_force`), and the catalog readers (storage.table(),
recognise.catalog(), regions.catalog()) build their tables for exactly those overrides (cached
by their content). Nothing global changes, so two lint() calls with two configs in one process
each see their own catalogs."""

from __future__ import annotations

import contextlib
import copy
import json
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netlint.catalog import RuleMeta
    from netlint.config import Config
    from netlint.custom.catalog_models import CatalogOverrides
    from netlint.explain import Section

STORAGE, INGRESS, REGIONS = "storage_media", "ingress_controllers", "regions"
# ---- merging -------------------------------------------------------------------------------


def _merge_storage(base: dict[str, Any], extra: list[dict[str, Any]], source: str) -> Any:
    """The config's entries first; a built-in entry keeps only the provisioners they leave."""
    mine = {name for entry in extra for name in entry["provisioners"]}
    kept = []
    for entry in base["provisioners"]:
        names = [n for n in entry["provisioners"] if n not in mine]
        if names:
            kept.append({**entry, "provisioners": names})
    added = [{**entry, "source": source} for entry in extra]
    return {"provisioners": [*added, *kept]}


def _merge_ingress(base: dict[str, Any], extra: list[dict[str, Any]], source: str) -> Any:
    """A known key gets the config's matchers before its own; a new key is a new controller."""
    controllers = [dict(c) for c in base["controllers"]]
    by_key = {c["key"]: c for c in controllers}
    for entry in extra:
        entry = {**entry, "labels": [_strong(s) for s in entry.get("labels", [])]}
        entry["services"] = [_strong(s) for s in entry.get("services", [])]
        entry["images"] = [_strong(s) for s in entry.get("images", [])]
        known = by_key.get(entry["key"])
        if known is None:
            new = {"display": entry["key"], **entry}
            controllers.append(new)
            by_key[entry["key"]] = new
            continue
        for field in ("labels", "services", "namespaces", "images", "not_names"):
            if entry.get(field):
                known[field] = [*entry[field], *(known.get(field) or [])]
        if entry.get("display"):
            known["display"] = entry["display"]
    return {**base, "controllers": controllers}


def _strong(item: dict[str, Any]) -> dict[str, Any]:
    """`strong` defaults to true in the config (the catalog file spells it out every time)."""
    return {"strong": True, **item}


def _merge_regions(base: dict[str, Any], extra: dict[str, Any], source: str) -> Any:
    """Mappings updated (the config wins), pattern lists with the config's first."""
    out = dict(base)
    out["countries"] = {**(base.get("countries") or {}), **extra.get("countries", {})}
    providers = {k: dict(v) for k, v in base["providers"].items()}
    for name, entry in extra.get("providers", {}).items():
        known = providers.setdefault(name, {})
        for field in ("regions", "keys"):
            if entry.get(field):
                known[field] = {**(known.get(field) or {}), **entry[field]}
        for field in ("zones", "hosts"):
            if entry.get(field):
                known[field] = [*entry[field], *(known.get(field) or [])]
        if "regions" in known:
            known["regions"] = {k: list(v) for k, v in known["regions"].items()}
    out["providers"] = providers
    detect = {k: dict(v) for k, v in (base.get("detect") or {}).items()}
    for table, items in extra.get("detect", {}).items():
        detect[table] = {**detect.get(table, {}), **items}
    out["detect"] = detect
    return out


_MERGE: dict[str, Callable[[Any, Any, str], Any]] = {
    STORAGE: _merge_storage,
    INGRESS: _merge_ingress,
    REGIONS: _merge_regions,
}

# catalog name -> JSON of {"entries": ..., "source": ...}; empty: the built-in data as is
_ACTIVE: ContextVar[dict[str, str]] = ContextVar("netlint_catalog_overrides", default={})  # noqa: B039


def given(config: Config) -> dict[str, Any]:
    """The catalogs `config` extends, as plain data (the defaults extend none)."""
    return {} if config.is_default else config.model.catalogs.given()


def keys_of(config: Config) -> dict[str, str]:
    source = f"catalogs in {config.path or 'the configuration'}"
    return {
        name: json.dumps({"entries": entries, "source": source}, sort_keys=True)
        for name, entries in given(config).items()
    }


@contextlib.contextmanager
def in_force(config: Config) -> Iterator[None]:
    """The catalog overrides of `config` for the checks run inside the block."""
    token = _ACTIVE.set(keys_of(config))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def key(name: str) -> str:
    """Cache key of catalog `name` as the run in force sees it ("" for the built-in data)."""
    return _ACTIVE.get().get(name, "")


def merged(name: str, override_key: str) -> Any:
    """Catalog `name` (rules/data/<name>.yaml) with the overrides of `override_key` merged in."""
    from netlint.catalog import load_data

    base = load_data(name)
    if not override_key:
        return base
    extra = json.loads(override_key)
    return _MERGE[name](copy.deepcopy(base), extra["entries"], extra["source"])


# ---- checking at config load ---------------------------------------------------------------


def problems(overrides: CatalogOverrides, path: str) -> list[tuple[tuple[str | int, ...], str]]:
    """What the catalog readers reject in the merged catalogs, placed on the config's keys."""
    from netlint.checks.ingress.recognise import CatalogShapeError, parse_catalog
    from netlint.checks.locality.regions import RegionCatalogError
    from netlint.checks.locality.regions import parse_catalog as parse_regions
    from netlint.checks.storage import StorageTableError, parse_table

    given = overrides.given()
    out: list[tuple[tuple[str | int, ...], str]] = []
    parsers: dict[str, Callable[[Any], Any]] = {
        STORAGE: parse_table,
        INGRESS: parse_catalog,
        REGIONS: parse_regions,
    }
    for name, entries in given.items():
        override = json.dumps({"entries": entries, "source": path}, sort_keys=True)
        try:
            parsers[name](merged(name, override))
        except (StorageTableError, CatalogShapeError, RegionCatalogError) as exc:
            out.append(_place(name, str(exc), entries))
    return out


_WHERE = re.compile(r"^(?P<where>[\w./\[\]-]+(?: \([^)]*\))?(?:[\w./\[\]-]*)): (?P<what>.+)$", re.S)
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _place(name: str, message: str, entries: Any) -> tuple[tuple[str | int, ...], str]:
    """The config key a catalog reader's message is about (its `where` prefix, a path into the
    merged data, mapped back onto the config's entries), and the message without it."""
    top: tuple[str | int, ...] = ("catalogs", name)
    m = _WHERE.match(message)
    if m is None:
        twice = re.match(r"provisioner (\S+) is listed twice", message)
        if name == STORAGE and twice:
            found = [i for i, e in enumerate(entries) if twice.group(1) in e["provisioners"]]
            return ((*top, found[-1]) if found else top), message
        return top, message
    where, what = m.group("where"), m.group("what")
    key = re.search(r" \(([^)]*)\)", where)
    where = re.sub(r" \([^)]*\)", "", where)
    parts: list[str | int] = [int(index) if index else word for word, index in _PART.findall(where)]
    if name == STORAGE and parts[:1] == ["provisioners"] and len(parts) > 1:
        index = parts[1]
        if isinstance(index, int) and index < len(entries):
            return (*top, *parts[1:]), what
        return top, message
    if name == INGRESS and parts[:1] == ["controllers"]:
        found = [i for i, e in enumerate(entries) if key and e["key"] == key.group(1)]
        return ((*top, found[0], *parts[2:]) if found else top), what
    detect = re.match(r"detect\.(\w+)\.(.+)$", where)
    if detect:  # detection tables are keyed by label keys and prefixes, dots and all
        return (*top, "detect", detect.group(1), detect.group(2)), what
    return (*top, *parts), what


# ---- netlint explain -----------------------------------------------------------------------

# the checks whose verdicts come from each catalog
USERS: dict[str, frozenset[str]] = {
    STORAGE: frozenset({"etcd-slow-storage", "etcd-network-ssd", "etcd-storage-unknown"}),
    INGRESS: frozenset({"ingress-client-ip-lost", "local-without-spread"}),
    REGIONS: frozenset(
        {
            "workload-pinned-outside",
            "workload-prefers-outside",
            "storage-outside",
            "endpoint-outside",
            "region-unknown",
            "cluster-region-outside",
            "provider-outside-eea",
        }
    ),
}


def explain_sections(rule: RuleMeta, config: Config) -> tuple[Section, ...]:
    """Page sections for `netlint explain`: the config's entries of the catalogs this rule
    reads, marked as from the config. None when the config extends none of them."""
    from netlint.explain import Bullets, Para, Section

    where = config.path or "the configuration"
    return tuple(
        Section(
            f"Catalog entries from {where}",
            (
                Para(
                    f"`catalogs.{name}` of {where}, merged over the built-in "
                    f"rules/data/{name}.yaml:"
                ),
                Bullets(tuple(_describe(name, entries))),
            ),
        )
        for name, entries in given(config).items()
        if rule.check in USERS[name]
    )


def _describe(name: str, entries: Any) -> list[str]:
    mark = "(from the config)"
    if name == STORAGE:
        lines = []
        for e in entries:
            names = ", ".join(e["provisioners"])
            if "media" in e:
                lines.append(f"{names}: {e['media']} ({e['label']}) {mark}")
            else:
                values = "; ".join(
                    f"{k}: {v['media']} ({v['label']})" for k, v in e["values"].items()
                )
                d = e["default"]
                lines.append(
                    f"{names}: by parameter {e['parameter'][0]}: {values}; default "
                    f"{d['media']} ({d['label']}) {mark}"
                )
        return lines
    if name == INGRESS:
        lines = []
        for e in entries:
            parts = [
                *(f"labels {_flow(s['match'])}" for s in e.get("labels", [])),
                *(f"services {', '.join(s['names'])}" for s in e.get("services", [])),
                *(f"image {s['glob']}" for s in e.get("images", [])),
            ]
            if e.get("namespaces"):
                parts.append("namespaces " + ", ".join(e["namespaces"]))
            shown = f"{e['key']} ({e['display']})" if e.get("display") else e["key"]
            lines.append(f"{shown}: {'; '.join(parts) or 'display name only'} {mark}")
        return lines
    lines = []
    for provider, p in entries.get("providers", {}).items():
        for code, (city, country) in p.get("regions", {}).items():
            place = f"{city}, {country}" if city else country
            lines.append(f"{provider} region {code}: {place} {mark}")
        for zone in p.get("zones", []):
            lines.append(f"{provider} zone pattern {zone} {mark}")
        for host in p.get("hosts", []):
            lines.append(f"{provider} host pattern {host['pattern']} {mark}")
    for code, country in entries.get("countries", {}).items():
        lines.append(f"country {code}: {country} {mark}")
    for table, items in entries.get("detect", {}).items():
        for k, v in items.items():
            lines.append(f"detect.{table} {k} -> {v} {mark}")
    return lines


def _flow(mapping: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in mapping.items()) + "}"
