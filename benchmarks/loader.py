#!/usr/bin/env python3
"""Loading: the event loader (netlint/events.py) against the node walk, in the same run.

usage: python benchmarks/loader.py [--files N] [--per-file N] [--runs N] [DIR ...]

Loads every file of each corpus as `netlint check` does (`load_text`, no node trees kept), once
with `load.EVENTS` on and once off, alternating, and prints the best of --runs of each with
their ratio, and how many files the events built. The corpora: the synthetic objects of
../shared/bench/gen_corpus.py (--files x --per-file, default 200 x 50 = 10k objects), then each
DIR given (default: ../shared/corpus when it is there). Both ways must give the same documents
(data and positions; checked on every file).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import SHARED, generate, manifest_files

from netlint import events, load
from netlint.load import LoadedFile, load_text
from netlint.model import Lines, SourceFile


def texts_of(directory: Path) -> list[tuple[str, str]]:
    """(path, text) of each file `netlint check DIR` reads that is UTF-8."""
    out = []
    for path in manifest_files(directory):
        try:
            out.append((str(path), path.read_bytes().decode("utf-8")))
        except UnicodeDecodeError:
            continue
    return out


def load_all(texts: list[tuple[str, str]], on: bool) -> list[LoadedFile]:
    load.EVENTS = on
    try:
        return [
            load_text(SourceFile(name, None, Lines(text)), text, keep_nodes=False)
            for name, text in texts
        ]
    finally:
        load.EVENTS = True


def facts(loaded: list[LoadedFile]) -> list[Any]:
    """Each file's documents (index and data) and problems. Positions are compared too where
    both ways recorded them; the node walk keeps the trees of a few files the events build
    (big ones, or with a `*name` that may be an alias), whose positions tests/test_marks.py
    compares with those trees."""
    out = []
    for lf in loaded:
        docs = events.facts(lf.documents)
        out.append((lf.file.path, [d if d[2:] != (None,) else d[:2] for d in docs], lf.problems))
    return out


def same(a: list[Any], b: list[Any]) -> bool:
    for (path_a, docs_a, problems_a), (path_b, docs_b, problems_b) in zip(a, b, strict=True):
        if (path_a, problems_a, len(docs_a)) != (path_b, problems_b, len(docs_b)):
            return False
        for x, y in zip(docs_a, docs_b, strict=True):
            if x[:2] != y[:2] or (len(x) > 2 and len(y) > 2 and x != y):
                return False
    return True


def measure(label: str, texts: list[tuple[str, str]], runs: int) -> str:
    built = 0
    real = events.documents

    def counted(*args: Any) -> Any:
        nonlocal built
        found = real(*args)
        built += found is not None
        return found

    events.usable()  # its probe, once, before anything is timed
    events.documents = counted  # type: ignore[assignment]
    try:
        if not same(facts(load_all(texts, True)), facts(load_all(texts, False))):
            sys.exit(f"loader: {label}: the two ways give different documents")
    finally:
        events.documents = real
    best = {True: float("inf"), False: float("inf")}
    for _ in range(runs):
        for on in (True, False):
            gc.collect()
            start = time.perf_counter()
            loaded = load_all(texts, on)
            best[on] = min(best[on], time.perf_counter() - start)
            del loaded
    ratio = best[True] / best[False]
    return (
        f"{label:<24} {len(texts):>6} {built:>6} {best[False]:>10.3f} {best[True]:>10.3f} "
        f"{ratio:>6.2f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--per-file", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("dirs", nargs="*", type=Path)
    args = parser.parse_args(argv)
    dirs = args.dirs or [d for d in (SHARED / "corpus",) if d.is_dir()]
    gc.disable()  # as a run (api.lint): the collector is paused while files load
    rows = []
    with tempfile.TemporaryDirectory(prefix="netlint-loader-") as tmp:
        synthetic = Path(tmp)
        generate(synthetic, args.files, args.per_file)
        label = f"synthetic {args.files}x{args.per_file}"
        rows.append(measure(label, texts_of(synthetic), args.runs))
    for directory in dirs:
        rows.append(measure(str(directory), texts_of(directory), args.runs))
    print(f"{'corpus':<24} {'files':>6} {'events':>6} {'node walk':>10} {'events s':>10} ratio")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
