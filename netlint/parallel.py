"""`--jobs N`: load the files in N processes, then run the rules in N processes forked after
loading, so every process sees the whole run (all files, the one index of resources) without
copying it.

Loading (`map_claimed`): N processes (the parent and N-1 forked children) each take the next
files left, the biggest first, until none is left; the children send each file back pickled
as soon as it is read (a document travels as its data, its text and its recorded positions,
netlint/marks.py: no node tree), and the parent takes them in between its own files. The
parent puts the files back in their order, so nothing downstream can tell.

The rules run a family at a time (rules of a family share facts through `RunContext.cache`,
`run_groups`): each process starts with one of the costliest families; then the parent takes
the costliest family left and the children the cheapest. Each forked child sends back
its families' findings, pickled with every SourceFile and every object's ObjectRef replaced
by its index (the parent puts its own objects back, so the findings are indistinguishable
from those of a serial run). The parent runs its families itself and then reassembles the
findings in rule order: the report is byte-identical to `--jobs 1`. Where `os.fork` is
missing (Windows) the rules run serially.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
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


# --jobs by default: a process per this much input, so two from 512 KiB. Measured on 2 cores,
# `--jobs 1` against `--jobs 2` (medians of 9 runs, start-up included): synthetic manifests,
# 88 KB 0.130 / 0.125 s, 172 KB 0.150 / 0.134 s, 312 KB 0.183 / 0.159 s, 564 KB 0.207 /
# 0.169 s; CRDs (read at several times the speed) 628 KB 0.131 / 0.123 s. Under about 100 KB
# the second process saves no more than forking and sending its files back cost.
AUTO_SHARE = 256 * 1024


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


def dumps_findings(findings: list[Any], file: SourceFile) -> bytes:
    """A loaded file's findings, pickled with `file` as a reference (`loads_findings`): the
    process that receives the file puts its own copy of it back in their place."""
    buffer = io.BytesIO()
    _Pickler(buffer, {id(file): 0}, {}).dump(findings)
    return buffer.getvalue()


def loads_findings(data: bytes, file: SourceFile) -> list[Any]:
    found: list[Any] = _Unpickler(io.BytesIO(data), [file], []).load()
    return found


def _fork(produce: Callable[[int], bytes | bytearray | memoryview]) -> tuple[int, int]:
    """A forked child that writes `produce(fd)` to a pipe and leaves; (its pid, the read end).
    `produce` may write to the pipe's write end `fd` itself before it returns the rest (it
    must leave `fd` blocking)."""
    read_end, write_end = os.pipe()
    _widen(write_end)
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running any cleanup
        status = 1
        try:
            os.close(read_end)
            data = produce(write_end)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        finally:  # whatever happened, the child never returns into the caller's code
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _widen(fd: int) -> None:
    """The pipe of `fd` given the biggest buffer an unprivileged process may ask for (Linux,
    /proc/sys/fs/pipe-max-size: 1 MiB unless configured) where it can be had: a child's
    megabytes then cross in a sixteenth of the context switches of the default 64 KiB."""
    import contextlib
    import fcntl

    size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if size is None:  # pragma: no cover - not Linux
        return
    # over the limit, or a user's pipe quota spent: the default buffer
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, size, 1 << 20)


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
    time: process k starts with the k-th costliest family (`families_by_cost`); then, each as
    soon as it is done with its last, this process takes the costliest family left and each
    child the cheapest left (`_claims`), so that no process waits long for another however
    wrong the costs are, and the children, whose findings still have to cross a pipe and be
    unpickled here, end on short families. `files` and `refs`: objects every process has,
    sent as their index."""
    units = families_by_cost(families)
    jobs = min(jobs, len(units))
    if jobs < 2 or not can_fork():
        return [work(i) for i in range(count)]
    claims = _claims(range(jobs, len(units)))

    def claimed(first: int, cheapest_first: bool) -> Iterator[int]:
        yield first
        for k in sorted(claims, reverse=cheapest_first):
            if os.read(claims[k], 1):  # its byte: this process's
                yield k

    def run(first: int, cheapest_first: bool) -> dict[int, T]:
        return {i: work(i) for k in claimed(first, cheapest_first) for i in units[k]}

    file_ids = {id(f): i for i, f in enumerate(files)}
    ref_ids = {id(r): i for i, r in enumerate(refs)}
    children: list[tuple[int, int]] = []
    for first in range(1, jobs):

        def produce(fd: int, first: int = first) -> bytes:
            try:
                payload: Any = ("ok", run(first, True))
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
        results.update(run(0, False))
    except BaseException as exc:
        failure = exc
    finally:
        for fd in claims.values():
            os.close(fd)
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


def _claims(units: Iterable[int]) -> dict[int, int]:
    """For each unit, the read end of a pipe that holds one byte and whose write end is
    closed: the one process that reads the byte has claimed the unit; any other reads the end
    of the pipe. No read ever waits, and no process that dies can hold a claim up."""
    claims = {}
    for k in units:
        read_end, write_end = os.pipe()
        os.write(write_end, b"\x01")
        os.close(write_end)
        claims[k] = read_end
    return claims


# Tokens of `map_claimed` (four bytes each) are written to a pipe before any process reads
# one: at most this many, within the smallest pipe buffer Linux gives (one page: 4 KiB)
_MAX_TOKENS = 1024


def claim_units(weights: Sequence[int]) -> list[list[int]]:
    """Indexes into `weights` in the order processes claim them (`map_claimed`): the heaviest
    first (ties in order), so that the last claimed are the lightest and no process is left
    with a big item when the others are done; in consecutive runs of that order, at most
    `_MAX_TOKENS` of them."""
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))
    size = -(-len(order) // _MAX_TOKENS) or 1
    return [order[k : k + size] for k in range(0, len(order), size)]


def map_claimed(
    items: Sequence[T],
    work: Callable[[T], R],
    weights: Sequence[int],
    jobs: int,
    meanwhile: Callable[[], object] | None = None,
    received: Callable[[R], R] | None = None,
) -> list[R]:
    """`[work(x) for x in items]`, computed in `jobs` processes (this one and `jobs` - 1 forked
    children) that each claim the next unit of items (`claim_units`) from a pipe as soon as
    they are done with their last, until none is left: however the machine shares its cores
    out, the processes are done together. `meanwhile`, when given, is run here after the
    children start, before this process claims its first unit: work that must be done here
    anyway.

    A child pickles each result as it is computed (one pickler: what several results share is
    sent once) and sends it as soon as the pipe takes it (`_Outbox`: it never waits for this
    process). This process takes in what has arrived after each item of its own (`_Inbox`),
    `received` applied to each child's result (work of this process: unpacking a loaded file,
    say), and the rest when it has no unit left; the time that takes is shared out like the
    rest, since a process busy taking in claims fewer units (on the 10k synthetic objects,
    taking them all in after its last file, as this process did until 2026-12-03, cost it
    0.067-0.077 s there; now 0.02-0.03 s are left there).

    `work` must not raise: it returns what went wrong as a value, which must pickle, like its
    results. Whatever a child did not send back (it died, or a result would not pickle: it
    sends nothing from there on) is computed here after the others: the answer is always the
    serial one."""
    units = claim_units(weights)
    jobs = min(jobs, len(units))
    if jobs < 2 or not can_fork():
        if meanwhile is not None:
            meanwhile()
        return [work(x) for x in items]
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as pipe:  # at most 4 KiB: within the pipe's buffer
        pipe.write(b"".join(k.to_bytes(4, "big") for k in range(len(units))))

    def claimed() -> Iterator[int]:
        while token := os.read(read_end, 4):
            yield from units[int.from_bytes(token, "big")]

    def produce(fd: int) -> bytearray:
        outbox = _Outbox(fd)
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
        for i in claimed():
            pickler.dump((i, work(items[i])))
            with buffer.getbuffer() as record:  # released before the buffer is emptied
                outbox.put(record)
            buffer.seek(0)
            buffer.truncate()
        return outbox.rest()

    children = [_fork(produce) for _ in range(jobs - 1)]
    inboxes = [_Inbox(child_end) for _, child_end in children]
    results: dict[int, R] = {}

    def take(inbox: _Inbox, wait: bool) -> None:
        for i, result in inbox.records(wait):
            results[i] = result if received is None else received(result)

    try:
        if meanwhile is not None:
            meanwhile()
        for i in claimed():
            results[i] = work(items[i])
            for inbox in inboxes:
                take(inbox, False)
    finally:
        os.close(read_end)
        for (pid, _), inbox in zip(children, inboxes, strict=True):
            try:
                take(inbox, True)
            finally:
                inbox.close()
                os.waitpid(pid, 0)
    for i in range(len(items)):
        if i not in results:
            results[i] = work(items[i])
    return [results[i] for i in range(len(items))]


# a record on a child's pipe: its length in this many bytes (big-endian), then a pickle
_LENGTH = 8


class _Outbox:
    """A child's records, written to the pipe `fd` as far as it takes them without waiting:
    what it does not take yet waits here and goes with the next record, or at the end
    (`rest`)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = bytearray()
        os.set_blocking(fd, False)

    def put(self, record: memoryview) -> None:
        self.pending += len(record).to_bytes(_LENGTH, "big")
        self.pending += record
        while self.pending:
            try:
                written = os.write(self.fd, self.pending)
            except BlockingIOError:  # the pipe is full: this process reads it after its item
                return
            del self.pending[:written]  # from the front: bytearray moves no bytes

    def rest(self) -> bytearray:
        """What the pipe has not taken, for `_fork` to write, the pipe blocking again."""
        os.set_blocking(self.fd, True)
        return self.pending


class _Inbox:
    """A child's records as they arrive on the read end `fd`, unpickled by one unpickler (the
    child's one pickler sends what results share once). A record cut off (the child died while
    writing it) is dropped, as are the records after one that will not unpickle."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.data = bytearray()
        self.feed = io.BytesIO()
        self.unpickler = pickle.Unpickler(self.feed)
        self.broken = False
        os.set_blocking(fd, False)

    def records(self, wait: bool) -> Iterator[Any]:
        """The records that have arrived; with `wait`, every record up to the end of the pipe
        (each as soon as it is complete)."""
        while True:
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                if not wait:
                    return
                os.set_blocking(self.fd, True)
                continue
            if not chunk:
                return
            self.data += chunk
            yield from self._complete()

    def _complete(self) -> Iterator[Any]:
        data, at = self.data, 0
        while not self.broken and len(data) - at >= _LENGTH:
            size = int.from_bytes(data[at : at + _LENGTH], "big")
            start = at + _LENGTH
            if len(data) - start < size:
                break
            feed = self.feed
            feed.seek(0)
            feed.truncate()
            with memoryview(data) as view:  # no copy but the feed's own
                feed.write(view[start : start + size])
            feed.seek(0)
            at = start + size
            try:
                record = self.unpickler.load()
            except Exception:  # what follows may refer to it: the rest is computed here
                self.broken = True
                break
            yield record
        del data[:at]

    def close(self) -> None:
        os.close(self.fd)
