"""JSON report: golden files, the shipped JSON Schema (every report in these tests is checked
against it), the documentation of every field, and light imports."""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jsonschema

from netlint.model import Finding, SourceFile, Span
from netlint.report.json_report import SCHEMA_VERSION, render, schema

# Shared fixture report, hand-built report, goldens and schemas (loaded by path: tests/ is
# not a package, and this works under any pytest import mode).
S = SimpleNamespace(**runpy.run_path(str(Path(__file__).parent / "fixtures/report/support.py")))
DOC = S.ROOT / "docs" / "json-report.md"


def test_golden_fixture_set():
    text = render(S.fixture_report(), S.options())
    S.validate_json_report(text)
    S.check_golden("report.json", text)


def test_golden_related_fix_edit_and_suppressions():
    text = render(S.constructed_report(), S.options())
    S.validate_json_report(text)
    S.check_golden("constructed.json", text)


def test_shape_and_summary():
    report = S.fixture_report()
    doc = S.validate_json_report(render(report, S.options(tool_version="9.8.7")))
    assert doc["version"] == SCHEMA_VERSION == "1"
    assert doc["tool"] == {"name": "netlint", "version": "9.8.7"}
    assert doc["summary"] == {"files": 5, "errors": 1, "warnings": 1, "notes": 2, "suppressed": 2}
    assert len(doc["findings"]) == len(report.findings) == 6
    # suppressed findings are always there, flagged, whatever the text options say
    quiet = json.loads(render(report, S.options(quiet=True, show_suppressed=False)))
    assert quiet["findings"] == doc["findings"]
    dup = next(f for f in doc["findings"] if f["rule"] == "NL002")
    assert dup["suppressed"] is True
    assert dup["suppression"] == {
        "kind": "inSource",
        "justification": "the chart sets type twice; the second value is the intended one",
        "source": "annotation ignore.netlint.io/NL002",
    }
    assert dup["object"] == {
        "apiVersion": "v1",
        "kind": "Service",
        "namespace": "ingress",
        "name": "edge",
    }
    assert dup["source_template"] == "edge/templates/service.yaml"
    assert (dup["line"], dup["column"], dup["end_line"], dup["end_column"]) == (15, 3, 15, 7)
    syntax = next(f for f in doc["findings"] if f["rule"] == "NL001")
    assert syntax["object"] is None and syntax["suppressed"] is False


def test_fix_edit_and_related():
    doc = json.loads(render(S.constructed_report(), S.options()))
    dup = next(f for f in doc["findings"] if f["rule"] == "NL002")
    assert dup["fix"] == {
        "description": "delete the second storageClassName",
        "path": ["spec", "volumeClaimTemplates", 0, "spec", "storageClassName"],
        "value": None,
        "delete": True,
    }
    assert dup["edit"] == {"line": 14, "column": 1, "end_line": 15, "end_column": 1, "text": ""}
    assert [r["message"] for r in dup["related"]] == [
        "first definition",
        "the StorageClass it names [rotational disks]",
    ]
    assert dup["related"][1]["object"]["kind"] == "StorageClass"
    assert dup["related"][1]["file"] == "deploy/storage.yaml"


def test_manifest_values_stay_json_safe():
    """Control characters are escaped by JSON itself; lone surrogates (from YAML "\\ud800")
    and values that are not JSON (NaN, dates) still give output that encodes as UTF-8."""
    import datetime as dt

    from netlint.model import Fix

    hostile = S.fixture_report("hostile", config=False)
    text = render(hostile, S.options())
    S.validate_json_report(text)
    assert "\x1b" not in text and "\\u001b" in text
    lone = Finding(
        rule="NL006",
        name="unknown-suppression",
        severity=S.Severity.WARNING,
        message="key \ud800 here",
        file=SourceFile("x.yaml", None),
        span=Span(1, 1, 1, 2),
        object=None,
        source_template=None,
        fingerprint="00ff",
        fix=Fix("set it", ("a", 1), value={"when": dt.date(2026, 1, 1), "nan": float("nan")}),
    )
    report = S.Report(findings=[lone], rules=[], all_rules=(), files=["x.yaml"])
    text = render(report, S.options())
    text.encode("utf-8")  # does not raise
    doc = S.validate_json_report(text)
    assert doc["findings"][0]["message"] == "key \ud800 here"
    assert doc["findings"][0]["fix"]["value"] == {"when": "2026-01-01", "nan": "nan"}


def test_schema_is_valid_2020_12_and_ships_in_the_package():
    loaded = schema()
    jsonschema.Draft202012Validator.check_schema(loaded)
    assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert loaded["properties"]["version"]["const"] == SCHEMA_VERSION
    packaged = S.ROOT / "netlint" / "report" / "json-report.schema.json"
    assert json.loads(packaged.read_text("utf-8")) == loaded


def _property_names(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found.update(value)
            found |= _property_names(value)
    elif isinstance(node, list):
        for item in node:
            found |= _property_names(item)
    return found


def test_docs_describe_every_field():
    text = DOC.read_text("utf-8")
    documented = set(re.findall(r"^\| `([A-Za-z_]+)` \|", text, re.M))
    fields = _property_names(schema())
    assert fields - documented == set(), "fields missing from docs/json-report.md"
    assert documented - fields == set(), "docs/json-report.md documents fields the schema lacks"
    assert f'"version": "{SCHEMA_VERSION}"' in text


def test_formatters_import_no_heavy_modules():
    code = (
        "import sys\n"
        "import netlint.report.text, netlint.report.json_report\n"
        "import netlint.report.sarif, netlint.report.github\n"
        "heavy = [m for m in ('pydantic', 'jsonschema', 'typer') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""
