#!/usr/bin/env python3
"""Writing the report: time and peak memory of each format, against baselines measured in the
same run, on the findings of one lint of a synthetic corpus.

usage: python benchmarks/reports.py [--files N] [--per-file N] [--runs N]

  time    each format as the CLI writes it (`report.writer`: pieces written as they are made)
          against the same document written by `escape.to_json` from one dict per finding
          (json, sarif: the C encoder level by level, without the per-shape templates)
  memory  tracemalloc's peak while the pieces go to a sink that keeps nothing, against the
          peak of `render` (the whole text at once, as the CLI wrote it before pieces)

Both sides write the same text (checked). The lint runs once, in this process; the writes
alternate and the best of --runs is kept.
"""

from __future__ import annotations

import argparse
import functools
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import generate

from netlint.api import Report, lint
from netlint.report import RenderOptions, json_report, renderer, sarif, writer
from netlint.report.escape import to_json

FORMATS = ("json", "sarif", "text", "github")


def _dicts(fmt: str) -> Callable[[Report, RenderOptions], str] | None:
    """The baseline writer of `fmt`: its document from dicts, by to_json."""
    if fmt == "json":
        return lambda r, o: to_json(json_report.document(r, o))
    if fmt == "sarif":
        return lambda r, o: to_json(sarif.document(r, o))
    return None


def best(fn: Callable[[], object], runs: int) -> float:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return min(out)


def peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--per-file", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="netlint-reports-") as tmp:
        corpus = Path(tmp) / "corpus"
        generate(corpus, args.files, args.per_file)
        report = lint([str(corpus)], cwd=corpus, jobs=1)
    gc.freeze()  # as the CLI does once lint() returns
    options = RenderOptions(tool_version="bench", base_dir=tmp)
    print(f"{len(report.findings)} findings of {args.files * args.per_file} objects")
    head = ["format", "baseline", "s", "pieces s", "ratio", "whole MB", "pieces MB", "ratio"]
    rows = []
    for fmt in FORMATS:
        pieces = writer(fmt)
        whole = renderer(fmt)
        text = "".join(pieces(report, options))

        def written(pieces: Callable[..., object] = pieces) -> None:
            for _ in pieces(report, options):  # type: ignore[attr-defined]
                pass

        base = _dicts(fmt)
        if base is not None:
            assert base(report, options) == text, f"{fmt}: the two ways differ"
            base_s = best(functools.partial(base, report, options), 1)
            new_s = best(written, 1)
            for _ in range(args.runs - 1):  # alternate
                base_s = min(base_s, best(functools.partial(base, report, options), 1))
                new_s = min(new_s, best(written, 1))
            timing = [f"{base_s:.3f}", f"{new_s:.3f}", f"{new_s / max(base_s, 1e-9):.2f}x"]
        else:
            timing = ["", f"{best(written, args.runs):.3f}", ""]
        whole_mb = peak(functools.partial(whole, report, options)) / 2**20
        pieces_mb = peak(written) / 2**20
        rows.append(
            [
                fmt,
                "to_json(dicts)" if base is not None else "(none)",
                *timing,
                f"{whole_mb:.1f}",
                f"{pieces_mb:.1f}",
                f"{pieces_mb / max(whole_mb, 1e-9):.2f}x",
            ]
        )
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
