"""Pydantic validation of rule.yaml, with errors placed on the file's lines."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netlint.catalog import CatalogError, RuleMeta
from netlint.model import Severity
from netlint.validation import format_validation_error, load_yaml_file


class RuleDoc(BaseModel):
    """What every rule.yaml says, built-in or custom: identity, severity and the texts."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*\d{3}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    severity: Severity
    enabled: bool = True
    summary: str = Field(min_length=1)
    why: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    references: list[str] = Field(default_factory=list)
    since: str = "0.1.0"
    tags: list[str] = Field(default_factory=list)
    precision: Literal["very-high", "high", "medium", "low"] = "high"
    security_severity: float | None = Field(default=None, ge=0.0, le=10.0)
    aliases: list[str] = Field(default_factory=list)

    def meta(
        self,
        *,
        check: str,
        kinds: tuple[str, ...],
        params: dict[str, Any],
        directory: FsPath,
        **extra: Any,
    ) -> RuleMeta:
        return RuleMeta(
            id=self.id,
            name=self.name,
            check=check,
            severity=self.severity,
            enabled=self.enabled,
            kinds=kinds,
            summary=self.summary.strip(),
            why=self.why.strip(),
            fix=self.fix.strip(),
            params=params,
            references=tuple(self.references),
            since=self.since,
            tags=tuple(self.tags),
            precision=self.precision,
            security_severity=self.security_severity,
            aliases=tuple(self.aliases),
            directory=directory,
            **extra,
        )


class RuleModel(RuleDoc):
    check: str = Field(min_length=1)
    kinds: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
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
    params = dict(model.params)
    if check.params is not None:
        try:
            # kept validated, with the defaults filled in: what engine.run hands the check
            params = check.params.model_validate(model.params).model_dump()
        except ValidationError as exc:
            raise CatalogError(
                format_validation_error(
                    exc, loaded, str(path), prefix=("params",), model=check.params
                )
            ) from None
    return model.meta(
        check=model.check,
        kinds=tuple(model.kinds),
        params=params,
        directory=path.parent,
        tables=tuple(model.tables),
    )


def read_yaml_data(path: FsPath) -> Any:
    data, _ = load_yaml_file(path)
    return data
