"""The benchmark scripts still run (their numbers are never asserted: speed is measured, not
tested)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_report_benchmark_writes_its_table(shared_dir: Path) -> None:
    if not (shared_dir / "bench" / "gen_corpus.py").is_file():
        pytest.skip("../shared/bench/gen_corpus.py is absent")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "reports.py"),
            *("--files", "2", "--per-file", "14", "--runs", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
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
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "loader.py"),
            *("--files", "2", "--per-file", "14", "--runs", "1", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["corpus", "files", "events", "node", "walk", "events", "s", "ratio"]
    # label, files, files built from events (the timings are not asserted)
    assert lines[1].split()[:4] == ["synthetic", "2x14", "2", "2"]
    assert lines[2].split()[:3] == [str(tmp_path), "2", "1"]
    assert len(lines) == 3
