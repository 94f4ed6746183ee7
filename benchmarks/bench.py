#!/usr/bin/env python3
"""netlint versus the bare YAML parse of the same files, measured in one run.

usage: python benchmarks/bench.py [DIR | --corpus | --generate N_FILES OBJECTS_PER_FILE]
                                  [--runs N] [--script]

Without a directory it generates a synthetic corpus with ../shared/bench/gen_corpus.py into a
temporary directory (default 200 files x 50 objects = 10k objects). Both sides are timed the same
way: wall time of a fresh subprocess of this interpreter, interpreter start and imports included.

  floor    python -c: read every file, compose every document with ruamel's C-backed
           CSafeLoader (`while loader.check_node(): loader.get_node()`); nothing else
  netlint  python -m netlint check DIR --format json --output /dev/null --fail-on never

The runs alternate (floor, netlint, floor, netlint, ...) so both see the same machine; the best of
`--runs` is reported. Peak RSS is the child's own ru_maxrss (os.wait4), per process, not summed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXTENSIONS = (".yaml", ".yml", ".json")

FLOOR = r"""
import json, sys
from ruamel.yaml.cyaml import CSafeLoader
from ruamel.yaml.error import YAMLError
documents = broken = 0
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        broken += 1
        continue
    loader = CSafeLoader(text)
    try:
        while loader.check_node():
            loader.get_node()
            documents += 1
    except YAMLError:
        broken += 1
    finally:
        loader.dispose()
print(json.dumps({"documents": documents, "broken": broken}))
"""


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def manifest_files(root: Path) -> list[Path]:
    """The files `netlint check DIR` reads: *.yaml *.yml *.json, hidden entries skipped."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            Path(folder, f) for f in files if f.endswith(EXTENSIONS) and not f.startswith(".")
        )
    return sorted(found)


def timed(cmd: list[str]) -> Run:
    """Wall time and the peak RSS of exactly this child (not of earlier ones)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is KiB on Linux, bytes on macOS
        scale = 1 if sys.platform == "darwin" else 1024
        return Run(
            seconds,
            usage.ru_maxrss * scale / 2**20,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def prepare(netlint: list[str], sample: Path) -> None:
    """Put netlint in the state of an installed copy before anything is timed: its modules
    compiled to bytecode (pip compiles them at install; an editable checkout, or an environment
    with PYTHONDONTWRITEBYTECODE set, would otherwise compile them again in every timed run),
    and netlint's cache of validated rule metadata written (the first run after a change
    writes it; every later run reads it)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("netlint")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)
    subprocess.run(
        [*netlint, "check", str(sample), "--format", "json", "--output", os.devnull],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


def generate(target: Path, n_files: int, per_file: int) -> None:
    script = SHARED / "bench" / "gen_corpus.py"
    if not script.is_file():
        sys.exit(f"bench: {script} not found; pass a directory instead of --generate")
    subprocess.run(
        [sys.executable, str(script), str(target), str(n_files), str(per_file)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def corpus(directory: Path | None, tmp: str, files: int, per_file: int) -> tuple[Path, str]:
    """`directory`, or the synthetic corpus of `files` x `per_file` generated under `tmp`; and
    the label a script prints for it."""
    if directory is not None:
        return directory, str(directory)
    generated = Path(tmp) / "corpus"
    generate(generated, files, per_file)
    return generated, f"synthetic {files}x{per_file}"


def measure(directory: Path, runs: int, use_script: bool) -> dict[str, float | int | str]:
    files = manifest_files(directory)
    if not files:
        sys.exit(f"bench: no *.yaml, *.yml or *.json files under {directory}")
    netlint = (
        [str(Path(sys.executable).parent / "netlint")]
        if use_script
        else [sys.executable, "-m", "netlint"]
    )
    prepare(netlint, directory)
    netlint += ["check", str(directory), "--format", "json", "--output", os.devnull]
    netlint += ["--fail-on", "never"]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(str(f) for f in files))
        listing = fh.name
    try:
        floor_runs: list[Run] = []
        netlint_runs: list[Run] = []
        for _ in range(runs):
            floor = timed([sys.executable, "-c", FLOOR, listing])
            if floor.returncode != 0:
                sys.exit(f"bench: the floor script failed:\n{floor.stderr}")
            floor_runs.append(floor)
            lint = timed(netlint)
            if lint.returncode != 0:
                sys.exit(f"bench: netlint exited {lint.returncode}:\n{lint.stderr[-4000:]}")
            netlint_runs.append(lint)
    finally:
        Path(listing).unlink()
    counts = json.loads(floor_runs[0].stdout)
    best_floor = min(r.seconds for r in floor_runs)
    best_lint = min(r.seconds for r in netlint_runs)
    return {
        "files": len(files),
        "documents": counts["documents"],
        "broken files": counts["broken"],
        "MB": round(sum(f.stat().st_size for f in files) / 2**20, 1),
        "floor s": round(best_floor, 3),
        "netlint s": round(best_lint, 3),
        "ratio": round(best_lint / best_floor, 2),
        "floor RSS MB": round(max(r.max_rss_mb for r in floor_runs), 1),
        "netlint RSS MB": round(max(r.max_rss_mb for r in netlint_runs), 1),
    }


def table(name: str, row: dict[str, float | int | str]) -> str:
    keys = ["corpus", *row]
    values = [name, *(str(v) for v in row.values())]
    widths = [max(len(k), len(v)) for k, v in zip(keys, values, strict=True)]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in (keys, values)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time netlint against the bare C-backed YAML parse of the same files."
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("directory", nargs="?", type=Path, help="manifests to check")
    source.add_argument(
        "--generate",
        nargs=2,
        type=int,
        metavar=("N_FILES", "OBJECTS_PER_FILE"),
        help="generate a synthetic corpus (default when no directory: 200 50)",
    )
    source.add_argument("--corpus", action="store_true", help="use ../shared/corpus")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument(
        "--script", action="store_true", help="run the `netlint` script, not `python -m netlint`"
    )
    parser.add_argument("--json", action="store_true", help="print the row as JSON too")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="netlint-bench-") as tmp:
        if args.corpus:
            directory, name = SHARED / "corpus", "../shared/corpus"
            if not directory.is_dir():
                parser.error(f"{directory} not found")
        elif args.directory is not None:
            directory, name = args.directory, str(args.directory)
            if not directory.is_dir():
                parser.error(f"{directory} is not a directory")
        else:
            n_files, per_file = args.generate or (200, 50)
            directory, name = Path(tmp), f"generated {n_files}x{per_file}"
            generate(directory, n_files, per_file)
        row = measure(directory, args.runs, args.script)
    print(f"python {sys.version.split()[0]}, best of {args.runs} runs, wall time incl. start-up")
    print(table(name, row))
    print(f"ratio netlint/floor: {row['ratio']}x")
    if args.json:
        print(json.dumps({"corpus": name, **row}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
