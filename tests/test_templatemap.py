"""Mapping findings on `helm template` output back to the template and values lines.

The renders are recorded in Helm 3's exact format (tests/fixtures/helm/rendered/, piped to
`netlint check -` as `helm template ... | netlint check -` would), so these run everywhere.
"""

from __future__ import annotations

import runpy
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import run_cli

from netlint.mapping import template as tm
from netlint.mapping.values import MISSING

HELM_DIR = Path(__file__).parent / "fixtures" / "helm"
RECORDED = HELM_DIR / "rendered"
S = SimpleNamespace(**runpy.run_path(str(Path(__file__).parent / "fixtures/report/support.py")))

ETP_TEMPLATE = "edge/templates/service.yaml:14:26: the template reads "
ETP_TEMPLATE += ".Values.controller.service.externalTrafficPolicy here"


@pytest.fixture(scope="module")
def piped() -> Callable[[str], str]:
    """`helm template edge edge | netlint check -` in tests/fixtures/helm, in-process; returns
    the report in a given format."""
    from netlint.api import lint
    from netlint.report import RenderOptions, renderer

    stdin = (RECORDED / "edge.yaml").read_bytes()
    report = lint(["-"], stdin=stdin, cwd=HELM_DIR)
    options = RenderOptions(tool_version=S.__version__, base_dir=str(HELM_DIR))
    return lambda fmt: renderer(fmt)(report, options)


def _check(stdin: str, cwd: Path, fmt: str = "json", **settings: Any) -> Any:
    """`... | netlint check - --format FMT` in `cwd`, in-process (the CLI's own path is in
    the tests above and in test_render_helm); JSON is returned parsed."""
    import json

    from netlint.api import lint
    from netlint.render import RenderSettings
    from netlint.report import RenderOptions, renderer

    report = lint(["-"], stdin=stdin.encode(), cwd=cwd, render=RenderSettings(**settings))
    text = renderer(fmt)(report, RenderOptions(base_dir=str(cwd)))
    return json.loads(text) if fmt == "json" else text


def _recorded(name: str) -> str:
    return (RECORDED / name).read_text("utf-8")


def _pipe(recording: str, *args: str) -> Any:
    return run_cli(
        "check", "-", *args, stdin=(RECORDED / recording).read_text("utf-8"), cwd=HELM_DIR
    )


def test_values_driven_finding_text_points_at_the_values_line():
    result = _pipe("edge.yaml", "--no-color")
    assert result.returncode == 0, result.describe()
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "edge/values.yaml:12:28: warning NL201 LoadBalancer Service edge-controller fronts "
        "ingress-nginx (label app.kubernetes.io/name: ingress-nginx) and externalTrafficPolicy "
        "is Cluster: "
    )
    assert lines[1:6] == [
        "  rendered from: <stdin>:13:26 (edge/templates/service.yaml)",
        f"  note: {ETP_TEMPLATE}",
        # the label comes from `{{- include "edge.labels" . | nindent 4 }}` on line 6
        "  note: edge/templates/service.yaml:6:5: recognised as ingress-nginx here "
        "(Service edge-controller)",
        "  note: edge/templates/deployment.yaml:2:1: the ingress-nginx pods this Service "
        "selects (Deployment edge-controller)",
        # the fix is made where the value is set: under its key in the values file
        "  fix: set controller.service.externalTrafficPolicy to Local in edge/values.yaml",
    ]
    assert lines[-1] == "Found 1 finding (1 warning) in 1 of 1 file."


def test_values_driven_finding_json(piped: Callable[[str], str]):
    report = S.validate_json_report(piped("json"))
    (finding,) = report["findings"]
    assert (finding["file"], finding["line"], finding["column"], finding["end_column"]) == (
        "edge/values.yaml",
        12,
        28,
        35,
    )
    assert finding["mapping"] == "exact"
    assert finding["source_template"] == "edge/templates/service.yaml"
    assert finding["rendered"] == {
        "file": "<stdin>",
        "line": 13,
        "column": 26,
        "end_line": 13,
        "end_column": 33,
        "tool": "helm",
        "target": "edge",
        "name": None,
        "origin": "edge/templates/service.yaml",
    }
    assert finding["related"][0] == {
        "message": "the template reads .Values.controller.service.externalTrafficPolicy here",
        "file": "edge/templates/service.yaml",
        "line": 14,
        "column": 26,
        "end_line": 14,
        "end_column": 80,
        "object": None,
    }
    assert finding["edit"] is None  # an edit of the rendered text would not fit values.yaml
    assert finding["fix"] == {
        "description": "set controller.service.externalTrafficPolicy to Local in edge/values.yaml",
        "path": ["spec", "externalTrafficPolicy"],
        "value": "Local",
        "delete": False,
    }


def test_values_driven_finding_sarif_primary_is_values_and_render_is_related(
    piped: Callable[[str], str],
):
    doc = S.validate_sarif(piped("sarif"))
    (res,) = doc["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "edge/values.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12, "startColumn": 28, "endLine": 12, "endColumn": 35},
    }
    related = [
        (
            r["physicalLocation"]["artifactLocation"]["uri"],
            r["physicalLocation"]["region"]["startLine"],
            r["message"]["text"],
        )
        for r in res["relatedLocations"]
    ]
    assert related == [
        (
            "edge/templates/service.yaml",
            14,
            "the template reads .Values.controller.service.externalTrafficPolicy here",
        ),
        ("edge/templates/service.yaml", 6, "recognised as ingress-nginx here"),
        ("edge/templates/deployment.yaml", 2, "the ingress-nginx pods this Service selects"),
        ("%3Cstdin%3E", 13, "rendered here (<stdin>)"),
    ]
    assert res["properties"]["mapping"] == "exact"
    assert res["properties"]["rendered"]["origin"] == "edge/templates/service.yaml"
    # GitHub shows related locations that the message links
    assert res["message"]["text"].endswith(
        " (see [edge/templates/service.yaml:14](1), [Service edge-controller](2), "
        "[Deployment edge-controller](3)) (rendered from [<stdin>:13](4))"
    )


def test_values_driven_finding_github_annotation(piped: Callable[[str], str]):
    first = piped("github").splitlines()[0]
    assert first.startswith(
        "::warning file=edge/values.yaml,line=12,col=28,endLine=12,endColumn=35,"
        "title=NL201 ingress-client-ip-lost::LoadBalancer Service edge-controller"
    )
    assert "%0Arendered from: <stdin>:13:26 (edge/templates/service.yaml)%0A" in first


def test_user_values_file_that_sets_it_wins():
    report = _check(
        _recorded("edge-staging.yaml"), HELM_DIR, helm_values=("edge/values-staging.yaml",)
    )
    (finding,) = report["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == (
        "edge/values-staging.yaml",
        6,
        28,
    )
    assert finding["rendered"]["line"] == 15  # the annotations block moved it down


def test_value_from_helm_set_stays_on_the_template_line():
    report = _check(
        _recorded("edge.yaml"),
        HELM_DIR,
        helm_set=("controller.service.externalTrafficPolicy=Cluster",),
    )
    (finding,) = report["findings"]
    assert (finding["file"], finding["line"], finding["column"], finding["end_column"]) == (
        "edge/templates/service.yaml",
        14,
        26,
        80,
    )
    assert finding["mapping"] == "exact"


def test_key_dropped_by_an_if_points_at_the_templates_key():
    """`{{- if .Values...externalTrafficPolicy }}` left it out: the finding (not set) goes to
    the key inside the `if`, not to values.yaml, whose Cluster would have rendered it."""
    (finding,) = _check(_recorded("edge-unset.yaml"), HELM_DIR)["findings"]
    assert (
        finding["file"],
        finding["line"],
        finding["column"],
        finding["end_line"],
        finding["end_column"],
    ) == ("edge/templates/service.yaml", 14, 3, 14, 24)
    assert "externalTrafficPolicy is not set" in finding["message"]
    assert (finding["rendered"]["line"], finding["rendered"]["column"]) == (11, 1)


def test_template_not_on_disk_keeps_the_rendered_place(tmp_path: Path):
    lines = _check(_recorded("edge.yaml"), tmp_path, "text").splitlines()
    assert lines[0].startswith("<stdin>:13:26: warning NL201 ")
    assert lines[1] == "  source: edge/templates/service.yaml"
    assert _check(_recorded("edge.yaml"), tmp_path)["findings"][0]["mapping"] == "none"


# ---- the walker on awkward templates ---------------------------------------------------------


def _probe(data: Any) -> tm.Probe:
    from netlint.mapping import _probe as probe

    return probe(data)


def _walk(text: str, path: tuple[Any, ...], data: Any) -> tm.Walk:
    (seg,) = tm.segments(text)
    return tm.walk(seg, path, _probe(data))


def test_if_else_branches_are_told_apart_by_their_literal_value():
    text = (
        "kind: Service\nspec:\n"
        "  {{- if .Values.local }}\n  externalTrafficPolicy: Local\n"
        "  {{- else }}\n  externalTrafficPolicy: Cluster\n  {{- end }}\n"
    )
    walked = _walk(
        text, ("spec", "externalTrafficPolicy"), {"spec": {"externalTrafficPolicy": "Cluster"}}
    )
    assert [e.line for e in walked.reached] == [2, 6]
    walked = _walk(
        text, ("spec", "externalTrafficPolicy"), {"spec": {"externalTrafficPolicy": "Local"}}
    )
    assert [e.line for e in walked.reached] == [2, 4]


def test_same_key_twice_without_literals_is_ambiguous():
    text = (
        "spec:\n  {{- if .Values.a }}\n  type: {{ .Values.a }}\n  {{- else }}\n"
        "  type: {{ .Values.b }}\n  {{- end }}\n"
    )
    walked = _walk(text, ("spec", "type"), {"spec": {"type": "x"}})
    assert [e.line for e in walked.reached] == [1]
    assert walked.ambiguous


def test_sequence_items_counted_named_or_ranged():
    text = (
        "spec:\n  containers:\n    - name: app\n      image: a\n"
        "    - name: sidecar\n      image: b\n"
    )
    data = {
        "spec": {"containers": [{"name": "app", "image": "a"}, {"name": "sidecar", "image": "b"}]}
    }
    assert [e.line for e in _walk(text, ("spec", "containers", 1, "image"), data).reached] == [
        1,
        2,
        5,
        6,
    ]
    # a conditional item: counting is off, the name decides
    text_if = (
        "spec:\n  containers:\n    {{- if .Values.extra }}\n    - name: extra\n    {{- end }}\n"
        "    - name: app\n      image: a\n"
    )
    data_if = {"spec": {"containers": [{"name": "app", "image": "a"}]}}
    walked = _walk(text_if, ("spec", "containers", 0, "image"), data_if)
    assert [e.line for e in walked.reached] == [1, 2, 6, 7]
    # one item under `range`: every rendered item comes from it
    text_range = (
        "spec:\n  ports:\n  {{- range .Values.ports }}\n  - port: {{ .port }}\n  {{- end }}\n"
    )
    data_range = {"spec": {"ports": [{"port": 1}, {"port": 2}, {"port": 3}]}}
    walked = _walk(text_range, ("spec", "ports", 2, "port"), data_range)
    assert [e.line for e in walked.reached] == [1, 2, 4, 4]


def test_to_yaml_with_nindent_hands_over_to_values():
    text = (
        "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
        "          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n"
    )
    data = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "app", "resources": {"limits": {"cpu": 1}}}]}
            }
        }
    }
    path = ("spec", "template", "spec", "containers", 0, "resources", "limits", "cpu")
    walked = _walk(text, path, data)
    assert [e.line for e in walked.reached] == [1, 2, 3, 4, 5, 6]
    assert walked.values == ("resources",)
    assert walked.values_rest == ("limits", "cpu")


def test_inline_include_and_with_block_context():
    text = (
        "metadata:\n  annotations: {{- toYaml .Values.svc.annotations | nindent 4 }}\n"
        "spec:\n  {{- with .Values.svc }}\n  type: {{ .type }}\n  selector:\n"
        "    {{- toYaml .selector | nindent 4 }}\n  {{- end }}\n"
    )
    (seg,) = tm.segments(text)
    walked = tm.walk(seg, ("metadata", "annotations", "a"), _probe({}))
    assert (walked.values, walked.values_rest) == (("svc", "annotations"), ("a",))
    walked = tm.walk(seg, ("spec", "type"), _probe({"spec": {"type": "LoadBalancer"}}))
    assert walked.reached[-1].line == 5 and walked.reached[-1].values == ("svc", "type")
    walked = tm.walk(seg, ("spec", "selector", "app"), _probe({}))
    assert (walked.values, walked.values_rest) == (("svc", "selector"), ("app",))


def test_block_scalars_are_not_structure():
    text = (
        "data:\n  nginx.conf: |\n    spec:\n      externalTrafficPolicy: Local\n"
        "spec:\n  externalTrafficPolicy: {{ .Values.etp | quote }}\n"
    )
    walked = _walk(
        text, ("spec", "externalTrafficPolicy"), {"spec": {"externalTrafficPolicy": "Cluster"}}
    )
    assert [e.line for e in walked.reached] == [5, 6]
    assert walked.reached[-1].values == ("etp",)


def test_documents_of_one_template_and_their_kinds():
    text = (
        "{{- if .Values.rbac }}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
        "  name: {{ .Release.Name }}\n{{- end }}\n---\napiVersion: v1\nkind: Service\n"
        "metadata:\n  name: web\nspec:\n  type: LoadBalancer\n"
    )
    segs = tm.segments(text)
    assert [(s.kind, s.name) for s in segs] == [("ServiceAccount", None), ("Service", "web")]
    head = segs[1].head()
    assert head is not None and head.line == 9


def test_values_lookup_precedence_and_set(tmp_path: Path):
    from netlint.load import load_text
    from netlint.mapping.values import lookup, set_keys
    from netlint.model import SourceFile

    chart = tmp_path / "values.yaml"
    chart.write_text("svc:\n  type: ClusterIP\n  etp: Cluster\n", "utf-8")
    user = tmp_path / "prod.yaml"
    user.write_text("svc:\n  type: LoadBalancer\n", "utf-8")

    def load(path: Path) -> Any:
        return load_text(SourceFile(path.name, str(path)), path.read_text("utf-8"))

    def both(ref: tuple[str, ...]) -> list[tuple[Path, tuple[str, ...]]]:
        return [(chart, ref), (user, ref)]

    found = lookup(both(("svc", "type")), [], "LoadBalancer", load)
    assert found is not None and found[0] == user and found[1].line == 2
    found = lookup(both(("svc", "etp")), [], "Cluster", load)
    assert found is not None and found[0] == chart and found[1].line == 3
    assert lookup(both(("svc", "etp")), ["svc.etp=Cluster"], "Cluster", load) is None
    assert lookup(both(("svc", "etp")), [], "Local", load) is None  # not what was rendered
    assert lookup(both(("svc", "nope")), [], MISSING, load) is None
    assert set_keys(["a.b=1,c\\.d.e=2", "f[0].g=x"]) == [("a", "b"), ("c.d", "e"), ("f", "g")]


def test_value_injected_by_to_yaml_points_at_the_values_key(tmp_path: Path):
    chart = tmp_path / "svc"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: svc\nversion: 0.1.0\n", "utf-8")
    (chart / "values.yaml").write_text(
        "service:\n  type: LoadBalancer\n  externalTrafficPolicy: Cluster\n", "utf-8"
    )
    (chart / "templates" / "service.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\n  labels:\n"
        "    app.kubernetes.io/name: ingress-nginx\nspec:\n"
        "  {{- toYaml .Values.service | nindent 2 }}\n",
        "utf-8",
    )
    rendered = (  # `helm template x svc`
        "---\n# Source: svc/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n"
        "  name: edge\n  labels:\n    app.kubernetes.io/name: ingress-nginx\nspec:\n"
        "  externalTrafficPolicy: Cluster\n  type: LoadBalancer\n"
    )
    (finding,) = _check(rendered, tmp_path)["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("svc/values.yaml", 3, 26)
    assert finding["mapping"] == "exact"
    assert finding["related"][0]["message"] == (
        "the template reads .Values.service.externalTrafficPolicy here"
    )
    assert (finding["related"][0]["file"], finding["related"][0]["line"]) == (
        "svc/templates/service.yaml",
        8,
    )


def test_a_template_that_disagrees_with_the_render_is_not_its_source(tmp_path: Path):
    """A chart of the same name but another version on disk: its literal `type: ClusterIP`
    cannot have rendered `type: LoadBalancer`, so the finding is not mapped there."""
    chart = tmp_path / "edge"
    shutil.copytree(HELM_DIR / "edge", chart)
    svc = chart / "templates" / "service.yaml"
    svc.write_text(
        svc.read_text("utf-8").replace(
            "  externalTrafficPolicy: {{ .Values.controller.service.externalTrafficPolicy }}",
            "  externalTrafficPolicy: Local",
        ),
        "utf-8",
    )
    stdin = (RECORDED / "edge.yaml").read_text("utf-8")
    (finding,) = _check(stdin, tmp_path)["findings"]
    assert (finding["file"], finding["line"], finding["mapping"]) == ("<stdin>", 13, "none")


def test_subchart_values_come_from_the_parent_or_the_subchart(tmp_path: Path):
    shop = tmp_path / "shop"
    shutil.copytree(HELM_DIR / "edge", shop / "charts" / "edge")
    (shop / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 1.0.0\n", "utf-8")
    stdin = (
        (RECORDED / "edge.yaml")
        .read_text("utf-8")
        .replace("# Source: edge/", "# Source: shop/charts/edge/")
    )

    def place() -> tuple[str, int, int]:
        (finding,) = _check(stdin, tmp_path)["findings"]
        return finding["file"], finding["line"], finding["column"]

    # the parent sets nothing for edge: the subchart's own default
    (shop / "values.yaml").write_text("replicas: 1\n", "utf-8")
    assert place() == ("shop/charts/edge/values.yaml", 12, 28)
    # the parent overrides it under the subchart's name
    (shop / "values.yaml").write_text(
        "edge:\n  controller:\n    service:\n      externalTrafficPolicy: Cluster\n", "utf-8"
    )
    assert place() == ("shop/values.yaml", 4, 30)
