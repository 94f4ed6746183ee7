"""Charts: netlint's `helm template` subprocess contract and what it does with the output.

helm is not installed where these tests were written, so most tests put a FAKE `helm` on PATH:
a small script that records its argument list and prints a recorded render of
tests/fixtures/helm/edge (tests/fixtures/helm/rendered/, Helm 3's exact output format). They
test netlint's side (argv, values variants, errors, timeouts, pre-commit grouping, mapping) and
say nothing about helm itself. `test_real_helm_*` run the real binary and skip without it.
"""

from __future__ import annotations

import runpy
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import findings_of, run_cli

HELM_DIR = Path(__file__).parent / "fixtures" / "helm"
CHART = HELM_DIR / "edge"
RECORDED = HELM_DIR / "rendered"
S = SimpleNamespace(**runpy.run_path(str(Path(__file__).parent / "fixtures/report/support.py")))

H = SimpleNamespace(**runpy.run_path(str(HELM_DIR / "support.py")))


@pytest.fixture
def fake_helm(tmp_path: Path) -> SimpleNamespace:
    return H.fake_helm(tmp_path)  # type: ignore[no-any-return]


def _quad(report: dict) -> list[tuple[str, str, int, int]]:  # type: ignore[type-arg]
    return [(f.rule, f.file, f.line, f.column) for f in findings_of(report)]


# ---- the subprocess contract (fake helm) ----------------------------------------------------


def test_chart_directory_is_rendered_once_with_exact_argv(fake_helm: SimpleNamespace):
    result = run_cli("check", "edge", "--format", "json", cwd=HELM_DIR, env=fake_helm.env)
    assert result.returncode == 0, result.describe()
    assert fake_helm.calls() == [["template", "release-name", str(CHART), "--include-crds"]]
    report = S.validate_json_report(result.stdout)
    assert _quad(report) == [("NL201", "edge/values.yaml", 12, 28)]
    finding = report["findings"][0]
    assert finding["mapping"] == "exact"
    assert finding["rendered"] == {
        "file": "edge[helm]",
        "line": 13,
        "column": 26,
        "end_line": 13,
        "end_column": 33,
        "tool": "helm",
        "target": "edge",
        "name": "helm",
        "origin": "edge/templates/service.yaml",
    }
    assert report["summary"]["files"] == 1  # the render; no template, values or NOTES raw


def test_every_option_reaches_helm(fake_helm: SimpleNamespace):
    result = run_cli(
        "check",
        "edge",
        "--helm-values",
        "edge/values-staging.yaml",
        "--helm-set",
        "replicaCount=3",
        "--helm-set",
        "image.tag=v2,image.pullPolicy=Always",
        "--helm-release",
        "edge",
        "--helm-namespace",
        "ingress",
        "--format",
        "json",
        cwd=HELM_DIR,
        env=fake_helm.env,
    )
    assert result.returncode == 0, result.describe()
    assert fake_helm.calls() == [
        [
            "template",
            "edge",
            str(CHART),
            "--include-crds",
            "--namespace",
            "ingress",
            "--values",
            str(CHART / "values-staging.yaml"),
            "--set",
            "replicaCount=3",
            "--set",
            "image.tag=v2,image.pullPolicy=Always",
        ]
    ]
    finding = result.json()["findings"][0]
    assert finding["rendered"]["name"] == "edge/values-staging.yaml+set"
    assert finding["rendered"]["file"] == "edge[edge/values-staging.yaml+set]"


def test_variants_are_separate_renders_told_apart(fake_helm: SimpleNamespace):
    """kube-linter #48: check values-prod.yaml and values-staging.yaml in one run."""
    result = run_cli(
        "check",
        "edge",
        "--helm-variant",
        "values-prod.yaml",
        "--helm-variant",
        "values-staging.yaml",
        "--format",
        "json",
        cwd=HELM_DIR,
        env=fake_helm.env,
    )
    assert result.returncode == 0, result.describe()
    # values files not found in the working directory are looked up in the chart
    assert fake_helm.calls() == [
        ["template", "release-name", str(CHART), "--include-crds", "--values", str(v)]
        for v in (CHART / "values-prod.yaml", CHART / "values-staging.yaml")
    ]
    report = S.validate_json_report(result.stdout)
    # prod sets Local but runs 2 replicas with no spread (NL203, on the value that prod's file
    # sets); staging keeps Cluster, set in its own values file. Each render is checked apart:
    # prod's Service is never paired with staging's single-replica Deployment.
    assert _quad(report) == [
        ("NL203", "edge/values-prod.yaml", 3, 28),
        ("NL201", "edge/values-staging.yaml", 6, 28),
    ]
    prod, staging = report["findings"]
    assert "has 2 replicas with nothing spreading them" in prod["message"]
    assert prod["rendered"]["file"] == "edge[edge/values-prod.yaml]"
    assert staging["rendered"]["file"] == "edge[edge/values-staging.yaml]"
    assert report["summary"]["files"] == 2


def test_precommit_files_of_a_chart_render_it_once(fake_helm: SimpleNamespace):
    """kube-linter #211: pre-commit passes templates and values one by one; they are never
    parsed raw (no syntax noise) and the chart is rendered once."""
    result = run_cli(
        "check",
        "edge/templates/service.yaml",
        "edge/templates/deployment.yaml",
        "edge/values.yaml",
        "edge/Chart.yaml",
        "--format",
        "json",
        cwd=HELM_DIR,
        env=fake_helm.env,
    )
    assert result.returncode == 0, result.describe()
    assert len(fake_helm.calls()) == 1
    assert _quad(result.json()) == [("NL201", "edge/values.yaml", 12, 28)]


def test_no_render_skips_the_chart_and_never_lints_templates_raw(fake_helm: SimpleNamespace):
    result = run_cli(
        "check", "edge/templates/service.yaml", "--no-render", "--format", "json", cwd=HELM_DIR
    )
    assert result.returncode == 0, result.describe()
    assert result.json()["findings"] == []
    assert result.stderr == (
        "netlint: edge: Helm chart not rendered (--no-render); its files are not linted raw\n"
    )
    assert fake_helm.calls() == []


def test_without_helm_exit_2_says_how(tmp_path: Path):
    result = run_cli("check", "edge", cwd=HELM_DIR, env={"PATH": str(tmp_path)})
    assert result.returncode == 2, result.describe()
    assert result.stderr == (
        "netlint: edge: is a Helm chart (Chart.yaml); rendering it needs the helm binary, which "
        "is not on PATH: install Helm 3 (https://helm.sh/docs/intro/install/) so that `helm` is "
        "on PATH, or render the chart yourself and pipe it: `helm template edge | netlint check "
        "-`; --no-render skips charts\n"
    )


def test_helm_failure_is_exit_2_with_helms_words(fake_helm: SimpleNamespace):
    env = {**fake_helm.env, "FAKE_HELM_MODE": "fail"}
    result = run_cli("check", "edge", cwd=HELM_DIR, env=env)
    assert result.returncode == 2, result.describe()
    assert result.stderr.splitlines() == [
        f"netlint: edge: `{fake_helm.bin / 'helm'} template release-name {CHART} "
        "--include-crds` failed with exit code 1:",
        "netlint:   Error: An error occurred while checking for chart dependencies. You may "
        "need to run `helm dependency build` to fetch missing dependencies: found in "
        "Chart.yaml, but missing in charts/ directory: redis",
    ]


def test_a_hanging_helm_is_stopped_at_the_timeout(fake_helm: SimpleNamespace):
    env = {**fake_helm.env, "FAKE_HELM_MODE": "hang"}
    result = run_cli("check", "edge", "--render-timeout", "1", cwd=HELM_DIR, env=env)
    assert result.returncode == 2, result.describe()
    assert result.stderr == (
        f"netlint: edge: `{fake_helm.bin / 'helm'} template release-name {CHART} "
        "--include-crds` did not finish within 1 s and was stopped (--render-timeout sets the "
        "limit)\n"
    )


def test_missing_values_file_is_exit_2(fake_helm: SimpleNamespace):
    result = run_cli("check", "edge", "--helm-values", "nope.yaml", cwd=HELM_DIR, env=fake_helm.env)
    assert result.returncode == 2, result.describe()
    assert result.stderr == (
        f"netlint: nope.yaml: values file not found (looked in {HELM_DIR} and in the chart "
        f"{CHART})\n"
    )
    assert fake_helm.calls() == []


def test_bad_render_timeout_is_a_usage_error():
    result = run_cli("check", "edge", "--render-timeout", "0", cwd=HELM_DIR)
    assert result.returncode == 2
    assert result.stderr == "netlint: --render-timeout: must be more than 0 seconds\n"


def test_subcharts_belong_to_their_parent(tmp_path: Path, fake_helm: SimpleNamespace):
    chart = tmp_path / "edge"
    shutil.copytree(CHART, chart)
    sub = chart / "charts" / "redis"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: redis\nversion: 1.0.0\n", "utf-8")
    (sub / "templates" / "svc.yaml").write_text("kind: {{ .Values.kind }}\n", "utf-8")
    result = run_cli(
        "check", "edge/charts/redis/templates/svc.yaml", cwd=tmp_path, env=fake_helm.env
    )
    assert result.returncode == 0, result.describe()
    assert [c[2] for c in fake_helm.calls()] == [str(chart)]


# ---- the real helm (skips without it) -------------------------------------------------------


def _helm() -> str:
    found = shutil.which("helm")
    if found is None:
        pytest.skip("helm is not on PATH")
    return found


@pytest.mark.parametrize(
    ("values", "recording"),
    [
        ((), "edge.yaml"),
        (("values-prod.yaml",), "edge-prod.yaml"),
        (("values-staging.yaml",), "edge-staging.yaml"),
    ],
)
def test_real_helm_renders_what_the_recordings_say(values: tuple[str, ...], recording: str):
    helm = _helm()
    argv = [helm, "template", "edge", str(CHART)]
    for v in values:
        argv += ["--values", str(CHART / v)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    # Helm releases differ in the blank lines between documents (older ones trim each
    # template's output on both sides, newer ones on the left only); the rest is exact
    assert _no_blank_lines(out) == _no_blank_lines((RECORDED / recording).read_text("utf-8"))


def _no_blank_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_real_helm_chart_check():
    _helm()
    result = run_cli("check", "edge", "--helm-release", "edge", "--format", "json", cwd=HELM_DIR)
    assert result.returncode == 0, result.describe()
    assert _quad(result.json()) == [("NL201", "edge/values.yaml", 12, 28)]


def test_a_tree_with_a_chart_and_plain_manifests(tmp_path: Path, fake_helm: SimpleNamespace):
    """The chart is rendered, the manifests beside it are linted as they are; a directory
    named templates/ outside any chart is plain YAML (and its template text a finding)."""
    shutil.copytree(CHART, tmp_path / "charts" / "edge")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: ClusterIP\n"
        "  type: LoadBalancer\n",
        "utf-8",
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n", "utf-8"
    )
    result = run_cli("check", ".", "--format", "json", cwd=tmp_path, env=fake_helm.env)
    assert result.returncode == 1, result.describe()
    assert [c[2] for c in fake_helm.calls()] == [str(tmp_path / "charts" / "edge")]
    assert _quad(result.json()) == [
        ("NL201", "charts/edge/values.yaml", 12, 28),
        ("NL002", "deploy/svc.yaml", 7, 3),
        ("NL008", "templates/cm.yaml", 4, 3),
        ("NL004", "templates/cm.yaml", 4, 9),
    ]
