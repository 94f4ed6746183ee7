"""Run the CLI in a subprocess and measure that one process: exit code, output, peak RSS.

`os.wait4` returns the resource usage of exactly the child it reaps (RUSAGE_CHILDREN would
report the largest child the test process ever had); the measured process is reaped by a small
launcher, so that it does not start with the test process's own peak (see `_LAUNCHER`). Output
goes to temporary files, not pipes, so a big report cannot fill a pipe and stall the child while
we wait for it.
"""

from __future__ import annotations

import json
import os
import signal
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


# The measured process is started by a small launcher, not by this process: Linux carries a
# process's peak RSS over exec, so a child that this process spawns (vfork, then exec) starts
# with this process's own peak (pytest at 225 MB after the corpus tests), whatever it uses. A
# process forked by the launcher starts afresh; the launcher reaps it and writes its exit code
# and ru_maxrss to the file named first.
_LAUNCHER = """\
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_measured(
    args: list[str],
    cwd: Path,
    stdin_path: Path | None = None,
) -> Measured:
    """`python -m netlint ARGS` in `cwd`; its own peak RSS from wait4 (in the launcher)."""
    if not hasattr(os, "wait4"):
        pytest.skip("os.wait4 (per-process resource usage) is not available here")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["PYTHONIOENCODING"] = "utf-8"
    start = time.monotonic()
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
        open(stdin_path or os.devnull, "rb") as stdin,
    ):
        report = Path(scratch) / "measured"
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(report), "-m", "netlint", *args],
            stdin=stdin,
            stdout=out,
            stderr=err,
            cwd=cwd,
            env=env,
            start_new_session=True,  # the launcher and the measured process: one group
        )
        while proc.poll() is None:
            if time.monotonic() - start > HANG_GUARD_SECONDS:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                pytest.fail(f"netlint {' '.join(args)} hung (killed after {HANG_GUARD_SECONDS} s)")
            time.sleep(0.02)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode("utf-8")
        assert proc.returncode == 0 and report.exists(), f"the launcher failed:\n{stderr}"
        code, maxrss = map(int, report.read_text().split())
        result = Measured(
            code,
            out.read().decode("utf-8"),
            stderr,
            _rss_bytes(maxrss),
            seconds,
        )
    print(f"netlint {' '.join(args)}: {result.seconds:.2f} s, {result.max_rss / 2**20:.1f} MiB")
    return result
