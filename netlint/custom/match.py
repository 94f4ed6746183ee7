"""`match:` of a custom rule: which objects it applies to (every field given must match; the
test itself is netlint/custom/selector.py, for the model and its cached view alike)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Strings = Annotated[list[str], BeforeValidator(_listify)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Expression(_Strict):
    key: str = Field(min_length=1)
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist"]
    values: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _values(self) -> Expression:
        if self.operator in ("In", "NotIn") and not self.values:
            raise ValueError(f"operator {self.operator} needs values")
        if self.operator in ("Exists", "DoesNotExist") and self.values:
            raise ValueError(f"operator {self.operator} takes no values")
        return self


class LabelSelector(_Strict):
    """A Kubernetes label selector: matchLabels and matchExpressions, all must hold."""

    match_labels: dict[str, str] = Field(default_factory=dict, alias="matchLabels")
    match_expressions: list[Expression] = Field(default_factory=list, alias="matchExpressions")


class Match(_Strict):
    api_version: Strings = Field(
        default_factory=list,
        alias="apiVersion",
        description="apiVersion globs (v1, apps/v1, networking.k8s.io/*).",
    )
    kinds: Strings = Field(default_factory=list, description="Kinds, exactly (Service).")
    namespaces: Strings = Field(
        default_factory=list,
        description="metadata.namespace globs; an object without a namespace matches none.",
    )
    labels: LabelSelector | None = Field(default=None, description="A label selector.")
    name: str | None = Field(default=None, min_length=1, description="metadata.name glob.")
