"""Engine: one index across files, object attribution, fingerprints, ordering, non-manifests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from netlint.api import lint
from netlint.engine import build_index, fingerprint, is_non_manifest_file
from netlint.load import load_text
from netlint.model import ObjectRef, SourceFile

DAY = dt.date(2026, 1, 1)

SC = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: x\n"
STS = (
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: etcd\n  namespace: kv\n"
    "spec:\n  serviceName: etcd\n"
)


def loaded(name: str, text: str):
    return load_text(SourceFile(name, None, tuple(text.splitlines())), text)


def test_index_resolves_across_files():
    index, non_objects = build_index([loaded("a/sc.yaml", SC), loaded("b/sts.yaml", STS)])
    assert non_objects == []
    sc = index.get("StorageClass", "fast")
    sts = index.get("StatefulSet", "etcd", "kv")
    assert sc is not None and sc.file.path == "a/sc.yaml"
    assert sts is not None and sts.ref == ObjectRef("apps/v1", "StatefulSet", "kv", "etcd")
    assert index.get("StatefulSet", "etcd", "other") is None
    assert [r.kind for r in index.of_kind("StatefulSet", "StorageClass")] == [
        "StatefulSet",
        "StorageClass",
    ]


def test_namespace_missing_in_manifest_matches_any_namespace_lookup():
    index, _ = build_index(
        [loaded("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")]
    )
    assert index.get("ConfigMap", "c", "ingress-nginx") is not None


def test_non_manifest_files_are_recognised_by_name():
    for path in (
        "chart/Chart.yaml",
        "chart/values.yaml",
        "chart/values-prod.yaml",
        "overlay/kustomization.yaml",
        ".pre-commit-config.yaml",
        "repo/.github/workflows/ci.yml",
        ".netlint.yaml",
    ):
        assert is_non_manifest_file(path), path
    for path in ("deploy/service.yaml", "values/service.yaml", "k8s/app.json", "values.json"):
        assert not is_non_manifest_file(path), path


def test_tool_config_objects_are_not_resources():
    text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n"
    index, non_objects = build_index([loaded("base/kust.yaml", text)])
    assert index.resources == [] and non_objects == []


def test_fingerprint_ignores_line_numbers():
    obj = ObjectRef("v1", "Service", "ns", "svc")
    a = fingerprint("NL201", "x.yaml", obj, ("spec", "type"), "")
    assert a == fingerprint("NL201", "x.yaml", obj, ("spec", "type"), "")
    assert a != fingerprint("NL201", "y.yaml", obj, ("spec", "type"), "")
    assert a != fingerprint("NL202", "x.yaml", obj, ("spec", "type"), "")
    assert len(a) == 32


def test_duplicate_key_finding_belongs_to_its_object_and_survives_moves(tmp_path: Path):
    body = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: edge\n"
        "data:\n  a: '1'\n  a: '2'\n"
    )
    path = tmp_path / "cm.yaml"
    path.write_text(body)
    first = lint([str(path)], today=DAY, cwd=tmp_path)
    path.write_text("# moved down\n\n\n" + body)
    second = lint([str(path)], today=DAY, cwd=tmp_path)
    assert [(f.rule, f.span.line, f.object) for f in first.findings] == [
        ("NL002", 8, ObjectRef("v1", "ConfigMap", "edge", "settings"))
    ]
    assert [(f.rule, f.span.line) for f in second.findings] == [("NL002", 11)]
    assert first.findings[0].fingerprint == second.findings[0].fingerprint


def test_findings_sorted_by_file_line_column_rule(tmp_path: Path):
    (tmp_path / "b.yaml").write_text("x: [\n")
    (tmp_path / "a.yaml").write_text("a: 1\na: 2\n---\n- 1\n")
    report = lint([str(tmp_path)], today=DAY, cwd=tmp_path)
    assert [(f.file.path, f.span.line, f.rule) for f in report.findings] == [
        ("a.yaml", 1, "NL003"),
        ("a.yaml", 2, "NL002"),
        ("a.yaml", 4, "NL003"),
        ("b.yaml", 1, "NL001"),  # the end of the last line, where the file ends in `[`
    ]


def test_helm_source_template_is_on_findings(tmp_path: Path):
    rendered = (
        "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n"
        "metadata:\n  name: web\ndata:\n  a: '1'\n  a: '2'\n"
        "---\n# Source: web/templates/broken.yaml\nkey: [\n"
    )
    report = lint(
        ["-"], stdin=rendered.encode(), stdin_filename="render.yaml", today=DAY, cwd=tmp_path
    )
    assert [(f.rule, f.file.path, f.span.line, f.source_template) for f in report.findings] == [
        ("NL002", "render.yaml", 9, "web/templates/cm.yaml"),
        ("NL001", "render.yaml", 12, "web/templates/broken.yaml"),
    ]


def test_tool_yaml_is_recognised_by_its_shape():
    compose = "services:\n  etcd:\n    image: quay.io/coreos/etcd\n"
    unittest = "suite: service\ntemplates: [service.yaml]\ntests: []\n"
    stray = "name: leftover\ndata: {}\n"
    _index, non_objects = build_index(
        [loaded("a/compose.yml", compose), loaded("b/t.yaml", unittest), loaded("c/x.yaml", stray)]
    )
    assert [n.doc.file.path for n in non_objects] == ["c/x.yaml"]


def test_identity_lookups_see_objects_added_after_the_first_lookup():
    """The identity maps are built on the first lookup of a kind; an object added later is
    found too, and of two objects of one identity the last added wins (as in a serial read)."""
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: n\ndata:\n  k: {v}\n"
    index, _ = build_index([loaded("one.yaml", cm.format(v="1"))])
    first = index.get("ConfigMap", "c", "n")
    assert first is not None and first.data["data"] == {"k": 1}
    assert [r.file.path for r in index.of_document(first.doc)] == ["one.yaml"]
    again, _ = build_index([loaded("two.yaml", cm.format(v="2")), loaded("sc.yaml", SC)])
    for resource in again.resources:
        index.add(resource)
    last = index.get("ConfigMap", "c", "n")
    assert last is not None and last.file.path == "two.yaml" and last.data["data"] == {"k": 2}
    assert index.get("StorageClass", "fast") is not None
    assert [r.file.path for r in index.of_document(last.doc)] == ["two.yaml"]
    assert index.of_document(first.doc) == [first]
    assert index.get("ConfigMap", "c", "other") is None


def test_each_family_starts_with_an_empty_cache(monkeypatch):
    """engine.run empties RunContext.cache when the next family starts: a rule sees only what
    earlier rules of its own family cached (at most one family's facts are alive)."""
    from netlint import checks
    from netlint.config import default_config
    from netlint.custom import load_all_rules
    from netlint.engine import run

    rules = load_all_rules(default_config())
    family_of = {rule.check: rule.family for rule in rules}
    seen: list[tuple[str, frozenset[str], frozenset[str]]] = []

    def spy(name, fn):
        def check(ctx, params):
            before = frozenset(ctx.cache)
            hits = list(fn(ctx, params))
            seen.append((family_of[name], before, frozenset(ctx.cache)))
            return hits

        return check

    for name, check in list(checks.REGISTRY.items()):
        monkeypatch.setitem(
            checks.REGISTRY, name, checks.Check(spy(name, check.fn), check.load_params)
        )
    files = [
        load_text(SourceFile(p.name, None, ()), p.read_text())
        for p in sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
    ]
    run(files, default_config(), rules, today=DAY)
    assert [family for family, *_ in seen] == sorted(family for family, *_ in seen)
    previous_family, previous_keys = None, frozenset()
    for family, before, after in seen:
        assert before == (previous_keys if family == previous_family else frozenset())
        previous_family, previous_keys = family, after
    # the families that cache facts did (else the test above proves nothing)
    assert {family for family, _, after in seen if after} == {"NL0", "NL1", "NL2", "NL3", "NL4"}


def test_the_report_keeps_the_loaded_files_and_the_command_keeps_its_report(tmp_path: Path):
    """The run's documents are freed with the report, not when lint() returns: the CLI keeps
    its last report until the process ends (checkrun._KEPT), so nothing is freed object by
    object before the process exits."""
    from netlint import checkrun
    from netlint.checkrun import CheckOptions, run_check

    (tmp_path / "a.yaml").write_text(SC)
    (tmp_path / "b.yaml").write_text(STS)
    report = lint([str(tmp_path)], cwd=tmp_path, today=DAY)
    (loaded_files,) = report.inputs
    assert [lf.file.path for lf in loaded_files] == report.files == ["a.yaml", "b.yaml"]
    assert [d.data["kind"] for lf in loaded_files for d in lf.documents] == [
        "StorageClass",
        "StatefulSet",
    ]
    out = tmp_path / "out.json"
    code = run_check(CheckOptions(paths=(str(tmp_path / "a.yaml"),), fmt="json", output=out))
    assert code == 0
    (kept,) = checkrun._KEPT
    assert kept.files == [str(tmp_path / "a.yaml")] and kept.findings == []
