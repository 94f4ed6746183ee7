"""Custom rules as data: rule folders outside the package (config `rules_dirs:`), the
json-schema check and the simple templates, and data-catalog overrides from the config."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from netlint.catalog import RuleMeta
    from netlint.config import Config


def rules_dirs(config: Config) -> list[FsPath]:
    """The config's `rules_dirs`, relative to the config file's folder."""
    base = FsPath(config.base_dir) if config.base_dir else FsPath.cwd()
    return [base / d for d in config.model.rules_dirs]


def load_all_rules(config: Config | None) -> tuple[RuleMeta, ...]:
    """The built-in rules and the custom rules of the config's `rules_dirs` (read by
    netlint/custom/rules.py, and its pydantic models imported, only when there are any and
    netlint's cache does not hold them validated: `custom_rules`)."""
    from netlint.catalog import load_rules

    if config is None or not config.model.rules_dirs:
        return load_rules()
    builtin = load_rules()
    return combine(builtin, custom_rules(rules_dirs(config), builtin))


def combine(builtin: Sequence[RuleMeta], custom: Sequence[RuleMeta]) -> tuple[RuleMeta, ...]:
    return tuple(sorted((*builtin, *custom), key=lambda r: r.id))


# the modules whose code decides what a custom rule folder gives (with its rule.yaml files)
_SHAPING = (
    "custom/rules.py",
    "custom/checks.py",
    "custom/params.py",
    "custom/match.py",
    "custom/selector.py",
    "config.py",  # dump_tree: the params' view
    "custom/schema.py",
    "custom/fieldpath.py",
    "rulemeta.py",
    "catalog.py",
    "validation.py",
)


def custom_rules(dirs: Sequence[FsPath], builtin: Sequence[RuleMeta]) -> tuple[RuleMeta, ...]:
    """`custom.rules.load_custom_rules(dirs, builtin)`, from netlint's cache when no rule file
    of those folders (nor their listing, the built-in rules or netlint's code) changed since a
    run validated them. Broken folders are never kept: validating them says what is wrong."""

    def build() -> tuple[RuleMeta, ...]:
        from netlint.custom.rules import load_custom_rules

        return load_custom_rules(dirs, builtin)

    listing: list[str] = [str(FsPath.cwd())]  # error messages name files relative to it
    inputs: list[FsPath] = []
    for folder in dirs:
        try:
            single = (folder / "rule.yaml").is_file()
            entries = [folder] if single else sorted(folder.iterdir())
        except OSError:
            return build()  # not a folder: load_custom_rules says so
        listing.append(f"{folder}\0{int(single)}")
        for entry in entries:
            listing.append(f"{entry.name}\0{int(entry.is_dir())}")
            inputs.append(entry / "rule.yaml")
    from netlint.cache import cached
    from netlint.catalog import dump_rules, restore_rules

    here = FsPath(__file__).resolve().parent.parent
    inputs += [here / name for name in _SHAPING]
    names = [f"{r.id}\0{r.name}\0{chr(0).join(r.aliases)}\0{r.directory}" for r in builtin]
    extra = "\n".join([*listing, *names])
    slot = "\0".join([str(FsPath.cwd()), *map(str, dirs)])
    return cached("custom-rules", inputs, build, dump_rules, restore_rules, extra=extra, slot=slot)
