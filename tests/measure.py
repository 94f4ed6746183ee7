"""Run the CLI in a subprocess and measure that one process: exit code, output, peak RSS.

`os.wait4` returns the resource usage of exactly the child it reaps (RUSAGE_CHILDREN would
report the largest child the test process ever had). Output goes to temporary files, not
pipes, so a big report cannot fill a pipe and stall the child while we wait for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Only a hang guard: a run that takes this long has hung. Tests never assert on time.
HANG_GUARD_SECONDS = 120
MAX_RSS_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    max_rss: int  # bytes
    seconds: float  # recorded for the report, never asserted

    def json(self) -> Any:
        return json.loads(self.stdout)

    def findings(self) -> list[tuple[str, int, int, str]]:
        """(rule, line, column, message) of every finding of a `--format json` report."""
        return [(f["rule"], f["line"], f["column"], f["message"]) for f in self.json()["findings"]]

    def describe(self) -> str:
        return (
            f"exit {self.returncode}, peak RSS {self.max_rss / 2**20:.1f} MiB, "
            f"{self.seconds:.2f} s\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n"
            f"{self.stderr[-3000:]}"
        )


def _rss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024  # Linux: KiB


def run_measured(
    args: list[str],
    cwd: Path,
    stdin_path: Path | None = None,
) -> Measured:
    """`python -m netlint ARGS` in `cwd`; its own peak RSS from wait4."""
    if not hasattr(os, "wait4"):
        pytest.skip("os.wait4 (per-process resource usage) is not available here")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["PYTHONIOENCODING"] = "utf-8"
    start = time.monotonic()
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        open(stdin_path or os.devnull, "rb") as stdin,
    ):
        proc = subprocess.Popen(
            [sys.executable, "-m", "netlint", *args],
            stdin=stdin,
            stdout=out,
            stderr=err,
            cwd=cwd,
            env=env,
        )
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > HANG_GUARD_SECONDS:
                proc.kill()
                os.wait4(proc.pid, 0)
                pytest.fail(f"netlint {' '.join(args)} hung (killed after {HANG_GUARD_SECONDS} s)")
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        result = Measured(
            proc.returncode,
            out.read().decode("utf-8"),
            err.read().decode("utf-8"),
            _rss_bytes(usage.ru_maxrss),
            seconds,
        )
    print(f"netlint {' '.join(args)}: {result.seconds:.2f} s, {result.max_rss / 2**20:.1f} MiB")
    return result
