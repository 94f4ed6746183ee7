"""The README's "Writing your own rules" example, run as written: its files are written to a
fresh folder, its commands run there, and their output must be the README's, byte for byte."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from conftest import ROOT, run_cli

HEADING = "## Writing your own rules"


def _section() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    match = re.search(rf"^{re.escape(HEADING)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match is not None, f"README.md has no {HEADING!r} section"
    return match.group(1)


def _blocks(section: str) -> list[tuple[str, str, str]]:
    """(language, body, the last paragraph before it) of each fenced block."""
    out = []
    lines = section.splitlines(keepends=True)
    i = 0
    paragraph: list[str] = []
    gap = False
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            out.append((line[3:].strip(), "".join(lines[i + 1 : end]), "".join(paragraph)))
            paragraph, gap, i = [], False, end + 1
            continue
        if line.strip():  # a blank line ends a paragraph; the next text starts a new one
            paragraph, gap = ([line] if gap else [*paragraph, line]), False
        else:
            gap = True
        i += 1
    return out


def _files(section: str) -> dict[str, str]:
    """Each ```yaml block whose paragraph before it starts with a `path`: that file."""
    out = {}
    for lang, body, intro in _blocks(section):
        path = re.match(r"`([^`]+)`", intro)
        if lang == "yaml" and path is not None:
            out[path.group(1)] = body
    return out


def _session(section: str) -> list[tuple[str, str]]:
    """(command, expected output) of each `$ ` line in the plain ``` block."""
    blocks = [body for lang, body, _ in _blocks(section) if not lang and body.startswith("$ ")]
    assert len(blocks) == 1, blocks
    steps: list[tuple[str, str]] = []
    for line in blocks[0].splitlines(keepends=True):
        if line.startswith("$ "):
            steps.append((line[2:].strip(), ""))
        else:
            command, output = steps[-1]
            steps[-1] = (command, output + line)
    return steps


def test_the_example_names_its_files():
    assert sorted(_files(_section())) == [
        ".netlint.yaml",
        ".netlint/rules/ACME001-lb-source-ranges/fail/open.yaml",
        ".netlint/rules/ACME001-lb-source-ranges/pass/restricted.yaml",
        ".netlint/rules/ACME001-lb-source-ranges/rule.yaml",
    ]


def test_the_example_runs_as_written(tmp_path: Path):
    section = _section()
    for name, body in _files(section).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, "utf-8")
    steps = _session(section)
    assert [command for command, _ in steps] == [
        "netlint test-rules",
        "netlint check .netlint/rules/ACME001-lb-source-ranges/fail/open.yaml",
    ]
    codes = []
    for command, expected in steps:
        args = shlex.split(command)[1:]
        result = run_cli(*args, cwd=tmp_path, env={"COLUMNS": "200"})
        assert (result.stdout, result.stderr) == (expected, ""), result.describe()
        codes.append(result.returncode)
    assert codes == [0, 1]
