"""`lint(...) -> Report`: the one entry point for the CLI, the tests and the benchmarks."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from netlint.catalog import RuleMeta
from netlint.config import Config, default_config
from netlint.custom import load_all_rules
from netlint.inputs import InputFile, TooBig, discover, read_error, read_input
from netlint.load import REFUSED, Limits, LoadedFile, Problem, decode, encoding_problem, load_text
from netlint.model import Finding, Lines, Severity, SourceFile, Span
from netlint.render import RenderSettings

if TYPE_CHECKING:
    from netlint.engine import Stream

# a file read, with its findings of the file-scoped rules (engine.Stream.check)
Loaded = tuple[LoadedFile, list[Finding]]


@dataclass
class Report:
    findings: list[Finding]  # suppressed ones included (finding.suppression is set)
    rules: list[RuleMeta]  # rules that ran
    all_rules: tuple[RuleMeta, ...]
    files: list[str]  # display paths of the files read
    errors: list[str] = field(default_factory=list)  # I/O problems: exit 2
    notices: list[str] = field(default_factory=list)  # skipped entries, said on stderr
    # The loaded files, kept as long as the report. Freed when the run ends, they would go
    # object by object before the report is written (0.2 s at 100k objects); kept, the CLI
    # leaves them to the end of the process (cli._exit_now)
    inputs: tuple[Any, ...] = field(default=(), repr=False, compare=False)

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
    abspath = None if item.path is None else _absolute(item.path)
    try:
        raw = (
            stdin_bytes(stdin, limits)
            if item.path is None
            else read_input(item.path, limits.max_file_bytes)
        )
    except TooBig as exc:
        return refused(SourceFile(item.display, abspath, ()), exc.describe())
    text, reason = decode(raw or b"")
    if text is None:
        source = SourceFile(item.display, abspath, ())
        loaded = LoadedFile(source)
        loaded.problems.append(encoding_problem(reason or "unreadable", raw or b""))
        return loaded
    source = SourceFile(item.display, abspath, Lines(text))
    return load_text(source, text, limits, keep_nodes)


# Node trees take about 30 bytes per byte of YAML. Up to this much text they are kept; past it,
# a document keeps its data and every node's position in five ints (netlint/marks.py), and
# composes its tree again only for the few checks that read nodes (load._Tree). None are kept:
# recording positions costs about what keeping the trees costs in allocation, and on the 10k
# synthetic objects of benchmarks/ it takes a `netlint check`'s peak RSS from 305 to 112 MB at
# the same speed (1.96-1.98 s against 1.94-2.02 s, alternating). Tests set it high to compare
# with the trees kept.
NODE_BUDGET = 0


def _load_in_processes(
    items: Sequence[InputFile],
    weights: Sequence[int],
    stdin: bytes | None,
    limits: Limits,
    jobs: int,
    errors: list[str],
    progress: Callable[[int, int], None] | None = None,
    stream: Stream | None = None,
) -> tuple[list[LoadedFile], list[str]]:
    """The files read as the serial loop reads them, in `jobs` processes (netlint/parallel.py),
    in the same order with the same errors. A file whose documents keep node trees (aliases,
    directives, templates that may hold an alias: load.py) does not travel between processes:
    it is read here again.
    `progress` counts the files read in this process, then all of them.
    With a `stream`, each process checks the files it reads with the file-scoped rules and
    keeps only the documents the other rules read (`Stream.check`) before it sends them; the
    files and their findings are then fed to the stream in their order (`add_checked`)."""
    import os

    from netlint.load import pack, unpack
    from netlint.parallel import dumps_findings, loads_findings, map_claimed

    here = os.getpid()
    done = 0

    def load(item: InputFile) -> Loaded | tuple[Any, ...] | str | None:
        # a child sends its files packed (load.pack) with their findings (pickled with the
        # file as a reference to it), or None for one to read here again
        nonlocal done
        try:
            loaded = read_file(item, stdin, limits, False)
        except OSError as exc:
            return f"{item.display}: cannot read: {read_error(exc)}"
        finally:
            if progress is not None and os.getpid() == here:
                done += 1
                progress(done, len(items))
        findings = [] if stream is None else stream.check(loaded)
        if os.getpid() == here:
            return loaded, findings
        packed = pack(loaded)
        if packed is None:
            return None
        if stream is None:
            return packed, None
        # the findings and the facts taken from the file, with the file as a reference
        return packed, dumps_findings([findings, stream.facts_of(loaded)], loaded.file)

    out: list[LoadedFile] = []
    errors = list(errors)

    def meanwhile() -> None:
        # what the rules need, imported while the children load
        import netlint.checks  # noqa: F401

    def received(result: Loaded | tuple[Any, ...] | str | None) -> Loaded | str | None:
        # a child's file, unpacked here as it arrives (between this process's own files)
        if not isinstance(result, tuple):
            return result
        packed, sent = result
        loaded = unpack(packed)
        if stream is None:
            return loaded, []
        findings, facts = loads_findings(sent, loaded.file)
        stream.received(loaded, facts)
        return loaded, findings

    results = map_claimed(items, load, weights, jobs, meanwhile, received)
    for item, result in zip(items, results, strict=True):
        if result is None:
            result = load(item)
        if isinstance(result, str):
            errors.append(result)
        elif result is not None:
            loaded, findings = result  # a child's: unpacked as it arrived
            assert isinstance(loaded, LoadedFile)
            out.append(loaded)
            if stream is not None:
                stream.add_checked(loaded, findings)
    return out, errors


def _size(item: InputFile) -> int:
    """What a file weighs in sharing out the work: its size (1 when unknown)."""
    if item.path is None:
        return 1
    try:
        return max(1, item.path.stat().st_size)
    except OSError:
        return 1


def _absolute(path: FsPath) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # became a link loop after discovery (RuntimeError < 3.13)
        return str(FsPath.cwd() / path)


def stdin_bytes(stdin: bytes | None, limits: Limits) -> bytes:
    data = stdin or b""
    if len(data) > limits.max_file_bytes:
        # the CLI reads at most one byte more than the limit: the size is unknown
        raise TooBig(None, limits.max_file_bytes)
    return data


def refused(source: SourceFile, message: str) -> LoadedFile:
    """A file that is not read at all (limits.max_file_bytes): one finding on line 1."""
    loaded = LoadedFile(source)
    loaded.problems.append(Problem(REFUSED, Span(1, 1, 1, 2), message, key="max-file-bytes"))
    return loaded


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
    progress: Callable[[int, int], None] | None = None,
    render: RenderSettings | None = None,
    jobs: int | None = 1,
    keep_documents: bool = False,
) -> Report:
    """Check `paths`. `progress(done, total)` is called after each file is read (the CLI draws a
    progress line with it on a terminal). `jobs`: processes that load the files and run the
    rules (netlint/parallel.py), None for `parallel.auto_jobs`; the report is the same whatever
    the number. `keep_documents`: keep every document in `Report.inputs` (a serial run keeps
    only those rules read past their file: engine.Stream)."""
    # A run builds millions of small objects (node trees, data) that all live until it ends and
    # hold no reference cycles; the cyclic collector would re-scan that growing heap again and
    # again (measured: half of the load time on 10k objects). Pause it for the run.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _lint(
            paths,
            config,
            stdin,
            stdin_filename,
            select,
            ignore,
            baseline,
            today,
            cwd,
            rules,
            progress,
            render,
            jobs,
            keep_documents,
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
    progress: Callable[[int, int], None] | None = None,
    render: RenderSettings | None = None,
    jobs: int | None = 1,
    keep_documents: bool = False,
) -> Report:
    from netlint import engine
    from netlint.render.plan import stage

    config = config or default_config()
    all_rules = rules if rules is not None else load_all_rules(config)
    found = discover(list(paths), cwd, stdin_filename)
    # charts and kustomizations are rendered; their member files are not read raw
    staged = stage(found, list(paths), cwd or FsPath.cwd(), render or RenderSettings())
    limits = Limits.of(config.model.limits)
    loaded: list[LoadedFile] = []
    errors = [*found.errors, *staged.errors]
    text_size = 0
    weights: list[int] = []
    if jobs is None or jobs > 1:
        from netlint.parallel import auto_jobs, can_fork

        weights = [_size(item) for item in staged.files]
        if jobs is None:
            jobs = auto_jobs(sum(weights))
        parallel_load = jobs > 1 and len(staged.files) > 1 and NODE_BUDGET == 0 and can_fork()
    else:
        parallel_load = False
    findings: list[Finding] = []

    def rendered() -> Iterator[LoadedFile]:
        # the charts' and kustomizations' output, read after the files
        nonlocal text_size
        for made in staged.renders:
            source = SourceFile(made.display, None, Lines(made.text))
            yield load_text(source, made.text, limits, text_size < NODE_BUDGET)
            text_size += len(made.text)

    with contextlib.ExitStack() as scope:
        stream = None
        if staged.one_world() and (parallel_load or jobs == 1) and not keep_documents:
            # one run of every file (no renders that are alternatives of each other: the
            # usual pre-commit and CI run): the file-scoped rules run as the files are read
            # (in the process that reads each), and only the documents the other rules read
            # are kept (engine.Stream; the config's catalog overrides in force inside)
            stream = scope.enter_context(
                engine.Stream(
                    config,
                    all_rules,
                    select=select,
                    ignore=ignore,
                    baseline=baseline,
                    today=today,
                    mapped=staged.finish,
                )
            )
        if parallel_load:
            assert jobs is not None
            loaded, errors = _load_in_processes(
                staged.files, weights, stdin, limits, jobs, errors, progress, stream
            )
            if progress is not None:
                progress(len(staged.files), len(staged.files))
        else:
            for done, item in enumerate(staged.files, 1):
                try:
                    loaded.append(read_file(item, stdin, limits, text_size < NODE_BUDGET))
                    text_size += loaded[-1].file.held_size()
                    if stream is not None:
                        stream.add(loaded[-1])
                except OSError as exc:
                    errors.append(f"{item.display}: cannot read: {read_error(exc)}")
                if progress is not None:
                    progress(done, len(staged.files))
        if stream is not None:
            for output in rendered():
                loaded.append(output)
                stream.add(output)
            result = stream.finish(jobs or 1)
            findings = result.findings
    if stream is None:
        loaded.extend(rendered())
        for files, keep in staged.worlds(loaded):  # one run unless renders are alternatives
            result = engine.run(
                files,
                config,
                all_rules,
                select=select,
                ignore=ignore,
                baseline=baseline,
                today=today,
                jobs=jobs or 1,
            )
            findings.extend(f for f in result.findings if keep is None or id(f.file) in keep)
    return Report(
        findings=findings if stream is not None else staged.finish(findings, loaded),
        rules=result.rules,
        all_rules=all_rules,
        files=[f.file.path for f in loaded],
        errors=errors,
        notices=[*found.skipped, *staged.notices],
        inputs=(loaded,),
    )
