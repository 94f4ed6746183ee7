"""`Check.scope`: a check declared "file" gives, on a whole run, exactly its hits on each file
of the run alone, in file order. What netlint/checks/__init__.py declares is checked here on
every corpus at hand, with the default config and with a cluster profile, so that a run may
compute those rules file by file (as each file is read) and give the same report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from netlint import engine
from netlint.api import lint
from netlint.catalog import RuleMeta, load_rules
from netlint.checks import REGISTRY
from netlint.config import Config, Defaults, default_config, load_config, restore_tree
from netlint.context import RunContext
from netlint.custom import combine, custom_rules
from netlint.custom.catalogs import in_force
from netlint.load import LoadedFile
from netlint.model import Finding

PROJECT = ROOT / "tests" / "fixtures" / "custom_rules" / "project"


def _rules() -> tuple[RuleMeta, ...]:
    builtin = load_rules()
    return combine(builtin, custom_rules([PROJECT / "rules"], builtin))


def _params(rule: RuleMeta) -> Any:
    if rule.builtin:
        return Defaults(rule.check, dict(rule.params))
    return restore_tree(rule.checked)


def _placed(rule: RuleMeta, ctx: RunContext) -> list[Finding]:
    ctx.cache.clear()  # a family's facts, computed afresh for each rule (engine.run: per family)
    check = REGISTRY[rule.check]
    return [
        engine._finding(rule, rule.severity, hit, ctx)[0] for hit in check.fn(ctx, _params(rule))
    ]


def _loaded(paths: list[Path]) -> list[LoadedFile]:
    report = lint([str(p) for p in paths], rules=_rules(), cwd=ROOT, keep_documents=True)
    return list(report.inputs[0])


SHARED = ROOT.parent / "shared"
CORPORA = [
    "examples",
    "rule fixtures",
    "tests/fixtures",
    "../shared/corpus",
    "../shared/yaml-test-suite",
    "synthetic 300 objects",
]
SCOPED = {
    "NL001", "NL002", "NL003", "NL004", "NL005", "NL006", "NL008",
    "NL202",
    "NL401", "NL402", "NL403", "NL404", "NL405",
    "ACME001", "ACME002", "ACME003", "ACME004",
}  # fmt: skip


def _paths(corpus: str, tmp: Path) -> list[Path]:
    if corpus == "examples":
        return [ROOT / "examples"]
    if corpus == "rule fixtures":
        return sorted(p for p in (ROOT / "rules").glob("NL*/*") if p.is_dir())
    if corpus == "tests/fixtures":
        return [ROOT / "tests" / "fixtures"]
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"{SHARED} is absent")
    if corpus == "synthetic 300 objects":
        generated = tmp / "synthetic"
        subprocess.run(
            [sys.executable, str(SHARED / "bench" / "gen_corpus.py"), str(generated), "6", "50"],
            check=True,
            capture_output=True,
        )
        return [generated]
    return [SHARED / corpus.removeprefix("../shared/")]


def _configs(tmp: Path) -> dict[str, Config]:
    profile = tmp / ".netlint.yaml"
    shutil.copy(ROOT / "examples" / ".netlint.yaml", profile)
    return {"defaults": default_config(), "examples profile": load_config(profile)}


def _scoped() -> list[RuleMeta]:
    return [rule for rule in _rules() if REGISTRY[rule.check].scope == "file"]


def test_the_file_scoped_checks() -> None:
    assert {rule.id for rule in _scoped()} == SCOPED


@pytest.mark.parametrize("corpus", CORPORA)
def test_file_scoped_checks_find_on_each_file_what_they_find_on_the_run(
    corpus: str, tmp_path: Path
) -> None:
    files = _loaded(_paths(corpus, tmp_path))
    rules, scoped = _rules(), _scoped()
    differ = []
    for name, config in _configs(tmp_path).items():
        with in_force(config):
            run = engine.context(files, config, rules)
            alone = [engine.context([loaded], config, rules) for loaded in files]
            for rule in scoped:
                each = [f for ctx in alone for f in _placed(rule, ctx)]
                if _placed(rule, run) != each:
                    differ.append(f"{rule.id} with the {name}")
    assert differ == []


def test_every_file_scoped_check_has_findings_to_compare(tmp_path: Path) -> None:
    """No comparison above is of empty lists only: on the rule fixtures and tests/fixtures
    every file-scoped rule finds something."""
    files = _loaded([*_paths("rule fixtures", tmp_path), *_paths("tests/fixtures", tmp_path)])
    config = default_config()
    with in_force(config):
        run = engine.context(files, config, _rules())
        silent = [rule.id for rule in _scoped() if not _placed(rule, run)]
    assert silent == []
