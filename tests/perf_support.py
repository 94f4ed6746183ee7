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


def yaml_texts(folder: Path) -> list[tuple[str, str]]:
    """(name, text) of every UTF-8 `*.yaml`, `*.yml` and `*.json` file under `folder`."""
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json"):
            try:
                out.append((path.name, path.read_bytes().decode("utf-8")))
            except UnicodeDecodeError:
                continue
    return out


def suite_texts(shared_dir: Path) -> list[tuple[str, str]]:
    """(name, text) of every `in.yaml` of the YAML test suite; skips the test without it."""
    import pytest

    suite = shared_dir / "yaml-test-suite"
    if not suite.is_dir():
        pytest.skip(f"{suite} is absent")
    return [(p.name, p.read_text("utf-8")) for p in sorted(suite.rglob("in.yaml"))]
