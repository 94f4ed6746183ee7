"""The checks custom rules use: `json-schema` and the templates `required-field`,
`forbidden-value` and `allowed-values`. Their params are validated by the models of
netlint/custom/params.py: when the rule is loaded (and kept so in netlint's cache, as a
read-only view: `RuleMeta.checked`), and again by every run that overrides them in the config,
like built-in params. Nothing here imports pydantic."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from netlint.custom import schema
from netlint.custom.fieldpath import Leaf, parse, show, walk
from netlint.custom.selector import matches
from netlint.model import Hit, Path, Resource

if TYPE_CHECKING:
    from netlint.context import RunContext
    from netlint.custom.match import Match
    from netlint.custom.params import (
        AllowedValuesParams,
        ForbiddenValueParams,
        JsonSchemaParams,
        RequiredFieldParams,
    )

PLACEHOLDERS = ("object", "path", "value", "message", "kind", "name", "namespace")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def check_template(text: str) -> str:
    """`message:` may use {object} {path} {value} {message} {kind} {name} {namespace}; `{{`
    and `}}` are literal braces. Nothing else: no attribute access, no format specs."""
    for m in _PLACEHOLDER.finditer(text):
        token = m.group(0)
        if token in ("{{", "}}"):
            continue
        name = m.group(1)
        if name is None:
            raise ValueError(f"lone {token!r} at column {m.start() + 1}; write {token * 2}")
        if name not in PLACEHOLDERS:
            allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{name}}}; use {allowed}")
    return text


def render(template: str, values: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values.get(m.group(1) or "", token)

    return _PLACEHOLDER.sub(one, template)


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        shown = json.dumps(value, default=str, ensure_ascii=False)
        return shown if len(shown) <= 80 else shown[:77] + "..."
    return str(value)


def _hit(
    template: str, resource: Resource, path: Path, value: str, message: str, extra: str = ""
) -> Hit:
    values = {
        "object": resource.ref.describe(),
        "path": show(path),
        "value": value,
        "message": message,
        "kind": resource.kind,
        "name": resource.name or "",
        "namespace": resource.namespace or "",
    }
    return Hit(render(template, values), resource, path, fingerprint_extra=extra)


def _matched(ctx: RunContext, match: Match) -> Iterator[Resource]:
    objects = ctx.index.of_kind(*match.kinds) if match.kinds else iter(ctx.resources)
    return (r for r in objects if matches(match, r))


def _same(a: Any, b: Any) -> bool:
    """YAML equality without Python's 1 == True: types must agree (ints and floats compare)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def required_field(ctx: RunContext, params: RequiredFieldParams) -> Iterator[Hit]:
    steps = parse(params.path)
    for resource in _matched(ctx, params.match):
        for leaf in walk(resource.data, steps):
            if leaf.missing or leaf.value is None:
                yield _hit(params.message, resource, leaf.path, "nothing", "is not set")


def forbidden_value(ctx: RunContext, params: ForbiddenValueParams) -> Iterator[Hit]:
    steps = parse(params.path)
    for resource in _matched(ctx, params.match):
        for leaf in _present(resource, steps):
            if any(_same(leaf.value, v) for v in params.values):
                value = value_text(leaf.value)
                yield _hit(params.message, resource, leaf.path, value, f"is {value}")


def allowed_values(ctx: RunContext, params: AllowedValuesParams) -> Iterator[Hit]:
    steps = parse(params.path)
    allowed = ", ".join(value_text(v) for v in params.values)
    for resource in _matched(ctx, params.match):
        for leaf in walk(resource.data, steps):
            if leaf.missing:
                if params.required:
                    yield _hit(
                        params.message,
                        resource,
                        leaf.path,
                        "nothing",
                        f"is not set (allowed: {allowed})",
                    )
                continue
            if not any(_same(leaf.value, v) for v in params.values):
                value = value_text(leaf.value)
                message = f"is {value}, not one of {allowed}"
                yield _hit(params.message, resource, leaf.path, value, message)


def _present(resource: Resource, steps: tuple[Any, ...]) -> Iterator[Leaf]:
    return (leaf for leaf in walk(resource.data, steps) if not leaf.missing)


def json_schema(ctx: RunContext, params: JsonSchemaParams) -> Iterator[Hit]:
    validator = schema.compiled(json.dumps(params.schema_, sort_keys=True, default=str))
    for resource in _matched(ctx, params.match):
        errors = sorted(
            validator.iter_errors(resource.data),
            key=lambda e: ([str(p) for p in e.absolute_path], str(e.validator), e.message),
        )
        for error in errors:
            path: Path = tuple(error.absolute_path)
            value = value_text(error.instance)
            extra = f"{error.validator}:{error.message}"
            if error.validator == "required":
                # name the missing property; its position is its parent's (engine: the deepest
                # existing part of a path)
                path, value = (*path, *_missing(error)), "nothing"
            elif error.validator == "additionalProperties" and _extra_keys(error):
                # one finding on each key that is not allowed, rather than on the mapping
                for key in _extra_keys(error):
                    text = f"{key!r} is not allowed here (additionalProperties)"
                    hit = _hit(params.message, resource, (*path, key), value, text, extra + key)
                    yield replace(hit, at_key=True)
                continue
            yield _hit(params.message, resource, path, value, error.message, extra)


def _extra_keys(error: Any) -> list[str]:
    """The keys an `additionalProperties` error is about."""
    instance, schema = error.instance, error.schema
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        return []
    known = schema.get("properties") or {}
    patterns = [p for p in (schema.get("patternProperties") or {}) if isinstance(p, str)]
    return [
        key
        for key in instance
        if isinstance(key, str)
        and key not in known
        and not any(re.search(p, key) for p in patterns)
    ]


def _missing(error: Any) -> tuple[str, ...]:
    """The property a `required` error is about (one error per missing property)."""
    instance, wanted = error.instance, error.validator_value
    if not isinstance(instance, dict) or not isinstance(wanted, list):
        return ()
    for name in wanted:
        if isinstance(name, str) and name not in instance and repr(name) in error.message:
            return (name,)
    return ()


DEFAULT_MESSAGES = {
    "json-schema": "{object}: {path}: {message}",
    "required-field": "{object}: {path} {message}",
    "forbidden-value": "{object}: {path} {message}",
    "allowed-values": "{object}: {path} {message}",
}
