"""SARIF 2.1.0: golden files, the OASIS schema (../shared), and the GitHub code-scanning
contract of DESIGN.md section 6: URIs, rules metadata, fingerprints, suppressions, fixes."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from netlint.report.sarif import render

# Shared fixture report, hand-built report, goldens and schemas (loaded by path: tests/ is
# not a package, and this works under any pytest import mode).
S = SimpleNamespace(**runpy.run_path(str(Path(__file__).parent / "fixtures/report/support.py")))


def _run(doc: dict[str, Any]) -> dict[str, Any]:
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(doc["runs"]) == 1
    run: dict[str, Any] = doc["runs"][0]
    return run


def _result(run: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(r for r in run["results"] if r["ruleId"] == rule)


def test_golden_fixture_set():
    text = render(S.fixture_report(), S.options())
    S.validate_sarif(text)
    S.check_golden("report.sarif.json", text)


def test_golden_related_fix_edit_and_suppressions():
    text = render(S.constructed_report(), S.options())
    S.validate_sarif(text)
    S.check_golden("constructed.sarif.json", text)


def test_hostile_input_and_no_base_dir_are_valid_too():
    for report in (S.fixture_report("hostile", config=False), S.constructed_report()):
        S.validate_sarif(render(report, S.options(base_dir=None, tool_version="")))
    text = render(S.fixture_report("hostile", config=False), S.options())
    S.validate_sarif(text)
    assert "\x1b" not in text


def test_real_catalog_gives_valid_sarif_with_what_github_requires():
    from netlint.catalog import load_rules

    report = S.fixture_report(rules=load_rules())
    run = _run(S.validate_sarif(render(report, S.options())))
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r.id for r in report.rules)
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"].strip(), (rule["id"], key)
            assert len(rule[key]["text"]) <= 1024 or key == "help"
        assert rule["help"]["markdown"].startswith(f"# {rule['id']} ")
        severity = rule["properties"].get("security-severity")
        assert severity is None or 0.0 < float(severity) <= 10.0


def test_driver_and_rules_metadata():
    report = S.fixture_report()
    run = _run(json.loads(render(report, S.options(tool_version="1.2.3"))))
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == (
        "netlint",
        "1.2.3",
        "1.2.3",
    )
    assert driver["informationUri"] == "https://github.com/netlint/netlint"
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(r.id for r in report.rules)
    nl001 = driver["rules"][ids.index("NL001")]
    meta = next(r for r in report.rules if r.id == "NL001")
    assert nl001["name"] == "invalid-yaml"
    assert nl001["shortDescription"]["text"] == meta.summary
    assert nl001["fullDescription"]["text"] == "Why NL001 matters, over two lines."
    assert nl001["help"]["markdown"].startswith("# NL001 invalid-yaml\n")
    assert nl001["help"]["text"] == (
        "What NL001 finds.\n\nWhy it matters: Why NL001 matters, over two lines.\n\n"
        "How to fix: How to fix NL001.\n\n"
        "Details: https://github.com/netlint/netlint/blob/main/docs/rules/NL001.md"
    )
    assert nl001["helpUri"] == "https://github.com/netlint/netlint/blob/main/docs/rules/NL001.md"
    assert nl001["defaultConfiguration"] == {"level": "error"}
    assert nl001["properties"] == {
        "tags": list(meta.tags),
        "precision": "very-high",
        "problem.severity": "error",
        "security-severity": "4.0",  # a string, as GitHub expects
    }
    nl003 = driver["rules"][ids.index("NL003")]
    assert nl003["properties"]["problem.severity"] == "recommendation"  # note
    assert "security-severity" not in nl003["properties"]


def test_rules_with_findings_are_added_and_rule_index_matches():
    report = S.constructed_report()
    assert {r.id for r in report.rules} == {"NL001", "NL002", "NL003"}
    run = _run(json.loads(render(report, S.options())))
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["NL001", "NL002", "NL003", "NL006", "NL999"]
    assert rules[3]["name"] == "unknown-suppression"  # from the catalog
    assert rules[4]["shortDescription"] == {"text": "future-rule"}  # not in the catalog
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_results_levels_locations_and_fingerprints():
    report = S.fixture_report()
    run = _run(json.loads(render(report, S.options())))
    assert len(run["results"]) == len(report.findings)  # suppressed ones included
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": S.FIXTURES.as_uri() + "/"}}
    assert run["columnKind"] == "unicodeCodePoints"
    for finding, result in zip(report.findings, run["results"], strict=True):
        assert result["level"] == finding.severity.value
        assert result["message"]["text"] == finding.message
        assert result["partialFingerprints"] == {"netlint/v1": finding.fingerprint}
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding.file.path, "uriBaseId": "%SRCROOT%"}
        span = finding.span
        assert location["region"] == {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        }
    dup = _result(run, "NL002")
    assert dup["properties"] == {
        "object": {"apiVersion": "v1", "kind": "Service", "namespace": "ingress", "name": "edge"},
        "source_template": "edge/templates/service.yaml",
        # a saved `helm template` stream whose chart is not on disk: not mapped
        "mapping": "none",
        "rendered": {
            "file": "manifests/rendered.yaml",
            "line": 15,
            "column": 3,
            "end_line": 15,
            "end_column": 7,
            "tool": "helm",
            "target": None,
            "name": None,
            "origin": "edge/templates/service.yaml",
        },
    }


def test_level_follows_the_finding_not_the_rule_default():
    run = _run(json.loads(render(S.constructed_report(), S.options())))
    result = _result(run, "NL001")
    assert result["level"] == "warning"
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["defaultConfiguration"]["level"] == "error"


def test_uris_are_repo_relative_and_percent_encoded():
    run = _run(json.loads(render(S.constructed_report(), S.options())))

    def artifact(rule: str) -> dict[str, str]:
        location: dict[str, str] = _result(run, rule)["locations"][0]["physicalLocation"][
            "artifactLocation"
        ]
        return location

    assert artifact("NL003") == {"uri": "deploy/my%20app/100%25.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact("NL006") == {"uri": "%3Cstdin%3E", "uriBaseId": "%SRCROOT%"}
    assert artifact("NL001") == {"uri": "file:///elsewhere/vendor.yaml"}  # outside the base
    # without a base directory: display paths, no originalUriBaseIds
    bare = _run(json.loads(render(S.constructed_report(), S.options(base_dir=None))))
    assert "originalUriBaseIds" not in bare
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in bare["results"]]
    assert {"uri": "deploy/etcd.yaml", "uriBaseId": "%SRCROOT%"} in uris


def test_base_dir_decides_the_relative_path():
    report = S.fixture_report()
    run = _run(json.loads(render(report, S.options(base_dir=str(S.ROOT)))))
    uri = _result(run, "NL001")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "tests/fixtures/report/manifests/broken.yaml"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == S.ROOT.as_uri() + "/"


def test_suppressions_on_every_result():
    run = _run(json.loads(render(S.constructed_report(), S.options())))
    by_rule = {r["ruleId"]: r["suppressions"] for r in run["results"]}
    assert by_rule["NL002"] == [] and by_rule["NL001"] == []  # evaluated, not suppressed
    assert by_rule["NL006"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "vendored chart, fixed upstream",
            "properties": {"source": "annotation ignore.netlint.io/all"},
        }
    ]
    assert by_rule["NL999"][0]["kind"] == "external"


def test_related_locations_and_embedded_links():
    run = _run(json.loads(render(S.constructed_report(), S.options())))
    dup = _result(run, "NL002")
    related = dup["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert related[1]["message"] == {"text": "the StorageClass it names [rotational disks]"}
    assert related[1]["physicalLocation"] == {
        "artifactLocation": {"uri": "deploy/storage.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 21},
    }
    assert dup["message"]["text"] == (
        "duplicate key 'storageClassName' (first at line 12); Kubernetes keeps the last "
        "(see [StatefulSet kv/etcd](1), [StorageClass standard-hdd](2))"
    )


def test_fixes_from_edits():
    run = _run(json.loads(render(S.constructed_report(), S.options())))
    dup = _result(run, "NL002")
    assert dup["fixes"] == [
        {
            "description": {"text": "delete the second storageClassName"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "deploy/etcd.yaml", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 14,
                                "startColumn": 1,
                                "endLine": 15,
                                "endColumn": 1,
                            },
                            "insertedContent": {"text": ""},
                        }
                    ],
                }
            ],
        }
    ]
    insert = _result(run, "NL003")["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert insert["deletedRegion"] == {
        "startLine": 1,
        "startColumn": 1,
        "endLine": 1,
        "endColumn": 1,
    }
    assert insert["insertedContent"] == {"text": "apiVersion: v1\nkind: ConfigMap\n"}
    assert "fixes" not in _result(run, "NL001")


def test_invocation_reports_errors_and_notices():
    run = _run(json.loads(render(S.constructed_report(), S.options())))
    assert run["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": "missing.yaml: no such file or directory"}},
                {
                    "level": "note",
                    "message": {"text": "deploy/fifo.yaml: not a regular file; skipped"},
                },
            ],
        }
    ]
    clean = _run(json.loads(render(S.fixture_report(), S.options())))
    assert clean["invocations"] == [{"executionSuccessful": True}]


def test_deterministic_and_json_only():
    report = S.fixture_report()
    first = render(report, S.options())
    assert first == render(S.fixture_report(), S.options())
    assert first.startswith("{") and first.endswith("}\n")
    json.loads(first)


def test_omit_suppressed_leaves_them_out_of_sarif_and_json():
    from netlint.report.json_report import render as render_json

    report = S.fixture_report()
    assert report.suppressed, "the fixture set must hold suppressed findings"
    kept = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in _run(S.validate_sarif(render(report, S.options(omit_suppressed=True))))["results"]
    ]
    assert kept == [(f.rule, f.span.line) for f in report.active]
    doc = json.loads(render_json(report, S.options(omit_suppressed=True)))
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [
        (f.rule, f.span.line) for f in report.active
    ]
    assert all(not f["suppressed"] for f in doc["findings"])
