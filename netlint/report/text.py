"""Human-readable report: one line per finding, grouped by file, and a summary line.

    render/web.yaml:12:5: error NL002 duplicate key 'type' ... (Service edge/web)
      source: chart/templates/service.yaml
      note: render/web.yaml:8:5: first definition (Service edge/web)

    Found 1 finding (1 error) in 1 of 3 files.

Everything that comes from the manifests goes through `escape.visible`, so a value such as
"\\x1b[2J" is shown, never executed by the terminal. Colour only when `options.color`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from netlint.model import Finding, Severity
from netlint.report import SEVERITY_ORDER, RenderOptions, plural, rendered_hint
from netlint.report.escape import visible

if TYPE_CHECKING:
    from netlint.api import Report

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_STYLE = {
    Severity.ERROR: "\x1b[1;31m",  # bold red
    Severity.WARNING: "\x1b[1;33m",  # bold yellow
    Severity.NOTE: "\x1b[1;36m",  # bold cyan
}


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def _wrap(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def path(self, text: str) -> str:
        return self._wrap(_DIM, text)

    def rule(self, text: str) -> str:
        return self._wrap(_BOLD, text)

    def severity(self, severity: Severity) -> str:
        return self._wrap(_SEVERITY_STYLE[severity], severity.value)

    def bold(self, text: str) -> str:
        return self._wrap(_BOLD, text)


def render(report: Report, options: RenderOptions) -> str:
    """The whole report: `pieces` joined."""
    return "".join(pieces(report, options))


# lines written at a time: the report is written as it is made, never held whole
RUN = 1000


def pieces(report: Report, options: RenderOptions) -> Iterator[str]:
    """The report's lines, each ending in a newline, RUN lines at a time."""
    style = _Style(options.color)
    shown = report.findings if options.show_suppressed else report.active
    lines: list[str] = []
    current: str | None = None
    for finding in shown:
        if current is not None and finding.file.path != current:
            lines.append("")
        current = finding.file.path
        lines += finding_lines(finding, style)
        if len(lines) >= RUN:
            yield _text(lines, options.width)
            lines = []
    if not options.quiet:
        if shown:
            lines.append("")
        hint = "listed above" if options.show_suppressed else "--show-suppressed lists them"
        lines.append(style.bold(summary_line(report, hint)))
    if lines:
        yield _text(lines, options.width)


def _text(lines: list[str], width: int | None) -> str:
    if width:
        lines = [wrapped for line in lines for wrapped in wrap(line, width)]
    return "\n".join(lines) + "\n"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def wrap(line: str, width: int) -> list[str]:
    """Greedy word wrap that ignores colour codes when measuring; continuation lines are
    indented 4 more than the line. A word longer than the width stays whole."""
    text = line.lstrip(" ")
    indent = " " * (len(line) - len(text))
    if len(_ANSI.sub("", line)) <= width:
        return [line]
    out: list[str] = []
    current, size = indent, len(indent)
    start = True
    for word in text.split(" "):
        length = len(_ANSI.sub("", word))
        if not start and size + 1 + length > width:
            out.append(current)
            current, size = indent + "    " + word, len(indent) + 4 + length
        else:
            current += word if start else " " + word
            size += length if start else 1 + length
        start = False
    out.append(current)
    return out


def _location(path: str, line: int, column: int) -> str:
    return f"{visible(path)}:{line}:{column}:"


def finding_lines(finding: Finding, style: _Style) -> list[str]:
    span = finding.span
    head = (
        f"{style.path(_location(finding.file.path, span.line, span.column))} "
        f"{style.severity(finding.severity)} {style.rule(finding.rule)} {visible(finding.message)}"
    )
    if finding.object is not None:
        head += f" ({visible(finding.object.describe())})"
    out = [head]
    hint = rendered_hint(finding)
    if hint is not None:
        out.append(f"  rendered from: {visible(hint)}")
    elif finding.source_template:
        out.append(f"  source: {visible(finding.source_template)}")
    for rel in finding.related:
        note = (
            f"  note: {style.path(_location(rel.file.path, rel.span.line, rel.span.column))} "
            f"{visible(rel.message)}"
        )
        if rel.object is not None:
            note += f" ({visible(rel.object.describe())})"
        out.append(note)
    if finding.fix is not None:
        out.append(f"  fix: {visible(finding.fix.description)}")
    if finding.suppression is not None:
        sup = finding.suppression
        out.append(f"  suppressed: {visible(sup.source)}: {visible(sup.justification)}")
    return out


def summary_line(report: Report, suppressed_hint: str | None = None) -> str:
    """`Found 3 findings (1 error, 1 warning, 1 note) in 2 of 5 files; 2 suppressed (hint).`"""
    counts = report.counts()
    total = sum(counts.values())
    # a finding mapped to a template counts for the rendered stream it was found in
    with_findings = {(f.rendered or f).file.path for f in report.active}
    # Findings can sit in a file that was not linted (an expired exclude in the config).
    n_files = len(set(report.files) | with_findings)
    if total:
        parts = ", ".join(plural(counts[s], s.value) for s in SEVERITY_ORDER if counts[s])
        text = (
            f"Found {plural(total, 'finding')} ({parts}) "
            f"in {len(with_findings)} of {plural(n_files, 'file')}"
        )
    elif n_files:
        text = f"No findings in {plural(n_files, 'file')}"
    else:
        text = "No files checked"
    suppressed = len(report.suppressed)
    if suppressed:
        text += f"; {suppressed} suppressed"
        if suppressed_hint:
            text += f" ({suppressed_hint})"
    return text + "."
