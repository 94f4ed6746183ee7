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
    from netlint.render import RenderSettings

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


class PageFmt(str, Enum):
    text = "text"
    markdown = "markdown"


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


def _rules(cfg: Config | None = None) -> tuple[RuleMeta, ...]:
    """The built-in rules, and the custom rules of the config's `rules_dirs`."""
    from netlint.catalog import CatalogError
    from netlint.custom.rules import load_all_rules

    try:
        return load_all_rules(cfg)
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
            help="Files and directories to check (directories: *.yaml *.yml *.json; Helm charts "
            "and kustomizations are rendered); - for stdin."
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
    helm_values: Annotated[
        list[str] | None,
        typer.Option(
            "--helm-values",
            metavar="FILE",
            help="Charts: a values file for `helm template` (repeatable, layered in order).",
        ),
    ] = None,
    helm_variant: Annotated[
        list[str] | None,
        typer.Option(
            "--helm-variant",
            metavar="FILE[,FILE]",
            help="Charts: render once more per variant, with these values files after "
            "--helm-values; each render is reported under its own name (repeatable).",
        ),
    ] = None,
    helm_set: Annotated[
        list[str] | None,
        typer.Option(
            "--helm-set", metavar="KEY=VALUE", help="Charts: `helm template --set` (repeatable)."
        ),
    ] = None,
    helm_release: Annotated[
        str, typer.Option("--helm-release", metavar="NAME", help="Charts: the release name.")
    ] = "release-name",
    helm_namespace: Annotated[
        str | None,
        typer.Option("--helm-namespace", metavar="NS", help="Charts: the release namespace."),
    ] = None,
    no_render: Annotated[
        bool,
        typer.Option(
            "--no-render",
            help="Do not run helm or kustomize: charts and kustomizations are skipped with a "
            "notice (their files are still never linted raw).",
        ),
    ] = False,
    render_timeout: Annotated[
        float,
        typer.Option("--render-timeout", metavar="SECONDS", help="Stop a render after this long."),
    ] = 120.0,
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
    all_rules = _rules(cfg)
    # one byte past the limit is enough to refuse a too big input without holding all of it
    max_stdin = cfg.model.limits.max_file_bytes + 1
    stdin = sys.stdin.buffer.read(max_stdin) if "-" in targets else None
    known: set[str] | None = None
    if baseline is not None:
        try:
            known = read_baseline(baseline)
        except BaselineError as exc:
            raise _fail(str(exc)) from None
    from netlint.progress import for_stream

    progress = None if quiet else for_stream(sys.stderr)
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
            progress=progress,
            jobs=jobs,
            render=_render_settings(
                helm_values,
                helm_variant,
                helm_set,
                helm_release,
                helm_namespace,
                no_render,
                render_timeout,
            ),
        )
    except (SelectionError, CatalogError) as exc:
        raise _fail(str(exc)) from None
    finally:
        if progress is not None:
            progress.close()
    # The run's objects live until the process ends: keep the cyclic collector from scanning
    # them again and again while the report is written (a third of a big run's time otherwise)
    import gc

    gc.freeze()
    from netlint.report.escape import visible  # file names can hold escape sequences too

    for message in (*report.notices, *report.errors):
        # every line is escaped and starts with "netlint:": the GitHub runner reads a workflow
        # command from any stderr line that starts with "::" after leading spaces
        for line in message.split("\n"):
            typer.echo(f"netlint: {visible(line)}", err=True)
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
    # a terminal gets the text report wrapped to its width; pipes and files get one line each
    wrap_width = None
    if output is None and chosen == "text" and sys.stdout.isatty():
        import shutil

        wrap_width = min(max(shutil.get_terminal_size().columns, 40), 120)
    options = RenderOptions(
        width=wrap_width,
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


def _render_settings(
    values: list[str] | None,
    variants: list[str] | None,
    sets: list[str] | None,
    release: str,
    namespace: str | None,
    no_render: bool,
    timeout: float,
) -> RenderSettings:
    from netlint.render import RenderSettings

    if timeout <= 0:
        raise _fail("--render-timeout: must be more than 0 seconds")
    return RenderSettings(
        enabled=not no_render,
        helm_values=tuple(values or ()),
        helm_variants=tuple(tuple(_split([v])) for v in variants or () if _split([v])),
        helm_set=tuple(sets or ()),
        helm_release=release,
        helm_namespace=namespace,
        timeout=timeout,
    )


@app.command("rules")
def rules_cmd(
    fmt: Annotated[
        ListFmt, typer.Option("--format", "-f", help="text, json or markdown.")
    ] = ListFmt.text,
    config: Annotated[
        FsPath | None,
        typer.Option("--config", "-c", help="Config whose rules_dirs add custom rules."),
    ] = None,
) -> None:
    """List every rule: ID, name, severity, enabled, summary."""
    from netlint.explain import rules_table
    from netlint.report.sarif import RULE_DOC_URI

    # markdown links go to the published rule pages, so the table works wherever it is pasted
    typer.echo(
        rules_table(_rules(_load_config(config, [])), fmt.value, link=RULE_DOC_URI), nl=False
    )


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="Rule ID or name, e.g. NL101.")],
    config: Annotated[
        FsPath | None,
        typer.Option("--config", "-c", help="Config whose cluster profile the tables use."),
    ] = None,
    fmt: Annotated[
        PageFmt, typer.Option("--format", "-f", help="text (for the terminal) or markdown.")
    ] = PageFmt.text,
) -> None:
    """Print the full page of one rule: what, why, example, fix, parameters."""
    from dataclasses import replace

    from netlint.custom.catalogs import explain_sections
    from netlint.explain import find_rule, page_model, render_markdown, render_text

    cfg = _load_config(config, [])
    meta = find_rule(_rules(cfg), rule)
    if meta is None:
        raise _fail(f"unknown rule {rule!r}; `netlint rules` lists them")
    # tables in the page (MTU per encapsulation, ...) use the cluster profile in force here
    page = page_model(meta, cfg)
    # the config's additions to the catalogs this rule reads, marked as from the config
    page = replace(page, sections=(*page.sections, *explain_sections(meta, cfg)))
    render = render_markdown if fmt is PageFmt.markdown else render_text
    typer.echo(render(page), nl=False)


@app.command("test-rules")
def test_rules(
    directory: Annotated[
        FsPath | None,
        typer.Argument(
            help="A folder of custom rules (<ID>-<name>/rule.yaml + pass/ + fail/). Default: "
            "the config's rules_dirs, else netlint's own rules."
        ),
    ] = None,
    config: Annotated[
        FsPath | None,
        typer.Option("--config", "-c", help="Config whose rules_dirs hold the rules to test."),
    ] = None,
) -> None:
    """Run every pass/ and fail/ fixture of the rules and report each mismatch with file:line;
    exit 1 on any."""
    from netlint.catalog import CatalogError, load_rules
    from netlint.custom.rules import combine, load_custom_rules, rules_dirs
    from netlint.fixtures import verify
    from netlint.validation import FileError

    cfg = _load_config(config, [str(directory)] if directory is not None else [])
    try:
        builtin = load_rules()
        if directory is not None:
            tested = load_custom_rules([directory], builtin)
        elif cfg.model.rules_dirs:
            tested = load_custom_rules(rules_dirs(cfg), builtin)
        else:
            tested = builtin
        everything = tested if tested is builtin else combine(builtin, tested)
    except CatalogError as exc:
        for message in exc.messages:
            typer.echo(message, err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if not tested:
        where = str(directory) if directory is not None else "the config's rules_dirs"
        typer.echo(f"{where}: no rules (folders <ID>-<name>/ with a rule.yaml) to test")
        raise typer.Exit(EXIT_FINDINGS)
    scope = None if tested is builtin else frozenset(r.id for r in tested)
    try:
        result = verify(tested, everything, FsPath.cwd(), scope)
    except FileError as exc:  # a fixture's `# netlint-config:` comment is broken
        for message in exc.messages:
            typer.echo(message, err=True)
        raise typer.Exit(EXIT_ERROR) from None
    for problem in result.problems:
        typer.echo(problem)
    verdict = "ok" if result.ok else f"{len(result.problems)} problem(s)"
    typer.echo(f"test-rules: {result.fixtures} fixture(s) of {result.rules} rule(s): {verdict}")
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FINDINGS)


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
