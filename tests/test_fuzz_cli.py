"""Fuzzing the command line: typer's CliRunner in-process for many inputs, a subprocess for a
few (with different hash seeds: the output must not depend on set or dict ordering)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from fuzzing import FUZZ, ROOT, mutated_corpus_file, scaled, yaml_text
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from netlint.cli import app

FORMATS = ("text", "json", "sarif", "github")


def _invoke(raw: bytes, fmt: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", "--format", fmt, *extra, "-"], input=raw)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1, 2), result.exit_code
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    if fmt in ("json", "sarif"):
        json.loads(result.stdout)
    return result.exit_code, result.stdout


@FUZZ
@given(st.one_of(st.binary(max_size=2000), yaml_text().map(str.encode)), st.sampled_from(FORMATS))
def test_cli_on_random_input(raw: bytes, fmt: str) -> None:
    code, _ = _invoke(raw, fmt)
    assert code in (0, 1)  # stdin is always readable: never an I/O error


@FUZZ
@given(st.data(), st.sampled_from(FORMATS))
def test_cli_on_mutated_corpus_files(data: st.DataObject, fmt: str) -> None:
    from fuzzing import corpus_files

    if not corpus_files():
        return
    suffix, raw = data.draw(mutated_corpus_file())
    code, out = _invoke(raw, fmt, "--stdin-filename", f"m{suffix}", "--fail-on", "never")
    assert code == 0  # --fail-on never: findings do not fail the run
    assert _invoke(raw, fmt, "--stdin-filename", f"m{suffix}", "--fail-on", "never")[1] == out


def _subprocess(raw: bytes, fmt: str, seed: str) -> tuple[int, bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env.update(PYTHONHASHSEED=seed, PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "netlint", "check", "--format", fmt, "-"],
        input=raw,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,  # a hang guard only
        check=False,
    )
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stderr
    return proc.returncode, proc.stdout


@scaled(4)
@given(st.one_of(yaml_text().map(str.encode), st.binary(max_size=500)), st.sampled_from(FORMATS))
def test_subprocess_output_does_not_depend_on_the_hash_seed(raw: bytes, fmt: str) -> None:
    first = _subprocess(raw, fmt, "1")
    assert first[0] in (0, 1)
    assert _subprocess(raw, fmt, "2") == first
