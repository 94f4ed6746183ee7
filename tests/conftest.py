"""Shared fixtures: the project root, ../shared (skipped when absent), and running the CLI."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# netlint's cache (netlint/cache.py) for this test process: the suite never writes into the
# user's ~/.cache/netlint, and starts without one (tests of the cache set their own folder)
if "NETLINT_CACHE_DIR" not in os.environ:
    os.environ["NETLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="netlint-tests-cache-")
    atexit.register(shutil.rmtree, os.environ["NETLINT_CACHE_DIR"], True)

# Variables that change what the CLI prints; tests set them explicitly when they need them.
_CLEAN_ENV = ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")


@pytest.fixture(scope="session")
def root_dir() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the checkout; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (a plain clone has no ../shared)")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    """`../shared/corpus`, the real-world manifests; skips when absent."""
    corpus = shared_dir / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent")
    return corpus


def corpus_manifests(corpus: Path) -> list[str]:
    """Every manifest of the corpus, as '/'-separated paths relative to it."""
    return sorted(
        p.relative_to(corpus).as_posix()
        for p in corpus.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
    )


@dataclass(frozen=True)
class Finding:
    rule: str
    file: str
    line: int
    column: int


@dataclass(frozen=True)
class CliResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def findings(self) -> list[Finding]:
        """Active (not suppressed) findings of a `--format json` report on stdout."""
        return findings_of(self.json())

    def describe(self) -> str:
        return (
            f"$ netlint {' '.join(self.args)}\nexit {self.returncode}\n"
            f"--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}"
        )


def findings_of(report: Mapping[str, Any]) -> list[Finding]:
    return [
        Finding(f["rule"], f["file"], f["line"], f["column"])
        for f in report["findings"]
        if not f.get("suppressed")
    ]


def netlint_script() -> str:
    """The `netlint` console script of the running interpreter's environment."""
    here = Path(sys.executable).parent / ("netlint.exe" if os.name == "nt" else "netlint")
    found = str(here) if here.exists() else shutil.which("netlint")
    if found is None:
        pytest.skip("the netlint console script is not installed")
    return found


def run_cli(
    *args: str | os.PathLike[str],
    stdin: str | bytes | None = None,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    script: bool = False,
    timeout: float = 120,
) -> CliResult:
    """Run `python -m netlint ARGS` (or the `netlint` script) in a subprocess.

    The environment is cleaned of variables that switch formats or colours (GITHUB_ACTIONS
    would turn text into workflow commands when the tests run in GitHub Actions); `env`
    adds or overrides variables for one call.
    """
    cmd: list[str] = [netlint_script()] if script else [sys.executable, "-m", "netlint"]
    str_args = tuple(os.fspath(a) for a in args)
    full_env = {k: v for k, v in os.environ.items() if k not in _CLEAN_ENV}
    full_env["PYTHONIOENCODING"] = "utf-8"
    full_env.update(env or {})
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [*cmd, *str_args],
        input=data,
        stdin=None if data is not None else subprocess.DEVNULL,
        capture_output=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        check=False,
    )
    return CliResult(
        str_args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def check_json(*args: str | os.PathLike[str], **kwargs: Any) -> CliResult:
    """`netlint check ARGS --format json`; asserts a clean run (exit 0 or 1, JSON on stdout)."""
    result = run_cli("check", *args, "--format", "json", **kwargs)
    assert result.returncode in (0, 1), result.describe()
    assert "Traceback" not in result.stderr, result.describe()
    return result


def pairs(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    """(rule, line) of each finding, in report order."""
    return [(f.rule, f.line) for f in findings]
