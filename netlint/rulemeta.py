"""Pydantic validation of rule.yaml, with errors placed on the file's lines."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netlint.catalog import CatalogError, RuleMeta
from netlint.model import Severity
from netlint.validation import format_validation_error, load_yaml_file


class RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*\d{3}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    check: str = Field(min_length=1)
    severity: Severity
    enabled: bool = True
    kinds: list[str] = Field(default_factory=list)
    summary: str = Field(min_length=1)
    why: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)
    references: list[str] = Field(default_factory=list)
    since: str = "0.1.0"
    tags: list[str] = Field(default_factory=list)
    precision: Literal["very-high", "high", "medium", "low"] = "high"
    security_severity: float | None = Field(default=None, ge=0.0, le=10.0)
    aliases: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)  # data tables `netlint explain` shows


def parse_rule_file(path: FsPath) -> RuleMeta:
    data, loaded = load_yaml_file(path)
    if not isinstance(data, dict):
        raise CatalogError([f"{path}:1: rule.yaml must be a mapping"])
    try:
        model = RuleModel.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(
            format_validation_error(exc, loaded, str(path), model=RuleModel)
        ) from None
    from netlint.checks import REGISTRY

    check = REGISTRY.get(model.check)
    if check is None:
        raise CatalogError([f"{path}:1: check: unknown check {model.check!r}"])
    if check.params is not None:
        try:
            check.params.model_validate(model.params)
        except ValidationError as exc:
            raise CatalogError(
                format_validation_error(
                    exc, loaded, str(path), prefix=("params",), model=check.params
                )
            ) from None
    return RuleMeta(
        id=model.id,
        name=model.name,
        check=model.check,
        severity=model.severity,
        enabled=model.enabled,
        kinds=tuple(model.kinds),
        summary=model.summary.strip(),
        why=model.why.strip(),
        fix=model.fix.strip(),
        params=dict(model.params),
        references=tuple(model.references),
        since=model.since,
        tags=tuple(model.tags),
        precision=model.precision,
        security_severity=model.security_severity,
        aliases=tuple(model.aliases),
        tables=tuple(model.tables),
        directory=path.parent,
    )


def read_yaml_data(path: FsPath) -> Any:
    data, _ = load_yaml_file(path)
    return data
