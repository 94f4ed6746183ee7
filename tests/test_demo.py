"""The demo in examples/ (a cluster in Oslo): the README's first command shows one finding per
family, pinned here byte for byte, and examples/fixed/ is clean.

Rewrite the golden after reviewing a change: `netlint check examples/ >
tests/golden/demo/check-examples.txt` from the repository root."""

from __future__ import annotations

import re

from conftest import ROOT, run_cli
from integration_support import run_on_tty

GOLDEN = ROOT / "tests" / "golden" / "demo" / "check-examples.txt"


def test_check_examples_prints_the_golden_report() -> None:
    result = run_cli("check", "examples/", cwd=ROOT)
    assert result.returncode == 1, result.describe()
    assert result.stderr == ""
    assert result.stdout == GOLDEN.read_text("utf-8")


def test_one_finding_per_family() -> None:
    result = run_cli("check", "examples/", "--format", "json", cwd=ROOT)
    found = [(f.rule, f.file, f.line, f.column) for f in result.findings()]
    assert found == [
        ("NL101", "examples/calico-installation.yaml", 9, 10),
        ("NL301", "examples/etcd.yaml", 56, 27),
        ("NL201", "examples/ingress-nginx.yaml", 13, 1),
        ("NL401", "examples/invoice-archiver.yaml", 15, 44),
    ]


def test_the_fixed_twin_is_clean() -> None:
    result = run_cli("check", "examples/fixed/", cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "No findings in 4 files.\n", "")


def test_every_fixed_file_has_a_broken_twin() -> None:
    broken = {p.name for p in (ROOT / "examples").glob("*.yaml") if not p.name.startswith(".")}
    fixed = {p.name for p in (ROOT / "examples" / "fixed").glob("*.yaml")}
    assert broken == fixed


def _readme_block_after(command: str) -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    match = re.search(rf"^```\n\$ {re.escape(command)}\n(.*?)^```", readme, re.M | re.S)
    assert match is not None, f"README.md has no ``` block starting '$ {command}'"
    return match.group(1)


def test_readme_shows_what_a_100_column_terminal_shows() -> None:
    """On a terminal the text report wraps to its width; the README shows 100 columns."""
    result = run_on_tty("check", "examples/", cwd=ROOT, stream="stdout", columns=100)
    assert result.returncode == 1
    shown = result.tty.decode("utf-8")
    assert shown == _readme_block_after("netlint check examples/")
    assert max(len(line) for line in shown.splitlines()) <= 100
    # the same words as the piped report, only the line breaks differ
    assert shown.split() == GOLDEN.read_text("utf-8").split()
