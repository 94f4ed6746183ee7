"""`--jobs N`: load the files in N processes, then run the rules in N processes forked after
loading, so every process sees the whole run (all files, the one index of resources) without
copying it.

Loading (`map_shares`): the files are split into N shares of about equal size; N-1 forked
children each load theirs and send it back pickled (a document travels as its data, its text and
its recorded positions, netlint/marks.py: no node tree), while the parent loads the first share.
The parent puts the files back in their order, so nothing downstream can tell.

The rules run a family at a time (rules of a family share facts through `RunContext.cache`):
each process starts with one of the costliest families and then takes the next family left
when it is done (`run_groups`). Each forked child sends back its families' findings, pickled
with every SourceFile and every object's ObjectRef replaced by its index (the parent puts its
own objects back, so the findings are indistinguishable from those of a serial run). The
parent runs its families itself and then reassembles the findings in rule order: the report is
byte-identical to `--jobs 1`. Where `os.fork` is missing (Windows) the rules run serially.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from netlint.model import ObjectRef, SourceFile

T = TypeVar("T")
R = TypeVar("R")

# Relative cost per rule of each family, findings placed included, on a corpus where every
# rule has work (CPU time on the synthetic 10k-object corpus: NL4 0.24 s for 7 rules, NL3 0.19
# s for 5, NL2 0.12 s for 3, NL1 0.05 s for 6, NL0 0.03 s for 8); only orders the families
# (run_groups), costliest first.
_FAMILY_COST = {"NL4": 3.4, "NL3": 3.8, "NL2": 3.8, "NL1": 0.9, "NL0": 0.4}


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


# --jobs by default: a process per this much input. Below it, forking and sending the loaded
# files back costs more than the second process saves (about 25 ms per process, against a
# load of about 6 MB/s per core).
AUTO_SHARE = 512 * 1024


def auto_jobs(total_bytes: int) -> int:
    """The default of --jobs: one process per AUTO_SHARE of input, at most one per CPU this
    process may run on; 1 where it cannot fork."""
    if not can_fork():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, total_bytes // AUTO_SHARE))


def families_by_cost(families: Sequence[str]) -> list[list[int]]:
    """Indexes into `families` (one entry per rule, in rule order), one list per family, the
    costliest family first (by `_FAMILY_COST`, then by name): the order the processes of
    `run_groups` take them in."""
    order: dict[str, list[int]] = {}
    for i, family in enumerate(families):
        order.setdefault(family, []).append(i)
    return [
        order[f]
        for f in sorted(order, key=lambda f: (-_FAMILY_COST.get(f, 1.0) * len(order[f]), f))
    ]


class _Pickler(pickle.Pickler):
    """Files as their index (0, 1, ...), the objects' refs as theirs (-1, -2, ...)."""

    def __init__(self, buffer: io.BytesIO, files: dict[int, int], refs: dict[int, int]) -> None:
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self.files = files
        self.refs = refs

    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is SourceFile:
            return self.files.get(id(obj))
        if kind is ObjectRef:
            i = self.refs.get(id(obj))
            return None if i is None else -1 - i
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(
        self, buffer: io.BytesIO, files: Sequence[SourceFile], refs: Sequence[ObjectRef]
    ) -> None:
        super().__init__(buffer)
        self.files = files
        self.refs = refs

    def persistent_load(self, pid: Any) -> Any:
        return self.files[pid] if pid >= 0 else self.refs[-1 - pid]


def _fork(produce: Callable[[], bytes]) -> tuple[int, int]:
    """A forked child that writes `produce()` to a pipe and leaves; (its pid, the read end)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running any cleanup
        status = 1
        try:
            os.close(read_end)
            data = produce()
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        finally:  # whatever happened, the child never returns into the caller's code
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, read_end: int) -> tuple[int, bytes]:
    """What the child `pid` wrote to `read_end` once it has left, and its exit status."""
    with os.fdopen(read_end, "rb") as incoming:
        data = incoming.read()
    _, status = os.waitpid(pid, 0)
    return status, data


def run_groups(
    count: int,
    work: Callable[[int], T],
    families: Sequence[str],
    jobs: int,
    files: Sequence[SourceFile],
    refs: Sequence[ObjectRef] = (),
) -> list[T]:
    """`[work(i) for i in range(count)]`, computed in up to `jobs` processes, a family at a
    time: process k starts with the k-th costliest family (`families_by_cost`), and then each
    process takes the next family left as soon as it is done with its own (a token read from a
    pipe), so that no process waits long for another however wrong the costs are. `files` and
    `refs`: objects every process has, sent as their index."""
    units = families_by_cost(families)
    jobs = min(jobs, len(units))
    if jobs < 2 or not can_fork():
        return [work(i) for i in range(count)]
    # the families after each process's first: two-byte tokens, each read by exactly one process
    read_end, write_end = os.pipe()
    tokens = b"".join(k.to_bytes(2, "big") for k in range(jobs, len(units)))
    with os.fdopen(write_end, "wb") as pipe:  # a few bytes: within the pipe's buffer
        pipe.write(tokens)

    def claimed(first: int) -> Iterator[int]:
        yield first
        while token := os.read(read_end, 2):
            yield int.from_bytes(token, "big")

    def run(first: int) -> dict[int, T]:
        return {i: work(i) for k in claimed(first) for i in units[k]}

    file_ids = {id(f): i for i, f in enumerate(files)}
    ref_ids = {id(r): i for i, r in enumerate(refs)}
    children: list[tuple[int, int]] = []
    for first in range(1, jobs):

        def produce(first: int = first) -> bytes:
            try:
                payload: Any = ("ok", run(first))
            except BaseException as exc:
                payload = ("error", exc)
            buffer = io.BytesIO()
            try:
                _Pickler(buffer, file_ids, ref_ids).dump(payload)
            except Exception as exc:  # an unpicklable exception: send its text
                buffer = io.BytesIO()
                _Pickler(buffer, file_ids, ref_ids).dump(("error", RuntimeError(repr(exc))))
            return buffer.getvalue()

        children.append(_fork(produce))
    results: dict[int, T] = {}
    failure: BaseException | None = None
    try:
        results.update(run(0))
    except BaseException as exc:
        failure = exc
    finally:
        os.close(read_end)
    for pid, child_end in children:
        _, data = _collect(pid, child_end)
        if failure is not None:
            continue
        if not data:
            failure = RuntimeError("a --jobs worker process died without a result")
            continue
        status, value = _Unpickler(io.BytesIO(data), files, refs).load()
        if status == "error":
            failure = value
            continue
        results.update(value)
    if failure is not None:
        raise failure
    return [results[i] for i in range(count)]


# What sending its results costs a child, as a fraction of computing them: a loaded file is
# pickled and written to the pipe in about 8% of the time it took to load (10k synthetic
# objects: 0.056 s after 0.67 s of loading). The first share, computed in this process, is
# that much bigger, so that it is done when the children's results arrive.
SEND_COST = 0.08


def shares(weights: Sequence[int], jobs: int, send_cost: float = 0.0) -> list[list[int]]:
    """Indexes into `weights` split into at most `jobs` shares of about equal cost (heaviest
    first, each to the cheapest share), where an item costs its weight in the first share and
    `1 + send_cost` times its weight in any other; every share keeps its indexes in order."""
    buckets: list[list[int]] = [[] for _ in range(max(1, min(jobs, len(weights))))]
    totals = [0.0] * len(buckets)
    factors = [1.0] + [1.0 + send_cost] * (len(buckets) - 1)
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        # the share that would be done first with this item in it
        after = [t + weights[i] * f for t, f in zip(totals, factors, strict=True)]
        cheapest = after.index(min(after))
        buckets[cheapest].append(i)
        totals[cheapest] = after[cheapest]
    return [sorted(b) for b in buckets if b]


def map_shares(
    items: Sequence[T], work: Callable[[T], R], weights: Sequence[int], jobs: int
) -> list[R]:
    """`[work(x) for x in items]`, the items split into `jobs` shares by `weights`, each share
    computed in its own process (the first in this one). `work` must not raise: it returns
    what went wrong as a value, which must pickle, like its results. A share whose process
    sends nothing back (it died, or its results would not pickle) is computed here instead:
    the answer is always the serial one."""
    parts = shares(weights, jobs, SEND_COST)
    if len(parts) < 2 or not can_fork():
        return [work(x) for x in items]
    children: list[tuple[int, int, list[int]]] = []
    for part in parts[1:]:

        def produce(part: list[int] = part) -> bytes:
            return pickle.dumps([work(items[i]) for i in part], pickle.HIGHEST_PROTOCOL)

        children.append((*_fork(produce), part))
    results: dict[int, R] = {}
    try:
        for i in parts[0]:
            results[i] = work(items[i])
    finally:
        for pid, read_end, part in children:
            status, data = _collect(pid, read_end)
            if status == 0 and data:
                results.update(zip(part, pickle.loads(data), strict=True))
    for part in parts[1:]:
        for i in part:
            if i not in results:
                results[i] = work(items[i])
    return [results[i] for i in range(len(items))]
