"""The JSON and SARIF reports written in pieces (`pieces`, what the CLI writes as it goes) are
the text of `render`, whatever the runs and the processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from perf_support import render

from netlint import parallel
from netlint.api import Report, lint
from netlint.report import RenderOptions, escape, json_report, sarif, writer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report() -> Report:
    found = lint([str(ROOT / "rules")], cwd=ROOT, jobs=1)  # every rule's fixtures
    assert len(found.findings) == 158
    return found


def _options(jobs: int = 1) -> RenderOptions:
    # as perf_support.render writes them
    return RenderOptions(tool_version="test", base_dir=str(ROOT), jobs=jobs)


def test_json_in_runs(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = render(report, "json", ROOT)
    assert "".join(json_report.pieces(report, _options())) == whole
    monkeypatch.setattr(json_report, "RUN", 40)
    pieces = list(json_report.pieces(report, _options()))
    assert "".join(pieces) == whole
    assert len(pieces) == 2 + 4  # before, 158 findings in runs of 40, after


def test_sarif_in_runs_and_processes(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = render(report, "sarif", ROOT)
    monkeypatch.setattr(sarif, "RUN", 50)
    pieces = list(sarif.pieces(report, _options()))
    assert "".join(pieces) == whole
    assert len(pieces) == 2 + 4
    if not parallel.can_fork():
        return
    forks = []
    fork = parallel._fork

    def counting(produce: object) -> tuple[int, int]:
        forks.append(1)
        return fork(produce)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_fork", counting)
    monkeypatch.setattr(parallel, "CHUNK_FROM", 2)
    monkeypatch.setattr(sarif, "RUN_PER_PROCESS", 30)
    pieces = list(sarif.pieces(report, _options(jobs=2)))
    assert "".join(pieces) == whole
    # runs of 30 x 2 results (60, 60, 38), each cut between two processes
    assert (len(pieces), len(forks)) == (2 + 3, 3)


def test_without_the_c_encoder_one_piece(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    wholes = {fmt: render(report, fmt, ROOT) for fmt in ("json", "sarif")}
    monkeypatch.setattr(escape, "_c_make_encoder", None)
    for fmt, module in (("json", json_report), ("sarif", sarif)):
        assert list(module.pieces(report, _options())) == [wholes[fmt]]  # type: ignore[attr-defined]


def test_what_the_cli_writes(report: Report) -> None:
    """writer: the formatter's pieces; the text and GitHub formats are one piece."""
    assert writer("json") is json_report.pieces
    assert writer("sarif") is sarif.pieces
    for fmt in ("text", "github"):
        assert list(writer(fmt)(report, _options())) == [render(report, fmt, ROOT)]
