"""The pre-commit hook, run by the real pre-commit against this checkout.

`pre-commit try-repo` clones the checkout (with its staged and unstaged changes to tracked
files; new files must be `git add`ed), pip-installs it into a hook environment under
PRE_COMMIT_HOME (a temporary directory) and runs the `netlint` hook of .pre-commit-hooks.yaml on
a temporary git repository of manifests. try-repo installs afresh on every call, so the other
tests use the README's `.pre-commit-config.yaml` pinned to HEAD, installed once."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import ROOT
from integration_support import run_pre_commit, tool
from ruamel.yaml import YAML

from netlint import __version__

pytestmark = pytest.mark.slow

ETCD = (ROOT / "examples" / "etcd.yaml").read_text("utf-8")
STORAGE_CLASS, STATEFUL_SET = ETCD.split("---\n")

WORKFLOW = """\
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
"""


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module: pre-commit reuses it for the same repo and rev."""
    tool("git")
    tool("pre-commit")
    return tmp_path_factory.mktemp("pre-commit-home")


def _git(repo: Path, *args: str) -> None:
    subprocess.run([tool("git"), *args], cwd=repo, check=True, capture_output=True)


def _repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    _git(path, "init", "-q", ".")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, "utf-8")
    _git(path, "add", "-A")
    return path


def _try_repo(
    repo: Path, home: Path, extra: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    return run_pre_commit(
        repo, home, "try-repo", str(ROOT), "netlint", "--all-files", "--color", "never", *extra
    )


def _hook_output(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines netlint printed, after pre-commit's `- exit code: N` header."""
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("- exit code:"))
    return [line for line in lines[start + 1 :] if line]


def test_a_bad_manifest_fails_with_the_finding(tmp_path: Path, pre_commit_home: Path) -> None:
    # The etcd StatefulSet and its StorageClass are in two files: require_serial hands both to
    # one netlint call, so the class is resolved (NL301, not "unknown storage" NL304).
    repo = _repo(
        tmp_path / "repo",
        {
            "etcd/statefulset.yaml": STATEFUL_SET,
            "etcd/storageclass.yaml": STORAGE_CLASS,
            ".github/workflows/ci.yml": WORKFLOW,
        },
    )
    result = _try_repo(repo, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^netlint\.+Failed$", result.stdout, re.M), result.stdout
    assert "- hook id: netlint\n- exit code: 1\n" in result.stdout
    output = _hook_output(result)
    assert output[0].startswith(
        "etcd/statefulset.yaml:44:27: error NL301 StatefulSet etcd (registry): etcd data "
        "(/var/lib/etcd, --data-dir=/var/lib/etcd) is on network-attached spinning disk "
        "(StorageClass standard-hdd: disk.csi.azure.com skuName Standard_LRS"
    )
    assert output[1:] == [
        "  note: etcd/statefulset.yaml:19:18: etcd recognised here "
        "(image registry.k8s.io/etcd:3.5.15-0) (StatefulSet registry/etcd)",
        "  note: etcd/storageclass.yaml:8:12: StorageClass standard-hdd: network-hdd "
        "(StorageClass standard-hdd)",
        "Found 1 finding (1 error) in 1 of 3 files.",
    ]


def _readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    match = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", readme, re.S)
    assert match is not None, "README.md has no ```yaml block starting '# .pre-commit-config.yaml'"
    return match.group(1)


def test_readme_snippet_pins_this_version_of_this_hook() -> None:
    config = YAML(typ="safe").load(_readme_snippet())
    (repo,) = config["repos"]
    assert repo["repo"] == "https://github.com/netlint/netlint"
    assert repo["rev"] == f"v{__version__}"
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in hooks] == ["netlint"]
    (hook,) = hooks
    assert hook["language"] == "python"
    assert hook["types_or"] == ["yaml", "json"]
    assert hook["require_serial"] is True
    assert hook["entry"] == "netlint check"


def _pinned_config(args: str = "") -> str:
    """The README's config pointed at this checkout's HEAD commit (a clone has no tag and no
    network to GitHub). Unlike try-repo this runs the committed code; pre-commit installs it
    once for every test that uses it (same repo, same rev)."""
    head = subprocess.run(
        [tool("git"), "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    snippet = _readme_snippet()
    assert "https://github.com/netlint/netlint" in snippet and f"v{__version__}" in snippet
    config = snippet.replace("https://github.com/netlint/netlint", str(ROOT))
    config = config.replace(f"v{__version__}", head)
    if args:
        config = config.replace("- id: netlint\n", f"- id: netlint\n        args: {args}\n")
    return config


def test_readme_snippet_with_args_overridden(tmp_path: Path, pre_commit_home: Path) -> None:
    """`args: [--fail-on, warning]` makes a warning fail the hook."""
    ingress = (ROOT / "examples" / "ingress-nginx.yaml").read_text("utf-8")
    repo = _repo(
        tmp_path / "repo",
        {
            ".pre-commit-config.yaml": _pinned_config("[--fail-on, warning]"),
            "ingress/service.yaml": ingress,
        },
    )
    result = run_pre_commit(repo, pre_commit_home, "run", "--all-files", "--color", "never")
    assert result.returncode == 1, result.stdout + result.stderr
    output = _hook_output(result)
    assert output[0].startswith(
        "ingress/service.yaml:13:1: warning NL201 LoadBalancer Service ingress-nginx-controller "
        "fronts ingress-nginx"
    )
    # .pre-commit-config.yaml itself is a YAML file the hook receives: known tool YAML, quiet
    assert output[-1] == "Found 1 finding (1 warning) in 1 of 2 files."
    # without the override the same warning passes (fail_on defaults to error)
    (repo / ".pre-commit-config.yaml").write_text(_pinned_config(), "utf-8")
    _git(repo, "add", "-A")
    default = run_pre_commit(repo, pre_commit_home, "run", "--all-files", "--color", "never")
    assert default.returncode == 0, default.stdout + default.stderr
    assert re.search(r"^netlint\.+Passed$", default.stdout, re.M), default.stdout


def test_clean_manifests_pass(tmp_path: Path, pre_commit_home: Path) -> None:
    fixed = ROOT / "examples" / "fixed"
    files = {p.name: p.read_text("utf-8") for p in sorted(fixed.glob("*.yaml"))}
    files[".netlint.yaml"] = (ROOT / "examples" / ".netlint.yaml").read_text("utf-8")
    files[".github/workflows/ci.yml"] = WORKFLOW
    files[".pre-commit-config.yaml"] = _pinned_config()
    repo = _repo(tmp_path / "repo", files)
    result = run_pre_commit(repo, pre_commit_home, "run", "--all-files", "--color", "never")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^netlint\.+Passed$", result.stdout, re.M), result.stdout
