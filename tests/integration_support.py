"""Helpers of the integration tests: finding real client tools, and running the CLI with stdout
and/or stderr on a pseudo-terminal (what a user's shell gives it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest


def tool(name: str) -> str:
    """The path of a client tool (the test environment's own first, then PATH), or skip."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not on PATH")
    return found


def run_pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real pre-commit in `repo`, with its own PRE_COMMIT_HOME and no colour/CI switches."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(
        [tool("pre-commit"), *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@dataclass(frozen=True)
class PtyResult:
    returncode: int
    tty: bytes  # what was written to the terminal
    pipe: bytes  # what was written to the other stream (a pipe)


def run_on_tty(
    *args: str,
    cwd: Path,
    stream: str = "both",  # "stdout", "stderr" or "both" go to the terminal
    env: Mapping[str, str] | None = None,
    columns: int = 100,
) -> PtyResult:
    """`python -m netlint ARGS` with the chosen streams on a pty of `columns` columns."""
    if sys.platform == "win32":
        pytest.skip("no pty on Windows")
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    full = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI", "PRE_COMMIT")}
    full.update({"NO_COLOR": "1", "TERM": "xterm", "COLUMNS": str(columns)})
    full.update(env or {})
    out = slave if stream in ("stdout", "both") else subprocess.PIPE
    err = slave if stream in ("stderr", "both") else subprocess.PIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "netlint", *args],
        cwd=cwd,
        env=full,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=err,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    piped = (proc.stdout or proc.stderr).read() if (proc.stdout or proc.stderr) else b""
    code = proc.wait(timeout=120)
    os.close(master)
    return PtyResult(code, b"".join(chunks).replace(b"\r\n", b"\n"), piped)
