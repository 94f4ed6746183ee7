"""Every rule's pass/ and fail/ fixtures give exactly the (rule, line) pairs marked `# expect:`."""

from __future__ import annotations

from pathlib import Path

import pytest

from netlint.catalog import load_rules, rules_root
from netlint.fixtures import expectations, rule_fixtures, verify

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_fixtures(rule):
    """The code of `netlint test-rules`: every fixture of the rule gives exactly its marks, a
    fail fixture marks the rule, a pass fixture does not, and both kinds exist."""
    result = verify([rule], RULES, ROOT)
    assert result.ok, "\n".join(result.problems)
    assert result.fixtures == len(rule_fixtures(rule)) >= 2


def test_rules_root_is_the_checkout():
    assert rules_root() == ROOT / "rules"


def test_expectations_parse_several_ids():
    text = "a: 1\nb: 2 # expect: NL001, NL002\n# expect:NL003\n"
    assert expectations(text) == {("NL001", 2), ("NL002", 2), ("NL003", 3)}
