"""`lint(...) -> Report`: the one entry point for the CLI, the tests and the benchmarks."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from netlint.catalog import RuleMeta, load_rules
from netlint.config import Config
from netlint.inputs import InputFile, discover
from netlint.load import Limits, LoadedFile, decode, encoding_problem, load_text
from netlint.model import Finding, Lines, Severity, SourceFile


@dataclass
class Report:
    findings: list[Finding]  # suppressed ones included (finding.suppression is set)
    rules: list[RuleMeta]  # rules that ran
    all_rules: tuple[RuleMeta, ...]
    files: list[str]  # display paths of the files read
    errors: list[str] = field(default_factory=list)  # I/O problems: exit 2
    notices: list[str] = field(default_factory=list)  # skipped entries, said on stderr

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    def counts(self) -> dict[Severity, int]:
        out = {s: 0 for s in Severity}
        for f in self.active:
            out[f.severity] += 1
        return out


def read_file(
    item: InputFile, stdin: bytes | None, limits: Limits, keep_nodes: bool = True
) -> LoadedFile:
    """Read and parse one input. Raises OSError for I/O problems (the caller reports them)."""
    raw = stdin if item.path is None else item.path.read_bytes()
    text, reason = decode(raw or b"")
    abspath = None if item.path is None else str(item.path.resolve())
    if text is None:
        source = SourceFile(item.display, abspath, ())
        loaded = LoadedFile(source)
        loaded.problems.append(encoding_problem(reason or "unreadable", raw or b""))
        return loaded
    source = SourceFile(item.display, abspath, Lines(text))
    return load_text(source, text, limits, keep_nodes)


# Node trees (positions) take about 30 bytes per byte of YAML. Up to this much text they are
# kept; past it, documents compose their trees again when a finding needs them (load._Tree),
# which bounds the memory of big runs by the data of their objects.
NODE_BUDGET = 8 * 2**20


def lint(
    paths: Sequence[str],
    config: Config | None = None,
    *,
    stdin: bytes | None = None,
    stdin_filename: str = "<stdin>",
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    baseline: set[str] | None = None,
    today: dt.date | None = None,
    cwd: FsPath | None = None,
    rules: tuple[RuleMeta, ...] | None = None,
    jobs: int = 1,
) -> Report:
    """Check `paths`. `jobs`: processes for the rules (netlint/parallel.py); the report is the
    same whatever the number."""
    # A run builds millions of small objects (node trees, data) that all live until it ends and
    # hold no reference cycles; the cyclic collector would re-scan that growing heap again and
    # again (measured: half of the load time on 10k objects). Pause it for the run.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _lint(
            paths, config, stdin, stdin_filename, select, ignore, baseline, today, cwd, rules, jobs
        )
    finally:
        if paused:
            gc.enable()


def _lint(
    paths: Sequence[str],
    config: Config | None,
    stdin: bytes | None,
    stdin_filename: str,
    select: Sequence[str],
    ignore: Sequence[str],
    baseline: set[str] | None,
    today: dt.date | None,
    cwd: FsPath | None,
    rules: tuple[RuleMeta, ...] | None,
    jobs: int = 1,
) -> Report:
    from netlint import engine

    config = config or Config(__import__("netlint.config").config.ConfigModel())
    all_rules = rules if rules is not None else load_rules()
    found = discover(list(paths), cwd, stdin_filename)
    lim = config.model.limits
    limits = Limits(lim.max_depth, lim.max_nodes_per_document)
    loaded: list[LoadedFile] = []
    errors = list(found.errors)
    text_size = 0
    for item in found.files:
        try:
            loaded.append(read_file(item, stdin, limits, text_size < NODE_BUDGET))
            lines = loaded[-1].file.lines
            text_size += len(lines.text) if isinstance(lines, Lines) else sum(map(len, lines))
        except OSError as exc:
            errors.append(f"{item.display}: cannot read: {exc.strerror or exc}")
    result = engine.run(
        loaded,
        config,
        all_rules,
        select=select,
        ignore=ignore,
        baseline=baseline,
        today=today,
        jobs=jobs,
    )
    return Report(
        findings=result.findings,
        rules=result.rules,
        all_rules=all_rules,
        files=[f.file.path for f in loaded],
        errors=errors,
        notices=found.skipped,
    )
