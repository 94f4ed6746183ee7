"""What a StorageClass is made of: storage class name -> StorageClass (in the run, or the
cluster profile) -> provisioner + parameters -> media, from rules/data/storage_media.yaml.

Resolution of a claim's `storageClassName`:

* absent (None): the default class: a StorageClass of the run annotated
  storageclass.kubernetes.io/is-default-class "true" (or the beta annotation); when several are,
  the one in the same file as the claim, else the last one read (Kubernetes itself takes the
  newest, which manifests cannot tell); else `cluster.default_storage_class`; else unresolved.
* "": static binding to pre-provisioned PersistentVolumes (media unknown).
* a name: `cluster.storage_classes[name]` of the profile wins over everything; else the
  StorageClass of that name in the run (same file as the claim, else the same directory, else
  any, the last one read in each); else unresolved.

A StorageClass is judged by its provisioner and the parameter that decides the media (EBS `type`,
Azure `skuName` / `storageAccountType`, ...), with the driver's own defaults and key matching.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, get_args

from netlint import config
from netlint.checks.k8s import scalar_text
from netlint.context import RunContext
from netlint.model import Path, Related, Resource

Media = config.Media  # one list of media names, shared with the cluster profile
MEDIA: frozenset[str] = frozenset(get_args(Media))

TABLE = "storage_media"
DEFAULT_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)
_PROVISIONER: Path = ("provisioner",)


@dataclass(frozen=True)
class StorageVerdict:
    """The media behind a storage class, and how netlint knows."""

    media: Media
    class_name: str | None  # the class in effect (after default-class resolution)
    # how we know, in words: "StorageClass standard-hdd: disk.csi.azure.com skuName Standard_LRS
    # (Standard HDD managed disk)", "StorageClass fast: local-nvme per cluster.storage_classes in
    # .netlint.yaml", "no StorageClass named fast in the run or cluster.storage_classes"
    why: str
    storage_class: Resource | None = None  # the StorageClass object, when in the run
    decided_by: Path = ()  # path in storage_class of the field that decided (parameters.type)
    resolved: bool = True  # False: class unknown (not in the run, not in the profile)
    provisioner: str | None = None  # the StorageClass's provisioner, when one decided

    def related(self) -> tuple[Related, ...]:
        if self.storage_class is None:
            return ()
        return (
            Related(
                f"StorageClass {self.class_name}: {self.media}", self.storage_class, self.decided_by
            ),
        )


# ---------------------------------------------------------------------------------------------
# The table


class StorageTableError(ValueError):
    """rules/data/storage_media.yaml is not shaped as storage.py reads it."""


@dataclass(frozen=True)
class Choice:
    media: Media
    label: str


@dataclass(frozen=True)
class Entry:
    provisioners: tuple[str, ...]  # exact names or fnmatch globs
    source: str
    media: Media | None = None  # set when no parameter decides
    label: str = ""
    parameter: tuple[str, ...] = ()  # the deciding parameter, then its aliases
    any_case: bool = False  # the driver matches parameter names ignoring case
    values: Mapping[str, Choice] | None = None  # lower-cased value -> media
    default: Choice | None = None  # when the parameter is absent or empty
    hints: tuple[str, ...] = ()  # parameters named in messages, never deciding

    def key(self, name: str) -> str:
        return name.lower() if self.any_case else name


@dataclass(frozen=True)
class Table:
    entries: tuple[Entry, ...]
    exact: Mapping[str, Entry]
    globs: tuple[tuple[str, Entry], ...]

    def lookup(self, provisioner: str) -> Entry | None:
        found = self.exact.get(provisioner)
        if found is not None:
            return found
        for pattern, entry in self.globs:
            if fnmatchcase(provisioner, pattern):
                return entry
        return None


_ENTRY_KEYS = {
    "provisioners",
    "source",
    "media",
    "label",
    "parameter",
    "keys",
    "values",
    "default",
    "hints",
}


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise StorageTableError(f"{where}: expected a non-empty list of strings")
    if not all(isinstance(v, str) and v for v in value):
        raise StorageTableError(f"{where}: expected a non-empty list of strings")
    return tuple(value)


def _media(value: Any, where: str) -> Media:
    if value not in MEDIA:
        raise StorageTableError(f"{where}: {value!r} is not one of {sorted(MEDIA)}")
    media: Media = value
    return media


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StorageTableError(f"{where}: expected a non-empty string")
    return " ".join(value.split())


def _choice(value: Any, where: str, extra: frozenset[str] = frozenset()) -> Choice:
    if not isinstance(value, dict):
        raise StorageTableError(f"{where}: expected {{media: ..., label: ...}}")
    unknown = set(value) - {"media", "label"} - extra
    if unknown:
        raise StorageTableError(f"{where}: unknown keys {sorted(unknown)}")
    return Choice(_media(value.get("media"), f"{where}.media"), _text(value.get("label"), where))


def _entry(item: Any, where: str) -> Entry:
    if not isinstance(item, dict):
        raise StorageTableError(f"{where}: expected a mapping")
    unknown = set(item) - _ENTRY_KEYS
    if unknown:
        raise StorageTableError(f"{where}: unknown keys {sorted(unknown)}")
    names = _strings(item.get("provisioners"), f"{where}.provisioners")
    source = _text(item.get("source"), f"{where}.source")
    keys = item.get("keys", "exact")
    if keys not in ("exact", "any-case"):
        raise StorageTableError(f"{where}.keys: say exact or any-case")
    hints = _strings(item["hints"], f"{where}.hints") if "hints" in item else ()
    any_case = keys == "any-case"
    if "parameter" not in item:
        if {"values", "default"} & set(item):
            raise StorageTableError(f"{where}: values and default need a parameter")
        return Entry(
            names,
            source,
            any_case=any_case,
            media=_media(item.get("media"), f"{where}.media"),
            label=_text(item.get("label"), f"{where}.label"),
            hints=hints,
        )
    if {"media", "label"} & set(item):
        raise StorageTableError(f"{where}: with a parameter, media and label go in values/default")
    parameter = _strings(item["parameter"], f"{where}.parameter")
    raw_values = item.get("values")
    if not isinstance(raw_values, dict) or not raw_values:
        raise StorageTableError(f"{where}.values: expected a mapping of value -> media")
    values: dict[str, Choice] = {}
    for value, choice in raw_values.items():
        if not isinstance(value, str) or value.lower() in values:
            raise StorageTableError(f"{where}.values: {value!r} is not a new string")
        values[value.lower()] = _choice(choice, f"{where}.values.{value}")
    default = _choice(item.get("default"), f"{where}.default", frozenset({"value"}))
    named = item["default"].get("value")
    if named is not None and (
        not isinstance(named, str)
        or named.lower() not in values
        or values[named.lower()].media != default.media
    ):
        raise StorageTableError(
            f"{where}.default: value {named!r} is not in values with that media"
        )
    return Entry(
        names,
        source,
        any_case=any_case,
        parameter=parameter,
        values=values,
        default=default,
        hints=hints,
    )


def parse_table(data: Any) -> Table:
    if not isinstance(data, dict) or set(data) != {"provisioners"}:
        raise StorageTableError("expected a mapping with only a `provisioners:` list")
    items = data["provisioners"]
    if not isinstance(items, list):
        raise StorageTableError("provisioners: expected a list")
    entries = tuple(_entry(item, f"provisioners[{i}]") for i, item in enumerate(items))
    exact: dict[str, Entry] = {}
    globs: list[tuple[str, Entry]] = []
    seen: set[str] = set()
    for entry in entries:
        for name in entry.provisioners:
            if name in seen:
                raise StorageTableError(f"provisioner {name} is listed twice")
            seen.add(name)
            if any(c in name for c in "*?["):
                globs.append((name, entry))
            else:
                exact[name] = entry
    return Table(entries, exact, tuple(globs))


def table() -> Table:
    """The catalog as the run in force sees it: built-in data, with the config's `catalogs:`
    entries merged in (netlint/custom/catalogs.py)."""
    from netlint.custom.catalogs import key

    return _table(key(TABLE))


@functools.lru_cache(maxsize=8)
def _table(override: str) -> Table:
    from netlint.custom.catalogs import merged

    return parse_table(merged(TABLE, override))


# ---------------------------------------------------------------------------------------------
# Judging one StorageClass


@dataclass(frozen=True)
class Judgement:
    media: Media
    detail: str  # said after "StorageClass <name>: "
    decided_by: Path
    provisioner: str | None


def _hints(entry: Entry, parameters: dict[Any, Any]) -> str:
    wanted = {entry.key(h) for h in entry.hints}
    said = [
        f"{key} {text} is only a name, not proof of the media"
        for key, value in parameters.items()
        if isinstance(key, str) and entry.key(key) in wanted
        for text in [scalar_text(value)]
        if text
    ]
    return "".join(f"; {s}" for s in said)


def judge(storage_class: Resource) -> Judgement:
    """Media of a StorageClass object from its provisioner and parameters."""
    data = storage_class.data
    provisioner = data.get("provisioner")
    if not isinstance(provisioner, str) or not provisioner:
        where: Path = _PROVISIONER if "provisioner" in data else ()
        return Judgement("unknown", "it names no provisioner", where, None)
    entry = table().lookup(provisioner)
    if entry is None:
        return Judgement(
            "unknown",
            f"provisioner {provisioner} is not in netlint's storage table",
            _PROVISIONER,
            provisioner,
        )
    parameters = data.get("parameters")
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, dict):
        if entry.parameter:
            return Judgement(
                "unknown",
                f"{provisioner} with parameters that are not a mapping",
                ("parameters",),
                provisioner,
            )
        parameters = {}
    hints = _hints(entry, parameters)
    if not entry.parameter:
        assert entry.media is not None
        return Judgement(
            entry.media, f"{provisioner} ({entry.label}{hints})", _PROVISIONER, provisioner
        )
    return _by_parameter(entry, provisioner, parameters, hints)


def _by_parameter(
    entry: Entry, provisioner: str, parameters: dict[Any, Any], hints: str
) -> Judgement:
    assert entry.values is not None and entry.default is not None
    aliases = {entry.key(p) for p in entry.parameter}
    given = [
        (key, value)
        for key, value in parameters.items()
        if isinstance(key, str) and entry.key(key) in aliases and value not in (None, "")
    ]
    if not given:
        return Judgement(
            entry.default.media,
            f"{provisioner} with no {entry.parameter[0]} parameter ({entry.default.label}{hints})",
            _PROVISIONER,
            provisioner,
        )
    read: list[tuple[str, str, Choice | None]] = []
    for key, value in given:
        text = scalar_text(value)
        if text is None:
            return Judgement(
                "unknown",
                f"{provisioner} {key} is not a string",
                ("parameters", key),
                provisioner,
            )
        read.append((key, text, entry.values.get(text.lower())))
    key, text, choice = read[0]
    if len({c.media if c else "unknown" for _, _, c in read}) > 1:
        said = " and ".join(f"{k} {t}" for k, t, _ in read)
        return Judgement(
            "unknown",
            f"{provisioner} {said} disagree (the driver takes either)",
            ("parameters", key),
            provisioner,
        )
    if choice is None:
        return Judgement(
            "unknown",
            f"{provisioner} {key} {text} (a value netlint does not know{hints})",
            ("parameters", key),
            provisioner,
        )
    return Judgement(
        choice.media,
        f"{provisioner} {key} {text} ({choice.label}{hints})",
        ("parameters", key),
        provisioner,
    )


# ---------------------------------------------------------------------------------------------
# Finding the class


@dataclass(frozen=True)
class _Classes:
    by_name: Mapping[str, tuple[Resource, ...]]  # in the order read
    defaults: tuple[Resource, ...]


def _is_default(resource: Resource) -> bool:
    annotations = resource.annotations
    return any(annotations.get(a) in ("true", True) for a in DEFAULT_ANNOTATIONS)


def _classes(ctx: RunContext) -> _Classes:
    found = ctx.cache.get("storage.classes")
    if isinstance(found, _Classes):
        return found
    by_name: dict[str, list[Resource]] = {}
    defaults: list[Resource] = []
    for resource in ctx.index.of_kind("StorageClass"):
        if not isinstance(resource.name, str) or not resource.name:
            continue
        by_name.setdefault(resource.name, []).append(resource)
        if _is_default(resource):
            defaults.append(resource)
    result = _Classes({k: tuple(v) for k, v in by_name.items()}, tuple(defaults))
    ctx.cache["storage.classes"] = result
    return result


def _same_file(a: Resource, b: Resource) -> bool:
    return a.file.path == b.file.path


def _same_dir(a: Resource, b: Resource) -> bool:
    return posixpath.dirname(a.file.path) == posixpath.dirname(b.file.path)


def _nearest(candidates: tuple[Resource, ...], near: Resource) -> Resource:
    for test in (_same_file, _same_dir):
        close = [c for c in candidates if test(c, near)]
        if close:
            return close[-1]
    return candidates[-1]


def _config_name(ctx: RunContext) -> str:
    return ctx.config.path or "the configuration"


def _named(
    ctx: RunContext,
    name: str,
    near: Resource,
    *,
    title: str,
    found: Resource | None = None,
    unresolved_note: str = "",
) -> StorageVerdict:
    profile = ctx.config.model.cluster.storage_classes
    if name in profile:
        media: Media = profile[name]
        return StorageVerdict(
            media, name, f"{title}: {media} per cluster.storage_classes in {_config_name(ctx)}"
        )
    if found is None:
        candidates = _classes(ctx).by_name.get(name)
        found = _nearest(candidates, near) if candidates else None
    if found is None:
        return StorageVerdict(
            "unknown",
            name,
            f"no StorageClass named {name} in the run or cluster.storage_classes{unresolved_note}",
            resolved=False,
        )
    judged = judge(found)
    return StorageVerdict(
        judged.media,
        name,
        f"{title}: {judged.detail}",
        storage_class=found,
        decided_by=judged.decided_by,
        provisioner=judged.provisioner,
    )


def _default(ctx: RunContext, near: Resource) -> StorageVerdict:
    defaults = _classes(ctx).defaults
    if defaults:
        mine = [d for d in defaults if _same_file(d, near)]
        chosen = (mine or list(defaults))[-1]
        name = chosen.name or ""
        title = f"default StorageClass {name}"
        if len(defaults) > 1:
            names = ", ".join(sorted({d.name or "" for d in defaults}))
            how = "the one in the same file" if mine else "the last one read"
            title += f" ({len(defaults)} are annotated default: {names}; netlint took {how})"
        return _named(ctx, name, near, title=title, found=chosen)
    configured = ctx.config.model.cluster.default_storage_class
    if configured:
        return _named(
            ctx,
            configured,
            near,
            title=f"default StorageClass {configured} (cluster.default_storage_class)",
            unresolved_note=f" (the default class per cluster.default_storage_class in "
            f"{_config_name(ctx)})",
        )
    return StorageVerdict(
        "unknown",
        None,
        "no storageClassName, and no default StorageClass in the run or "
        "cluster.default_storage_class",
        resolved=False,
    )


def _resolve(ctx: RunContext, class_name: str | None, near: Resource) -> StorageVerdict:
    if class_name is None:
        return _default(ctx, near)
    if class_name == "":
        profile = ctx.config.model.cluster.storage_classes
        if "" in profile:
            return StorageVerdict(
                profile[""],
                "",
                f'storageClassName "" (pre-provisioned volumes): {profile[""]} per '
                f"cluster.storage_classes in {_config_name(ctx)}",
            )
        return StorageVerdict(
            "unknown", "", 'storageClassName "" binds pre-provisioned volumes only'
        )
    return _named(ctx, class_name, near, title=f"StorageClass {class_name}")


def resolve(ctx: RunContext, class_name: str | None, near: Resource) -> StorageVerdict:
    """Media for a claim's `storageClassName`. `class_name` None means the field is absent: the
    cluster's default class applies (annotation storageclass.kubernetes.io/is-default-class in
    the run, else cluster.default_storage_class). "" means static binding only."""
    if class_name is not None and not isinstance(class_name, str):
        return StorageVerdict(
            "unknown", None, f"storageClassName {class_name!r} is not a string", resolved=False
        )
    cache: dict[tuple[str | None, str], StorageVerdict] = ctx.cache.setdefault(
        "storage.verdicts", {}
    )
    key = (class_name, near.file.path)
    verdict = cache.get(key)
    if verdict is None:
        verdict = _resolve(ctx, class_name, near)
        cache[key] = verdict
    return verdict
