"""The README's commands exist verbatim, and CI runs exactly the README's test command."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

QUICK_START = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install . && netlint check examples/"
)
TESTS = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' "
    "&& python -m pytest -q"
)


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^{re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match is not None, f"README.md has no {heading!r} section"
    return match.group(1)


def _fenced_lines(section: str) -> list[str]:
    lines: list[str] = []
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", section, re.M | re.S):
        lines.extend(line.strip() for line in block.splitlines())
    return lines


def _readme() -> str:
    return (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize(
    ("heading", "command"),
    [("## Quick start", QUICK_START), ("## Development", TESTS)],
    ids=["quick-start", "development"],
)
def test_readme_command_is_in_a_fenced_block(heading: str, command: str) -> None:
    lines = _fenced_lines(_section(_readme(), heading))
    assert command in lines, f"{heading}: no fenced line is exactly\n  {command}\nfound: {lines}"


def test_quick_start_checks_a_directory_that_exists() -> None:
    assert (ROOT / "examples").is_dir()
    assert any(p.suffix in (".yaml", ".yml", ".json") for p in (ROOT / "examples").rglob("*"))


def _after_activation(command: str) -> str:
    """The part of a `python3 -m venv X && . X/bin/activate && ...` line that runs in the venv."""
    parts = [p.strip() for p in command.split("&&")]
    assert parts[0].startswith("python3 -m venv ") and parts[1].startswith(". "), command
    return " && ".join(parts[2:])


def test_ci_runs_exactly_the_readme_test_command() -> None:
    (readme_command,) = [
        line for line in _fenced_lines(_section(_readme(), "## Development")) if "pytest" in line
    ]
    expected = _after_activation(readme_command)
    assert expected == "pip install -e '.[test]' && python -m pytest -q"
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    commands = [
        line.strip()
        for line in script.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "set -euo pipefail" in commands
    assert any(re.fullmatch(r"\. \S+/bin/activate", c) for c in commands), "no venv is activated"
    assert expected in commands, f".ci/run does not run the README test command {expected!r}"
    # the last command decides the script's exit status (see the comment in .ci/run)
    assert commands[-1] == expected
    # every other pytest run would be a second, different test command
    assert [c for c in commands if "pytest" in c] == [expected]


def test_readme_config_example_is_a_valid_config(tmp_path):
    from netlint.config import load_config

    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Configuration", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / ".netlint.yaml"
    path.write_text(block)
    config = load_config(path, ".netlint.yaml")
    assert config.model.cluster.storage_classes == {"fast-nvme": "local-nvme"}
    assert [e.reason for e in config.model.exclude] == ["vendored chart; fixed upstream in 4.12"]
