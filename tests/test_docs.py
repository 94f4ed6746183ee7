"""Generated docs (docs/rules/*.md, docs/rules/README.md, docs/config.md) are committed and current;
they come from the same renderers as `netlint explain` and `netlint rules --format markdown`.

Regenerate everything: `python -m netlint.docgen`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from jsonschema import Draft202012Validator

from netlint import docgen
from netlint.catalog import load_rules
from netlint.config import config_json_schema, load_config
from netlint.explain import find_rule, rule_text

DOCS = ROOT / "docs"


def test_generated_docs_are_current() -> None:
    stale = docgen.stale(DOCS)
    assert stale == [], f"stale generated docs {stale}: run `python -m netlint.docgen`"


def test_there_is_one_page_per_rule_and_nothing_else() -> None:
    pages = {p.stem for p in (DOCS / "rules").glob("*.md")} - {"README"}
    assert pages == {rule.id for rule in load_rules()}


def test_check_mode_names_stale_pages_and_pages_of_no_rule(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    page = docs / "rules" / "NL101.md"
    page.write_text(page.read_text("utf-8").replace("VXLAN", "VXLAM"), "utf-8")
    (docs / "rules" / "NL999.md").write_text("# NL999 gone\n", "utf-8")
    (docs / "config.md").unlink()
    assert docgen.stale(docs) == ["config.md", "rules/NL101.md", "rules/NL999.md (no such rule)"]

    command = [sys.executable, "-m", "netlint.docgen"]
    checked = subprocess.run(
        [*command, "--check", str(docs)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 1
    assert checked.stdout == ""
    assert checked.stderr.splitlines() == [
        f"{docs}/config.md: stale; run `python -m netlint.docgen`",
        f"{docs}/rules/NL101.md: stale; run `python -m netlint.docgen`",
        f"{docs}/rules/NL999.md (no such rule): stale; run `python -m netlint.docgen`",
    ]

    wrote = subprocess.run([*command, str(docs)], capture_output=True, text=True, check=False)
    assert wrote.returncode == 0, wrote.stderr
    assert wrote.stdout.splitlines() == [
        f"wrote {docs}/rules/NL999.md (removed)",
        f"wrote {docs}/config.md",
        f"wrote {docs}/rules/NL101.md",
    ]
    again = subprocess.run([*command, "--check", str(docs)], capture_output=True, text=True)
    assert (again.returncode, again.stderr) == (0, "")
    assert page.read_text("utf-8") == (DOCS / "rules" / "NL101.md").read_text("utf-8")


def test_rule_page_is_what_explain_prints_as_markdown() -> None:
    result = run_cli("explain", "NL101", "--format", "markdown", cwd=ROOT)
    assert result.returncode == 0, result.describe()
    assert result.stdout == (DOCS / "rules" / "NL101.md").read_text("utf-8")


def test_explain_prints_the_same_page_as_text_for_the_terminal() -> None:
    result = run_cli("explain", "NL002", cwd=ROOT)
    assert result.returncode == 0, result.describe()
    rule = find_rule(load_rules(), "NL002")
    assert rule is not None
    assert result.stdout == rule_text(rule)
    lines = result.stdout.splitlines()
    assert lines[:8] == [
        "NL002 duplicate-key",
        "===================",
        "Severity: error · Enabled by default: yes · Since: 0.1.0 · Reads: each file on its own",
        "",
        "What it finds",
        "-------------",
        "",
        "A mapping has the same key twice; Kubernetes keeps only the last value.",
    ]
    # code is indented, not fenced; the generated Suppress paragraph is rewrapped
    assert "    kind: Service" in lines
    assert not any(line.startswith("```") or line.startswith("#") for line in lines)
    assert max(len(line) for line in lines) <= 100
    markdown = (DOCS / "rules" / "NL002.md").read_text("utf-8")
    assert "## Use instead" in markdown and "Use instead" in lines


def test_text_page_aligns_data_tables() -> None:
    result = run_cli("explain", "NL101", cwd=ROOT)
    lines = result.stdout.splitlines()
    header = lines.index("Provider presets:")
    assert lines[header + 2 : header + 5] == [
        "cluster.provider  node MTU  note",
        "----------------  --------  -------------------------------------------------",
        "aws               9001      AWS VPC jumbo frames",
    ]


def test_rules_index_uses_the_table_of_netlint_rules_markdown() -> None:
    listed = run_cli("rules", "--format", "markdown", cwd=ROOT)
    assert listed.returncode == 0, listed.describe()
    index = (DOCS / "rules" / "README.md").read_text("utf-8")
    table = [line for line in index.splitlines() if line.startswith("|")]
    # the index links the pages beside it; `netlint rules` links the published pages
    published = "](https://github.com/netlint/netlint/blob/main/docs/rules/"
    assert listed.stdout.splitlines()[2] == (
        f"| [NL001{published}NL001.md) | invalid-yaml | error | yes | The file is not valid "
        "YAML (or not readable text), so it cannot be applied. |"
    )
    assert table == listed.stdout.replace(published, "](").splitlines()
    assert table[2] == (
        "| [NL001](NL001.md) | invalid-yaml | error | yes | The file is not valid YAML "
        "(or not readable text), so it cannot be applied. |"
    )
    for rule in load_rules():
        assert f"| [{rule.id}]({rule.id}.md) | {rule.name} | {rule.severity.value} |" in index
        assert (DOCS / "rules" / f"{rule.id}.md").is_file()


def _schema_paths(node: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> list[str]:
    """Every key of the config, as the reference names it (cluster.node_mtu, exclude[].rule)."""
    out: list[str] = []
    for key, prop in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out.append(path)
        for suffix, sub in (
            ("", prop),
            ("[]", prop.get("items")),
            (".<key>", prop.get("additionalProperties")),
        ):
            if isinstance(sub, dict) and "$ref" in sub:
                target = defs[sub["$ref"].removeprefix("#/$defs/")]
                if target.get("properties"):
                    out += _schema_paths(target, defs, path + suffix)
    return out


def test_config_reference_documents_every_key_with_type_default_and_description() -> None:
    schema = config_json_schema()
    text = (DOCS / "config.md").read_text("utf-8")
    rows = {
        line.split(" | ")[0].removeprefix("| ").strip("`"): line
        for line in text.splitlines()
        if line.startswith("| `")
    }
    paths = _schema_paths(schema, schema["$defs"])
    assert "cluster.node_mtu" in paths and "exclude[].until" in paths
    assert sorted(rows) == sorted(paths)
    assert rows["cluster.node_mtu"] == (
        "| `cluster.node_mtu` | integer | none | MTU of the node network (underlay). Default "
        "1500, or the provider preset. (576 to 65535) |"
    )
    assert rows["cluster.allowed_jurisdictions"].split(" | ")[1:3] == [
        "list of string",
        '`["EEA"]`',
    ]
    assert rows["exclude[].reason"].split(" | ")[2] == "required"
    assert rows["fail_on"].split(" | ")[1] == "`error` \\| `warning` \\| `note` \\| `never`"


def test_config_reference_example_is_a_valid_config(tmp_path: Path) -> None:
    text = (DOCS / "config.md").read_text("utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert block == docgen.CONFIG_EXAMPLE
    path = tmp_path / ".netlint.yaml"
    path.write_text(block, "utf-8")
    config = load_config(path, ".netlint.yaml")
    assert config.model.cluster.allowed_jurisdictions == ["EEA", "CH"]
    assert config.model.ingress_controllers[0].name == "edge-proxy"
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(block)
    data["exclude"][0]["until"] = str(data["exclude"][0]["until"])
    Draft202012Validator(config_json_schema()).validate(data)


@pytest.mark.parametrize("rule_id", ["NL101", "NL201", "NL301", "NL401"])
def test_sarif_help_uri_pages_exist(rule_id: str) -> None:
    from netlint.report.sarif import RULE_DOC_URI

    uri = RULE_DOC_URI.format(id=rule_id)
    assert uri.endswith(f"/docs/rules/{rule_id}.md")
    assert (DOCS / "rules" / f"{rule_id}.md").read_text("utf-8").startswith(f"# {rule_id} ")
