"""The fast path's reading of `netlint check` (netlint/argv.py) against typer's: for every option
and form it accepts, both give the same CheckOptions; whatever it refuses goes to typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from conftest import ROOT, run_cli
from typer.testing import CliRunner

from netlint import commands
from netlint.argv import option_names, parse_check
from netlint.checkrun import CheckOptions


class _Captured(Exception):
    def __init__(self, opts: CheckOptions) -> None:
        super().__init__()
        self.opts = opts


def typer_reading(args: list[str], monkeypatch: pytest.MonkeyPatch) -> CheckOptions | int:
    """The CheckOptions typer builds for `check ARGS`, or its exit code when it refuses them."""

    def capture(opts: object) -> None:
        assert isinstance(opts, CheckOptions)
        raise _Captured(opts)

    monkeypatch.setattr(commands, "_check_options", capture)
    result = CliRunner().invoke(commands.app, ["check", *args])
    if isinstance(result.exception, _Captured):
        return result.exception.opts
    assert result.exit_code != 0, result.output
    return result.exit_code


ACCEPTED = [
    [],
    ["a.yaml"],
    ["-"],
    ["a.yaml", "dir/", "-"],
    ["--format", "json", "a.yaml"],
    ["--format=sarif", "a.yaml"],
    ["-f", "github"],
    ["-ftext"],
    ["a.yaml", "-o", "out.json", "b.yaml"],
    ["--output=out.sarif", "-oother"],
    ["-o=x"],  # click reads the value of `-o=x` as "=x"
    ["--config", "cfg.yaml", "-c", "second.yaml"],  # the last one wins
    ["--select", "NL1,NL2", "--select", "NL401", "--ignore", "NL002"],
    ["--select="],
    ["--fail-on", "never"],
    ["--fail-on=warning", "--fail-on", "note"],
    ["--stdin-filename", "chart.yaml", "-"],
    ["--stdin-filename", "--quiet"],  # a value is taken even when it looks like an option
    ["--baseline", "b.txt", "--write-baseline", "w.txt"],
    ["--show-suppressed", "--omit-suppressed", "--quiet", "-q"],
    ["--color"],
    ["--no-color"],
    ["--color", "--no-color"],
    ["--helm-values", "v1.yaml", "--helm-values=v2.yaml", "--helm-variant", "a.yaml,b.yaml"],
    ["--helm-set", "a=b", "--helm-set=c=d", "--helm-release", "rel", "--helm-namespace", "ns"],
    ["--no-render", "--render-timeout", "30"],
    ["--render-timeout=2.5", "--render-timeout", ".5"],
    ["--jobs", "2", "-j4", "-j", "08"],
    ["--", "--format", "-q"],
    ["a.yaml", "--", "-"],
]


@pytest.mark.parametrize("args", ACCEPTED, ids=" ".join)
def test_both_readings_agree(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = parse_check(args)
    assert fast is not None
    assert typer_reading(args, monkeypatch) == fast


def test_a_plain_reading() -> None:
    assert parse_check(["a.yaml", "-f", "json", "--select", "NL1", "-j2"]) == CheckOptions(
        paths=("a.yaml",), fmt="json", select=("NL1",), jobs=2
    )
    assert parse_check([]) == CheckOptions()


REFUSED = [
    ["--help"],
    ["-h"],
    ["--bogus"],
    ["--format"],  # no value
    ["--format", "yaml"],
    ["--format", "JSON"],
    ["--format="],
    ["--fail-on", "critical"],
    ["--jobs", "0"],
    ["--jobs", "two"],
    ["--jobs", "+2"],
    ["--render-timeout", "1e3"],
    ["--render-timeout", "inf"],
    ["--quiet=yes"],
    ["-qfjson"],  # combined short flags: typer reads them
    ["--output="],
    ["--form", "json"],  # no abbreviations
    ["-x"],
]


@pytest.mark.parametrize("args", REFUSED, ids=" ".join)
def test_what_it_refuses_goes_to_typer(args: list[str]) -> None:
    assert parse_check(args) is None


def test_it_knows_every_option_of_the_command() -> None:
    command = typer.main.get_command(commands.app).commands["check"]  # type: ignore[attr-defined]
    declared = {
        name
        for param in command.params
        for name in (*param.opts, *param.secondary_opts)
        if name.startswith("-")
    }
    assert option_names() == declared - {"--help"}


def test_the_fast_path_gives_typers_output(tmp_path: Path) -> None:
    """The same run both ways: the fast path, and typer (reached by an option spelt in a way
    only typer reads: combined short flags)."""
    fast = run_cli("check", "examples", "-q", "-f", "json", cwd=ROOT)
    slow = run_cli("check", "examples", "-qfjson", cwd=ROOT)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )
    assert fast.returncode == 1


def test_usage_errors_still_come_from_typer() -> None:
    result = run_cli("check", "--format", "yaml", "examples", cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--format' / '-f': Value error, 'yaml' is not one of 'text', "
        "'json', 'sarif', 'github'."
    )


_IMPORTS = """\
import os, sys
real_exit = os._exit
def end(code):
    heavy = [m for m in ("typer", "click", "typer._click", "pydantic", "jsonschema",
                         "subprocess", "tempfile", "netlint.render.helm") if m in sys.modules]
    sys.stderr.write("HEAVY " + " ".join(heavy) + "\\n")
    sys.stderr.flush()
    real_exit(code)
os._exit = end
sys.argv = ["netlint", *sys.argv[1:]]
from netlint.cli import main
main()
"""


def test_a_check_without_a_config_imports_no_framework(tmp_path: Path) -> None:
    """Neither typer (nor click) nor pydantic: the first run builds netlint's cache of validated
    rule metadata with pydantic; every later one reads it. Nor what only a render needs (the
    process tools, the helm module)."""
    manifest = tmp_path / "a.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "utf-8")

    def heavy() -> str:
        proc = subprocess.run(
            [sys.executable, "-c", _IMPORTS, "check", str(manifest), "-f", "json"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "NETLINT_CACHE_DIR": str(tmp_path / "cache")},
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stderr.splitlines()[-1]

    assert heavy() == "HEAVY pydantic tempfile"  # pydantic loads its plugins (importlib.resources)
    assert heavy() == "HEAVY "
