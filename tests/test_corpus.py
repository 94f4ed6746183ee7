"""Never a traceback: the whole CLI over every file of ../shared/corpus and every `in.yaml` of
../shared/yaml-test-suite, batched into a few subprocesses.

Every file that is not parseable YAML must be reported as NL001 with a real line (an unrendered
Helm template may be reported as NL004 instead). "Parseable" is decided independently of
netlint by composing the file with libyaml (ruamel's CSafeLoader) - or `json.loads` for *.json.
Not the pure-Python loader: it rejects a tab after a plain scalar (`type: LoadBalancer<TAB>`),
which YAML 1.2, libyaml and kubectl accept, and it needs about a minute for this corpus.
"""

from __future__ import annotations

import functools
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CliResult, Finding, findings_of, run_cli

EXTENSIONS = (".yaml", ".yml", ".json")
WORKERS = max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Batch:
    findings: dict[str, list[Finding]]  # by file as given on the command line
    results: list[CliResult]


def _crashed(result: CliResult) -> bool:
    return (
        result.returncode not in (0, 1)
        or "Traceback" in result.stderr
        or "internal error" in result.stderr
    )


def _chunks(files: list[Path], n: int) -> list[list[Path]]:
    """`n` chunks of about equal size in bytes, each in path order."""
    bins: list[tuple[int, list[Path]]] = [(0, []) for _ in range(n)]
    for path in sorted(files, key=lambda p: -p.stat().st_size):
        size, items = min(bins, key=lambda b: b[0])
        bins[bins.index((size, items))] = (size + path.stat().st_size, [*items, path])
    return [sorted(items) for _, items in bins if items]


def _culprits(base: Path, chunk: list[Path]) -> list[str]:
    """Run each file of a chunk that crashed on its own, to name the files that crash."""
    out = []
    for path in chunk:
        single = run_cli("check", path.relative_to(base), "--format", "json", cwd=base)
        if _crashed(single):
            out.append(f"{path.relative_to(base)}: exit {single.returncode}\n{single.stderr}")
    return out


def run_batched(base: Path, files: list[Path], n_chunks: int) -> Batch:
    chunks = _chunks(files, n_chunks)

    def one(chunk: list[Path]) -> CliResult:
        args = [str(p.relative_to(base)) for p in chunk]
        return run_cli("check", *args, "--format", "json", cwd=base, timeout=300)

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(one, chunks))
    crashes = [
        culprit
        for chunk, result in zip(chunks, results, strict=True)
        if _crashed(result)
        for culprit in (_culprits(base, chunk) or [result.describe()])
    ]
    assert not crashes, "netlint crashed on:\n" + "\n".join(crashes)
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for result in results:
        for finding in result.findings():
            by_file[finding.file].append(finding)
    return Batch(dict(by_file), results)


@functools.cache
def parse_problem(path: Path) -> str | None:
    """Why the file is not parseable YAML (or JSON), or None when it is."""
    from ruamel.yaml.cyaml import CSafeLoader
    from ruamel.yaml.error import YAMLError

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"not UTF-8: {exc}"
    if path.suffix == ".json":
        try:
            json.loads(text)
            return None
        except ValueError:
            pass  # JSON that is not strict JSON may still be valid YAML
    loader = CSafeLoader(text)
    try:
        while loader.check_node():
            loader.get_node()
    except YAMLError as exc:
        return " ".join(str(exc).split())
    finally:
        loader.dispose()
    return None


def _line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") + 1


def assert_broken_files_reported(
    base: Path, files: Iterable[Path], findings: dict[str, list[Finding]]
) -> int:
    """Each unparseable file has NL001 (or NL004 for a template) at a line inside the file;
    NL001 appears on no parseable file. Returns the number of unparseable files."""
    broken = 0
    wrong: list[str] = []
    for path in files:
        name = path.relative_to(base).as_posix()
        got = findings.get(name, [])
        problem = parse_problem(path)
        syntax = [f for f in got if f.rule == "NL001"]
        if problem is None:
            if syntax:
                wrong.append(f"{name}: parses, yet NL001 at lines {[f.line for f in syntax]}")
            continue
        broken += 1
        text = path.read_bytes().decode("utf-8", "replace")
        accepted = ("NL001", "NL004") if "{{" in text else ("NL001",)
        hits = [f for f in got if f.rule in accepted]
        if not hits:
            wrong.append(f"{name}: {problem}\n    expected {'/'.join(accepted)}, got {got}")
        elif not all(1 <= f.line <= _line_count(path) for f in hits):
            wrong.append(f"{name}: lines {[f.line for f in hits]} outside the file")
    assert not wrong, "\n".join(wrong)
    return broken


def manifest_files(root: Path) -> list[Path]:
    """What `netlint check DIR` reads: *.yaml *.yml *.json, hidden entries skipped."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(folder, f) for f in files if f.endswith(EXTENSIONS) and f[0] != "."]
    return sorted(found)


def _shared_subdir(shared_dir: Path, name: str) -> Path:
    path = shared_dir / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    return _shared_subdir(shared_dir, "corpus")


@pytest.fixture(scope="module")
def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def corpus_batch(corpus: Path, corpus_files: list[Path]) -> Batch:
    return run_batched(corpus, corpus_files, 6)


def test_every_corpus_file_without_a_traceback(corpus_batch: Batch) -> None:
    assert corpus_batch.results
    for result in corpus_batch.results:
        assert not _crashed(result), result.describe()


def test_broken_corpus_files_are_nl001(
    corpus: Path, corpus_files: list[Path], corpus_batch: Batch
) -> None:
    broken = assert_broken_files_reported(corpus, corpus_files, corpus_batch.findings)
    assert broken > 0, "the corpus holds broken files on purpose; the oracle found none"


def test_corpus_directory_in_one_run(corpus: Path) -> None:
    result = run_cli("check", corpus.name, "--format", "json", cwd=corpus.parent, timeout=300)
    assert not _crashed(result), result.describe()
    report = result.json()
    expected = manifest_files(corpus)
    assert report["summary"]["files"] == len(expected)
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings_of(report):
        by_file[finding.file].append(finding)
    assert set(by_file) <= {p.relative_to(corpus.parent).as_posix() for p in expected}
    assert_broken_files_reported(corpus.parent, expected, by_file)


@pytest.fixture(scope="module")
def yaml_suite(shared_dir: Path) -> Path:
    return _shared_subdir(shared_dir, "yaml-test-suite")


def test_yaml_test_suite(yaml_suite: Path) -> None:
    files = sorted(yaml_suite.rglob("in.yaml"))
    assert files
    batch = run_batched(yaml_suite, files, 2)
    broken = assert_broken_files_reported(yaml_suite, files, batch.findings)
    # cases the suite marks invalid that libyaml rejects too are all among the reported ones
    marked = [f for f in files if (f.parent / "error").exists()]
    assert broken >= len([f for f in marked if parse_problem(f) is not None]) > 0
