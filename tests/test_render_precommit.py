"""The real pre-commit hook on a repository of kustomize overlays: a changed base file renders
the overlays that include it (pre-commit passes files one by one, kube-linter #211)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from integration_support import run_pre_commit, tool

pytestmark = pytest.mark.slow

FIXTURES = ROOT / "tests" / "fixtures" / "kustomize"


def test_hook_on_a_changed_base_file_renders_its_overlays(tmp_path: Path) -> None:
    if shutil.which("kubectl") is None and shutil.which("kustomize") is None:
        pytest.skip("neither kubectl nor kustomize is on PATH")
    git = tool("git")
    tool("pre-commit")  # skips when absent
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES, repo)
    subprocess.run([git, "init", "-q", "."], cwd=repo, check=True)
    subprocess.run([git, "add", "-A"], cwd=repo, check=True)
    # warnings and a note only: the hook passes; --verbose shows its output all the same
    verbose = run_pre_commit(
        repo,
        tmp_path / "home",
        *("try-repo", str(ROOT), "netlint", "--color", "never", "--verbose"),
        *("--files", "base/service.yaml"),
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
