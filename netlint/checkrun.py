"""`netlint check` without the CLI framework: parsed options in, exit code out.

Both ways into the command end here: the typer command (netlint/commands.py, which also gives
`--help` and the usage errors) and the fast path of netlint/cli.py, which reads a well-formed
`netlint check ...` command line itself (netlint/argv.py) so that a pre-commit run on one file
does not pay for importing the CLI framework. Nothing here imports typer or click.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

from netlint import __version__

if TYPE_CHECKING:
    from netlint.catalog import RuleMeta
    from netlint.config import Config
    from netlint.render import RenderSettings

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_KEPT: list[object] = []  # run_check's last report (see there)

FORMATS = ("text", "json", "sarif", "github")
FAIL_ON = ("error", "warning", "note", "never")


@dataclass(frozen=True)
class CheckOptions:
    """Every option of `netlint check`, as the command receives them (the defaults are the
    command's defaults; tests/test_argv.py checks both ways of parsing agree)."""

    paths: tuple[str, ...] = ()
    fmt: str | None = None
    output: FsPath | None = None
    config: FsPath | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    stdin_filename: str = "<stdin>"
    baseline: FsPath | None = None
    write_baseline: FsPath | None = None
    show_suppressed: bool = False
    omit_suppressed: bool = False
    quiet: bool = False
    color: bool | None = None
    helm_values: tuple[str, ...] = ()
    helm_variant: tuple[str, ...] = ()
    helm_set: tuple[str, ...] = ()
    helm_release: str = "release-name"
    helm_namespace: str | None = None
    no_render: bool = False
    render_timeout: float = 120.0
    jobs: int | None = None  # None: parallel.auto_jobs


class Exit(Exception):
    """End the command with this exit code (its messages are already written)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


# what click's echo removes from text written to something that is not a terminal
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def say(message: str, err: bool = True) -> None:
    """One line to stderr (or stdout), as the CLI framework's echo writes it."""
    stream = sys.stderr if err else sys.stdout
    if not _isatty(stream):
        message = _ANSI.sub("", message)
    stream.write(message + "\n")
    stream.flush()


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


def fail(message: str) -> Exit:
    say(f"netlint: {message}")
    return Exit(EXIT_ERROR)


def load_config_for(path: FsPath | None, targets: list[str]) -> Config:
    """The config in force: `path`, else the nearest one around the working directory, else
    the nearest one above the first checked path, else the defaults. Exit 2 on a broken one."""
    from netlint.config import find_config, load_config
    from netlint.validation import FileError

    try:
        if path is not None:
            if not path.is_file():
                raise fail(f"{path}: config file not found")
            return load_config(path, str(path))
        found = find_config(FsPath.cwd())
        if found is None:
            first = next((t for t in targets if t != "-"), None)
            if first is not None:
                start = FsPath(first)
                found = find_config(start if start.is_dir() else start.parent)
        if found is None:
            return load_config(None)
        from netlint.inputs import display_path

        return load_config(found, display_path(found, FsPath.cwd()))
    except FileError as exc:
        for message in exc.messages:
            say(message)
        raise Exit(EXIT_ERROR) from None


def rules_for(cfg: Config | None = None) -> tuple[RuleMeta, ...]:
    """The built-in rules, and the custom rules of the config's `rules_dirs`."""
    from netlint.catalog import CatalogError
    from netlint.custom import load_all_rules

    try:
        return load_all_rules(cfg)
    except CatalogError as exc:
        for message in exc.messages:
            say(message)
        raise Exit(EXIT_ERROR) from None


def split_tokens(values: tuple[str, ...] | list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def run_check(opts: CheckOptions) -> int:
    """Run `netlint check`; returns the exit code (raises Exit for the error exits)."""
    from netlint.api import lint
    from netlint.catalog import CatalogError
    from netlint.engine import SelectionError
    from netlint.report import RenderOptions, writer
    from netlint.suppress import BaselineError, baseline_document, read_baseline

    targets = list(opts.paths) or ["."]
    cfg = load_config_for(opts.config, targets)
    all_rules = rules_for(cfg)
    # one byte past the limit is enough to refuse a too big input without holding all of it
    max_stdin = cfg.model.limits.max_file_bytes + 1
    stdin = sys.stdin.buffer.read(max_stdin) if "-" in targets else None
    known: set[str] | None = None
    if opts.baseline is not None:
        try:
            known = read_baseline(opts.baseline)
        except BaselineError as exc:
            raise fail(str(exc)) from None
    from netlint.progress import for_stream

    progress = None if opts.quiet else for_stream(sys.stderr)
    try:
        report = lint(
            targets,
            cfg,
            stdin=stdin,
            stdin_filename=opts.stdin_filename,
            select=split_tokens(opts.select),
            ignore=split_tokens(opts.ignore),
            baseline=known,
            rules=all_rules,
            progress=progress,
            jobs=opts.jobs,
            render=render_settings(opts),
        )
    except (SelectionError, CatalogError) as exc:
        raise fail(str(exc)) from None
    finally:
        if progress is not None:
            progress.close()
    # the run's objects are left to the end of the process (cli._exit_now), not freed one by
    # one when this function returns: the last report is kept here
    _KEPT[:] = [report]
    # The run's objects live until the process ends: keep the cyclic collector from scanning
    # them again and again while the report is written (a third of a big run's time otherwise)
    import gc

    gc.freeze()
    from netlint.report.escape import visible  # file names can hold escape sequences too

    for message in (*report.notices, *report.errors):
        # every line is escaped and starts with "netlint:": the GitHub runner reads a workflow
        # command from any stderr line that starts with "::" after leading spaces
        for line in message.split("\n"):
            say(f"netlint: {visible(line)}")
    chosen = opts.fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    tty = opts.output is None and sys.stdout.isatty()
    use_color = (
        opts.color
        if opts.color is not None
        else (tty and chosen == "text" and not os.environ.get("NO_COLOR"))
    )
    # a terminal gets the text report wrapped to its width; pipes and files get one line each
    wrap_width = None
    if tty and chosen == "text":
        import shutil

        wrap_width = min(max(shutil.get_terminal_size().columns, 40), 120)
    options = RenderOptions(
        width=wrap_width,
        color=bool(use_color),
        show_suppressed=opts.show_suppressed,
        omit_suppressed=opts.omit_suppressed,
        quiet=opts.quiet,
        tool_version=__version__,
        base_dir=str(FsPath.cwd()),
    )
    pieces = writer(chosen)(report, options)  # written as they are made
    if opts.output is not None:
        try:
            with opts.output.open("w", encoding="utf-8") as out:
                for piece in pieces:
                    out.write(piece)
        except OSError as exc:
            raise fail(f"{opts.output}: cannot write: {exc.strerror or exc}") from None
    else:
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
    if opts.write_baseline is not None:
        try:
            opts.write_baseline.write_text(baseline_document(report.findings), "utf-8")
        except OSError as exc:
            raise fail(f"{opts.write_baseline}: cannot write: {exc.strerror or exc}") from None
    if report.errors:
        return EXIT_ERROR
    level = opts.fail_on if opts.fail_on is not None else (cfg.model.fail_on or "error")
    if level != "never":
        from netlint.model import Severity

        threshold = Severity(level).rank
        if any(f.severity.rank >= threshold for f in report.active):
            return EXIT_FINDINGS
    return EXIT_OK


def render_settings(opts: CheckOptions) -> RenderSettings:
    from netlint.render import RenderSettings

    if opts.render_timeout <= 0:
        raise fail("--render-timeout: must be more than 0 seconds")
    return RenderSettings(
        enabled=not opts.no_render,
        helm_values=opts.helm_values,
        helm_variants=tuple(
            tuple(split_tokens([v])) for v in opts.helm_variant if split_tokens([v])
        ),
        helm_set=opts.helm_set,
        helm_release=opts.helm_release,
        helm_namespace=opts.helm_namespace,
        timeout=opts.render_timeout,
    )
