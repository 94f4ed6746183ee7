"""Rule selection (--select / --ignore and the config's select / ignore) and severity overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from test_config import invoke

MIXED = ROOT / "tests" / "fixtures" / "config" / "mixed.yaml"
# mixed.yaml: NL006 (warning) line 6, NL005 (warning) line 7, NL002 (error) line 10,
# NL003 (note) line 12
ALL = [("NL006", 6), ("NL005", 7), ("NL002", 10), ("NL003", 12)]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(MIXED, tmp_path / "mixed.yaml")
    (tmp_path / ".netlint.yaml").write_text("# defaults\n", "utf-8")
    return tmp_path


def check(
    workdir: Path, *args: str, config: str | None = None
) -> tuple[int, list[tuple[str, int]]]:
    if config is not None:
        (workdir / ".netlint.yaml").write_text(config, "utf-8")
    result = invoke("check", "mixed.yaml", "--format", "json", *args, cwd=workdir)
    assert result.returncode in (0, 1), result.describe()
    return result.returncode, [(f.rule, f.line) for f in result.findings()]


def test_default_runs_every_enabled_rule(workdir: Path) -> None:
    assert check(workdir) == (1, ALL)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "NL0"], (1, ALL)),
        (["--select", "NL"], (1, ALL)),
        (["--select", "NL00"], (1, ALL)),
        (["--select", "duplicate-key"], (1, [("NL002", 10)])),
        (["--select", "NL003"], (0, [("NL003", 12)])),
        (["--ignore", "NL002"], (0, [("NL006", 6), ("NL005", 7), ("NL003", 12)])),
        (["--ignore", "duplicate-key"], (0, [("NL006", 6), ("NL005", 7), ("NL003", 12)])),
        (["--select", "NL002,NL003"], (1, [("NL002", 10), ("NL003", 12)])),
        (["--select", " NL002 , not-a-kubernetes-object "], (1, [("NL002", 10), ("NL003", 12)])),
        (["--select", "NL002", "--select", "NL003"], (1, [("NL002", 10), ("NL003", 12)])),
        (["--ignore", "NL002,NL006"], (0, [("NL005", 7), ("NL003", 12)])),
        (["--ignore", "NL002", "--ignore", "NL006"], (0, [("NL005", 7), ("NL003", 12)])),
        (["--select", "NL0", "--ignore", "NL00"], (0, [])),
        (["--select", "NL002,NL005", "--ignore", "NL005"], (1, [("NL002", 10)])),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_cli_select_and_ignore(
    workdir: Path, args: list[str], expected: tuple[int, list[tuple[str, int]]]
) -> None:
    assert check(workdir, *args) == expected


@pytest.mark.parametrize(
    ("args", "bad"),
    [
        (["--select", "NL9"], "NL9"),
        (["--select", "NL002,dup-key"], "dup-key"),
        (["--ignore", "bogus"], "bogus"),
        (["--select", "nl002"], "nl002"),
    ],
)
def test_unknown_selector_is_exit_2_naming_it(workdir: Path, args: list[str], bad: str) -> None:
    result = invoke("check", "mixed.yaml", *args, cwd=workdir)
    assert result.returncode == 2, result.describe()
    assert (
        result.stderr == f"netlint: unknown rule selector {bad!r}: not a rule ID, prefix or name\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("config", "args", "expected"),
    [
        ("select: [NL002, NL003]\n", [], (1, [("NL002", 10), ("NL003", 12)])),
        ("select: [suppression-without-reason]\n", [], (0, [("NL005", 7)])),
        ("ignore: [NL005, NL006]\n", [], (1, [("NL002", 10), ("NL003", 12)])),
        ("select: [NL0]\nignore: [NL002]\n", [], (0, [("NL006", 6), ("NL005", 7), ("NL003", 12)])),
        # --select replaces the config's select ...
        ("select: [NL003]\n", ["--select", "NL002"], (1, [("NL002", 10)])),
        # ... while --ignore adds to the config's ignore
        ("ignore: [NL005]\n", ["--ignore", "NL006"], (1, [("NL002", 10), ("NL003", 12)])),
        ("select: [NL002]\n", ["--ignore", "NL002"], (0, [])),
    ],
)
def test_config_select_and_ignore(
    workdir: Path, config: str, args: list[str], expected: tuple[int, list[tuple[str, int]]]
) -> None:
    assert check(workdir, *args, config=config) == expected


@pytest.mark.parametrize("key", ["NL003", "not-a-kubernetes-object"])
def test_config_severity_override_changes_the_exit_code(workdir: Path, key: str) -> None:
    assert check(workdir, "--select", "NL003", "--fail-on", "error") == (0, [("NL003", 12)])
    config = f"rules:\n  {key}:\n    severity: error\n"
    (workdir / ".netlint.yaml").write_text(config, "utf-8")
    result = invoke(
        "check",
        "mixed.yaml",
        "--select",
        "NL003",
        "--fail-on",
        "error",
        "--format",
        "json",
        cwd=workdir,
    )
    assert result.returncode == 1, result.describe()
    assert [(f["rule"], f["line"], f["severity"]) for f in result.json()["findings"]] == [
        ("NL003", 12, "error")
    ]


def test_config_can_lower_a_severity(workdir: Path) -> None:
    config = "rules:\n  NL002:\n    severity: note\n"
    assert check(workdir, "--select", "NL002", config=config) == (0, [("NL002", 10)])
    assert check(workdir, "--select", "NL002", "--fail-on", "note") == (1, [("NL002", 10)])


@pytest.mark.parametrize(
    ("fail_on", "code"), [("error", 1), ("warning", 1), ("note", 1), ("never", 0)]
)
def test_fail_on_levels(workdir: Path, fail_on: str, code: int) -> None:
    assert check(workdir, "--fail-on", fail_on) == (code, ALL)


@pytest.mark.parametrize(
    ("select", "fail_on", "code"),
    [("NL005", "error", 0), ("NL005", "warning", 1), ("NL003", "warning", 0), ("NL003", "note", 1)],
)
def test_fail_on_threshold_is_at_or_above(
    workdir: Path, select: str, fail_on: str, code: int
) -> None:
    assert check(workdir, "--select", select, "--fail-on", fail_on)[0] == code
