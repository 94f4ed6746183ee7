#!/usr/bin/env python3
"""Where the wall time of a `netlint check` run goes, phase by phase and process by process,
with `--jobs 1` and with `--jobs N`: what figure 6 of run.py (the `--jobs 2` speed-up) is made
of.

usage: python benchmarks/phases.py [DIR] [--files N] [--per-file M] [--jobs N] [--runs R]

Without DIR it generates the synthetic corpus (../shared/bench/gen_corpus.py N M; default
200 x 50 = 10k objects, figure 6's). Each side is a fresh `python -m netlint check DIR -f json
-o /dev/null --fail-on never -q --jobs J`, started through a bootstrap that times netlint's
own functions (it wraps them; netlint is not changed) and records the minor page faults of each
process (`ru_minflt`: each first write to a page shared after a fork copies it). The sides
alternate, R runs each, and the run with the least wall time of each side is shown.

  start-up      from the interpreter's start to the first file read, or with --jobs N to the
                children's fork (imports, config, rules), and the interpreter's exit
  load          the files read and parsed: by this process (P0), by a forked child (P1, P2 ...);
                the file-scoped rules run as the files are read (engine.Stream), and their
                time is theirs below, not the load's
  send          a child's files or findings pickled and written to the parent, after its last
                file or check
  receive       the children's files sent back and unpacked here (--jobs N only)
  index         the object index (engine.context)
  rules NLx     each rule family's checks and their findings placed, in the process that ran it
  rules wait    this process waiting for the rules children and reading their findings
  report        the report written, and the exit
  other         the rest of the wall time of P0 (with --jobs 1 mostly importing the checks,
                which --jobs N does in P0's load, while the children load)

The last lines hold what bounds the speed-up: the share of the `--jobs 1` run that stays in
one process (start-up, index, report; the rules too when a family is most of them), the
speed-up that leaves at most (Amdahl's law, with nothing lost to the split), and the measured
one. The last: what this machine gives N processes of work that share nothing, measured on
the floor of bench.py (CSafeLoader composing every document of the same files: one process on
all of them, then N at once on a share each), and the speed-up it leaves when the rest scales
as the floor does: with start-up, index and report in one process, and with the start-up only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import FLOOR, corpus, manifest_files

# Run in the measured process: wraps netlint's functions, each process writes its marks to
# the log (one write, when it leaves) as JSON lines of [pid, what, seconds since the bootstrap
# started, minor page faults].
BOOTSTRAP = r"""
import dataclasses, json, os, resource, sys, time
LOG = os.environ["NETLINT_PHASES_LOG"]
BEGIN = time.perf_counter()
MARKS = []

def mark(what):
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    MARKS.append([os.getpid(), what, time.perf_counter() - BEGIN, faults])

mark("begin")
import netlint.api as api, netlint.engine as engine, netlint.parallel as parallel

def around(module, name, what, before=None):
    fn = getattr(module, name)
    def wrapped(*args, **kwargs):
        if before is not None:
            before()
        mark("> " + what)
        try:
            return fn(*args, **kwargs)
        finally:
            mark("< " + what)
    setattr(module, name, wrapped)

around(engine, "context", "index")
around(parallel, "map_claimed", "load")
around(api, "_load_in_processes", "loaded")
around(parallel, "run_groups", "rules")

read_file = api.read_file
def read(*args, **kwargs):
    if not MARKS or MARKS[-1][1] != "read":
        mark("first read")
    try:
        return read_file(*args, **kwargs)
    finally:
        mark("read")
api.read_file = read

def check_timed(name, fn):
    def timed(ctx, params):
        mark("> check " + name)
        yield from fn(ctx, params)
        mark("< check " + name)
    return timed

WRAPPED = []
def wrap_checks():
    # once, when netlint has imported them (with --jobs N, while the children load)
    from netlint.checks import REGISTRY
    if not WRAPPED:
        for name, check in list(REGISTRY.items()):
            REGISTRY[name] = dataclasses.replace(check, fn=check_timed(name, check.fn))
        WRAPPED.append(True)

around(engine, "_prepared", "prepare", before=wrap_checks)
around(engine, "run", "engine")
around(engine.Stream, "finish", "engine")

fork = parallel._fork
def forked(produce):
    def child(*args):
        del MARKS[:]  # the parent's, copied by the fork: the parent writes them
        mark("child")
        try:
            return produce(*args)
        finally:
            mark("sent")
    return fork(child)
parallel._fork = forked

leave = os._exit
def exit_now(status):
    mark("exit")
    with open(LOG, "a", encoding="utf-8") as out:
        out.write("".join(json.dumps(m) + "\n" for m in MARKS))
    leave(status)
os._exit = exit_now

sys.argv = ["netlint", *sys.argv[1:]]
from netlint import cli
try:
    cli.main()
finally:
    exit_now(0)
"""


def run_once(directory: Path, jobs: int, log: Path) -> tuple[float, list[list[Any]]]:
    """The wall time of one run and its marks (every process's)."""
    log.unlink(missing_ok=True)
    cmd = [sys.executable, "-c", BOOTSTRAP, "check", str(directory), "--jobs", str(jobs)]
    cmd += ["-f", "json", "-o", os.devnull, "--fail-on", "never", "-q"]
    started = time.perf_counter()
    result = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env={**os.environ, "NETLINT_PHASES_LOG": str(log)},
        check=False,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"phases: netlint check exited {result.returncode}: {result.stderr}")
    marks = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    return wall, marks


def floor_scaling(directory: Path, jobs: int, runs: int, tmp: Path) -> tuple[float, float]:
    """The floor (bench.FLOOR: CSafeLoader composing every document) on the files of
    `directory`: the wall time of one process on all of them, and of `jobs` processes started
    at once on a share each (the files dealt out by size); the best of `runs`, alternating.
    Their ratio is what this machine gives `jobs` processes of parsing work that share
    nothing: the bound of figure 6 before anything netlint does."""
    files = sorted(manifest_files(directory), key=lambda f: -f.stat().st_size)
    lists = [tmp / "floor-all.txt"] + [tmp / f"floor-{k}.txt" for k in range(jobs)]
    lists[0].write_text("\n".join(map(str, files)), "utf-8")
    for k in range(jobs):
        lists[k + 1].write_text("\n".join(map(str, files[k::jobs])), "utf-8")

    def wall(parts: list[Path]) -> float:
        started = time.perf_counter()
        procs = [
            subprocess.Popen([sys.executable, "-c", FLOOR, str(p)], stdout=subprocess.DEVNULL)
            for p in parts
        ]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - started

    one = many = float("inf")
    for _ in range(max(1, runs)):
        one = min(one, wall(lists[:1]))
        many = min(many, wall(lists[1:]))
    return one, many


def family_of() -> dict[str, str]:
    """Each check's rule family (a check several rules share: the first rule's)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from netlint.config import default_config
    from netlint.custom import load_all_rules

    found: dict[str, str] = {}
    for rule in load_all_rules(default_config()):
        found.setdefault(rule.check, rule.family)
    return found


class _Tally:
    """Seconds and page faults per phase, from pairs of marks."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.faults: dict[str, int] = {}

    def add(self, phase: str, start: list[Any], end: list[Any]) -> None:
        self.times[phase] = self.times.get(phase, 0.0) + end[2] - start[2]
        self.faults[phase] = self.faults.get(phase, 0) + end[3] - start[3]


def phases(wall: float, marks: list[list[Any]], families: dict[str, str]) -> dict[str, Any]:
    """Seconds per phase: `{"P0": {phase: s}, "P1": ...}` (P0 the process started; the
    others in the order they started), the faults of each, and the wall time."""
    main = next(m[0] for m in marks if m[1] == "begin")
    # the children in the order they were forked (each writes its marks when it leaves)
    pids = [main, *(m[0] for m in sorted(marks, key=lambda m: m[2]) if m[1] == "child")]
    by_pid: dict[int, list[list[Any]]] = {pid: [] for pid in pids}
    for m in marks:
        by_pid[m[0]].append(m)
    # the children's clocks are the parent's (perf_counter: one monotonic clock), their
    # BEGIN too (forked): their marks line up with the parent's
    out: dict[str, Any] = {"wall": wall, "processes": {}}
    for n, pid in enumerate(pids):
        tally = _Tally()
        add = tally.add
        own = by_pid[pid]
        # with --jobs N the load starts as the children are forked (map_claimed)
        load_start = next((m for m in own if m[1] == "> load"), None)
        checked = [m for m in own if m[1].startswith("< check ")]
        opened: dict[str, list[Any]] = {}
        first_read = last_read = None
        for m in own:
            what = m[1]
            if what == "first read" and first_read is None:
                first_read = m
            elif what == "read":
                last_read = m
            elif what.startswith("> "):
                opened[what[2:]] = m
            elif what.startswith("< ") and what[2:] in opened:
                start = opened.pop(what[2:])
                name = what[2:]
                if name.startswith("check "):
                    add("rules " + families.get(name[6:], "?"), start, m)
                elif name == "index":
                    add("index", start, m)
                elif name == "loaded":
                    # what follows this process's last file: the children's files received
                    add("receive", last_read or load_start or start, m)
                elif name == "rules":
                    within = [x for x in checked if start[2] <= x[2] <= m[2]]
                    add("rules wait", max(within, key=lambda x: x[2], default=start), m)
        times = tally.times
        if pid == main:
            loading = load_start or first_read
            if loading is not None:
                add("start-up", own[0], loading)
                # the interpreter's own start-up and exit: what the bootstrap did not see
                times["start-up"] += wall - own[-1][2]
                if last_read is not None:
                    add("load", loading, last_read)
                    times["load"] -= _within(own, loading, last_read)
            engine_end = next((m for m in reversed(own) if m[1] == "< engine"), None)
            if engine_end is not None:
                add("report", engine_end, own[-1])
            times["other"] = wall - sum(times.values())
        else:
            # a load child's files, or a rules child's findings, sent after its last work
            if first_read is not None and last_read is not None:
                add("load", first_read, last_read)
                times["load"] -= _within(own, first_read, last_read)
            sent = next((m for m in own if m[1] == "sent"), own[-1])
            after = last_read or (checked[-1] if checked else None)
            if after is not None:
                add("send", after, sent)
            times["forked at"] = own[0][2]
        out["processes"][f"P{n}"] = {"seconds": times, "faults": tally.faults}
    return out


def _within(own: list[list[Any]], start: list[Any], end: list[Any]) -> float:
    """The seconds of the checks and indexes between two marks: a streamed run's, done as
    the files are read."""
    total, opened = 0.0, {}
    for m in own:
        if not start[2] <= m[2] <= end[2]:
            continue
        what = m[1]
        if what in ("> index",) or what.startswith("> check "):
            opened[what[2:]] = m
        elif what[2:] in opened and what.startswith("< "):
            total += m[2] - opened.pop(what[2:])[2]
    return total


ORDER = [
    "start-up",
    "load",
    "send",
    "receive",
    "index",
    "rules NL0",
    "rules NL1",
    "rules NL2",
    "rules NL3",
    "rules NL4",
    "rules wait",
    "report",
    "other",
]


def table(
    one: dict[str, Any], many: dict[str, Any], jobs: int, floor: tuple[float, float]
) -> list[str]:
    """Rows of phase, `--jobs 1` seconds, then each process of `--jobs N` (seconds and page
    faults); then the bounds of the speed-up. `floor`: `floor_scaling`'s two walls."""
    serial = one["processes"]["P0"]["seconds"]
    procs = many["processes"]
    serial_faults = one["processes"]["P0"]["faults"]
    head = f"{'phase':<12} {'--jobs 1':>9} {'faults':>7}"
    for name in procs:
        head += f" {name + ' s':>8} {'faults':>7}"
    lines = [f"{'':<30}--jobs {jobs}: P0 is the process started, P1... forked", head]
    for phase in ORDER:
        cells = [procs[p]["seconds"].get(phase) for p in procs]
        if serial.get(phase) is None and all(c is None for c in cells):
            continue
        row = f"{phase:<12} {_s(serial.get(phase)):>9} {serial_faults.get(phase, ''):>7}"
        for p in procs:
            row += f" {_s(procs[p]['seconds'].get(phase)):>8}"
            row += f" {procs[p]['faults'].get(phase, ''):>7}"
        lines.append(row)
    lines.append(f"{'wall':<12} {one['wall']:>9.3f} {'':>7} {many['wall']:>8.3f}")
    stays = sum(serial.get(p, 0.0) for p in ("start-up", "index", "report"))
    rules = {p: s for p, s in serial.items() if p.startswith("rules NL")}
    biggest = max(rules.values(), default=0.0)
    other = max(0.0, one["wall"] - stays)
    # with N processes the rules take at least their costliest family
    rest = max(other / jobs, biggest)
    bound = one["wall"] / (stays + rest) if stays + rest else 0.0
    lines.append(
        f"in one process with --jobs 1: start-up, index and report {stays:.3f} s of "
        f"{one['wall']:.3f} s ({stays / one['wall']:.0%}); the costliest family "
        f"{biggest:.3f} s"
    )
    lines.append(
        f"speed-up: at most {bound:.2f}x with {jobs} processes and nothing lost to the split; "
        f"measured {one['wall'] / many['wall']:.2f}x"
    )
    scaling = floor[0] / floor[1] if floor[1] else 0.0
    start = serial.get("start-up", 0.0)
    # the most that is left with only the start-up in one process and the rest shared out
    # as well as the floor shares its own work out
    ideal = one["wall"] / (start + (one["wall"] - start) / scaling) if scaling else 0.0
    today = one["wall"] / (stays + max(other / scaling, biggest)) if scaling else 0.0
    lines.append(
        f"this machine: the floor takes {floor[0]:.3f} s in one process and {floor[1]:.3f} s "
        f"in {jobs} at once ({scaling:.2f}x); at that scaling, at most {today:.2f}x with "
        f"start-up, index and report in one process, {ideal:.2f}x with only the start-up "
        f"({start:.3f} s)"
    )
    return lines


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--per-file", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    families = family_of()
    with tempfile.TemporaryDirectory(prefix="netlint-phases-") as tmp:
        directory, label = corpus(args.directory, tmp, args.files, args.per_file)
        log = Path(tmp) / "marks.jsonl"
        best: dict[int, tuple[float, list[list[Any]]]] = {}
        for _ in range(max(1, args.runs)):
            for jobs in (1, args.jobs):
                wall, marks = run_once(directory, jobs, log)
                if jobs not in best or wall < best[jobs][0]:
                    best[jobs] = (wall, marks)
        floor = floor_scaling(directory, args.jobs, args.runs, Path(tmp))
    one = phases(*best[1], families)
    many = phases(*best[args.jobs], families)
    print(f"{label}: best of {max(1, args.runs)} runs each, Python {sys.version.split()[0]}")
    for line in table(one, many, args.jobs, floor):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
