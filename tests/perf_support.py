"""Shared by the performance tests: a report rendered the way the CLI renders it."""

from __future__ import annotations

from pathlib import Path

from netlint.api import Report
from netlint.report import RenderOptions, renderer

FORMATS = ("text", "json", "sarif", "github")


def render(report: Report, fmt: str, base: Path) -> str:
    """`fmt` of `report` with suppressed findings shown, no colour, a fixed version."""
    options = RenderOptions(
        color=False,
        show_suppressed=True,
        omit_suppressed=False,
        quiet=False,
        tool_version="test",
        base_dir=str(base),
    )
    return renderer(fmt)(report, options)


def render_all(report: Report, base: Path) -> dict[str, str]:
    return {fmt: render(report, fmt, base) for fmt in FORMATS}
