"""The fast path's reading of a `netlint check` command line, without the CLI framework.

Importing typer (and through it click and pydantic) and building its command takes longer than
checking a small file, and pre-commit starts netlint on every commit. So a command line that is
plainly well formed is read here; anything else (`--help`, an unknown or misspelt option, a
missing or invalid value, combined short flags, other commands) returns None and goes to typer,
which gives its usual help and error messages. What is accepted follows click's parser: options
and paths in any order, `--name value`, `--name=value`, `-f value`, `-fvalue`, the last of a
repeated single option wins, `--` ends the options. tests/test_argv.py checks that both readings
give the same CheckOptions for every option and form.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path as FsPath
from typing import Any

from netlint.checkrun import FAIL_ON, FORMATS, CheckOptions

# option -> (CheckOptions field, kind); kinds: flag:<value>, str, path, multi, choice:<set>,
# jobs (an int of at least 1), seconds (a float)
_OPTIONS: dict[str, tuple[str, str]] = {
    "--format": ("fmt", "choice:format"),
    "-f": ("fmt", "choice:format"),
    "--output": ("output", "path"),
    "-o": ("output", "path"),
    "--config": ("config", "path"),
    "-c": ("config", "path"),
    "--select": ("select", "multi"),
    "--ignore": ("ignore", "multi"),
    "--fail-on": ("fail_on", "choice:fail_on"),
    "--stdin-filename": ("stdin_filename", "str"),
    "--baseline": ("baseline", "path"),
    "--write-baseline": ("write_baseline", "path"),
    "--show-suppressed": ("show_suppressed", "flag:on"),
    "--omit-suppressed": ("omit_suppressed", "flag:on"),
    "--quiet": ("quiet", "flag:on"),
    "-q": ("quiet", "flag:on"),
    "--color": ("color", "flag:on"),
    "--no-color": ("color", "flag:off"),
    "--helm-values": ("helm_values", "multi"),
    "--helm-variant": ("helm_variant", "multi"),
    "--helm-set": ("helm_set", "multi"),
    "--helm-release": ("helm_release", "str"),
    "--helm-namespace": ("helm_namespace", "str"),
    "--no-render": ("no_render", "flag:on"),
    "--render-timeout": ("render_timeout", "seconds"),
    "--jobs": ("jobs", "jobs"),
    "-j": ("jobs", "jobs"),
}
_CHOICES = {"format": FORMATS, "fail_on": FAIL_ON}
_INT = re.compile(r"[0-9]+")
_FLOAT = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def option_names() -> frozenset[str]:
    return frozenset(_OPTIONS)


def parse_check(args: list[str]) -> CheckOptions | None:
    """The options of `netlint check ARGS...` (ARGS after the word `check`), or None when the
    command line is anything but plainly well formed."""
    values: dict[str, Any] = {}
    multi: dict[str, list[str]] = {}
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            paths.extend(args[i:])
            break
        if len(arg) < 2 or not arg.startswith("-"):
            paths.append(arg)
            continue
        explicit: str | None = None
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            if eq:
                explicit = value
        else:  # a short option: -q, -f json, -fjson
            name = arg[:2]
            if len(arg) > 2:
                explicit = arg[2:]
        spec = _OPTIONS.get(name)
        if spec is None:
            return None
        field, kind = spec
        if kind.startswith("flag:"):
            if explicit is not None:
                return None  # `--quiet=yes`, `-qf`: typer says what it makes of it
            values[field] = kind == "flag:on"
            continue
        if explicit is None:
            if i >= len(args):
                return None  # the value is missing
            explicit = args[i]
            i += 1
        value = _value(kind, explicit)
        if value is None:
            return None
        if kind == "multi":
            multi.setdefault(field, []).append(explicit)
        else:
            values[field] = value
    for field, items in multi.items():
        values[field] = tuple(items)
    return replace(CheckOptions(), paths=tuple(paths), **values)


def _value(kind: str, text: str) -> Any:
    """The option's value, or None when typer should judge it (it then reports the error)."""
    if kind in ("str", "multi"):
        return text
    if kind == "path":
        return FsPath(text) if text else None
    if kind.startswith("choice:"):
        return text if text in _CHOICES[kind[7:]] else None
    if kind == "jobs":
        return int(text) if _INT.fullmatch(text) and int(text) >= 1 else None
    if kind == "seconds":
        return float(text) if _FLOAT.fullmatch(text) else None
    raise AssertionError(kind)
