"""GitHub Actions: action.yml and examples/github/netlint.yml are valid for GitHub (the real
check-jsonschema CLI with its vendored schemas, no network), do what they promise, and the
README shows the workflow byte for byte. Their shell steps are run here with bash."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from integration_support import tool
from ruamel.yaml import YAML

ACTION = ROOT / "action.yml"
WORKFLOW = ROOT / "examples" / "github" / "netlint.yml"


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text("utf-8"))


@pytest.mark.parametrize(
    ("schema", "path"),
    [("vendor.github-actions", ACTION), ("vendor.github-workflows", WORKFLOW)],
    ids=["action", "workflow"],
)
def test_valid_for_github_by_check_jsonschema(schema: str, path: Path) -> None:
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok -- validation done"


def test_check_jsonschema_rejects_a_broken_action(tmp_path: Path) -> None:
    """The schema really is checked: an action without `runs` is refused."""
    broken = tmp_path / "action.yml"
    broken.write_text(ACTION.read_text("utf-8").split("\nruns:", 1)[0] + "\n", "utf-8")
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "'runs' is a required property" in result.stdout


def test_action_inputs_and_steps() -> None:
    action = _load(ACTION)
    assert list(action["inputs"]) == [
        "paths",
        "config",
        "format",
        "output",
        "fail-on",
        "version",
        "category",
        "python-version",
    ]
    assert action["inputs"]["paths"]["default"] == "."
    assert action["inputs"]["category"]["default"] == "netlint"
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = {step["name"]: step for step in runs["steps"]}
    assert list(steps) == [
        "Set up Python",
        "Install netlint",
        "Run netlint",
        "Upload SARIF to code scanning",
        "Fail on findings",
    ]
    assert steps["Set up Python"]["uses"] == "actions/setup-python@v5"
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v4"
    assert upload["if"].startswith("always() && inputs.format == 'sarif'")
    assert upload["with"] == {
        "sarif_file": "${{ steps.check.outputs.sarif-file }}",
        "category": "${{ inputs.category }}",
    }
    assert steps["Fail on findings"]["if"] == "always() && steps.check.outputs.exit-code != '0'"
    # inputs reach the scripts through env only: no ${{ }} inside a script
    for step in runs["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]


def _bash_step(
    script: str, env: dict[str, str], cwd: Path, output: Path
) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(tool("netlint")).parent)
    full = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    full.update(env)
    full["PATH"] = bin_dir + os.pathsep + full.get("PATH", "")
    full["GITHUB_OUTPUT"] = str(output)
    return subprocess.run(
        [tool("bash"), "-e", "-c", script],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text("utf-8").splitlines())


def _action_script(name: str) -> str:
    (step,) = [s for s in _load(ACTION)["runs"]["steps"] if s["name"] == name]
    script: str = step["run"]
    return script


def _run_step(cwd: Path, output: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """The action's "Run netlint" script, with its inputs' defaults and `inputs` in env."""
    return _bash_step(_action_script("Run netlint"), _inputs(**inputs), cwd, output)


def _inputs(**values: str) -> dict[str, str]:
    defaults = {k: str(v.get("default", "")) for k, v in _load(ACTION)["inputs"].items()}
    defaults.update({k.replace("_", "-"): v for k, v in values.items()})
    return {f"INPUT_{k.upper().replace('-', '_')}": v for k, v in defaults.items()}


def test_action_run_step_records_the_exit_code_and_writes_sarif(tmp_path: Path) -> None:
    out = tmp_path / "github_output"
    result = _run_step(
        _copy_examples(tmp_path), out, paths="examples/ examples/fixed", format="sarif"
    )
    # the step itself succeeds: the upload runs, then "Fail on findings" fails the job
    assert result.returncode == 0, result.stdout + result.stderr
    assert _outputs(out) == {"exit-code": "1", "sarif-file": "netlint.sarif"}
    sarif = json.loads((tmp_path / "work" / "netlint.sarif").read_text("utf-8"))
    rules = sorted({r["ruleId"] for r in sarif["runs"][0]["results"]})
    assert rules == ["NL101", "NL201", "NL301", "NL401"]


def test_action_run_step_passes_config_and_fail_on(tmp_path: Path) -> None:
    work = _copy_examples(tmp_path)
    (work / "strict.yaml").write_text("fail_on: never\n", "utf-8")
    out = tmp_path / "github_output"
    result = _run_step(
        work, out, paths="examples/ingress-nginx.yaml", format="text", fail_on="warning"
    )
    assert result.returncode == 0, result.stderr
    assert _outputs(out) == {"exit-code": "1"}
    assert result.stdout.startswith("examples/ingress-nginx.yaml:13:1: warning NL201 ")
    out.unlink()
    result = _run_step(
        work, out, paths="examples/ingress-nginx.yaml", format="github", config="strict.yaml"
    )
    assert _outputs(out) == {"exit-code": "0"}
    assert result.stdout.startswith(
        "::warning file=examples/ingress-nginx.yaml,line=13,col=1,endLine=13,endColumn=5,"
    )


def test_action_run_step_uploads_nothing_when_netlint_cannot_run(tmp_path: Path) -> None:
    work = _copy_examples(tmp_path)
    (work / "broken.yaml").write_text("cluster:\n  node_mtu: 20\n", "utf-8")
    out = tmp_path / "github_output"
    result = _run_step(work, out, format="sarif", config="broken.yaml")
    assert result.returncode == 0, result.stderr
    assert _outputs(out) == {"exit-code": "2"}  # no sarif-file: the upload step is skipped
    assert result.stderr == "broken.yaml:2: cluster.node_mtu: must be at least 576, got 20\n"
    assert not (work / "netlint.sarif").exists()


def test_action_fail_step_fails_with_the_exit_code(tmp_path: Path) -> None:
    script = _action_script("Fail on findings")
    found = _bash_step(script, {"CODE": "1"}, tmp_path, tmp_path / "o")
    assert found.returncode == 1
    assert found.stdout == (
        "::error::netlint found problems at or above the fail-on severity "
        "(see the report above or the code scanning alerts)\n"
    )
    broken = _bash_step(script, {"CODE": "2"}, tmp_path, tmp_path / "o")
    assert broken.returncode == 2
    assert broken.stdout == "::error::netlint could not run (exit code 2): see the step log\n"


def _copy_examples(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    if not work.exists():
        shutil.copytree(ROOT / "examples", work / "examples")
        shutil.move(str(work / "examples" / ".netlint.yaml"), str(work / ".netlint.yaml"))
    return work


def test_workflow_uploads_sarif_and_still_fails_the_job() -> None:
    workflow = _load(WORKFLOW)
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    run_steps = [s["run"] for s in steps if "run" in s]
    assert run_steps[-1] == (
        "netlint check --format sarif --output netlint.sarif --omit-suppressed ."
    )
    # no continue-on-error: the exit code 1 of the netlint step fails the job ...
    assert not any("continue-on-error" in s for s in steps)
    upload = steps[-1]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v4"
    # ... and the upload still runs after that failure
    assert upload["if"].startswith("always()")
    assert upload["with"] == {"sarif_file": "netlint.sarif", "category": "netlint"}


def test_workflow_command_fails_on_the_demo_and_writes_sarif(tmp_path: Path) -> None:
    work = _copy_examples(tmp_path)
    command = [s["run"] for s in _load(WORKFLOW)["jobs"]["netlint"]["steps"] if "run" in s][-1]
    args = command.split()[1:]
    result = run_cli(*args, cwd=work)
    assert result.returncode == 1, result.describe()
    assert result.stdout == ""
    sarif = json.loads((work / "netlint.sarif").read_text("utf-8"))
    found = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in sarif["runs"][0]["results"]
    ]
    assert found == [
        ("NL101", "examples/calico-installation.yaml", 9),
        ("NL301", "examples/etcd.yaml", 56),
        ("NL201", "examples/ingress-nginx.yaml", 13),
        ("NL401", "examples/invoice-archiver.yaml", 15),
    ]


def test_tool_yaml_in_the_repository_is_quiet() -> None:
    """netlint on its own integration files: known tool YAML, no finding, no notice."""
    result = run_cli("check", "action.yml", ".pre-commit-hooks.yaml", "examples/github/", cwd=ROOT)
    assert result.returncode == 0, result.describe()
    assert (result.stdout, result.stderr) == ("No findings in 3 files.\n", "")


def test_readme_shows_the_committed_workflow() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = re.search(r"^## GitHub code scanning\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert section is not None, "README.md has no '## GitHub code scanning' section"
    blocks = re.findall(r"^```yaml\n(.*?)^```", section.group(1), re.M | re.S)
    assert WORKFLOW.read_text("utf-8") in blocks
