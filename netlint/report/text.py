"""Plain text report (placeholder until the full formatter lands)."""

from __future__ import annotations

from netlint.api import Report
from netlint.report import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    lines = []
    for f in report.active:
        obj = f" ({f.object.describe()})" if f.object else ""
        lines.append(
            f"{f.file.path}:{f.span.line}:{f.span.column}: {f.severity.value} {f.rule} {f.message}{obj}"
        )
    return "\n".join(lines) + ("\n" if lines else "")
