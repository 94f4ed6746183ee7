"""rules/*/rule.yaml: validated at load, errors as `file:line: key: what is wrong`."""

from __future__ import annotations

from pathlib import Path

import pytest

from netlint.catalog import CatalogError, load_rules

GOOD = """\
id: NL901
name: sample-rule
check: duplicate-key
severity: warning
summary: A sample.
why: Because.
fix: Do it.
"""


def make(tmp_path: Path, dirname: str, text: str) -> Path:
    folder = tmp_path / dirname
    folder.mkdir(parents=True)
    (folder / "rule.yaml").write_text(text)
    return folder / "rule.yaml"


def errors(root: Path) -> list[str]:
    load_rules.cache_clear()
    with pytest.raises(CatalogError) as info:
        load_rules(root)
    load_rules.cache_clear()
    return [m.replace(str(root) + "/", "") for m in info.value.messages]


def test_valid_rule_loads(tmp_path):
    make(tmp_path, "NL901-sample-rule", GOOD)
    load_rules.cache_clear()
    (rule,) = load_rules(tmp_path)
    load_rules.cache_clear()
    assert (rule.id, rule.name, rule.check, rule.severity.value) == (
        "NL901",
        "sample-rule",
        "duplicate-key",
        "warning",
    )


def test_unknown_key_names_file_and_line(tmp_path):
    make(tmp_path, "NL901-sample-rule", GOOD + "sevrity: error\n")
    assert errors(tmp_path) == [
        "NL901-sample-rule/rule.yaml:8: sevrity: unknown key, did you mean severity?"
    ]


def test_bad_value_and_missing_key(tmp_path):
    make(tmp_path, "NL901-sample-rule", GOOD.replace("severity: warning", "severity: fatal"))
    make(
        tmp_path,
        "NL902-other",
        GOOD.replace("NL901", "NL902")
        .replace("sample-rule", "other")
        .replace("why: Because.\n", ""),
    )
    assert errors(tmp_path) == [
        "NL901-sample-rule/rule.yaml:4: severity: expected one of: error, warning, note; "
        "got 'fatal'",
        "NL902-other/rule.yaml:1: why: required key is missing",
    ]


def test_unknown_check_and_directory_mismatch(tmp_path):
    make(tmp_path, "NL901-sample-rule", GOOD.replace("check: duplicate-key", "check: nope"))
    make(tmp_path, "NL903-elsewhere", GOOD.replace("NL901", "NL903"))
    make(tmp_path, "not-a-rule", GOOD)
    assert errors(tmp_path) == [
        "NL901-sample-rule/rule.yaml:1: check: unknown check 'nope'",
        "NL903-elsewhere/rule.yaml:1: id/name NL903/sample-rule do not match the directory "
        "NL903-elsewhere",
        "not-a-rule:1: directory name must be <ID>-<kebab-name>",
    ]


def test_duplicate_ids_name_both_files(tmp_path):
    make(tmp_path, "NL901-sample-rule", GOOD)
    make(tmp_path, "NL901-sample-rule-two", GOOD.replace("sample-rule", "sample-rule-two"))
    assert errors(tmp_path) == [
        "NL901-sample-rule-two/rule.yaml:1: NL901 is also defined in NL901-sample-rule/rule.yaml"
    ]
