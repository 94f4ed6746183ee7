"""Formatters: one module each, one registry. A formatter turns a Report into text."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

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
    color: bool = False
    show_suppressed: bool = False
    quiet: bool = False
    tool_version: str = ""
    # SARIF: the directory that file paths are relative to (the repository root)
    base_dir: str | None = None


def renderer(fmt: str) -> Callable[[Report, RenderOptions], str]:
    module, _, func = _REGISTRY[fmt].partition(":")
    fn: Callable[[Report, RenderOptions], str] = getattr(importlib.import_module(module), func)
    return fn
