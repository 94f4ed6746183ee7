"""The program's start: `netlint ...` and `python -m netlint ...`.

A plainly well-formed `netlint check ...` runs at once (netlint/argv.py reads it, and
netlint/checkrun.py runs it), without importing the CLI framework; every other command line,
`--help` and usage errors included, goes to the typer app of netlint/commands.py."""

from __future__ import annotations

import os
import sys
from typing import Any

from netlint.checkrun import EXIT_ERROR, EXIT_OK


def main() -> None:
    """Console entry point: never lets a traceback reach the user."""
    try:
        _run(sys.argv[1:])
    except SystemExit as exc:
        _exit_now(exc)
    except KeyboardInterrupt:
        sys.stderr.write("netlint: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as exc:
        from netlint.checkrun import say

        say(
            f"netlint: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in netlint; please report it with the input that caused it."
        )
        sys.exit(EXIT_ERROR)


def _run(args: list[str]) -> None:
    if args[:1] == ["check"]:
        from netlint.argv import parse_check

        opts = parse_check(args[1:])
        if opts is not None:
            from netlint.checkrun import Exit, run_check

            try:
                code = run_check(opts)
            except Exit as exc:
                code = exc.code
            sys.exit(code)
    from netlint.commands import app

    app()


def _exit_now(exc: SystemExit) -> None:
    """Exit without the interpreter's teardown: freeing the millions of small objects of a big
    run one by one costs as much as a third of the run, for memory the OS reclaims anyway.
    Everything is written and flushed first; if flushing fails (a closed pipe), the normal
    exit runs and reports it as before."""
    code = exc.code
    if code is not None and not isinstance(code, int):
        raise exc  # SystemExit("message"): Python prints it
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        raise exc from None
    os._exit(code or 0)


def __getattr__(name: str) -> Any:
    """`netlint.cli.app`: the typer app, imported when asked for (tests drive it directly)."""
    if name == "app":
        from netlint.commands import app

        return app
    raise AttributeError(name)
