"""SARIF 2.1.0 for GitHub code scanning (DESIGN.md section 6).

One run. Rules carry GitHub's display metadata (help, tags, precision, problem.severity,
security-severity); results carry repo-relative URIs against `%SRCROOT%`, content-based
`partialFingerprints`, related locations, suppressions and fixes. Deterministic: the same
report gives the same bytes (rules sorted by ID, results in report order).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from netlint.model import Finding, Severity, SourceFile, Span
from netlint.report import (
    RenderOptions,
    RepoPaths,
    fix_dict,
    object_dict,
    rendered_dict,
    runs,
)
from netlint.report.escape import (
    has_c_encoder,
    streamed,
    templated,
    texts_at,
    to_json,
)

if TYPE_CHECKING:
    from netlint.api import Report
    from netlint.catalog import RuleMeta

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/netlint/netlint"
RULE_DOC_URI = "https://github.com/netlint/netlint/blob/main/docs/rules/{id}.md"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "netlint/v1"
# GitHub shows at most this much of shortDescription / fullDescription
_DESCRIPTION_LIMIT = 1024
_PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "recommendation",
}


def render(report: Report, options: RenderOptions) -> str:
    """The whole report: `pieces` joined."""
    return "".join(pieces(report, options))


def pieces(report: Report, options: RenderOptions) -> Iterator[str]:
    """`to_json(document(report, options))` in pieces, a run of results (`runs`) at a time.

    Not in processes: after a fork, each process's first touch of a page of findings copies
    it, which costs about what writing them does (measured on 5,028 findings: 0.119 s in one
    process, 0.120 s in two)."""
    results: list[Any] = []
    doc, write = _frame(report, options, results)
    shown = report.active if options.omit_suppressed else report.findings
    if not has_c_encoder():
        results += write(shown)
        yield to_json(doc)
        return
    # each result's text at its place (runs, a run, results: nesting level 4)
    written = (write.texts(run) or texts_at(write(run), 4) for run in runs(shown))
    yield from streamed(doc, results, written, 4)


def document(report: Report, options: RenderOptions) -> dict[str, Any]:
    results: list[Any] = []
    doc, write = _frame(report, options, results)
    results += write(report.active if options.omit_suppressed else report.findings)
    return doc


def _frame(
    report: Report, options: RenderOptions, results: list[Any]
) -> tuple[dict[str, Any], _Writer]:
    """The document with `results` as its run's results, and what writes findings' results."""
    rules = _rules(report)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": "netlint", "informationUri": INFORMATION_URI}
    if options.tool_version:
        driver["version"] = options.tool_version
        driver["semanticVersion"] = options.tool_version
    driver["rules"] = rules
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if options.base_dir is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": _dir_uri(options.base_dir)}}
    run["columnKind"] = "unicodeCodePoints"
    run["invocations"] = [_invocation(report)]
    run["results"] = results
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return document, _Writer(index, _Artifacts(options.base_dir))


class _Writer:
    """The results of findings: as dicts (`__call__`), or as their texts at their place in the
    document (`texts`) without a dict per result, the way the JSON report writes its findings
    (json_report._texts): most results have one of few shapes, and a result of such a shape is
    its shape's template (written from the dict of its first result) filled with its values'
    texts. `_values` lists a result's values in the order of `_result`'s dict (tests/
    test_report_pieces.py compares the two ways on every fixture and on the corpus)."""

    __slots__ = ("artifacts", "formats", "index")

    def __init__(self, index: dict[str, int], artifacts: _Artifacts) -> None:
        self.index = index
        self.artifacts = artifacts
        self.formats: dict[tuple[Any, ...], str] = {}

    def __call__(self, chunk: Sequence[Finding]) -> list[dict[str, Any]]:
        index, artifacts = self.index, self.artifacts
        return [_result(f, index[f.rule], artifacts) for f in chunk]

    def _shape(self, f: Finding) -> tuple[Any, ...] | None:
        if f.rendered is not None or f.fix is not None:
            return None
        keys = self.artifacts.keys
        return (
            keys(f.file),
            tuple(keys(r.file) for r in f.related),
            f.suppression is None,
            f.edit is None,
            f.object is None,
            f.source_template is None,
        )

    def _values(self, f: Finding, out: list[Any]) -> None:
        values = self.artifacts.values
        span, sup, edit, obj = f.span, f.suppression, f.edit, f.object
        out += (f.rule, self.index[f.rule], f.severity.value, _message(f))
        out += values(f.file)
        out += (span.line, span.column, span.end_line, span.end_column, f.fingerprint)
        for number, r in enumerate(f.related, start=1):
            s = r.span
            out.append(number)
            out += values(r.file)
            out += (s.line, s.column, s.end_line, s.end_column, r.message)
        if sup is not None:
            out += (sup.kind, "accepted", sup.justification, sup.source)
        if edit is not None:
            e = edit.span
            out += values(f.file)
            out += (e.line, e.column, e.end_line, e.end_column, edit.text)
        if obj is not None:
            out += (obj.api_version, obj.kind, obj.namespace, obj.name)
        if f.source_template is not None:
            out.append(f.source_template)

    def texts(self, chunk: Sequence[Finding]) -> list[str] | None:
        """Each result's text at nesting level 4, as `texts_at(self(chunk), 4)` writes it; None
        when a value is of a type the C encoder does not write as to_json does."""
        return templated(
            chunk,
            self._shape,
            lambda f: _result(f, self.index[f.rule], self.artifacts),
            self._values,
            4,
            self.formats,
        )


# ---- rules ---------------------------------------------------------------------------------


def _rules(report: Report) -> list[dict[str, Any]]:
    """Metadata of the rules that ran, plus any other rule that has a finding; sorted by ID."""
    known = {meta.id: meta for meta in report.all_rules}
    chosen: dict[str, dict[str, Any]] = {meta.id: _rule(meta) for meta in report.rules}
    for finding in report.findings:
        if finding.rule not in chosen:
            meta = known.get(finding.rule)
            chosen[finding.rule] = _rule(meta) if meta else _unknown_rule(finding)
    return [chosen[key] for key in sorted(chosen)]


def _rule(meta: RuleMeta) -> dict[str, Any]:
    from netlint.explain import rule_page

    properties: dict[str, Any] = {
        "tags": list(meta.tags),
        "precision": meta.precision,
        "problem.severity": _PROBLEM_SEVERITY[meta.severity],
    }
    if meta.security_severity is not None:
        properties["security-severity"] = f"{meta.security_severity:.1f}"
    # a custom rule links its own page (help_uri in its rule.yaml), never netlint's docs
    help_uri = RULE_DOC_URI.format(id=meta.id) if meta.builtin else meta.help_uri
    details = f"\n\nDetails: {help_uri}" if help_uri else ""
    rule: dict[str, Any] = {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": _limit(_unwrap(meta.summary))},
        "fullDescription": {"text": _limit(_unwrap(meta.why))},
        "help": {
            "text": f"{_unwrap(meta.summary)}\n\nWhy it matters: {_unwrap(meta.why)}\n\n"
            f"How to fix: {_unwrap(meta.fix)}{details}",
            "markdown": rule_page(meta),
        },
        "helpUri": help_uri,
        "defaultConfiguration": {"level": meta.severity.value},
        "properties": properties,
    }
    if help_uri is None:
        del rule["helpUri"]
    return rule


def _unknown_rule(finding: Finding) -> dict[str, Any]:
    """A finding of a rule missing from the catalog (should not happen): still a valid rule."""
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": finding.name},
        "fullDescription": {"text": finding.name},
        "help": {"text": finding.name},
        "defaultConfiguration": {"level": finding.severity.value},
    }


def _unwrap(text: str) -> str:
    """Rule texts are hard-wrapped YAML blocks: join each paragraph's lines, keep paragraphs."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _limit(text: str) -> str:
    if len(text) <= _DESCRIPTION_LIMIT:
        return text
    return text[: _DESCRIPTION_LIMIT - 1].rstrip() + "…"


# ---- results -------------------------------------------------------------------------------


def _result(f: Finding, rule_index: int, artifacts: _Artifacts) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": f.severity.value,
        "message": {"text": _message(f)},
        "locations": [{"physicalLocation": _physical(f.file, f.span, artifacts)}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    }
    if f.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(rel.file, rel.span, artifacts),
                "message": {"text": rel.message},
            }
            for number, rel in enumerate(f.related, start=1)
        ]
    if f.rendered is not None and f.rendered.mapping != "none":
        # the primary location is the template / values / base file; where it was rendered
        # is kept as a related location
        result.setdefault("relatedLocations", []).append(
            {
                "id": len(f.related) + 1,
                "physicalLocation": _physical(f.rendered.file, f.rendered.span, artifacts),
                "message": {"text": f"rendered here ({f.rendered.file.path})"},
            }
        )
    # SARIF 3.27.23: within a run, `suppressions` is on every result or on none; an empty
    # array says "evaluated, not suppressed".
    result["suppressions"] = (
        []
        if f.suppression is None
        else [
            {
                "kind": f.suppression.kind,
                "status": "accepted",
                "justification": f.suppression.justification,
                "properties": {"source": f.suppression.source},
            }
        ]
    )
    if f.edit is not None:
        fix: dict[str, Any] = {}
        if f.fix is not None:
            fix["description"] = {"text": f.fix.description}
        fix["artifactChanges"] = [
            {
                "artifactLocation": artifacts(f.file),
                "replacements": [
                    {
                        "deletedRegion": _region(f.edit.span),
                        "insertedContent": {"text": f.edit.text},
                    }
                ],
            }
        ]
        result["fixes"] = [fix]
    properties: dict[str, Any] = {}
    if f.object is not None:
        properties["object"] = object_dict(f.object)
    if f.source_template is not None:
        properties["source_template"] = f.source_template
    if f.fix is not None:
        properties["fix"] = fix_dict(f.fix)
    if f.rendered is not None:
        properties["mapping"] = f.rendered.mapping
        properties["rendered"] = rendered_dict(f.rendered)
    if properties:
        result["properties"] = properties
    return result


_BRACKET = re.compile(r"(\\*)([\[\]])")


def _message(f: Finding) -> str:
    """The message; with related locations, followed by embedded links to them (`[text](1)`),
    which is how GitHub shows related locations. Literal brackets are then escaped (3.11.6)."""
    rendered = f.rendered is not None and f.rendered.mapping != "none"
    if not f.related and not rendered:
        return f.message

    def escape(text: str) -> str:
        if "[" not in text and "]" not in text:  # most texts: nothing to escape
            return text
        return _BRACKET.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), text)

    links = []
    for number, rel in enumerate(f.related, start=1):
        label = (
            rel.object.describe() if rel.object is not None else f"{rel.file.path}:{rel.span.line}"
        )
        links.append(f"[{escape(label)}]({number})")
    text = escape(f.message)
    if links:
        text += f" (see {', '.join(links)})"
    if rendered and f.rendered is not None:  # the last related location (see _result)
        where = f"{f.rendered.file.path}:{f.rendered.span.line}"
        text += f" (rendered from [{escape(where)}]({len(f.related) + 1}))"
    return text


def _physical(file: SourceFile, span: Span, artifacts: _Artifacts) -> dict[str, Any]:
    return {"artifactLocation": artifacts(file), "region": _region(span)}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


class _Artifacts:
    """The `artifactLocation` of each file of one report, worked out once per file (a report
    names few files thousands of times); every location gets its own dict."""

    __slots__ = ("_known", "_paths")

    def __init__(self, base_dir: str | None) -> None:
        self._paths = RepoPaths(base_dir)
        self._known: dict[tuple[str | None, str], dict[str, str]] = {}

    def __call__(self, file: SourceFile) -> dict[str, str]:
        return dict(self._of(file))

    def _of(self, file: SourceFile) -> dict[str, str]:
        key = (file.abspath, file.path)  # all that _artifact reads of the file
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = _artifact(file, self._paths)
        return found

    def keys(self, file: SourceFile) -> tuple[str, ...]:
        return tuple(self._of(file))

    def values(self, file: SourceFile) -> tuple[str, ...]:
        return tuple(self._of(file).values())


def _artifact(file: SourceFile, paths: RepoPaths) -> dict[str, str]:
    """Repo-relative URI against %SRCROOT% where possible, else an absolute file: URI."""
    rel = paths(file)
    if rel is not None:
        return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}
    try:  # outside the base directory, or stdin named with an absolute --stdin-filename
        return {"uri": Path(file.abspath or file.path).as_uri()}
    except ValueError:  # not absolute on this platform after all
        return {"uri": quote(file.path.replace("\\", "/"), safe="/")}


def _dir_uri(base_dir: str) -> str:
    uri = Path(base_dir).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _invocation(report: Report) -> dict[str, Any]:
    """I/O errors (the run exits 2) and skipped entries, so a CI log reader sees them."""
    notes = [{"level": "error", "message": {"text": e}} for e in report.errors]
    notes += [{"level": "note", "message": {"text": n}} for n in report.notices]
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation
