"""Custom rules as data: rule folders outside the package (config `rules_dirs:`), the
json-schema check and the simple templates, and data-catalog overrides from the config."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netlint.catalog import RuleMeta
    from netlint.config import Config


def rules_dirs(config: Config) -> list[FsPath]:
    """The config's `rules_dirs`, relative to the config file's folder."""
    base = FsPath(config.base_dir) if config.base_dir else FsPath.cwd()
    return [base / d for d in config.model.rules_dirs]


def load_all_rules(config: Config | None) -> tuple[RuleMeta, ...]:
    """The built-in rules and the custom rules of the config's `rules_dirs` (read by
    netlint/custom/rules.py, and its pydantic models imported, only when there are any)."""
    from netlint.catalog import load_rules

    if config is None or not config.model.rules_dirs:
        return load_rules()
    from netlint.custom.rules import with_custom_rules

    return with_custom_rules(rules_dirs(config))
