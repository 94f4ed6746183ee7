"""JSON Schemas of `check: json-schema` rules: draft 2020-12, checked before use, and never
fetched: every `$ref` must resolve inside the schema (the validators' registry has no
retrieval, so nothing reaches the network even if one did not)."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

    from netlint.validation import Loc

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})  # values, not schemas


def problems(schema: dict[str, Any]) -> list[tuple[Loc, str]]:
    """What is wrong with a schema, each at its path inside the schema: a draft other than
    2020-12, what the metaschema rejects (the first error), `$ref`s that do not resolve."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    declared = schema.get("$schema")
    if declared is not None and str(declared).rstrip("#") != DRAFT_2020_12:
        return [(("$schema",), f"netlint reads draft 2020-12 ({DRAFT_2020_12})")]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = tuple(exc.absolute_path)
        what = exc.message
        if where and where[-1] == "type" and isinstance(exc.instance, str):
            what = f"{exc.instance!r} is not a type; use one of {', '.join(_TYPES)}"
        return [(where, f"not a valid JSON Schema: {what}")]
    return _unresolved_refs(schema)


def _unresolved_refs(schema: dict[str, Any]) -> list[tuple[Loc, str]]:
    from referencing import Registry
    from referencing.exceptions import PointerToNowhere, Unresolvable
    from referencing.jsonschema import DRAFT202012

    registry: Registry[Any] = (
        Registry().with_resource("", DRAFT202012.create_resource(schema)).crawl()
    )
    out: list[tuple[Loc, str]] = []

    def visit(node: Any, loc: tuple[str | int, ...], resolver: Any) -> None:
        if isinstance(node, dict):
            if loc and isinstance(node.get("$id"), str):
                resolver = resolver.in_subresource(DRAFT202012.create_resource(node))
            for key in ("$ref", "$dynamicRef"):
                ref = node.get(key)
                if not isinstance(ref, str):
                    continue
                try:
                    resolver.lookup(ref)
                except PointerToNowhere:
                    what = f"nothing at {ref.partition('#')[2] or ref} in this schema"
                except Unresolvable:
                    what = (
                        "not in this schema, and netlint never fetches schemas; put the "
                        "definition under $defs and refer to it as #/$defs/<name>"
                    )
                else:
                    continue
                out.append(((*loc, key), f"{ref}: {what}"))
            for key, value in node.items():
                if key not in _DATA_KEYWORDS:
                    visit(value, (*loc, str(key)), resolver)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, (*loc, i), resolver)

    visit(schema, (), registry.resolver(""))
    return out


def check(schema: dict[str, Any]) -> dict[str, Any]:
    """For pydantic (config `rules.<ID>.params.schema`): the schema, or ValueError."""
    from netlint.validation import key_path

    found = _problems(json.dumps(schema, sort_keys=True, default=str))
    if found:
        loc, what = found[0]
        raise ValueError(f"{key_path(loc)}: {what}" if loc else what)
    return schema


@functools.lru_cache(maxsize=64)
def _problems(schema_json: str) -> list[tuple[Loc, str]]:
    """problems() of a schema as canonical JSON: every run validates its params once more."""
    return problems(json.loads(schema_json))


@functools.lru_cache(maxsize=64)
def compiled(schema_json: str) -> Validator:
    """A draft 2020-12 validator for a checked schema (as canonical JSON)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry

    return Draft202012Validator(
        json.loads(schema_json),
        registry=Registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
