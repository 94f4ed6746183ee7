"""Machine-readable JSON report, schema version "1".

The shape is documented in docs/json-report.md and described by the JSON Schema shipped next
to this module (`json-report.schema.json`, see `schema()`). Suppressed findings are always
included, flagged with `suppressed: true` and their `suppression`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netlint.model import Finding, ResolvedRelated, Severity
from netlint.report import RenderOptions, fix_dict, object_dict, rendered_dict, runs
from netlint.report.escape import (
    has_c_encoder,
    streamed,
    templated,
    texts_at,
    to_json,
)

if TYPE_CHECKING:
    from netlint.api import Report

SCHEMA_VERSION = "1"
SCHEMA_FILE = "json-report.schema.json"


def render(report: Report, options: RenderOptions) -> str:
    """The whole report: `pieces` joined."""
    return "".join(pieces(report, options))


def pieces(report: Report, options: RenderOptions) -> Iterator[str]:
    """`to_json(document(report, options))` in pieces, a run of findings (`runs`) at a time by
    `_texts` (each finding's dict by the encoder when its values are not all of a shape)."""
    if not has_c_encoder():
        yield to_json(document(report, options))
        return
    shown = report.active if options.omit_suppressed else report.findings
    # not in processes: after a fork, each process's first touch of a page of findings copies
    # it, which costs about what writing them does (measured: 0.079 s in two processes
    # against 0.077 s in one, 5,028 findings)
    texts = (_texts(run) or texts_at([_finding(f) for f in run], 2) for run in runs(shown))
    findings: list[Any] = []
    yield from streamed(document(report, options, findings), findings, texts, 2)


def document(
    report: Report, options: RenderOptions, findings: list[Any] | None = None
) -> dict[str, Any]:
    """The report as JSON values; `findings` stand in for the findings' own (render)."""
    counts = report.counts()
    if findings is None:
        shown = report.active if options.omit_suppressed else report.findings
        findings = [_finding(f) for f in shown]
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "netlint", "version": options.tool_version},
        "findings": findings,
        "summary": {
            "files": len(report.files),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "notes": counts[Severity.NOTE],
            "suppressed": len(report.suppressed),
        },
    }


def _finding(f: Finding) -> dict[str, Any]:
    out = _plain_finding(f)
    if f.rendered is not None:  # findings on rendered documents (helm, kustomize)
        out["mapping"] = f.rendered.mapping
        out["rendered"] = rendered_dict(f.rendered)
    return out


def _plain_finding(f: Finding) -> dict[str, Any]:
    sup = f.suppression
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.message,
        "file": f.file.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "object": object_dict(f.object),
        "source_template": f.source_template,
        "suppressed": sup is not None,
        "suppression": None
        if sup is None
        else {"kind": sup.kind, "justification": sup.justification, "source": sup.source},
        "fingerprint": f.fingerprint,
        "fix": fix_dict(f.fix),
        "edit": None
        if f.edit is None
        else {
            "line": f.edit.span.line,
            "column": f.edit.span.column,
            "end_line": f.edit.span.end_line,
            "end_column": f.edit.span.end_column,
            "text": f.edit.text,
        },
        "related": [_related(r) for r in f.related],
    }


def _related(r: ResolvedRelated) -> dict[str, Any]:
    return {
        "message": r.message,
        "file": r.file.path,
        "line": r.span.line,
        "column": r.span.column,
        "end_line": r.span.end_line,
        "end_column": r.span.end_column,
        "object": object_dict(r.object),
    }


# ---- the findings' text, without a dict per finding -----------------------------------------
#
# Most findings have one of few shapes: which of object, suppression and edit are set, how many
# related locations with or without an object, and no fix or rendering (their values can be
# anything). A finding of such a shape is its shape's template (its `_plain_finding` dict as
# to_json writes it, a slot for each value) filled with its values' texts, all the values of a
# run of findings (`pieces`) written by one call of the C encoder (escape.templated). `_values`
# lists a finding's values in the order the template's slots have them: the order of
# `_plain_finding` (tests/test_perf_rules2_* check this on every finding of the rule fixtures).

_Shape = tuple[bool, bool, bool, tuple[bool, ...]]
_NULL_OBJECT = (None,)


def _shape(f: Finding) -> _Shape | None:
    if f.fix is not None or f.rendered is not None:
        return None
    return (
        f.object is None,
        f.suppression is None,
        f.edit is None,
        tuple(r.object is None for r in f.related),
    )


def _values(f: Finding, out: list[Any]) -> None:
    span, obj, sup, edit = f.span, f.object, f.suppression, f.edit
    out += (f.rule, f.name, f.severity.value, f.message, f.file.path)
    out += (span.line, span.column, span.end_line, span.end_column)
    out += _NULL_OBJECT if obj is None else (obj.api_version, obj.kind, obj.namespace, obj.name)
    out += (f.source_template, sup is not None)
    out += _NULL_OBJECT if sup is None else (sup.kind, sup.justification, sup.source)
    out += (f.fingerprint, None)  # and the fix, None in every shape
    if edit is None:
        out.append(None)
    else:
        e = edit.span
        out += (e.line, e.column, e.end_line, e.end_column, edit.text)
    for r in f.related:
        s, o = r.span, r.object
        out += (r.message, r.file.path, s.line, s.column, s.end_line, s.end_column)
        out += _NULL_OBJECT if o is None else (o.api_version, o.kind, o.namespace, o.name)


def _texts(findings: list[Finding]) -> list[str] | None:
    """Each finding's JSON text at its place in the report (nesting level 2), or None when a
    value is of a type the C encoder does not write as to_json does (then to_json does all)."""
    return templated(findings, _shape, _finding, _values, 2, {})


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of this report, as shipped in the package."""
    import json
    from importlib.resources import files

    text = files("netlint.report").joinpath(SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
