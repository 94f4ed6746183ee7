"""A progress line on stderr for long runs on a terminal: `netlint: 120/400 files`.

Rewritten in place with a carriage return and cleared when the run ends, so it never stays in the
scrollback. It appears only when stderr is a TTY, and only for a run that is long: after
`DELAY` seconds, or from the start when there are at least `MANY_FILES` files. Never under
pre-commit (which replays a hook's terminal output after the hook ends), in CI, with
TERM=dumb, or when stderr is a pipe or a file."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import TextIO

DELAY = 0.5  # seconds before a run counts as long
MANY_FILES = 200  # this many files: show progress at once
INTERVAL = 0.1  # seconds between redraws
_CLEAR = "\r\x1b[K"


class Progress:
    def __init__(
        self,
        stream: TextIO,
        clock: Callable[[], float] = time.monotonic,
        delay: float = DELAY,
        many_files: int = MANY_FILES,
    ) -> None:
        self._stream = stream
        self._clock = clock
        self._delay = delay
        self._many = many_files
        self._start = clock()
        self._last = float("-inf")
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if not self.shown and total < self._many and now - self._start < self._delay:
            return
        if self.shown and now - self._last < INTERVAL and done < total:
            return
        self._last = now
        self.shown = True
        self._stream.write(f"{_CLEAR}netlint: {done}/{total} files")
        self._stream.flush()

    def close(self) -> None:
        """Clear the line (only if something was written)."""
        if self.shown:
            self._stream.write(_CLEAR)
            self._stream.flush()


def wanted(stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if env.get("PRE_COMMIT") == "1" or env.get("CI") or env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def for_stream(stream: TextIO, env: Mapping[str, str] | None = None) -> Progress | None:
    """A Progress on `stream`, or None when progress must not be shown there."""
    return Progress(stream) if wanted(stream, env) else None
