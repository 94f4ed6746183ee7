#!/usr/bin/env python3
"""The six performance figures of netlint (issue 10), each next to its baseline measured in the
same run, with the ratio and PASS/MISS against its target.

usage: python benchmarks/run.py [--quick] [--runs N] [--big-files N] [--skip-big] [--json]

  1  synthetic 10k objects (gen_corpus.py 200 50): netlint wall / floor wall        <= 1.5x
  2  ../shared/corpus (real manifests):            netlint wall / floor wall        <= 1.0x
     (and the ratio to checkov when `checkov` is on PATH; never required)
  3  one small file (gen_corpus.py 1 20):          netlint check / typer hello-world <= 1.0x
     (3a: the same with examples/.netlint.yaml as its config file; 3b, no target: with the
     custom rules of tests/fixtures/custom_rules/project)
  4  peak RSS at 100k objects (gen_corpus.py 2000 50)                                <= 150 MB
  5  scaling: netlint wall at 100k / at 10k objects                                 <= 10.5x
  6  --jobs 2 versus --jobs 1 on the 10k corpus (speed-up; output must be identical) >= 1.7x

The floor is `ruamel.yaml.cyaml.CSafeLoader` composing every document of the same files (see
bench.py). Every side is the wall time of a fresh subprocess of this interpreter (start-up and
imports count on both sides); the sides alternate and the best of N runs is kept, because the
minimum is the least noisy estimate on a shared machine. RSS is each child's own ru_maxrss.
Figures 1, 2, 4 and 5 run netlint with `--jobs 1` when it has the option (one core, as the
floor), so they measure the work, not the parallelism; figure 6 measures the parallelism. Rows
1a and 2a run netlint as a user does, with the default `--jobs` (one process per 256 KiB of
input, at most the CPU count: netlint/parallel.py), against the same single-process floor.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import FLOOR, SHARED, Run, generate, manifest_files, prepare, timed

HERE = Path(__file__).resolve().parent
HELLO = HERE / "hello.py"


@dataclass
class Figure:
    number: str
    what: str
    baseline: str
    netlint: str
    ratio: float | None
    target: str
    passed: bool | None  # None: not measured

    @property
    def result(self) -> str:
        return "n/a" if self.passed is None else ("PASS" if self.passed else "MISS")


def best_of(commands: Sequence[list[str]], runs: int) -> list[list[Run]]:
    """Run the commands in turn, `runs` rounds; every command must exit 0."""
    results: list[list[Run]] = [[] for _ in commands]
    for _ in range(runs):
        for i, cmd in enumerate(commands):
            run = timed(cmd)
            if run.returncode != 0:
                sys.exit(f"run.py: {' '.join(cmd)} exited {run.returncode}:\n{run.stderr[-4000:]}")
            results[i].append(run)
    return results


def seconds(runs: list[Run]) -> float:
    return min(r.seconds for r in runs)


def rss(runs: list[Run]) -> float:
    return max(r.max_rss_mb for r in runs)


class Netlint:
    def __init__(self) -> None:
        self.base = [sys.executable, "-m", "netlint", "check"]
        help_text = subprocess.run(
            [*self.base, "--help"], capture_output=True, text=True, check=True
        ).stdout
        self.has_jobs = "--jobs" in help_text

    def cmd(self, directory: Path, output: str = os.devnull, jobs: int | None = 1) -> list[str]:
        cmd = [*self.base, str(directory), "--format", "json", "--output", output]
        cmd += ["--fail-on", "never"]
        if jobs is not None and self.has_jobs:
            cmd += ["--jobs", str(jobs)]
        return cmd


def default_jobs(directory: Path) -> str:
    """What the default `--jobs` is for the files of `directory` (as netlint works it out)."""
    try:
        from netlint.parallel import auto_jobs
    except ImportError:  # an older netlint: one process
        return "default --jobs (1)"
    total = sum(f.stat().st_size for f in manifest_files(directory))
    return f"default --jobs ({auto_jobs(total)})"


def floor_cmd(directory: Path, listing_dir: Path) -> list[str]:
    listing = listing_dir / f"listing-{abs(hash(str(directory)))}.txt"
    listing.write_text("\n".join(str(f) for f in manifest_files(directory)), "utf-8")
    return [sys.executable, "-c", FLOOR, str(listing)]


def wall_figure(number: str, what: str, floor: list[Run], lint: list[Run], limit: float) -> Figure:
    ratio = seconds(lint) / seconds(floor)
    return Figure(
        number,
        what,
        f"floor {seconds(floor):.2f} s",
        f"{seconds(lint):.2f} s",
        ratio,
        f"<= {limit}x",
        ratio <= limit,
    )


def checkov_figure(corpus: Path, lint_seconds: float) -> Figure | None:
    checkov = shutil.which("checkov")
    if checkov is None:
        return None
    cmd = [checkov, "-d", str(corpus), "--framework", "kubernetes", "--quiet", "--compact"]
    cmd += ["-o", "json"]
    with tempfile.TemporaryFile() as out:
        import time

        start = time.perf_counter()
        subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL, check=False)
        spent = time.perf_counter() - start
    return Figure(
        "2b",
        "real corpus vs checkov (info)",
        f"checkov {spent:.2f} s",
        f"{lint_seconds:.2f} s",
        lint_seconds / spent,
        "none",
        None,
    )


def render(figures: list[Figure]) -> str:
    head = ["#", "figure", "baseline", "netlint", "ratio", "target", "result"]
    rows = [
        [
            f.number,
            f.what,
            f.baseline,
            f.netlint,
            "-" if f.ratio is None else f"{f.ratio:.2f}x",
            f.target,
            f.result,
        ]
        for f in figures
    ]
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in (head, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        libs = (
            f"ruamel.yaml {version('ruamel.yaml')}, ruamel.yaml.clib {version('ruamel.yaml.clib')}"
        )
        libs += f", typer {version('typer')}"
    except Exception:  # pragma: no cover - informational only
        libs = ""
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
        f"Python {platform.python_version()}; {libs}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="best of N (default 3; --quick: 1)")
    parser.add_argument(
        "--quick", action="store_true", help="one run per side and a 50k-object big corpus"
    )
    parser.add_argument(
        "--big-files",
        type=int,
        default=None,
        help="files of 50 objects in the big corpus of figures 4-5 (default 2000 = 100k objects)",
    )
    parser.add_argument("--skip-big", action="store_true", help="skip figures 4 and 5")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs N of figure 6 (default 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    big_files = args.big_files or (1000 if args.quick else 2000)
    if runs < 1 or big_files < 1:
        parser.error("--runs and --big-files must be at least 1")
    if not (SHARED / "bench" / "gen_corpus.py").is_file():
        parser.error(f"{SHARED / 'bench' / 'gen_corpus.py'} not found")

    netlint = Netlint()
    figures: list[Figure] = []
    say: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="netlint-run-") as tmp_name:
        tmp = Path(tmp_name)
        synthetic, small = tmp / "synthetic-10k", tmp / "small"
        generate(synthetic, 200, 50)
        generate(small, 1, 20)
        prepare(netlint.base[:-1], small)  # bytecode compiled and caches written, as installed

        say("1/6 synthetic 10k objects ...")
        floor, lint, default = best_of(
            [floor_cmd(synthetic, tmp), netlint.cmd(synthetic), netlint.cmd(synthetic, jobs=None)],
            runs,
        )
        figures.append(wall_figure("1", "synthetic 10k objects, wall", floor, lint, 1.5))
        figures.append(
            wall_figure("1a", f"the same, {default_jobs(synthetic)}", floor, default, 1.5)
        )
        synthetic_lint = seconds(lint)
        synthetic_floor = seconds(floor)

        corpus = SHARED / "corpus"
        if corpus.is_dir():
            say("2/6 real corpus ...")
            floor, lint, default = best_of(
                [floor_cmd(corpus, tmp), netlint.cmd(corpus), netlint.cmd(corpus, jobs=None)],
                runs,
            )
            figures.append(wall_figure("2", "../shared/corpus, wall", floor, lint, 1.0))
            same = f"the same, {default_jobs(corpus)}"
            figures.append(wall_figure("2a", same, floor, default, 1.0))
            extra = checkov_figure(corpus, seconds(lint))
            if extra is not None:
                figures.append(extra)
        else:
            figures.append(Figure("2", "../shared/corpus (absent)", "-", "-", None, "", None))

        say("3/6 one small file ...")
        hello = [sys.executable, str(HELLO)]
        small_cmd = [*netlint.base, str(small), "--fail-on", "never"]
        # 3a: the same with a config file (the examples' cluster profile), as in a repository
        # that has one; its first run validates it, later runs read it from the cache. 3b: with
        # the four custom rules of tests/fixtures/custom_rules/project (no target: shown for
        # what custom rules cost)
        config = tmp / "netlint.yaml"
        config.write_bytes((HERE.parent / "examples" / ".netlint.yaml").read_bytes())
        configured = [*small_cmd, "--config", str(config)]
        project = tmp / "custom-rules"
        shutil.copytree(HERE.parent / "tests" / "fixtures" / "custom_rules" / "project", project)
        custom = [*small_cmd, "--config", str(project / ".netlint.yaml")]
        for warm_up in (configured, custom):
            subprocess.run(warm_up, capture_output=True, check=False)
        base, lint, with_config, with_custom = best_of(
            [hello, small_cmd, configured, custom], max(runs, 5)
        )
        for number, what, run, limit in (
            ("3", "one small file (20 objects), wall", lint, 1.0),
            ("3a", "the same, with a config file", with_config, 1.0),
            ("3b", "the same, with 4 custom rules", with_custom, None),
        ):
            ratio = seconds(run) / seconds(base)
            figures.append(
                Figure(
                    number,
                    what,
                    f"typer hello {seconds(base):.3f} s",
                    f"{seconds(run):.3f} s",
                    ratio,
                    "-" if limit is None else f"<= {limit}x",
                    None if limit is None else ratio <= limit,
                )
            )

        if not args.skip_big:
            objects = big_files * 50
            say(f"4-5/6 big corpus, {objects // 1000}k objects ...")
            big = tmp / "big"
            generate(big, big_files, 50)
            floor, lint = best_of([floor_cmd(big, tmp), netlint.cmd(big)], max(1, runs - 1))
            peak = rss(lint)
            figures.append(
                Figure(
                    "4",
                    f"peak RSS at {objects // 1000}k objects",
                    f"floor {rss(floor):.0f} MB",
                    f"{peak:.0f} MB",
                    peak / 150,
                    "<= 150 MB",
                    peak <= 150,
                )
            )
            scale = objects / 10_000
            growth = seconds(lint) / synthetic_lint
            limit = 1.05 * scale
            figures.append(
                Figure(
                    "5",
                    f"scaling 10k -> {objects // 1000}k objects ({scale:g}x input)",
                    f"floor {seconds(floor) / synthetic_floor:.2f}x",
                    f"{synthetic_lint:.2f} -> {seconds(lint):.2f} s",
                    growth,
                    f"<= {limit:g}x",
                    growth <= limit,
                )
            )
            shutil.rmtree(big)

        say("6/6 --jobs ...")
        if netlint.has_jobs:
            one, many = tmp / "jobs1.json", tmp / "jobsN.json"
            serial, parallel = best_of(
                [
                    netlint.cmd(synthetic, str(one), 1),
                    netlint.cmd(synthetic, str(many), args.jobs),
                ],
                runs,
            )
            identical = one.read_bytes() == many.read_bytes()
            speedup = seconds(serial) / seconds(parallel)
            figures.append(
                Figure(
                    "6",
                    f"--jobs {args.jobs} speed-up, 10k objects"
                    + ("" if identical else " (OUTPUT DIFFERS)"),
                    f"--jobs 1 {seconds(serial):.2f} s",
                    f"{seconds(parallel):.2f} s",
                    speedup,
                    ">= 1.7x",
                    identical and speedup >= 1.7,
                )
            )
        else:
            figures.append(
                Figure("6", "--jobs (no such option yet)", "-", "-", None, ">= 1.7x", False)
            )

    print(f"{machine()}; best of {runs} runs (big corpus: {max(1, runs - 1)})")
    print(render(figures))
    if args.json:
        print(json.dumps([f.__dict__ | {"result": f.result} for f in figures], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
