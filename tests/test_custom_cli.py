"""Custom rules on the command line: `netlint test-rules`, `check` with rules_dirs (JSON, SARIF
with the rule's own metadata, suppressions by annotation, exclude and baseline), `rules`,
`explain`, and broken rules as exit 2."""

from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT
from test_config import invoke

from netlint.catalog import load_rules
from netlint.fixtures import rule_fixtures

PROJECT = ROOT / "tests/fixtures/custom_rules/project"
BROKEN = ROOT / "tests/fixtures/custom_rules/broken"
S = SimpleNamespace(**runpy.run_path(str(ROOT / "tests/fixtures/report/support.py")))

SERVICES = """\
apiVersion: v1
kind: Service
metadata:
  name: debug
  namespace: prod
spec:
  type: NodePort
---
apiVersion: v1
kind: Service
metadata:
  name: by-id
  namespace: prod
  annotations:
    ignore.netlint.io/ACME002: "temporary debug port, removed in CHG-1234"
spec:
  type: NodePort
---
apiVersion: v1
kind: Service
metadata:
  name: by-name
  namespace: prod
  annotations:
    ignore.netlint.io/no-nodeport-in-prod: "vendor chart, ticket VEND-7"
spec:
  type: NodePort
---
apiVersion: v1
kind: Service
metadata:
  name: excluded
  namespace: prod-vendor
spec:
  type: NodePort
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The test project (config + rules) copied, with the Services above beside it."""
    shutil.copytree(PROJECT, tmp_path / "project")
    (tmp_path / "project/services.yaml").write_text(SERVICES, "utf-8")
    return tmp_path / "project"


def test_test_rules_of_a_folder():
    result = invoke("test-rules", "tests/fixtures/custom_rules/project/rules", cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "test-rules: 8 fixture(s) of 4 rule(s): ok\n",
        "",
    )


def test_test_rules_defaults_to_the_configs_rules_dirs():
    result = invoke("test-rules", cwd=PROJECT)
    assert (result.returncode, result.stdout) == (
        0,
        "test-rules: 8 fixture(s) of 4 rule(s): ok\n",
    )


def test_test_rules_reports_each_mismatch_with_file_and_line(project: Path):
    rule = project / "rules/ACME002-no-nodeport-in-prod"
    fail = rule / "fail/nodeport.yaml"
    # the mark moves one line up: expected on line 6, reported on line 7
    fail.write_text(
        fail.read_text("utf-8")
        .replace("  type: NodePort  # expect: ACME002", "  type: NodePort")
        .replace("spec:", "spec:  # expect: ACME002"),
        "utf-8",
    )
    (rule / "pass/prod.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  namespace: prod\n"
        "spec:\n  type: NodePort\n",
        "utf-8",
    )
    result = invoke("test-rules", "rules", cwd=project)
    fix = "Use type ClusterIP behind the shared ingress, or a LoadBalancer with source ranges."
    assert result.returncode == 1, result.describe()
    assert result.stdout.splitlines() == [
        "rules/ACME002-no-nodeport-in-prod/fail/nodeport.yaml:6: expected ACME002, got nothing",
        "rules/ACME002-no-nodeport-in-prod/fail/nodeport.yaml:7: expected nothing, got ACME002: "
        f"Service prod-eu/debug: spec.type is NodePort. {fix}",
        "rules/ACME002-no-nodeport-in-prod/pass/prod.yaml:7: expected nothing, got ACME002: "
        f"Service prod/x: spec.type is NodePort. {fix}",
        "test-rules: 9 fixture(s) of 4 rule(s): 3 problem(s)",
    ]


def test_test_rules_wants_both_kinds_of_fixture_and_the_rule_marked(project: Path):
    rule = project / "rules/ACME004-tcp-only"
    shutil.rmtree(rule / "pass")
    udp = rule / "fail/udp.yaml"
    udp.write_text(udp.read_text("utf-8").replace("  # expect: ACME004", ""), "utf-8")
    result = invoke("test-rules", "rules", cwd=project)
    assert result.returncode == 1, result.describe()
    assert result.stdout.splitlines() == [
        "rules/ACME004-tcp-only/rule.yaml:1: ACME004 has no pass/ fixtures",
        "rules/ACME004-tcp-only/fail/udp.yaml:13: expected nothing, got ACME004: Service "
        "infra/dns: spec.ports[1].protocol is UDP, not one of TCP. Use protocol TCP, or ask the "
        "network team for a UDP load balancer.",
        "rules/ACME004-tcp-only/fail/udp.yaml:1: a fail/ fixture must mark a line "
        "`# expect: ACME004`",
        "test-rules: 7 fixture(s) of 4 rule(s): 3 problem(s)",
    ]


def test_test_rules_without_custom_rules_runs_the_builtin_fixtures(tmp_path: Path):
    rules = load_rules()
    count = sum(len(rule_fixtures(r)) for r in rules)
    result = invoke("test-rules", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (
        0,
        f"test-rules: {count} fixture(s) of {len(rules)} rule(s): ok\n",
    )


@pytest.mark.parametrize("command", [["check", "x.yaml"], ["rules"], ["test-rules"]])
def test_a_broken_custom_rule_is_exit_2_for_every_command(tmp_path: Path, command: list[str]):
    shutil.copytree(BROKEN / "nl-prefix", tmp_path / "rules")
    (tmp_path / ".netlint.yaml").write_text("rules_dirs: [rules]\n", "utf-8")
    (tmp_path / "x.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    result = invoke(*command, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "rules/NL900-mine/rule.yaml:1: id: NL900: the NL prefix is netlint's own; give your "
        "rules your own prefix (ACME001)\n",
    )


def test_config_names_custom_rules_and_rejects_typos(project: Path):
    config = project / ".netlint.yaml"
    config.write_text("rules_dirs: [rules]\nselect: [ACME002]\nignore: [ACME0002]\n", "utf-8")
    result = invoke("check", "services.yaml", cwd=project)
    assert (result.returncode, result.stderr) == (
        2,
        ".netlint.yaml:3: ignore[0]: 'ACME0002' is not a rule ID, ID prefix or rule name, "
        "did you mean ACME002?\n",
    )
    config.write_text("rules_dirs: [rules, missing]\n", "utf-8")
    result = invoke("check", "services.yaml", cwd=project)
    assert (result.returncode, result.stderr) == (
        2,
        f".netlint.yaml:1: rules_dirs[1]: missing: no such directory (relative to {project})\n",
    )


def _check(project: Path, *args: str) -> list[tuple[str, int, str | None]]:
    result = invoke("check", "services.yaml", "--format", "json", *args, cwd=project)
    assert result.returncode in (0, 1), result.describe()
    return [
        (f["rule"], f["line"], (f.get("suppression") or {}).get("justification"))
        for f in result.json()["findings"]
    ]


def test_suppressions_by_annotation_id_name_and_config_exclude(project: Path):
    config = project / ".netlint.yaml"
    config.write_text(
        "rules_dirs: [rules]\nselect: [ACME]\nexclude:\n  - rule: no-nodeport-in-prod\n"
        "    namespace: prod-vendor\n    reason: vendored\n",
        "utf-8",
    )
    assert _check(project) == [
        ("ACME002", 7, None),
        ("ACME002", 17, "temporary debug port, removed in CHG-1234"),
        ("ACME002", 27, "vendor chart, ticket VEND-7"),
        ("ACME002", 35, "vendored"),
    ]


def test_baseline_hides_custom_findings(project: Path):
    first = invoke(
        "check", "services.yaml", "--select", "ACME002", "--write-baseline", "b.json", cwd=project
    )
    assert first.returncode == 0, first.describe()  # a warning does not fail the run
    baseline = json.loads((project / "b.json").read_text("utf-8"))
    assert sorted((f["rule"], f["message"].split(":")[0]) for f in baseline["findings"]) == [
        ("ACME002", "Service prod-vendor/excluded"),
        ("ACME002", "Service prod/debug"),
    ]
    assert _check(project, "--select", "ACME002", "--baseline", "b.json") == [
        ("ACME002", 7, "listed in the baseline file"),
        ("ACME002", 17, "temporary debug port, removed in CHG-1234"),
        ("ACME002", 27, "vendor chart, ticket VEND-7"),
        ("ACME002", 35, "listed in the baseline file"),
    ]


def test_config_overrides_a_custom_rules_severity_and_params(project: Path):
    (project / ".netlint.yaml").write_text(
        "rules_dirs: [rules]\nselect: [ACME002]\nrules:\n  ACME002:\n    severity: error\n"
        "    params: {match: {kinds: [Service], namespaces: [prod-vendor]}}\n",
        "utf-8",
    )
    result = invoke("check", "services.yaml", "--format", "json", cwd=project)
    assert result.returncode == 1, result.describe()
    assert [(f["rule"], f["severity"], f["line"]) for f in result.json()["findings"]] == [
        ("ACME002", "error", 35)
    ]


def test_sarif_carries_the_custom_rules_own_metadata(project: Path):
    manifest = project / "rules/ACME001-lb-source-ranges/fail/open.yaml"
    shutil.copy(manifest, project / "open.yaml")
    result = invoke(
        "check", "open.yaml", "services.yaml", "--select", "ACME", "--format", "sarif", cwd=project
    )
    assert result.returncode == 1, result.describe()
    run = S.validate_sarif(result.stdout)["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert sorted(rules) == ["ACME001", "ACME002", "ACME003", "ACME004"]
    acme1 = rules["ACME001"]
    assert acme1["name"] == "lb-source-ranges"
    assert acme1["shortDescription"] == {
        "text": "Every LoadBalancer Service restricts its clients with loadBalancerSourceRanges."
    }
    assert acme1["helpUri"] == "https://wiki.example.com/policies/acme001"
    assert acme1["help"]["text"].endswith(
        "How to fix: Set spec.loadBalancerSourceRanges to the office and VPN CIDRs "
        "(10.20.0.0/16, 192.0.2.0/24).\n\nDetails: https://wiki.example.com/policies/acme001"
    )
    assert acme1["defaultConfiguration"] == {"level": "error"}
    assert acme1["properties"]["tags"] == ["network", "acme"]
    # no help_uri: no link, and never netlint's own documentation
    assert "helpUri" not in rules["ACME002"]
    assert "Details:" not in rules["ACME002"]["help"]["text"]
    results = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
    ]
    assert results == [
        ("ACME001", "error", 6),
        ("ACME001", "error", 20),
        ("ACME001", "error", 29),
        ("ACME002", "warning", 7),
        ("ACME002", "warning", 17),
        ("ACME002", "warning", 27),
        ("ACME002", "warning", 35),
    ]
    assert [bool(r.get("suppressions")) for r in run["results"]] == [
        False,
        False,
        False,
        False,
        True,
        True,
        False,
    ]


def test_rules_and_explain_show_custom_rules():
    listed = invoke("rules", "--format", "json", cwd=PROJECT)
    assert listed.returncode == 0, listed.describe()
    custom = [r for r in listed.json() if not r["id"].startswith("NL")]
    assert custom == [
        {
            "id": "ACME001",
            "name": "lb-source-ranges",
            "severity": "error",
            "enabled": True,
            "summary": "Every LoadBalancer Service restricts its clients with "
            "loadBalancerSourceRanges.",
            "tags": ["network", "acme"],
        },
        {
            "id": "ACME002",
            "name": "no-nodeport-in-prod",
            "severity": "warning",
            "enabled": True,
            "summary": "No Service of type NodePort in the prod namespaces.",
            "tags": [],
        },
        {
            "id": "ACME003",
            "name": "owner-annotation",
            "severity": "note",
            "enabled": True,
            "summary": "Every Deployment of a team says who owns it.",
            "tags": [],
        },
        {
            "id": "ACME004",
            "name": "tcp-only",
            "severity": "warning",
            "enabled": True,
            "summary": "Service ports use TCP.",
            "tags": [],
        },
    ]
    page = invoke("explain", "--format", "markdown", "tcp-only", cwd=PROJECT)
    assert page.returncode == 0, page.describe()
    lines = page.stdout.splitlines()
    assert lines[:9] == [
        "# ACME004 tcp-only",
        "",
        "Severity: warning · Enabled by default: yes · Since: 0.1.0 · Reads: each file on its own",
        "",
        "## What it finds",
        "",
        "Service ports use TCP.",
        "",
        "## Why it matters",
    ]
    assert "      protocol: UDP" in lines  # the fail fixture is the example, marks stripped
    assert '| `path` | `"spec.ports[*].protocol"` |' in lines
    assert 'Annotation on the object: `ignore.netlint.io/ACME004: "<reason>"`, or a config ' in (
        page.stdout.replace("`exclude:`", "\n")
    )


def test_pyproject_rules_dirs_are_relative_to_pyproject(tmp_path: Path):
    shutil.copytree(PROJECT / "rules", tmp_path / "policy")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.netlint]\nrules_dirs = ["policy"]\nselect = ["ACME"]\n',
        "utf-8",
    )
    (tmp_path / "sub").mkdir()
    result = invoke("rules", cwd=tmp_path / "sub")
    assert result.returncode == 0, result.describe()
    assert [line.split()[0] for line in result.stdout.splitlines()][1:5] == [
        "ACME001",
        "ACME002",
        "ACME003",
        "ACME004",
    ]


def test_annotations_naming_custom_rules_are_known_suppressions(project: Path):
    """NL006 (a suppression naming no rule) knows the custom rules of the config in force."""
    assert [(r, line) for r, line, _ in _check(project) if r == "NL006"] == []
    (project / ".netlint.yaml").write_text("{}\n", "utf-8")
    assert [(r, line) for r, line, _ in _check(project) if r == "NL006"] == [
        ("NL006", 15),
        ("NL006", 25),
    ]


def test_test_rules_of_an_empty_or_missing_folder(tmp_path: Path):
    (tmp_path / "rules").mkdir()
    empty = invoke("test-rules", "rules", cwd=tmp_path)
    assert (empty.returncode, empty.stdout) == (
        1,
        "rules: no rules (folders <ID>-<name>/ with a rule.yaml) to test\n",
    )
    missing = invoke("test-rules", "nowhere", cwd=tmp_path)
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        2,
        "",
        "nowhere: not a directory of rules\n",
    )


def test_a_broken_fixture_config_comment_is_exit_2_on_its_line(project: Path):
    staging = project / "rules/ACME002-no-nodeport-in-prod/pass/staging.yaml"
    staging.write_text(
        "# netlint-config: {clustr: {node_mtu: 9001}}\n" + staging.read_text("utf-8"), "utf-8"
    )
    result = invoke("test-rules", "rules", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "rules/ACME002-no-nodeport-in-prod/pass/staging.yaml:1: netlint-config: clustr: unknown "
        "key, did you mean cluster?\n",
    )


def test_a_schema_from_the_config_is_checked_like_the_rules_own(project: Path):
    (project / ".netlint.yaml").write_text(
        "rules_dirs: [rules]\nrules:\n  ACME001:\n    params:\n      schema:\n"
        "        properties:\n          spec: {$ref: 'https://example.com/evil.json'}\n",
        "utf-8",
    )
    result = invoke("check", "services.yaml", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        '.netlint.yaml:5: rules.ACME001.params.schema: properties.spec["$ref"]: '
        "https://example.com/evil.json: not in this schema, and netlint never fetches schemas; "
        "put the definition under $defs and refer to it as #/$defs/<name>\n",
    )


def test_rule_tables_align_and_link_custom_rules():
    text = invoke("rules", cwd=PROJECT).stdout.splitlines()
    assert text[0].startswith("ID      NAME ")
    assert text[1].startswith("ACME001 lb-source-ranges ")
    assert text[5].startswith("NL001   invalid-yaml ")
    markdown = invoke("rules", "--format", "markdown", cwd=PROJECT).stdout.splitlines()
    assert markdown[2].startswith("| [ACME001](https://wiki.example.com/policies/acme001) | ")
    assert markdown[3].startswith("| ACME002 | no-nodeport-in-prod | ")  # no page of its own
    assert markdown[6].startswith(
        "| [NL001](https://github.com/netlint/netlint/blob/main/docs/rules/NL001.md) | "
    )
