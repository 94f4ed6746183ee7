"""Formatters: one module each, one registry. A formatter turns a Report into text.

A formatter is `render(report: Report, options: RenderOptions) -> str`; it returns the whole
report (nothing is printed) and is imported only when its format is chosen. A formatter of big
reports also has `pieces(report, options)`, the same text in pieces, which the CLI writes as
they come (`writer`).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from netlint.model import Finding, Fix, ObjectRef, Rendering, Severity, SourceFile
from netlint.report.escape import plain

if TYPE_CHECKING:
    from netlint.api import Report

FORMATS = ("text", "json", "sarif", "github")

# format name -> module:function; imported only when that format is used
_REGISTRY: dict[str, str] = {
    "text": "netlint.report.text:render",
    "json": "netlint.report.json_report:render",
    "sarif": "netlint.report.sarif:render",
    "github": "netlint.report.github:render",
}


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False  # text: ANSI colours (the CLI decides: TTY, NO_COLOR, --color)
    show_suppressed: bool = False  # text: list suppressed findings with their reason
    quiet: bool = False  # text: findings only, no summary line
    tool_version: str = ""  # json, sarif: the netlint version to record
    # sarif, github: the directory that file paths are relative to (the repository root)
    base_dir: str | None = None
    # sarif, json: leave suppressed findings out (GitHub code scanning opens alerts for SARIF
    # results that carry `suppressions` unless the repository treats them as dismissed)
    omit_suppressed: bool = False
    # text: wrap lines to this many columns (the CLI sets the terminal's width on a TTY)
    width: int | None = None


def _module(fmt: str) -> tuple[Any, str]:
    """The formatter's module, imported now, and the name of its render function."""
    module, _, func = _REGISTRY[fmt].partition(":")
    return importlib.import_module(module), func


def renderer(fmt: str) -> Callable[[Report, RenderOptions], str]:
    module, func = _module(fmt)
    fn: Callable[[Report, RenderOptions], str] = getattr(module, func)
    return fn


def writer(fmt: str) -> Callable[[Report, RenderOptions], Iterable[str]]:
    """What the CLI writes: the formatter's `pieces(report, options)`, the text of its
    `render` in pieces, where it has one (a big report is then never held whole); else its
    `render` as one piece."""
    found: Callable[[Report, RenderOptions], Iterable[str]] | None = getattr(
        _module(fmt)[0], "pieces", None
    )
    if found is not None:
        return found
    render = renderer(fmt)
    return lambda report, options: (render(report, options),)


# ---- helpers shared by the formatters -------------------------------------------------------

# findings written at a time by the formatters' `pieces`: a report is written as it is made
RUN = 1000


def runs(findings: list[Finding]) -> Iterator[list[Finding]]:
    """`findings` in order, RUN at a time (the last run may be shorter)."""
    size = RUN
    for start in range(0, len(findings), size):
        yield findings[start : start + size]


SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.NOTE)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def object_dict(ref: ObjectRef | None) -> dict[str, Any] | None:
    """The `object` of the JSON report and of SARIF result properties."""
    if ref is None:
        return None
    return {
        "apiVersion": ref.api_version,
        "kind": ref.kind,
        "namespace": ref.namespace,
        "name": ref.name,
    }


def fix_dict(fix: Fix | None) -> dict[str, Any] | None:
    """The machine-readable `fix` of the JSON report and of SARIF result properties."""
    if fix is None:
        return None
    return {
        "description": fix.description,
        "path": [plain(p) for p in fix.path],
        "value": plain(fix.value),
        "delete": fix.delete,
    }


def rendered_dict(r: Rendering) -> dict[str, Any]:
    """The `rendered` of the JSON report and of SARIF result properties."""
    return {
        "file": r.file.path,
        "line": r.span.line,
        "column": r.span.column,
        "end_line": r.span.end_line,
        "end_column": r.span.end_column,
        "tool": r.tool,
        "target": r.target,
        "name": r.name,
        "origin": r.origin,
    }


def rendered_hint(f: Finding) -> str | None:
    """`charts/web[values-prod.yaml]:14:3 (edge/templates/service.yaml)`: where a mapped
    finding was rendered, for the text and GitHub hint line; None when it was not mapped."""
    r = f.rendered
    if r is None or r.mapping == "none":
        return None
    text = f"{r.file.path}:{r.span.line}:{r.span.column}"
    if r.origin and r.origin != f.file.path:
        text += f" ({r.origin})"
    return text


def repo_path(file: SourceFile, base_dir: str | None) -> str | None:
    """`file` relative to `base_dir` with '/' separators, or None when it is outside it.

    Files without an absolute path (stdin, the config file) keep their display path when that
    is relative: it was given relative to the working directory, which is the base."""
    if file.abspath is None or base_dir is None:
        return None if _is_absolute(file.path) else file.path
    try:
        rel = os.path.relpath(file.abspath, os.path.realpath(base_dir))
    except ValueError:  # another drive (Windows)
        return None
    parts = PurePath(rel).parts
    if not parts or parts[0] == os.pardir:
        return None
    return "/".join(parts)


class RepoPaths:
    """`repo_path` against one base directory, worked out once per file: a report names few
    files many times, and each answer costs a realpath (system calls) and a relpath. One per
    report, so a base directory is resolved as it is when that report is written."""

    __slots__ = ("_known", "base_dir")

    def __init__(self, base_dir: str | None) -> None:
        self.base_dir = base_dir
        self._known: dict[tuple[str | None, str], str | None] = {}

    def __call__(self, file: SourceFile) -> str | None:
        key = (file.abspath, file.path)  # all that repo_path reads of the file
        known = self._known
        if key in known:
            return known[key]
        found = known[key] = repo_path(file, self.base_dir)
        return found


def _is_absolute(path: str) -> bool:
    return path.startswith("/") or PurePath(path).is_absolute()
