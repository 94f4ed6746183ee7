"""The benchmark scripts still run (their numbers are never asserted: speed is measured, not
tested)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(script: str, *args: str) -> list[str]:
    """The lines a benchmark script prints on a small corpus (it must exit 0)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_report_benchmark_writes_its_table(shared_dir: Path) -> None:
    if not (shared_dir / "bench" / "gen_corpus.py").is_file():
        pytest.skip("../shared/bench/gen_corpus.py is absent")
    lines = _run("reports.py", "--files", "2", "--per-file", "14", "--runs", "1")
    # the 28 generated objects hold 12 findings (gen_corpus.py is seeded)
    assert lines[0] == "12 findings of 28 objects"
    assert lines[1].split() == [
        "format",
        "baseline",
        "s",
        "pieces",
        "s",
        "ratio",
        "whole",
        "MB",
        "pieces",
        "MB",
        "ratio",
    ]
    assert [line.split()[0] for line in lines[3:]] == ["json", "sarif", "text", "github"]


def test_the_loader_benchmark_writes_its_table(shared_dir: Path, tmp_path: Path) -> None:
    if not (shared_dir / "bench" / "gen_corpus.py").is_file():
        pytest.skip("../shared/bench/gen_corpus.py is absent")
    (tmp_path / "a.yaml").write_text("a: 1\n")
    (tmp_path / "b.yaml").write_text("a: !!str 1\n")  # a tag: the node walk
    # a `*name` that may be an alias: built from events, while the node walk keeps its tree
    (tmp_path / "c.yaml").write_text("description: |\n  a *bold* word\n")
    lines = _run("loader.py", "--files", "2", "--per-file", "14", "--runs", "1", str(tmp_path))
    assert lines[0].split() == ["corpus", "files", "events", "node", "walk", "events", "s", "ratio"]
    # label, files, files built from events (the timings are not asserted)
    assert lines[1].split()[:4] == ["synthetic", "2x14", "2", "2"]
    assert lines[2].split()[:3] == [str(tmp_path), "3", "2"]
    assert len(lines) == 3
