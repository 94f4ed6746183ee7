"""The typer commands: options, help and usage errors. `check` itself runs in
netlint/checkrun.py (shared with the fast path of netlint/cli.py, which starts the program).

Heavy modules (the rule engine, pydantic, formatters) are imported inside the commands."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from netlint import __version__
from netlint.checkrun import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from netlint.catalog import RuleMeta
    from netlint.config import Config


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


T = TypeVar("T")


def _framework_exit(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` with checkrun's Exit turned into typer's (its messages are written)."""
    from netlint.checkrun import Exit

    try:
        return fn(*args)
    except Exit as exc:
        raise typer.Exit(exc.code) from None


def _load_config(path: FsPath | None, targets: list[str]) -> Config:
    from netlint.checkrun import load_config_for

    return _framework_exit(load_config_for, path, targets)


def _rules(cfg: Config | None = None) -> tuple[RuleMeta, ...]:
    """The built-in rules, and the custom rules of the config's `rules_dirs`."""
    from netlint.checkrun import rules_for

    return _framework_exit(rules_for, cfg)


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
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            show_default="one per 256 KiB of input, at most the CPU count",
            help="Processes that load the files and run the rules; the report is the same for "
            "any number.",
        ),
    ] = None,
) -> None:
    """Check manifests and report findings."""
    from netlint.checkrun import CheckOptions, run_check

    opts = CheckOptions(
        paths=tuple(paths or ()),
        fmt=fmt.value if fmt is not None else None,
        output=output,
        config=config,
        select=tuple(select or ()),
        ignore=tuple(ignore or ()),
        fail_on=fail_on.value if fail_on is not None else None,
        stdin_filename=stdin_filename,
        baseline=baseline,
        write_baseline=write_baseline,
        show_suppressed=show_suppressed,
        omit_suppressed=omit_suppressed,
        quiet=quiet,
        color=color,
        helm_values=tuple(helm_values or ()),
        helm_variant=tuple(helm_variant or ()),
        helm_set=tuple(helm_set or ()),
        helm_release=helm_release,
        helm_namespace=helm_namespace,
        no_render=no_render,
        render_timeout=render_timeout,
        jobs=jobs,
    )
    _check_options(opts)
    raise typer.Exit(_framework_exit(run_check, opts))


def _check_options(opts: object) -> None:
    """Where `check` hands over its options (tests/test_argv.py replaces it to capture them)."""


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

    from netlint.config_model import config_json_schema

    typer.echo(json.dumps(config_json_schema(), indent=2))
