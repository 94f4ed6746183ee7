"""Custom rule folders (config `rules_dirs:`): `<ID>-<name>/rule.yaml` + `pass/` + `fail/`, the
same shape as the built-in rules, read as data only (safe YAML, no code, no network).

Every problem is `file:line: key: what is wrong`, on the line of the offending key; one broken
rule fails the whole load (CatalogError), so no rule is ever skipped silently."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from netlint.catalog import RULE_DIR, CatalogError, RuleMeta
from netlint.custom import combine as combine  # where callers look for it
from netlint.custom import load_all_rules as load_all_rules
from netlint.custom import rules_dirs as rules_dirs
from netlint.custom.checks import DEFAULT_MESSAGES
from netlint.custom.match import Match
from netlint.custom.params import (
    AllowedValuesParams,
    ForbiddenValueParams,
    JsonSchemaParams,
    RequiredFieldParams,
    Template,
)
from netlint.custom.schema import problems as schema_problems
from netlint.rulemeta import RuleDoc
from netlint.validation import (
    FileError,
    format_validation_error,
    key_path,
    load_yaml_file,
    yaml_line,
)

if TYPE_CHECKING:
    pass

BUILTIN_PREFIX = "NL"
CustomCheck = Literal["json-schema", "required-field", "forbidden-value", "allowed-values"]
TEMPLATE_PARAMS: dict[str, type[BaseModel]] = {
    "required-field": RequiredFieldParams,
    "forbidden-value": ForbiddenValueParams,
    "allowed-values": AllowedValuesParams,
}


class CustomRuleModel(RuleDoc):
    """rule.yaml of a custom rule: the texts of every rule, and its check as data."""

    check: CustomCheck
    match: Match = Field(default_factory=Match)
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    params: dict[str, Any] = Field(default_factory=dict)
    message: Template | None = None
    help_uri: str | None = Field(default=None, pattern=r"^https?://\S+$")


def _display(path: FsPath) -> str:
    from netlint.inputs import display_path

    return display_path(path, FsPath.cwd())


def load_custom_rules(
    dirs: Iterable[FsPath], builtin: Sequence[RuleMeta] = ()
) -> tuple[RuleMeta, ...]:
    """The rules of these folders. An ID, name or alias used twice, by two custom rules or by
    a custom and a `builtin` rule, is an error naming both files."""
    rules: list[RuleMeta] = []
    errors: list[str] = []
    seen: dict[str, tuple[str, int]] = {}
    for rule in builtin:
        for key in (rule.id, rule.name, *rule.aliases):
            seen[key] = (f"netlint's built-in rule {_display(rule.directory / 'rule.yaml')}", 1)
    for folder in dirs:
        if not folder.is_dir():
            errors.append(f"{_display(folder)}: not a directory of rules")
            continue
        # a folder of rules, or one rule's own folder (netlint test-rules .netlint/rules/X)
        single = (folder / "rule.yaml").is_file()
        for directory in [folder] if single else sorted(folder.iterdir()):
            if not directory.is_dir() or directory.name.startswith("."):
                continue
            rule_file = directory / "rule.yaml"
            shown = _display(rule_file)
            m = RULE_DIR.match(directory.name)
            if m is None:
                errors.append(
                    f"{_display(directory)}:1: a rule folder is named <ID>-<kebab-name> "
                    "(ACME001-lb-source-ranges)"
                )
                continue
            if not rule_file.is_file():
                errors.append(f"{shown}:1: missing rule.yaml")
                continue
            try:
                meta, lines = parse_custom_rule(rule_file, shown)
            except CatalogError as exc:
                errors.extend(exc.messages)
                continue
            if (meta.id, meta.name) != (m.group("id"), m.group("name")):
                errors.append(
                    f"{shown}:{lines['id']}: id/name {meta.id}/{meta.name} do not match the "
                    f"folder {directory.name}"
                )
            keyed = [(meta.id, "id"), (meta.name, "name"), *((a, "aliases") for a in meta.aliases)]
            for key, where in keyed:
                if key in seen:
                    other, line = seen[key]
                    errors.append(
                        f"{shown}:{lines[where]}: {where}: {key} is also defined in {other}:{line}"
                    )
                else:
                    seen[key] = (shown, lines[where])
            rules.append(meta)
    if errors:
        raise CatalogError(errors)
    return tuple(sorted(rules, key=lambda r: r.id))


def parse_custom_rule(path: FsPath, shown: str) -> tuple[RuleMeta, dict[str, int]]:
    """RuleMeta of one custom rule.yaml, and the lines of its id/name/aliases keys."""
    try:
        data, loaded = load_yaml_file(path, shown)
    except FileError as exc:
        raise CatalogError(exc.messages) from None
    if not isinstance(data, dict):
        raise CatalogError([f"{shown}:1: rule.yaml must be a mapping (id:, name:, check:, ...)"])
    try:
        model = CustomRuleModel.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(
            format_validation_error(exc, loaded, shown, model=CustomRuleModel)
        ) from None

    def line(*loc: str | int) -> int:
        return yaml_line(loaded, loc)

    errors: list[str] = []
    if model.id.startswith(BUILTIN_PREFIX):
        errors.append(
            f"{shown}:{line('id')}: id: {model.id}: the NL prefix is netlint's own; "
            "give your rules your own prefix (ACME001)"
        )
    params: dict[str, Any] = {"match": model.match.model_dump(by_alias=True, exclude_defaults=True)}
    params["message"] = model.message or _default_message(model)
    if model.check == "json-schema":
        if model.schema_ is None:
            errors.append(f"{shown}:{line('check')}: schema: check json-schema needs a schema:")
        else:
            for loc, what in schema_problems(model.schema_):
                where = ("schema", *loc)
                errors.append(f"{shown}:{yaml_line(loaded, where)}: {key_path(where)}: {what}")
            params["schema"] = model.schema_
        if model.params:
            errors.append(
                f"{shown}:{line('params')}: params: check json-schema takes no params; "
                "its schema: says what must hold"
            )
    else:
        if model.schema_ is not None:
            errors.append(
                f"{shown}:{line('schema')}: schema: only check json-schema takes a schema; "
                f"{model.check} takes params:"
            )
        params.update(model.params)
        try:
            TEMPLATE_PARAMS[model.check].model_validate(params)
        except ValidationError as exc:
            errors.extend(
                format_validation_error(
                    exc,
                    loaded,
                    shown,
                    prefix=("params",),
                    model=TEMPLATE_PARAMS[model.check],
                )
            )
    if errors:
        raise CatalogError(errors)
    meta = model.meta(
        check=model.check,
        kinds=tuple(model.match.kinds),
        params=params,
        directory=path.parent,
        help_uri=model.help_uri,
        builtin=False,
        checked=_checked(model.check, params),
    )
    aliases = {"aliases": line("aliases")} if model.aliases else {}
    return meta, {"id": line("id"), "name": line("name"), **aliases}


def _checked(check: CustomCheck, params: dict[str, Any]) -> Any:
    """The params as the check reads them (validated, defaults filled in), as plain data for
    netlint's cache (`config.dump_tree`); a run without config overrides reads its view
    (`config.restore_tree`) instead of validating them again. None when they cannot be kept
    so: the run then validates them."""
    from netlint.config import dump_tree

    model = JsonSchemaParams if check == "json-schema" else TEMPLATE_PARAMS[check]
    try:
        return dump_tree(model.model_validate(params))
    except (ValidationError, ValueError):
        return None


def _default_message(model: CustomRuleModel) -> str:
    """The check's wording, then the rule's fix: `Service prod/web: spec.type is NodePort.
    Use a LoadBalancer ...` (braces in the fix are kept literally)."""
    fix = " ".join(model.fix.split()).replace("{", "{{").replace("}", "}}")
    return f"{DEFAULT_MESSAGES[model.check]}. {fix}"
