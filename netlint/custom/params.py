"""The params models of the custom rules' checks (netlint/custom/checks.py): what a rule file's
`params:` (with its `match:` and `message:`) may hold, and config `rules.<ID>.params`."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from netlint.custom import schema
from netlint.custom.checks import check_template, value_text
from netlint.custom.fieldpath import FieldPathError, parse
from netlint.custom.match import Match


def _check_path(text: str) -> str:
    try:
        parse(text)
    except FieldPathError as exc:
        raise ValueError(str(exc)) from None
    return text


Template = Annotated[str, AfterValidator(check_template)]
FieldPath = Annotated[str, AfterValidator(_check_path)]


def _scalar(value: Any) -> Any:
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise ValueError(
            f"expected a scalar (string, number, true, false or null), got {value_text(value)}"
        )
    return value


Scalar = Annotated[Any, AfterValidator(_scalar)]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    match: Match = Field(default_factory=Match)
    message: Template


class JsonSchemaParams(_Params):
    schema_: Annotated[dict[str, Any], AfterValidator(schema.check)] = Field(alias="schema")


class RequiredFieldParams(_Params):
    path: FieldPath = Field(description="The field that must be set.")


class ForbiddenValueParams(_Params):
    path: FieldPath = Field(description="The field to look at.")
    values: list[Scalar] = Field(min_length=1, description="Values the field must not have.")


class AllowedValuesParams(_Params):
    path: FieldPath = Field(description="The field to look at.")
    values: list[Scalar] = Field(min_length=1, description="The only values allowed.")
    required: bool = Field(default=False, description="Also report the field when it is absent.")
