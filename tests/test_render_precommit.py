"""The real pre-commit hook on a repository of kustomize overlays: a changed base file renders
the overlays that include it (pre-commit passes files one by one, kube-linter #211)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from integration_support import tool

pytestmark = pytest.mark.slow

FIXTURES = ROOT / "tests" / "fixtures" / "kustomize"


def test_hook_on_a_changed_base_file_renders_its_overlays(tmp_path: Path) -> None:
    if shutil.which("kubectl") is None and shutil.which("kustomize") is None:
        pytest.skip("neither kubectl nor kustomize is on PATH")
    git, pre_commit = tool("git"), tool("pre-commit")
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES, repo)
    subprocess.run([git, "init", "-q", "."], cwd=repo, check=True)
    subprocess.run([git, "add", "-A"], cwd=repo, check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "home")
    # warnings and a note only: the hook passes; --verbose shows its output all the same
    verbose = subprocess.run(
        [
            *(pre_commit, "try-repo", str(ROOT), "netlint", "--color", "never", "--verbose"),
            *("--files", "base/service.yaml"),
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert verbose.returncode == 0, verbose.stdout + verbose.stderr
    heads = [
        line
        for line in verbose.stdout.splitlines()
        if ": warning NL" in line or ": note NL" in line
    ]
    assert [h.split(" ", 3)[:3] for h in heads] == [
        ["base/service.yaml:9:1:", "warning", "NL201"],
        ["overlays/prod/local-traffic.yaml:6:26:", "note", "NL203"],
        ["overlays/staging/cluster-traffic.yaml:7:26:", "warning", "NL201"],
    ]
    assert "Found 3 findings (2 warnings, 1 note) in 3 of 3 files." in verbose.stdout
