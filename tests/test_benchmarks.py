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


def _module(script: str):  # type: ignore[no-untyped-def]
    """A benchmark script imported as a module (benchmarks/ is not a package)."""
    import importlib.util

    path = ROOT / "benchmarks" / script
    spec = importlib.util.spec_from_file_location(f"netlint_bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_memory_counter_counts_each_object_once() -> None:
    memory = _module("memory.py")
    inner = [1, 2]
    shared = {"key": inner}
    counter = memory.Counter()
    expected = sum(sys.getsizeof(o) for o in (shared, "key", inner, 1, 2))
    assert counter.count([shared, shared, inner]) == (expected, 5)
    # a later part gets only what no earlier part reached
    assert counter.count([inner, "other"]) == (sys.getsizeof("other"), 1)


def test_the_memory_benchmark_writes_its_table(shared_dir: Path, tmp_path: Path) -> None:
    if not (shared_dir / "bench" / "gen_corpus.py").is_file():
        pytest.skip("../shared/bench/gen_corpus.py is absent")
    lines = _run("memory.py", "--files", "2", "--per-file", "14", "--no-rss")
    assert lines[0].startswith("synthetic 2x14: 28 objects in 2 files, ")
    assert [line.split()[0] for line in lines[3:9]] == [
        "text",
        "data",
        "positions",
        "trees",
        "documents",
        "index",
    ]
    assert [" ".join(line.split()[:2]) for line in lines[9:14]] == [
        "facts NL0",
        "facts NL1",
        "facts NL2",
        "facts NL3",
        "facts NL4",
    ]
    # the 28 generated objects hold 12 findings (as in the reports benchmark)
    assert lines[14].split()[:2] == ["findings", "(12)"]
    assert lines[15].startswith("text: ")
    assert lines[16].startswith("kept by the run: ")
    assert len(lines) == 19

    # one object: its data is two dicts and seven distinct strings, no node tree is kept
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    lines = _run("memory.py", str(tmp_path), "--no-rss")
    assert lines[0].startswith(f"{tmp_path}: 1 objects in 1 files, ")
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:9]}
    assert rows["data"][-1] == "9"
    assert rows["trees"] == ["0.00", "0", "0"]

    # a character wider than a byte makes the whole text two bytes a character
    wide = tmp_path / "wide"
    wide.mkdir()
    (wide / "a.yaml").write_text("# it\u2019s\nkind: x\n", encoding="utf-8")
    (wide / "b.yaml").write_text("kind: y\n", encoding="utf-8")
    lines = _run("memory.py", str(wide), "--no-rss")
    text = next(line for line in lines if line.startswith("text: "))
    assert " of it characters wider than a byte add, in 1 files), " in text
    assert text.endswith(" MB of other texts documents compose from in 0 files")


def test_the_phases_of_a_run_are_read_from_its_marks() -> None:
    phases = _module("phases.py")
    # a --jobs 2 run as the bootstrap marks it: [pid, what, seconds, page faults];
    # each child writes its marks when it leaves, before the parent
    marks = [
        [11, "child", 0.30, 5],
        [11, "first read", 0.31, 5],
        [11, "read", 1.20, 100],
        [11, "sent", 1.25, 110],
        [12, "child", 1.50, 7],
        [12, "> check b", 1.51, 7],
        [12, "< check b", 1.80, 507],
        [12, "sent", 1.85, 517],
        [10, "begin", 0.0, 1000],
        [10, "> loaded", 0.25, 1200],
        [10, "> load", 0.25, 1200],
        [10, "first read", 0.35, 1300],
        [10, "read", 1.10, 2000],
        [10, "< load", 1.30, 2600],
        [10, "< loaded", 1.40, 3000],
        [10, "> engine", 1.40, 3000],
        [10, "> index", 1.40, 3000],
        [10, "< index", 1.45, 3050],
        [10, "> rules", 1.46, 3050],
        [10, "> check a", 1.47, 3050],
        [10, "< check a", 1.70, 3450],
        [10, "< rules", 1.90, 3500],
        [10, "< engine", 1.90, 3500],
        [10, "exit", 2.00, 3600],
    ]
    got = phases.phases(2.10, marks, {"a": "NL4", "b": "NL3"})
    rounded = {
        name: {k: round(v, 6) for k, v in p["seconds"].items()}
        for name, p in got["processes"].items()
    }
    assert rounded == {
        # start-up: up to the load, with the 0.10 s the bootstrap did not see (2.10 - 2.00)
        "P0": {
            "start-up": 0.35,
            "load": 0.85,
            "receive": 0.30,
            "index": 0.05,
            "rules NL4": 0.23,
            "rules wait": 0.20,
            "report": 0.10,
            "other": 0.02,
        },
        "P1": {"load": 0.89, "send": 0.05, "forked at": 0.30},
        "P2": {"rules NL3": 0.29, "send": 0.05, "forked at": 1.50},
    }
    assert got["processes"]["P0"]["faults"] == {
        "start-up": 200,
        "load": 800,
        "receive": 1000,
        "index": 50,
        "rules NL4": 400,
        "rules wait": 50,
        "report": 100,
    }
    assert got["processes"]["P2"]["faults"] == {"rules NL3": 500, "send": 10}


def test_the_phases_benchmark_writes_its_table(shared_dir: Path) -> None:
    if not (shared_dir / "bench" / "gen_corpus.py").is_file():
        pytest.skip("../shared/bench/gen_corpus.py is absent")
    lines = _run("phases.py", "--files", "2", "--per-file", "14", "--runs", "1")
    assert lines[0].startswith("synthetic 2x14: best of 1 runs each, Python ")
    assert lines[2].split() == [
        "phase",
        "--jobs",
        "1",
        "faults",
        *("P0", "s", "faults", "P1", "s", "faults", "P2", "s", "faults"),
    ]
    assert [line.split()[0] for line in lines[3:-3]] == [
        "start-up",
        "load",
        "send",
        "receive",
        "index",
        "rules",
        "rules",
        "rules",
        "rules",
        "rules",
        "rules",
        "report",
        "other",
        "wall",
    ]
    assert [line.split()[1] for line in lines[8:14]] == ["NL0", "NL1", "NL2", "NL3", "NL4", "wait"]
    assert lines[-3].startswith("in one process with --jobs 1: start-up, index and report ")
    assert lines[-2].startswith("speed-up: at most ")
    assert lines[-1].startswith("this machine: the floor takes ")
    assert len(lines) == 20


def test_the_phases_bounds_are_their_arithmetic() -> None:
    phases = _module("phases.py")
    one = {
        "wall": 1.0,
        "processes": {
            "P0": {
                "seconds": {
                    "start-up": 0.1,
                    "load": 0.6,
                    "index": 0.05,
                    "report": 0.05,
                    "rules NL3": 0.12,
                    "rules NL2": 0.08,
                },
                "faults": {},
            }
        },
    }
    many = {"wall": 0.7, "processes": {"P0": {"seconds": {}, "faults": {}}}}
    lines = phases.table(one, many, 2, (0.9, 0.5))
    # stays 0.2 s; the rest 0.8 s: over 2 processes 0.4 s, over the floor's 1.8x 0.444 s
    assert lines[-3:] == [
        "in one process with --jobs 1: start-up, index and report 0.200 s of 1.000 s (20%); "
        "the costliest family 0.120 s",
        "speed-up: at most 1.67x with 2 processes and nothing lost to the split; measured 1.43x",
        "this machine: the floor takes 0.900 s in one process and 0.500 s in 2 at once (1.80x); "
        "at that scaling, at most 1.55x with start-up, index and report in one process, 1.67x "
        "with only the start-up (0.100 s)",
    ]


def test_the_memory_benchmark_measures_a_run_that_keeps_no_document(
    shared_dir: Path, tmp_path: Path
) -> None:
    script = shared_dir / "bench" / "gen_corpus.py"
    if not script.is_file():
        pytest.skip("../shared/bench/gen_corpus.py is absent")
    from netlint import api

    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(script), str(corpus), "4", "14"], check=True, capture_output=True
    )
    lines = _run("memory.py", str(corpus))
    bare = [line for line in lines if line.startswith("peak RSS of the same run keeping no ")]
    assert len(bare) == 1
    # the run that keeps nothing finds what the file-scoped rules find, and nothing else: the
    # kinds NL3 takes facts of are read by NL1 and NL2 too, so it reads them whole at the end
    found = api.lint([str(corpus)], jobs=1).findings
    early = [f for f in found if not f.rule.startswith(("NL1", "NL2", "NL3"))]
    assert (len(early), len(found)) == (15, 24)
    assert bare[0].endswith(" MB, with its 15 findings (the file-scoped rules')")
