"""NL0xx: manifest hygiene. Most of these report what the loader found while parsing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netlint import load
from netlint.context import RunContext
from netlint.model import Hit, SourceFile, Span
from netlint.suppress import (
    ANNOTATION_PREFIX,
    annotation_suppressions,
    exclude_active,
    rule_matches,
)


def _problems(ctx: RunContext, *codes: str) -> Iterator[tuple[SourceFile, load.Problem]]:
    for loaded in ctx.files:
        for problem in loaded.problems:
            if problem.code in codes:
                yield loaded.file, problem


def yaml_syntax(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for file, problem in _problems(ctx, load.SYNTAX, load.ENCODING, load.LIMIT):
        if problem.code == load.SYNTAX:
            message = (
                f"YAML syntax error: {problem.message}. kubectl and Helm reject this file; "
                "nothing after this point in the document was checked"
            )
        elif problem.code == load.ENCODING:
            message = f"cannot read the file as YAML: {problem.message}"
        else:
            message = f"document refused: {problem.message}"
        yield Hit(message, file=file, span=problem.span, fingerprint_extra=problem.key)


def duplicate_key(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for file, problem in _problems(ctx, load.DUPLICATE_KEY):
        yield Hit(
            f"{problem.message}: delete one of the two entries so the manifest says what "
            "is applied",
            file=file,
            span=problem.span,
            fingerprint_extra=problem.key,
        )


def unrendered_template(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for file, problem in _problems(ctx, load.TEMPLATE):
        yield Hit(
            f"{problem.message}. Lint the rendered output instead: "
            "`helm template ./chart | netlint check -`",
            file=file,
            span=problem.span,
            fingerprint_extra=problem.key,
        )


def not_an_object(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for doc in ctx.non_objects:
        data = doc.data
        if not isinstance(data, dict):
            names: dict[type, str] = {list: "a list", str: "a plain string"}
            what = names.get(type(data), f"a {type(data).__name__}")
            message = (
                f"document is {what}, not a Kubernetes object (a mapping with apiVersion and kind)"
            )
        else:
            missing = [
                k
                for k in ("apiVersion", "kind")
                if not isinstance(data.get(k), str) or not data.get(k)
            ]
            message = (
                f"document has no {' and no '.join(missing)}: not a Kubernetes object; "
                "add them, or keep non-manifest YAML out of the checked paths"
            )
        start = doc.node.start_mark
        span = Span(start.line + 1, start.column + 1, start.line + 1, start.column + 2)
        yield Hit(message, file=doc.file, span=span, fingerprint_extra=f"doc{doc.index}")


def suppression_reason(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for resource in ctx.resources:
        for key, reason in annotation_suppressions(resource).items():
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
    for resource in ctx.resources:
        for key in annotation_suppressions(resource):
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
