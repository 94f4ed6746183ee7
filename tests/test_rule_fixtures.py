"""Every rule's pass/ and fail/ fixtures give exactly the (rule, line) pairs marked `# expect:`."""

from __future__ import annotations

from pathlib import Path

import pytest

from netlint.catalog import load_rules, rules_root
from netlint.fixtures import expectations, rule_fixtures, run_fixture

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules()
CASES = [
    pytest.param(rule, kind, path, id=f"{rule.id}/{kind}/{path.name}")
    for rule in RULES
    for kind, path in rule_fixtures(rule)
]


@pytest.mark.parametrize(("rule", "kind", "path"), CASES)
def test_fixture(rule, kind, path):
    result = run_fixture(path, kind, RULES, ROOT)
    assert result.ok, "\n".join([*result.describe(), "reported:", *result.messages])
    if kind == "fail":
        # a fail fixture shows its own rule at least once; a pass fixture never does
        assert any(r == rule.id for r, _ in result.expected)
    else:
        assert not any(r == rule.id for r, _ in result.expected)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_fixtures(rule):
    kinds = {kind for kind, _ in rule_fixtures(rule)}
    assert kinds == {"pass", "fail"}, f"{rule.id} needs pass/ and fail/ fixtures"


def test_rules_root_is_the_checkout():
    assert rules_root() == ROOT / "rules"


def test_expectations_parse_several_ids():
    text = "a: 1\nb: 2 # expect: NL001, NL002\n# expect:NL003\n"
    assert expectations(text) == {("NL001", 2), ("NL002", 2), ("NL003", 3)}
