"""Command line: thin. Parse options, call the API, pick a formatter, return an exit code.

Heavy modules (the rule engine, pydantic, formatters) are imported inside the commands."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Annotated

import typer

from netlint import __version__

if TYPE_CHECKING:
    from netlint.catalog import RuleMeta
    from netlint.config import Config

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="netlint",
    help="Lint Kubernetes manifests for network and infrastructure mistakes: overlay MTU, "
    "ingress client IP, etcd storage, EEA data locality.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
config_app = typer.Typer(help="Configuration helpers.", no_args_is_help=True)
app.add_typer(config_app, name="config")


class Fmt(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


class ListFmt(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netlint {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """netlint: network and infrastructure lint for Kubernetes manifests."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"netlint: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _load_config(path: FsPath | None, targets: list[str]) -> Config:
    from netlint.config import find_config, load_config
    from netlint.validation import FileError

    try:
        if path is not None:
            if not path.is_file():
                raise _fail(f"{path}: config file not found")
            return load_config(path, str(path))
        found = find_config(FsPath.cwd())
        if found is None:
            # none around the working directory: the nearest one above the checked path
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
            typer.echo(message, err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _rules() -> tuple[RuleMeta, ...]:
    from netlint.catalog import CatalogError, load_rules

    try:
        return load_rules()
    except CatalogError as exc:
        for message in exc.messages:
            typer.echo(message, err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or []:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files and directories to check (directories: *.yaml *.yml *.json); - for stdin."
        ),
    ] = None,
    fmt: Annotated[
        Fmt | None,
        typer.Option(
            "--format", "-f", help="Report format (default: text; github under GitHub Actions)."
        ),
    ] = None,
    output: Annotated[
        FsPath | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    config: Annotated[
        FsPath | None,
        typer.Option(
            "--config",
            "-c",
            help="Config file (default: nearest .netlint.yaml or pyproject.toml [tool.netlint]).",
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="Only these rules: ID, prefix (NL1) or name; repeatable or comma-separated.",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Skip these rules: ID, prefix or name.")
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding is at or above this severity "
            "(default: the config's fail_on, else error).",
        ),
    ] = None,
    stdin_filename: Annotated[
        str, typer.Option("--stdin-filename", help="Name for '-' in reports.")
    ] = "<stdin>",
    baseline: Annotated[
        FsPath | None,
        typer.Option("--baseline", help="Hide findings whose fingerprint is in this file."),
    ] = None,
    write_baseline: Annotated[
        FsPath | None,
        typer.Option(
            "--write-baseline", help="Write the fingerprints of all findings to this file."
        ),
    ] = None,
    show_suppressed: Annotated[
        bool, typer.Option("--show-suppressed", help="List suppressed findings too.")
    ] = False,
    omit_suppressed: Annotated[
        bool,
        typer.Option(
            "--omit-suppressed",
            help="SARIF/JSON: leave suppressed findings out (GitHub code scanning shows SARIF "
            "results with suppressions as open alerts unless the repository dismisses them).",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Text: print findings only, no summary.")
    ] = False,
    color: Annotated[
        bool | None,
        typer.Option(
            "--color/--no-color", help="Force color on or off (default: on a TTY, unless NO_COLOR)."
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes for the rules, forked after loading; the report is the same for any "
            "number. Default 1: on 2 cores it does not pay off yet (see README, Performance).",
        ),
    ] = 1,
) -> None:
    """Check manifests and report findings."""
    from netlint.api import lint
    from netlint.catalog import CatalogError
    from netlint.engine import SelectionError
    from netlint.report import RenderOptions, renderer
    from netlint.suppress import BaselineError, baseline_document, read_baseline

    targets = paths or ["."]
    cfg = _load_config(config, targets)
    all_rules = _rules()
    stdin = sys.stdin.buffer.read() if "-" in targets else None
    known: set[str] | None = None
    if baseline is not None:
        try:
            known = read_baseline(baseline)
        except BaselineError as exc:
            raise _fail(str(exc)) from None
    try:
        report = lint(
            targets,
            cfg,
            stdin=stdin,
            stdin_filename=stdin_filename,
            select=_split(select),
            ignore=_split(ignore),
            baseline=known,
            rules=all_rules,
            jobs=jobs,
        )
    except (SelectionError, CatalogError) as exc:
        raise _fail(str(exc)) from None
    # The run's objects live until the process ends: keep the cyclic collector from scanning
    # them again and again while the report is written (a third of a big run's time otherwise)
    import gc

    gc.freeze()
    for notice in report.notices:
        typer.echo(f"netlint: {notice}", err=True)
    for error in report.errors:
        typer.echo(f"netlint: {error}", err=True)
    chosen = (
        fmt.value if fmt else ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    )
    use_color = (
        color
        if color is not None
        else (
            output is None
            and chosen == "text"
            and sys.stdout.isatty()
            and not os.environ.get("NO_COLOR")
        )
    )
    options = RenderOptions(
        color=bool(use_color),
        show_suppressed=show_suppressed,
        omit_suppressed=omit_suppressed,
        quiet=quiet,
        tool_version=__version__,
        base_dir=str(FsPath.cwd()),
    )
    text = renderer(chosen)(report, options)
    if output is not None:
        try:
            output.write_text(text, "utf-8")
        except OSError as exc:
            raise _fail(f"{output}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if write_baseline is not None:
        try:
            write_baseline.write_text(baseline_document(report.findings), "utf-8")
        except OSError as exc:
            raise _fail(f"{write_baseline}: cannot write: {exc.strerror or exc}") from None
    if report.errors:
        raise typer.Exit(EXIT_ERROR)
    level = fail_on.value if fail_on is not None else (cfg.model.fail_on or "error")
    if level != "never":
        from netlint.model import Severity

        threshold = Severity(level).rank
        if any(f.severity.rank >= threshold for f in report.active):
            raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


@app.command("rules")
def rules_cmd(
    fmt: Annotated[
        ListFmt, typer.Option("--format", "-f", help="text, json or markdown.")
    ] = ListFmt.text,
) -> None:
    """List every rule: ID, name, severity, enabled, summary."""
    from netlint.explain import rules_table

    typer.echo(rules_table(_rules(), fmt.value), nl=False)


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="Rule ID or name, e.g. NL101.")],
    config: Annotated[
        FsPath | None,
        typer.Option("--config", "-c", help="Config whose cluster profile the tables use."),
    ] = None,
) -> None:
    """Print the full page of one rule: what, why, example, fix, parameters."""
    from netlint.explain import find_rule, rule_page

    meta = find_rule(_rules(), rule)
    if meta is None:
        raise _fail(f"unknown rule {rule!r}; `netlint rules` lists them")
    # tables in the page (MTU per encapsulation, ...) use the cluster profile in force here
    typer.echo(rule_page(meta, _load_config(config, [])), nl=False)


@config_app.command("schema")
def config_schema() -> None:
    """Print the JSON Schema of .netlint.yaml (for editor completion)."""
    import json

    from netlint.config import config_json_schema

    typer.echo(json.dumps(config_json_schema(), indent=2))


def main() -> None:
    """Console entry point: never lets a traceback reach the user."""
    try:
        app()
    except SystemExit as exc:
        _exit_now(exc)
    except KeyboardInterrupt:
        typer.echo("netlint: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as exc:
        typer.echo(
            f"netlint: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in netlint; please report it with the input that caused it.",
            err=True,
        )
        sys.exit(EXIT_ERROR)


def _exit_now(exc: SystemExit) -> None:
    """Exit without the interpreter's teardown: freeing the millions of small objects of a big
    run one by one costs as much as a third of the run, for memory the OS reclaims anyway.
    Everything is written and flushed first; if flushing fails (a closed pipe), the normal
    exit runs and reports it as before."""
    code = exc.code
    if code is not None and not isinstance(code, int):
        raise exc  # SystemExit("message"): Python prints it
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        raise exc from None
    os._exit(code or 0)
