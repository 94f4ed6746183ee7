"""GitHub Actions workflow commands: one annotation per unsuppressed finding.

    ::error file=render/web.yaml,line=12,col=5,endLine=12,endColumn=9,title=NL002 duplicate-key::...

The runner reads a command only at the start of a line. Manifest text is first made visible
(`escape.visible`: no control characters, so no line break of its own), then GitHub's own
escaping is applied (`%`, CR, LF; plus `:` and `,` in properties), so a message can never end
the command early or start another one (`::add-mask::`, `::stop-commands::`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from netlint.model import Finding, Severity
from netlint.report import RenderOptions, RepoPaths, rendered_hint, runs
from netlint.report.escape import visible
from netlint.report.text import summary_line

if TYPE_CHECKING:
    from netlint.api import Report

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, options: RenderOptions) -> str:
    """The whole report: `pieces` joined."""
    return "".join(pieces(report, options))


def pieces(report: Report, options: RenderOptions) -> Iterator[str]:
    """One line per active finding and the summary, each ending in a newline, a run of
    findings (`runs`) at a time."""
    paths = RepoPaths(options.base_dir)
    for run in runs(report.active):
        yield "".join([_annotation(f, paths) + "\n" for f in run])
    yield f"netlint: {summary_line(report)}\n"


def annotation(finding: Finding, base_dir: str | None) -> str:
    return _annotation(finding, RepoPaths(base_dir))


def _annotation(finding: Finding, paths: RepoPaths) -> str:
    span = finding.span
    where = escape_property(visible(paths(finding.file) or finding.file.path))
    title = escape_property(f"{finding.rule} {finding.name}")
    # the numbers are digits: escape_property would leave them as they are
    head = (
        f"file={where},line={span.line},col={span.column},endLine={span.end_line},"
        f"endColumn={span.end_column},title={title}"
    )
    return f"::{_COMMAND[finding.severity]} {head}::{escape_data(_message(finding, paths))}"


def _message(finding: Finding, paths: RepoPaths) -> str:
    """The message and its hints, one per line (newlines our own, escaped as %0A)."""
    text = visible(finding.message)
    if finding.object is not None:
        text += f" ({visible(finding.object.describe())})"
    lines = [text]
    hint = rendered_hint(finding)
    if hint is not None:
        lines.append(f"rendered from: {visible(hint)}")
    elif finding.source_template:
        lines.append(f"source: {visible(finding.source_template)}")
    for rel in finding.related:
        where = visible(paths(rel.file) or rel.file.path)
        note = f"note: {where}:{rel.span.line}:{rel.span.column}: {visible(rel.message)}"
        if rel.object is not None:
            note += f" ({visible(rel.object.describe())})"
        lines.append(note)
    if finding.fix is not None:
        lines.append(f"fix: {visible(finding.fix.description)}")
    return "\n".join(lines)
