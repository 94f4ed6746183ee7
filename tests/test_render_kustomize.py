"""kustomize: real `kubectl kustomize` / `kustomize build` renders of tests/fixtures/kustomize,
findings on the base or patch file they come from, origin annotations that never change a
finding, overlays chosen over bases, member files never linted raw, pre-commit file lists."""

from __future__ import annotations

import runpy
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import findings_of, run_cli

from netlint.render import kustomize as kz

FIXTURES = Path(__file__).parent / "fixtures" / "kustomize"
S = SimpleNamespace(**runpy.run_path(str(Path(__file__).parent / "fixtures/report/support.py")))


def _tool() -> list[str]:
    found = kz.command()
    if found is None:
        pytest.skip("neither kustomize nor kubectl is on PATH")
    return found


# (rule, file, line, column) of every active finding when the whole tree is checked: dev has
# no patch (the base's `spec:` line: externalTrafficPolicy is missing), staging's patch sets
# Cluster (the patch's value), prod's patch sets Local with one replica (NL203 on the patch).
TREE = [
    ("NL201", "base/service.yaml", 9, 1),
    ("NL203", "overlays/prod/local-traffic.yaml", 6, 26),
    ("NL201", "overlays/staging/cluster-traffic.yaml", 7, 26),
]


def _quad(report: dict) -> list[tuple[str, str, int, int]]:  # type: ignore[type-arg]
    return [(f.rule, f.file, f.line, f.column) for f in findings_of(report)]


def _json(*paths: str, cwd: Path = FIXTURES) -> Any:
    """`netlint check PATHS --format json` in `cwd`, in-process (test_cli_checks_the_tree and
    the exit-code tests run the CLI itself)."""
    import json

    from netlint.api import lint
    from netlint.report import RenderOptions, renderer

    report = lint([str(cwd / p) for p in paths], cwd=cwd)
    return json.loads(renderer("json")(report, RenderOptions(base_dir=str(cwd))))


@pytest.fixture(scope="module")
def tree() -> Callable[[str], str]:
    """The whole fixture tree linted once in-process (three kustomize renders); returns the
    report in a given format, as `netlint check .` in tests/fixtures/kustomize prints it."""
    _tool()
    from netlint.api import lint
    from netlint.report import RenderOptions, renderer

    report = lint([str(FIXTURES)], cwd=FIXTURES)
    options = RenderOptions(tool_version=S.__version__, base_dir=str(FIXTURES))
    return lambda fmt: renderer(fmt)(report, options)


def test_cli_checks_the_tree():
    _tool()
    result = run_cli("check", ".", "--format", "json", cwd=FIXTURES)
    assert result.returncode == 0, result.describe()  # warnings and notes only
    assert _quad(result.json()) == TREE


def test_tree_renders_the_overlays_and_maps_to_base_and_patch_files(tree: Callable[[str], str]):
    report = S.validate_json_report(tree("json"))
    assert _quad(report) == TREE
    by_rule_file = {(f["rule"], f["file"]): f for f in report["findings"]}
    dev = by_rule_file["NL201", "base/service.yaml"]
    assert dev["mapping"] == "exact"
    assert dev["rendered"] == {
        "file": "overlays/dev[kustomize]",
        "line": 18,
        "column": 1,
        "end_line": 18,
        "end_column": 5,
        "tool": "kustomize",
        "target": "overlays/dev",
        "name": None,
        "origin": "base/service.yaml",
    }
    assert dev["object"]["namespace"] == "edge-dev"
    staging = by_rule_file["NL201", "overlays/staging/cluster-traffic.yaml"]
    assert staging["mapping"] == "exact"
    assert staging["rendered"]["file"] == "overlays/staging[kustomize]"
    assert staging["rendered"]["origin"] == "base/service.yaml"
    assert staging["object"]["name"] == "staging-edge-controller"
    # the related notes point at the base files too
    assert [(r["file"], r["line"], r["column"]) for r in staging["related"]] == [
        ("base/service.yaml", 6, 29),
        ("base/deployment.yaml", 2, 1),
    ]
    # three renders were read, no member file raw
    assert report["summary"]["files"] == 3


def test_text_names_the_overlay_on_a_hint_line(tree: Callable[[str], str]):
    lines = tree("text").splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("overlays/staging/"))
    assert lines[i].startswith(
        "overlays/staging/cluster-traffic.yaml:7:26: warning NL201 LoadBalancer Service "
        "staging-edge-controller fronts ingress-nginx"
    )
    assert lines[i + 1] == "  rendered from: overlays/staging[kustomize]:19:26 (base/service.yaml)"
    assert lines[-1] == "Found 3 findings (2 warnings, 1 note) in 3 of 3 files."


def test_github_annotation_lands_on_the_patch(tree: Callable[[str], str]):
    staging = tree("github").splitlines()[2]
    assert staging.startswith(
        "::warning file=overlays/staging/cluster-traffic.yaml,line=7,col=26,endLine=7,"
        "endColumn=33,title=NL201 ingress-client-ip-lost::"
    )
    assert "%0Arendered from: overlays/staging[kustomize]:19:26 (base/service.yaml)%0A" in staging


def test_sarif_primary_is_the_source_and_the_render_is_related(tree: Callable[[str], str]):
    doc = S.validate_sarif(tree("sarif"))
    results = doc["runs"][0]["results"]
    assert [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    ] == [(rule, file, line) for rule, file, line, _ in TREE]
    dev = results[0]
    rendered = dev["relatedLocations"][-1]
    assert rendered["physicalLocation"]["artifactLocation"] == {
        "uri": "overlays/dev%5Bkustomize%5D",
        "uriBaseId": "%SRCROOT%",
    }
    assert rendered["physicalLocation"]["region"]["startLine"] == 18
    assert rendered["message"]["text"] == "rendered here (overlays/dev[kustomize])"
    assert dev["message"]["text"].endswith(" (rendered from [overlays/dev\\[kustomize\\]:18](3))")
    assert dev["properties"]["mapping"] == "exact"
    assert dev["properties"]["rendered"]["origin"] == "base/service.yaml"


def test_files_of_a_kustomization_render_the_overlays_that_include_them():
    """pre-commit passes changed files: a base file renders every overlay that includes it
    (not the base alone, and never the file raw)."""
    _tool()
    assert _quad(_json("base/service.yaml")) == TREE
    assert _quad(_json("overlays/staging/cluster-traffic.yaml")) == [TREE[2]]


def test_base_alone_renders_the_base():
    """A directory given is rendered as it is: `base` is not included by anything inside it."""
    _tool()
    report = _json("base")
    assert _quad(report) == [("NL201", "base/service.yaml", 9, 1)]
    assert report["findings"][0]["rendered"]["file"] == "base[kustomize]"


def test_origin_annotation_is_stripped_and_changes_nothing():
    """The wrapper's originAnnotations output, once stripped, is byte for byte what the plain
    render prints (other annotations kept, generated objects included)."""
    tool = _tool()
    for overlay in ("overlays/dev", "overlays/staging", "base"):
        plain = subprocess.run(
            [*tool, str(FIXTURES / overlay)], capture_output=True, text=True, check=True
        ).stdout
        from netlint.render import RenderSettings, Target

        target = Target("kustomize", (FIXTURES / overlay).resolve(), overlay)
        tree = kz.closure(kz.read(target.root), {})  # type: ignore[arg-type]
        rendered = kz.render(target, RenderSettings(), FIXTURES, tree)
        assert kz.ORIGIN_KEY not in rendered.text
        assert rendered.text == plain, overlay
        base = (FIXTURES / "base").resolve()
        assert rendered.origins == (
            base / "kustomization.yaml",  # the generated ConfigMap: configuredIn
            base / "service.yaml",
            base / "deployment.yaml",
        )


def test_strip_origins_keeps_other_annotations():
    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n"
        "    config.kubernetes.io/origin: |\n      path: ../base/svc.yaml\n"
        "    team: edge\n  name: a\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n"
        "    config.kubernetes.io/origin: |\n      configuredIn: kustomization.yaml\n"
        "      configuredBy:\n        apiVersion: builtin\n        kind: ConfigMapGenerator\n"
        "  name: b\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n"
    )
    stripped, origins = kz.strip_origins(text)
    assert stripped == (
        "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    team: edge\n  name: a\n"
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n"
    )
    assert origins == [
        {"path": "../base/svc.yaml"},
        {"configuredIn": "kustomization.yaml"},
        None,
    ]


def test_no_render_skips_with_a_notice_and_lints_nothing_raw():
    result = run_cli("check", ".", "--no-render", "--format", "json", cwd=FIXTURES)
    assert result.returncode == 0, result.describe()
    assert result.json()["findings"] == []
    assert result.json()["summary"]["files"] == 0
    assert result.stderr.splitlines() == [
        f"netlint: {d}: kustomization not rendered (--no-render); its files are not linted raw"
        for d in ("overlays/dev", "overlays/prod", "overlays/staging")
    ]


def test_without_kubectl_or_kustomize_exit_2_says_how(tmp_path: Path):
    result = run_cli("check", "overlays/dev", cwd=FIXTURES, env={"PATH": str(tmp_path)})
    assert result.returncode == 2, result.describe()
    assert result.stderr.splitlines()[0] == (
        "netlint: overlays/dev: is a kustomization; rendering it needs kustomize or kubectl, "
        "neither is on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/) or "
        "kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) so that it is "
        "on PATH, or render it yourself and pipe it: `kubectl kustomize overlays/dev | netlint "
        "check -`; --no-render skips kustomizations"
    )


def test_broken_kustomization_is_exit_2_with_kustomizes_words(tmp_path: Path):
    _tool()
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n", "utf-8")
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    first = result.stderr.splitlines()[0]
    assert first.startswith("netlint: .: `") and "failed with exit code 1:" in first
    assert "missing.yaml" in result.stderr


def test_unreferenced_yaml_beside_a_kustomization_is_linted_raw(tmp_path: Path):
    _tool()
    shutil.copytree(FIXTURES / "base", tmp_path / "base")
    (tmp_path / "base" / "stray.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n", "utf-8")
    report = _json("base", cwd=tmp_path)
    files = [f["file"] for f in report["findings"]]
    assert "base/service.yaml" in files
    assert report["summary"]["files"] == 2  # the render and the stray file


def test_subprocess_contract(monkeypatch: pytest.MonkeyPatch):
    """Argument lists, no shell, a timeout; never plugins, exec functions or helm charts."""
    tool = _tool()
    calls: list[dict] = []  # type: ignore[type-arg]
    real = subprocess.run

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append({"argv": args[0], **kwargs})
        return real(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    from netlint.api import lint
    from netlint.render import RenderSettings

    monkeypatch.chdir(FIXTURES)
    report = lint(["overlays/dev"], cwd=FIXTURES, render=RenderSettings(timeout=30))
    assert [f.rule for f in report.active] == ["NL201"]
    assert len(calls) == 1
    call = calls[0]
    assert isinstance(call["argv"], list)
    assert call["argv"][: len(tool)] == tool and len(call["argv"]) == len(tool) + 1
    assert Path(call["argv"][-1]).name.startswith("netlint-kustomize-")
    assert call["shell"] is False and call["timeout"] == 30
    assert not any(a.startswith("--enable") for a in call["argv"])


@pytest.mark.parametrize(
    ("kustomization", "message"),
    [
        (
            "resources:\n  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld\n",
            "netlint: .: includes remote resources "
            "(https://github.com/kubernetes-sigs/kustomize//examples/helloWorld), which netlint "
            "does not fetch; render it yourself and pipe it: `kubectl kustomize . | netlint "
            "check -`",
        ),
        (
            "helmCharts:\n  - name: ingress-nginx\n"
            "    repo: https://kubernetes.github.io/ingress-nginx\n",
            "netlint: .: kustomization.yaml inflates Helm charts (helmCharts:), which needs "
            "kustomize --enable-helm; netlint never enables it (it runs helm and may fetch "
            "charts): render it yourself and pipe it: `kubectl kustomize --enable-helm . | "
            "netlint check -`",
        ),
    ],
    ids=["remote-resources", "helm-charts"],
)
def test_what_would_fetch_or_run_code_is_refused(tmp_path: Path, kustomization: str, message: str):
    (tmp_path / "kustomization.yaml").write_text(kustomization, "utf-8")
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert result.stderr.splitlines() == [message]


def test_overlays_in_one_namespace_are_checked_apart(tmp_path: Path):
    """prod (Local, 3 spread replicas) and staging (Cluster, one replica) name the same objects
    in the same namespace; checked together, NL203 would pair prod's Service with staging's
    single-replica Deployment. Each overlay is its own run."""
    _tool()
    shutil.copytree(FIXTURES, tmp_path / "k")
    for overlay in ("prod", "staging"):
        k = tmp_path / "k" / "overlays" / overlay / "kustomization.yaml"
        text = k.read_text("utf-8").replace("namePrefix: staging-\n", "")
        k.write_text(text.replace(f"edge-{overlay}", "edge"), "utf-8")
    shutil.rmtree(tmp_path / "k" / "overlays" / "dev")
    prod = tmp_path / "k" / "overlays" / "prod"
    (prod / "spread.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: edge-controller\nspec:\n"
        "  replicas: 3\n  template:\n    spec:\n      topologySpreadConstraints:\n"
        "        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n"
        "          whenUnsatisfiable: DoNotSchedule\n",
        "utf-8",
    )
    k = prod / "kustomization.yaml"
    k.write_text(k.read_text("utf-8") + "  - path: spread.yaml\n", "utf-8")
    report = _json(".", cwd=tmp_path / "k")
    # prod is clean: its Service is paired with its own spread Deployment only
    assert _quad(report) == [TREE[2]]
    assert report["findings"][0]["object"]["namespace"] == "edge"


def test_generated_configmap_maps_to_its_literal(tmp_path: Path):
    """`configuredIn:` origins (generators): the `key=value` literal, else the entry."""
    _tool()
    (tmp_path / "kustomization.yaml").write_text(
        "namespace: kube-system\ngeneratorOptions:\n  disableNameSuffixHash: true\n"
        "configMapGenerator:\n  - name: other\n    literals:\n      - mtu=1\n"
        "  - name: cilium-config\n    literals:\n      - tunnel-protocol=vxlan\n"
        "      - routing-mode=tunnel\n      - mtu=9000\n",
        "utf-8",
    )
    report = _json(".", cwd=tmp_path)
    (finding,) = report["findings"]
    assert (finding["rule"], finding["file"], finding["line"], finding["column"]) == (
        "NL102",
        "kustomization.yaml",
        12,
        13,
    )
    assert finding["mapping"] == "exact"
    assert finding["rendered"]["origin"] == "kustomization.yaml"
