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

    # a rule of the second group: it runs in the forked child
    rules = load_rules()
    parts = parallel.groups([rule.family for rule in rules], 2)
    monkeypatch.setitem(REGISTRY, rules[parts[1][0]].check, Check(broken))
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


def test_shares_balance_by_weight_and_keep_order() -> None:
    assert parallel.shares([5, 1, 1, 3], 2) == [[0], [1, 2, 3]]
    assert parallel.shares([4, 4, 2, 2, 1], 2) == [[0, 2, 4], [1, 3]]
    assert parallel.shares([1, 1, 1], 5) == [[0], [1], [2]]
    assert parallel.shares([7], 2) == [[0]]
    assert parallel.shares([], 2) == []


def test_files_loaded_in_processes_are_the_files_loaded_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading in two processes (api._load_in_processes) gives the serial report: the same
    files in the same order, the same read errors; a file whose documents keep node trees (an
    alias) is not sent between processes but read again in the parent."""
    import os

    from netlint import api

    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  type: NodePort\n"
    (tmp_path / "a.yaml").write_text(service.format(i=1) + "# " + "x" * 400 + "\n")
    # the second heaviest: the second share, loaded in the child
    (tmp_path / "b.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n b\n  labels: {x: *n}\n"
        + "# "
        + "y" * 300
        + "\n"
    )
    (tmp_path / "c.yaml").write_text(service.format(i=3))
    (tmp_path / "d.yaml").write_text("a: [\n")
    (tmp_path / "e.yaml").write_text(service.format(i=5))
    read = api.read_input
    loads: list[tuple[int, str]] = []

    def reading(path: Path, limit: int) -> bytes:
        loads.append((os.getpid(), path.name))
        if path.name == "e.yaml":
            raise PermissionError(13, "Permission denied")
        return read(path, limit)

    monkeypatch.setattr(api, "read_input", reading)
    serial = lint([str(tmp_path)], cwd=tmp_path, jobs=1)
    loads.clear()
    both = lint([str(tmp_path)], cwd=tmp_path, jobs=2)
    assert both.files == serial.files == ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
    assert both.errors == serial.errors == ["e.yaml: cannot read: permission denied"]
    assert render_all(both, tmp_path) == render_all(serial, tmp_path)
    # the parent read its share (a, and the lighter ones it balanced to), then b again
    assert loads == [(os.getpid(), "a.yaml"), (os.getpid(), "d.yaml"), (os.getpid(), "b.yaml")]


def test_progress_counts_the_files_read_here_then_all(tmp_path: Path) -> None:
    for name in "abcd":
        (tmp_path / f"{name}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n"
        )
    calls: list[tuple[int, int]] = []
    lint(
        [str(tmp_path)],
        cwd=tmp_path,
        jobs=2,
        progress=lambda done, total: calls.append((done, total)),
    )
    # four files of one size: two shares of two, the first read in this process
    assert calls == [(1, 4), (2, 4), (4, 4)]


def test_the_default_is_a_process_per_share_of_input_up_to_the_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    share = parallel.AUTO_SHARE
    assert [parallel.auto_jobs(n) for n in (0, share - 1, share, 3 * share + 1, 99 * share)] == [
        1,
        1,
        1,
        3,
        4,
    ]
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.auto_jobs(99 * share) == 1


def test_a_share_whose_process_sends_nothing_is_loaded_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child's results would not pickle (here: pickling fails in the child): the parent
    loads that share itself, and the report is the serial one."""
    for name in "abcd":
        (tmp_path / f"{name}.yaml").write_text(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{type: NodePort}}\n"
        )
    serial = render_all(lint([str(tmp_path)], cwd=tmp_path, jobs=1), tmp_path)

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("cannot pickle")

    monkeypatch.setattr(parallel.pickle, "dumps", refuse)
    calls: list[tuple[int, int]] = []
    report = lint([str(tmp_path)], cwd=tmp_path, jobs=2, progress=lambda d, t: calls.append((d, t)))
    assert render_all(report, tmp_path) == serial
    # all four files were read in this process: its share, then the child's
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4), (4, 4)]
