"""NL0xx: manifest hygiene. Most of these report what the loader found while parsing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ruamel.yaml.nodes import ScalarNode

from netlint import load
from netlint.checks.patterns import lazy
from netlint.context import RunContext
from netlint.model import Fix, Hit, Resource, SourceFile, Span
from netlint.positions import resolve
from netlint.suppress import (
    ANNOTATION_PREFIX,
    annotation_suppressions,
    exclude_active,
    rule_matches,
)

# What the loader found, as the finding says it: problem code -> message template.
_PROBLEM_MESSAGES = {
    load.SYNTAX: "YAML syntax error: {}. kubectl and Helm reject this file; nothing after this "
    "point in the document was checked",
    load.ENCODING: "cannot read the file as YAML: {}",
    load.LIMIT: "document refused: {}",
    load.REFUSED: "file not checked: {}",
    load.DUPLICATE_KEY: "{}: delete one of the two entries so the manifest says what is applied",
    load.TEMPLATE: "{}. Lint the rendered output instead: "
    "`helm template ./chart | netlint check -`",
}


def _problem_hits(ctx: RunContext, *codes: str) -> Iterator[Hit]:
    for loaded in ctx.files:
        for problem in loaded.problems:
            if problem.code in codes:
                yield Hit(
                    _PROBLEM_MESSAGES[problem.code].format(problem.message),
                    file=loaded.file,
                    span=problem.span,
                    fingerprint_extra=problem.key,
                )


def yaml_syntax(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _problem_hits(ctx, load.SYNTAX, load.ENCODING, load.LIMIT, load.REFUSED)


def duplicate_key(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _problem_hits(ctx, load.DUPLICATE_KEY)


def unrendered_template(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _problem_hits(ctx, load.TEMPLATE)


def not_an_object(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for item in ctx.non_objects:
        data = item.data
        if not isinstance(data, dict):
            what = "a plain string" if isinstance(data, str) else _type_name(data)
            message = (
                f"{item.where} is {what}, not a Kubernetes object "
                "(a mapping with apiVersion and kind)"
            )
        else:
            problems = []
            for key in ("apiVersion", "kind"):
                value = data.get(key)
                if value is None or value == "":
                    problems.append(f"no {key}")
                elif not isinstance(value, str):
                    problems.append(f"{key} {_yaml(value)} is not a string")
            message = (
                f"{item.where} has {' and '.join(problems)}: not a Kubernetes object; "
                "add them, or keep non-manifest YAML out of the checked paths"
            )
        start = item.node.start_mark
        span = Span(start.line + 1, start.column + 1, start.line + 1, start.column + 2)
        yield Hit(
            message,
            file=item.doc.file,
            span=span,
            fingerprint_extra=f"doc{item.doc.index}|{item.where}",
        )


def _annotated(ctx: RunContext) -> list[tuple[Resource, dict[str, str]]]:
    """The objects with suppression annotations, and those, found once for NL005 and NL006."""
    found: list[tuple[Resource, dict[str, str]]] | None = ctx.cache.get("hygiene.suppressions")
    if found is None:
        found = []
        for resource in ctx.resources:
            meta = resource.data.get("metadata")
            if not isinstance(meta, dict) or not meta.get("annotations"):
                continue  # no annotations: no suppressions (the common case, told cheaply)
            suppressions = annotation_suppressions(resource)
            if suppressions:
                found.append((resource, suppressions))
        ctx.cache["hygiene.suppressions"] = found
    return found


def suppression_reason(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for resource, suppressions in _annotated(ctx):
        for key, reason in suppressions.items():
            if not reason.strip():
                yield Hit(
                    f"suppression annotation {ANNOTATION_PREFIX}{key} has no reason, so it "
                    "suppresses nothing: write why the finding does not apply as its value",
                    resource=resource,
                    path=("metadata", "annotations", ANNOTATION_PREFIX + key),
                    at_key=True,
                    fingerprint_extra=key,
                )


def unknown_suppression(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for resource, suppressions in _annotated(ctx):
        for key in suppressions:
            if key == "all" or any(rule_matches(key, rule) for rule in ctx.rules):
                continue
            yield Hit(
                f"suppression annotation {ANNOTATION_PREFIX}{key} names no netlint rule; "
                "use a rule ID (NL201), a rule name, or `all` (`netlint rules` lists them)",
                resource=resource,
                path=("metadata", "annotations", ANNOTATION_PREFIX + key),
                at_key=True,
                fingerprint_extra=key,
            )


def expired_exclude(ctx: RunContext, params: Any) -> Iterator[Hit]:
    config = ctx.config
    if config.path is None:
        return
    file = SourceFile(config.path, config.abspath)
    for number, entry in enumerate(config.model.exclude):
        if exclude_active(entry, ctx.today):
            continue
        line = config.exclude_lines[number] if number < len(config.exclude_lines) else 1
        yield Hit(
            f"exclude entry #{number + 1} expired on {entry.until} and no longer suppresses "
            f"anything (reason was: {entry.reason.strip()}); fix the findings, or extend `until`",
            file=file,
            span=Span(line, 1, line, 2),
            fingerprint_extra=f"exclude{number}|{entry.reason}",
        )


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), "empty" if value is None else type(value).__name__)


def _yaml(value: Any) -> str:
    from netlint.edits import yaml_scalar

    return yaml_scalar(value) if not isinstance(value, (list, dict)) else _type_name(value)


_LABEL_VALUE = lazy(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_TYPE_NAMES: dict[type, str] = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    list: "a list",
    dict: "a mapping",
}


def invalid_metadata(ctx: RunContext, params: Any) -> Iterator[Hit]:
    """Metadata the API server rejects: Kubernetes decodes it into typed fields."""
    for resource in ctx.resources:
        meta = resource.data.get("metadata")
        if meta is None:
            continue
        if not isinstance(meta, dict):
            yield Hit(
                f"metadata is {_type_name(meta)}, not a mapping: "
                "the API server rejects the object; write metadata as `name:`, `namespace:`, ...",
                resource=resource,
                path=("metadata",),
                at_key=True,
            )
            continue
        for key in ("name", "namespace", "generateName"):
            value = meta.get(key)
            if value is not None and not isinstance(value, str):
                yield _not_a_string(resource, ("metadata", key), f"metadata.{key}", value)
        for section in ("labels", "annotations"):
            values = meta.get(section)
            if values is None:
                continue
            if not isinstance(values, dict):
                yield Hit(
                    f"metadata.{section} is {_TYPE_NAMES.get(type(values), 'not a mapping')}, "
                    "not a mapping of strings: the API server rejects the object",
                    resource=resource,
                    path=("metadata", section),
                    at_key=True,
                )
                continue
            for key, value in values.items():
                if value is not None and not isinstance(value, str):
                    path = ("metadata", section, key)
                    yield _not_a_string(resource, path, f"{section[:-1]} {key}", value)
                elif (
                    section == "labels"
                    and isinstance(value, str)
                    and (len(value) > 63 or not _LABEL_VALUE.match(value))
                ):
                    path = ("metadata", section, key)
                    yield Hit(
                        f"label {key} has the invalid value {value!r}: label values are at "
                        "most 63 characters of letters, digits, '-', '_' and '.', starting "
                        "and ending with a letter or digit; the API server rejects the object",
                        resource=resource,
                        path=path,
                        fingerprint_extra=str(key),
                    )


def _not_a_string(resource: Any, path: tuple[Any, ...], what: str, value: Any) -> Hit:
    kind = _type_name(value)
    if isinstance(value, (bool, int, float)):
        # quote what the author wrote (`1.10` is the float 1.1, but the version meant "1.10")
        _, node, _ = resolve(resource.node, path[len(resource.prefix) :])
        text = str(node.value) if isinstance(node, ScalarNode) else str(value)
        return Hit(
            f"{what} is {kind} ({text}), but Kubernetes requires a string: kubectl apply fails "
            f'with "cannot unmarshal"; quote it: "{text}"',
            resource=resource,
            path=path,
            fix=Fix(f'quote the value: "{text}"', path[len(resource.prefix) :], text),
            fingerprint_extra=str(path[-1]),
        )
    return Hit(
        f"{what} is {kind}, but Kubernetes requires a string: the API server rejects the object",
        resource=resource,
        path=path,
        fingerprint_extra=str(path[-1]),
    )
