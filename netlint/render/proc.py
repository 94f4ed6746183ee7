"""Run a renderer: an argument list (never a shell), a timeout, stdout as text."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path as FsPath

from netlint.render import RenderError

# how much of a failing tool's stderr a message repeats
_STDERR_LINES = 12


def which(name: str) -> str | None:
    return shutil.which(name)


def run_tool(argv: Sequence[str], *, cwd: FsPath, timeout: float, what: str) -> str:
    """Run `argv` in `cwd`; return its stdout. RenderError on a failure, with the tool's words."""
    try:
        proc = subprocess.run(
            list(argv),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
            shell=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"{what}: `{_shown(argv)}` did not finish within {timeout:g} s and was stopped "
            "(--render-timeout sets the limit)"
        ) from None
    except OSError as exc:
        raise RenderError(f"{what}: cannot run {argv[0]}: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = "\n".join(f"  {line}" for line in err[-_STDERR_LINES:]) or "  (no message)"
        raise RenderError(
            f"{what}: `{_shown(argv)}` failed with exit code {proc.returncode}:\n{detail}"
        )
    try:
        return proc.stdout.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RenderError(f"{what}: {argv[0]} wrote output that is not UTF-8 ({exc})") from None


def _shown(argv: Sequence[str]) -> str:
    """The command as a user would type it (for messages only; it is never run by a shell)."""
    import shlex

    return " ".join(shlex.quote(a) for a in argv)
