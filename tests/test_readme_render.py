"""The README's "Helm and kustomize" sessions, run as written.

Each `$ cd DIR` / `$ netlint ...` block is run in the checkout; the lines under a command must
appear in its output in that order (a line ending in `...` matches by its beginning). Without
helm on PATH, `helm template edge edge` is replaced by its recording and `netlint check edge`
gets the FAKE helm of tests/fixtures/helm/support.py (recorded output): that checks netlint's
side of the README, not helm.
"""

from __future__ import annotations

import os
import re
import runpy
import shlex
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT, run_cli

HELM_DIR = ROOT / "tests" / "fixtures" / "helm"
H = SimpleNamespace(**runpy.run_path(str(HELM_DIR / "support.py")))
RECORDINGS = {"helm template edge edge": HELM_DIR / "rendered" / "edge.yaml"}


def _section() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    m = re.search(r"^## Helm and kustomize\n(.*?)(?=^## )", text, re.M | re.S)
    assert m is not None, "README.md has no '## Helm and kustomize' section"
    return m.group(1)


def _sessions() -> list[list[tuple[str, list[str]]]]:
    blocks: list[list[str]] = []
    inside = False
    for line in _section().splitlines():
        if line.startswith("```"):
            inside = not inside
            if inside:
                blocks.append([])
            continue
        if inside:
            blocks[-1].append(line)
    out = []
    for lines in blocks:
        block = "\n".join(lines)
        if not block.startswith("$ "):
            continue
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line)
        out.append(steps)
    return out


def test_the_section_follows_usage_and_has_sessions():
    text = (ROOT / "README.md").read_text("utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings[headings.index("Usage") + 1] == "Helm and kustomize"
    assert len(_sessions()) == 2


def _matches(expected: list[str], actual: list[str]) -> list[str]:
    """The expected lines not found (in order) in the actual output."""
    missing = []
    pos = 0
    for want in expected:
        for i in range(pos, len(actual)):
            got = actual[i]
            if got == want or (want.endswith("...") and got.startswith(want[:-3])):
                pos = i + 1
                break
        else:
            missing.append(want)
    return missing


@pytest.mark.parametrize("index", [0, 1], ids=["helm", "kustomize"])
def test_readme_session(index: int, tmp_path: Path):
    session = _sessions()[index]
    if index == 1 and shutil.which("kubectl") is None and shutil.which("kustomize") is None:
        pytest.skip("neither kubectl nor kustomize is on PATH")
    env = {}
    if shutil.which("helm") is None:
        env = {"PATH": os.pathsep.join([str(H.fake_helm(tmp_path).bin), os.environ["PATH"]])}
    cwd = ROOT
    for command, expected in session:
        if command.startswith("cd "):
            cwd = ROOT / command[3:]
            assert cwd.is_dir(), command
            continue
        stdin = None
        args = command
        if "|" in command:
            producer, _, args = (part.strip() for part in command.partition("|"))
            if shutil.which("helm") is None:
                stdin = RECORDINGS[producer].read_text("utf-8")
            else:
                import subprocess

                stdin = subprocess.run(
                    shlex.split(producer), cwd=cwd, capture_output=True, text=True, check=True
                ).stdout
        argv = shlex.split(args)
        assert argv[0] == "netlint", command
        result = run_cli(*argv[1:], "--no-color", stdin=stdin, cwd=cwd, env=env)
        assert result.returncode in (0, 1), result.describe()
        missing = _matches(expected, result.stdout.splitlines())
        assert not missing, f"{command}: not in the output:\n" + "\n".join(missing)
