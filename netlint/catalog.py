"""Rule metadata (rules/*/rule.yaml) and data catalogs (rules/data/*.yaml), validated at load."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, fields
from pathlib import Path as FsPath
from typing import Any

from netlint.model import Severity

RULE_DIR = re.compile(r"^(?P<id>[A-Z][A-Z0-9]*\d{3})-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)$")


def rules_root() -> FsPath:
    """`rules/` ships inside the wheel as netlint/rules; in a source checkout it is top level."""
    here = FsPath(__file__).resolve().parent
    packaged = here / "rules"
    if packaged.is_dir():
        return packaged
    return here.parent / "rules"


@dataclass(frozen=True)
class RuleMeta:
    id: str
    name: str
    check: str
    severity: Severity
    enabled: bool
    kinds: tuple[str, ...]
    summary: str
    why: str
    fix: str
    params: dict[str, Any]
    references: tuple[str, ...]
    since: str
    tags: tuple[str, ...]
    precision: str
    security_severity: float | None
    aliases: tuple[str, ...]
    directory: FsPath = field(compare=False)
    tables: tuple[str, ...] = ()
    help_uri: str | None = None  # custom rules: their own documentation page
    builtin: bool = True  # False: a custom rule from a config `rules_dirs` folder
    # custom rules: their params validated, as plain data (custom/rules.py `_checked`): what
    # a run reads, as a view, when the config does not override them
    checked: Any = field(default=None, compare=False, repr=False)

    @property
    def family(self) -> str:
        return self.id[:3]

    def fixtures(self, kind: str) -> list[FsPath]:
        folder = self.directory / kind
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


class CatalogError(Exception):
    """A broken rule.yaml or data file; `messages` are `file:line: key: what is wrong`."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@functools.lru_cache(maxsize=8)
def load_rules(root: FsPath | None = None) -> tuple[RuleMeta, ...]:
    """Every rule under `root` (default: the built-in rules), validated; from the cache of an
    earlier run when no rule file, and nothing in netlint, changed since (netlint/cache.py)."""
    from netlint.cache import cached

    base = root or rules_root()
    try:
        entries = sorted(base.iterdir())
    except OSError:
        return _load_rules(base)
    inputs = [d / "rule.yaml" for d in entries]
    listing = "\0".join(d.name for d in entries)
    return cached(
        "rules", inputs, lambda: _load_rules(base), dump_rules, restore_rules, extra=listing
    )


def dump_rules(rules: tuple[RuleMeta, ...]) -> tuple[tuple[Any, ...], ...]:
    return tuple(
        tuple(
            getattr(rule, f.name).value
            if f.name == "severity"
            else str(getattr(rule, f.name))
            if f.name == "directory"
            else getattr(rule, f.name)
            for f in fields(RuleMeta)
        )
        for rule in rules
    )


def restore_rules(data: tuple[tuple[Any, ...], ...]) -> tuple[RuleMeta, ...]:
    names = [f.name for f in fields(RuleMeta)]
    out = []
    for row in data:
        values = dict(zip(names, row, strict=True))
        values["severity"] = Severity(values["severity"])
        values["directory"] = FsPath(values["directory"])
        out.append(RuleMeta(**values))
    return tuple(out)


def _load_rules(base: FsPath) -> tuple[RuleMeta, ...]:
    from netlint.rulemeta import parse_rule_file

    rules: list[RuleMeta] = []
    errors: list[str] = []
    seen: dict[str, FsPath] = {}
    for directory in sorted(base.iterdir()):
        if not directory.is_dir() or directory.name == "data" or directory.name.startswith("."):
            continue
        m = RULE_DIR.match(directory.name)
        rule_file = directory / "rule.yaml"
        if m is None:
            errors.append(f"{directory}:1: directory name must be <ID>-<kebab-name>")
            continue
        if not rule_file.is_file():
            errors.append(f"{rule_file}:1: missing rule.yaml")
            continue
        try:
            meta = parse_rule_file(rule_file)
        except CatalogError as exc:
            errors.extend(exc.messages)
            continue
        if (meta.id, meta.name) != (m.group("id"), m.group("name")):
            errors.append(
                f"{rule_file}:1: id/name {meta.id}/{meta.name} do not match the directory "
                f"{directory.name}"
            )
        for key in (meta.id, meta.name, *meta.aliases):
            if key in seen:
                errors.append(f"{rule_file}:1: {key} is also defined in {seen[key]}")
            seen[key] = rule_file
        rules.append(meta)
    if errors:
        raise CatalogError(errors)
    return tuple(sorted(rules, key=lambda r: r.id))


@functools.lru_cache(maxsize=32)
def load_data(name: str, root: FsPath | None = None) -> Any:
    """A data catalog `rules/data/<name>.yaml` as plain data (cached like the rules)."""
    from netlint.cache import cached

    path = (root or rules_root()) / "data" / f"{name}.yaml"
    return cached("data", [path], lambda: _read_data(path), _same, _same)


def _same(value: Any) -> Any:
    return value


def _read_data(path: FsPath) -> Any:
    from netlint.rulemeta import read_yaml_data

    return read_yaml_data(path)
