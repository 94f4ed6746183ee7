"""Machine-readable JSON report, schema version "1".

The shape is documented in docs/json-report.md and described by the JSON Schema shipped next
to this module (`json-report.schema.json`, see `schema()`). Suppressed findings are always
included, flagged with `suppressed: true` and their `suppression`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netlint.model import Finding, ResolvedRelated, Severity
from netlint.report import RenderOptions, fix_dict, object_dict, rendered_dict
from netlint.report.escape import to_json

if TYPE_CHECKING:
    from netlint.api import Report

SCHEMA_VERSION = "1"
SCHEMA_FILE = "json-report.schema.json"


def render(report: Report, options: RenderOptions) -> str:
    return to_json(document(report, options))


def document(report: Report, options: RenderOptions) -> dict[str, Any]:
    counts = report.counts()
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "netlint", "version": options.tool_version},
        "findings": [
            _finding(f) for f in (report.active if options.omit_suppressed else report.findings)
        ],
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


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of this report, as shipped in the package."""
    import json
    from importlib.resources import files

    text = files("netlint.report").joinpath(SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
