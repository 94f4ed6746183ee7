"""`--jobs N`: the same report, byte for byte and in every format, as `--jobs 1`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from perf_support import render_all

from netlint import parallel
from netlint.api import lint
from netlint.catalog import load_rules

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="no os.fork on this platform")


def _all_formats(paths: list[str], cwd: Path, jobs: int, **kwargs: object) -> dict[str, str]:
    report = lint(paths, cwd=cwd, jobs=jobs, **kwargs)  # type: ignore[arg-type]
    return render_all(report, cwd)


def test_groups_keep_families_whole_cover_every_rule_and_are_deterministic() -> None:
    families = [rule.family for rule in load_rules()]
    for jobs in (1, 2, 3, 8):
        parts = parallel.groups(families, jobs)
        assert parts == parallel.groups(families, jobs)
        assert sorted(i for part in parts for i in part) == list(range(len(families)))
        assert len(parts) == min(jobs, len(set(families)))
        for part in parts:
            others = {families[i] for p in parts if p is not part for i in p}
            assert not others & {families[i] for i in part}


def test_examples_give_the_same_report_in_every_format(tmp_path: Path) -> None:
    serial = _all_formats([str(ROOT / "examples")], ROOT, 1)
    assert "NL101" in serial["json"] and "NL401" in serial["json"]
    for jobs in (2, 3, 5):
        assert _all_formats([str(ROOT / "examples")], ROOT, jobs) == serial


def test_suppressed_and_baselined_findings_are_the_same(tmp_path: Path) -> None:
    first = lint([str(ROOT / "examples")], cwd=ROOT, jobs=1)
    known = {f.fingerprint for f in first.findings[::2]}
    serial = _all_formats([str(ROOT / "examples")], ROOT, 1, baseline=known)
    assert '"baseline"' in serial["sarif"] or "baseline" in serial["json"]
    assert _all_formats([str(ROOT / "examples")], ROOT, 2, baseline=known) == serial


def test_an_error_in_a_worker_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.checks import REGISTRY, Check

    def broken(ctx: object, params: object) -> list[object]:
        raise ValueError("broken check")

    # NL0 runs in a forked child when the heavy NL4 family takes the parent's group
    monkeypatch.setitem(REGISTRY, "yaml-syntax", Check(broken))
    families = [rule.family for rule in load_rules()]
    parts = parallel.groups(families, 2)
    assert families.index("NL0") not in parts[0]
    with pytest.raises(ValueError, match="broken check"):
        lint([str(ROOT / "examples")], cwd=ROOT, jobs=2)


def test_cli_jobs_must_be_at_least_one() -> None:
    result = run_cli("check", str(ROOT / "examples"), "--jobs", "0")
    assert result.returncode == 2, result.describe()
    assert "--jobs" in result.stderr


@pytest.mark.slow
def test_the_corpus_gives_the_same_report_in_every_format(corpus_dir: Path) -> None:
    serial = _all_formats([str(corpus_dir)], corpus_dir, 1)
    assert _all_formats([str(corpus_dir)], corpus_dir, 2) == serial
