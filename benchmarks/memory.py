#!/usr/bin/env python3
"""Where a `netlint check` run's memory goes, part by part, counted object by object.

usage: python benchmarks/memory.py [DIR] [--files N] [--per-file M] [--no-rss]

Without DIR it generates the synthetic corpus (../shared/bench/gen_corpus.py N M; default 200 x
50 = 10k objects; figure 4 of run.py is 2000 x 50). It lints the files once in this process with
`--jobs 1` and counts, with sys.getsizeof over the object graph (each object once, allocator
overhead not included), what the run keeps:

  data        the documents' plain data (dicts, lists, scalars; interned keys counted once)
  positions   what places a finding without a node tree: the recorded cells (netlint/marks.py)
  trees       node trees kept (documents with aliases, directives, templates: load.py)
  text        each file's text and its lines
  documents   the Document, LoadedFile and SourceFile objects, problems
  index       the run's Resource and ObjectRef objects, the index's lists and maps
  facts NLx   what each rule family derives and keeps while its rules run (ctx.cache; the
              engine drops a family's facts when the next family starts), minus what is counted
              above
  findings    the findings, minus the files and object refs they share with the above

The parts are counted as the first rule family starts, on a run that keeps every document
(`lint(keep_documents=True)`): a serial `netlint check` drops, after the file-scoped rules, the
documents no other rule reads (engine.Stream), and the RSS line below is that run's. At the end
of the run comes what the file texts are made of: what characters wider than a byte add (a str
is 2 or 4 bytes a character when one character needs it), lines found as the rules read them
(where they end, or the lines of a tuple: not in the parts), and texts documents compose from
that are not their file's (skimmed copies: unread.py). Then the RSS: of this process before the
run (interpreter and imports), and the peak of a separate `netlint check --jobs 1` on the same
files (what run.py's figure 4 reads; this process's own would count the counting too).

Then the peak RSS of the same `netlint check --jobs 1` with its stream made to keep no
document past its file (`engine.Stream._kept` answering nothing: the run-scoped rules then
find nothing but what the facts of a kind the run drops give, checks.FACTS: none here, as
every kind such a family reads is read by another), what any design that keeps facts rather
than documents starts from: the imports, a batch of files at a time and the findings.

The last line is the arithmetic of figure 4 (peak RSS <= 150 MB at 100k objects) for a design
that keeps no document past its file: what is left of this run then is the imports, every
family's facts together (a file's facts wait for the files after it) and the findings. It is a
lower bound: the facts are counted here without the documents they point to (a Place holds its
Resource, which holds the document's data), and such a design must keep no such pointer.
"""

from __future__ import annotations

import argparse
import enum
import json
import os
import sys
import tempfile
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import corpus, manifest_files, timed

_SKIP = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, enum.Enum)


def _children(obj: Any) -> Iterator[Any]:
    if isinstance(obj, dict):
        yield from obj.keys()
        yield from obj.values()
    elif isinstance(obj, (list, tuple, set, frozenset)):
        yield from obj
    else:
        held = getattr(obj, "__dict__", None)
        if isinstance(held, dict):
            yield held
        for cls in type(obj).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if name != "__dict__" and hasattr(obj, name):
                    yield getattr(obj, name)


class Counter:
    """Bytes and objects reached from roots, each object counted once across all parts."""

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def count(self, roots: Iterable[Any]) -> tuple[int, int]:
        seen = self.seen
        size = objects = 0
        stack = list(roots)
        while stack:
            obj = stack.pop()
            if id(obj) in seen or isinstance(obj, _SKIP) or obj is None:
                continue
            seen.add(id(obj))
            size += sys.getsizeof(obj)
            objects += 1
            if not isinstance(obj, (str, bytes, int, float, bool)):
                stack.extend(_children(obj))
        return size, objects


class _Facts(dict):  # type: ignore[type-arg]
    """ctx.cache that sizes a family's facts when the engine drops them (the next family
    starts) and at the end of the run."""

    def __init__(self, counter: Counter, loaded: Any) -> None:
        super().__init__()
        self.counter = counter
        self.loaded = loaded  # counts the loaded state, before the first facts are counted
        self.sizes: list[tuple[int, int]] = []

    def clear(self) -> None:
        self.measure()
        super().clear()

    def measure(self) -> None:
        if not self.counter.seen:
            self.loaded()
        # a family's facts apart from the state: a copy of the counter's set, so that
        # what two families both keep counts for each
        counter = Counter()
        counter.seen = set(self.counter.seen)
        self.sizes.append(counter.count(list(self.values())))


def families(rules: Iterable[Any]) -> list[str]:
    """The families in the order the engine runs them, once per stretch of rules."""
    out: list[str] = []
    for rule in rules:
        if not out or out[-1] != rule.family:
            out.append(rule.family)
    return out


# `python -c KEEP_NOTHING check ...`: netlint's CLI with the stream keeping no document
KEEP_NOTHING = r"""
import sys
from netlint import engine
engine.Stream._kept = lambda self, index, wanted=(): []
sys.argv = ["netlint", *sys.argv[1:]]
from netlint.cli import main
main()
"""


def current_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(directory: Path) -> dict[str, Any]:
    import netlint.checks  # noqa: F401  (what the run imports, before the RSS is read)
    from netlint import engine
    from netlint.api import lint
    from netlint.load import _Tree

    before = current_rss_mb()
    counter = Counter()
    parts: dict[str, tuple[int, int]] = {}
    holder: dict[str, Any] = {}

    def loaded_state() -> None:
        ctx = holder["ctx"]
        files = ctx.files
        text: list[Any] = []
        data: list[Any] = []
        positions: list[Any] = []
        trees: list[Any] = []
        documents: list[Any] = []
        for lf in files:
            text.append(lf.file.lines)
            documents.extend((lf, lf.file, lf.documents, lf.problems))
            for doc in lf.documents:
                documents.append(doc)
                data.append(doc.data)
                tree = doc.tree
                if isinstance(tree, _Tree):
                    text.append(tree.text)
                    positions.append(tree)
                    if tree.marks is not None:
                        positions.extend((tree.marks, tree.marks.cells))
                elif tree is not None:
                    trees.append(tree)
        # in this order: a part's objects are the ones no earlier part reached
        parts["text"] = counter.count(text)
        parts["data"] = counter.count(data)
        parts["positions"] = counter.count(positions)
        parts["trees"] = counter.count(trees)
        parts["documents"] = counter.count(documents)
        parts["index"] = counter.count([ctx.index, ctx.non_objects])

    real_context = engine.context

    def context(*args: Any, **kwargs: Any) -> Any:
        ctx = real_context(*args, **kwargs)
        ctx.cache = holder["facts"] = _Facts(counter, loaded_state)
        holder["ctx"] = ctx
        return ctx

    engine.context = context
    try:
        report = lint([str(directory)], cwd=directory, jobs=1, keep_documents=True)
    finally:
        engine.context = real_context
    facts: _Facts = holder["facts"]
    facts.measure()  # the last family's
    names = families(report.rules)
    # the first drop comes before the first family (an empty cache)
    sizes = facts.sizes[1:] if len(facts.sizes) == len(names) + 1 else facts.sizes
    by_family: dict[str, tuple[int, int]] = {}
    for name, (size, objects) in zip(names, sizes, strict=False):
        was = by_family.get(name, (0, 0))
        by_family[name] = (was[0] + size, was[1] + objects)
    findings = counter.count(report.findings)
    detail = [0] * 7  # at the end of the run (rules find lines as they read them): _text_line
    for lf in holder["ctx"].files:
        _text_detail(lf, detail)
    objects = len(holder["ctx"].index.resources)
    return {
        "objects": objects,
        "files": len(holder["ctx"].files),
        "findings": len(report.findings),
        "rss_before": before,
        "parts": parts,
        "facts": by_family,
        "findings_size": findings,
        "text": detail,
    }


def _text_detail(lf: Any, detail: list[int]) -> None:
    """Adds to `detail` what the part `text` is made of for one file: its text's bytes (as
    held: a str, or UTF-8 when `model.Lines.compact` took it so) and, of those, what characters
    wider than a byte add; where its lines end, once read (`model.Lines`); the texts
    its documents compose from that are not the file's text (a skimmed copy: unread.py)."""
    from netlint.load import _Tree
    from netlint.model import Lines

    lines = lf.file.lines
    whole = lines.held if isinstance(lines, Lines) else None  # the str, or UTF-8 (compact)
    if whole is not None:
        detail[0] += sys.getsizeof(whole)
        if isinstance(whole, str) and not whole.isascii():
            detail[1] += sys.getsizeof(whole) - len(whole) - sys.getsizeof("")
            detail[2] += 1
    if whole is None:  # a tuple of lines
        detail[3] += sys.getsizeof(lines) + sum(map(sys.getsizeof, lines))
        detail[4] += 1
    elif getattr(lines, "_ends", None) is not None:  # where its lines end (model.Lines)
        detail[3] += sys.getsizeof(lines._ends)
        detail[4] += 1
    copies = {
        id(doc.tree.text): doc.tree.text
        for doc in lf.documents
        if isinstance(doc.tree, _Tree) and doc.tree.text is not whole and doc.tree.text is not lines
    }
    if copies:
        held = (t.held if isinstance(t, Lines) else t for t in copies.values())
        detail[5] += sum(map(sys.getsizeof, held))
        detail[6] += 1


def _text_line(detail: list[int]) -> str:
    return (
        f"text: {_mb(detail[0])} MB of file texts ({_mb(detail[1])} of it characters wider than "
        f"a byte add, in {detail[2]} files), {_mb(detail[3])} MB of lines found in {detail[4]} "
        f"files, {_mb(detail[5])} MB of other texts documents compose from in {detail[6]} files"
    )


def _mb(size: int) -> str:
    return f"{size / 2**20:.2f}"


def _per(size: int, n: int) -> str:
    return f"{size / n:.0f}" if n else "-"


def table(
    result: dict[str, Any], peak: float | None, bare: tuple[float, int] | None = None
) -> list[str]:
    """The report's lines; `peak`: the separate run's peak RSS; `bare`: the peak RSS and the
    findings of the run that keeps no document (`KEEP_NOTHING`)."""
    n = result["objects"]
    rows = [["part", "MB", "bytes/object", "objects"]]
    for name, (size, count) in result["parts"].items():
        rows.append([name, _mb(size), _per(size, n), str(count)])
    for family, (size, count) in result["facts"].items():
        rows.append([f"facts {family}", _mb(size), _per(size, n), str(count)])
    size, count = result["findings_size"]
    rows.append([f"findings ({result['findings']})", _mb(size), _per(size, n), str(count)])
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    out = []
    for i, row in enumerate(rows):
        out.append(
            "  ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    kept = sum(size for size, _ in result["parts"].values())
    out.append(_text_line(result["text"]))
    out.append(f"kept by the run: {_mb(kept)} MB of objects, {_per(kept, n)} bytes per object")
    rss = f"RSS of this process before the run (imports): {result['rss_before']:.0f} MB"
    if peak is not None:
        rss += f"; peak RSS of `netlint check --jobs 1`: {peak:.0f} MB"
    out.append(rss)
    if bare is not None:
        out.append(
            f"peak RSS of the same run keeping no document past its file: {bare[0]:.0f} MB, "
            f"with its {bare[1]} findings (the file-scoped rules')"
        )
    facts = sum(size for size, _ in result["facts"].values())
    least = result["rss_before"] + (facts + result["findings_size"][0]) / 2**20
    out.append(
        f"no document kept: imports {result['rss_before']:.0f} + all facts {_mb(facts)} + "
        f"findings {_mb(result['findings_size'][0])} = {least:.0f} MB (figure 4: <= 150 MB)"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--per-file", type=int, default=50)
    parser.add_argument("--no-rss", action="store_true", help="skip the separate netlint run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="netlint-memory-") as tmp:
        directory, label = corpus(args.directory, tmp, args.files, args.per_file)
        size = sum(f.stat().st_size for f in manifest_files(directory))
        peak = None
        bare = None
        if not args.no_rss:
            options = ["check", str(directory), "--jobs", "1", "-f", "json", "--fail-on", "never"]
            run = timed([sys.executable, "-m", "netlint", *options, "-o", os.devnull, "-q"])
            if run.returncode != 0:
                sys.exit(f"memory: netlint check exited {run.returncode}: {run.stderr}")
            peak = run.max_rss_mb
            report = Path(tmp) / "bare.json"
            run = timed([sys.executable, "-c", KEEP_NOTHING, *options, "-o", str(report), "-q"])
            if run.returncode != 0:
                sys.exit(f"memory: netlint check exited {run.returncode}: {run.stderr}")
            found = json.loads(report.read_text("utf-8"))["findings"]
            bare = (run.max_rss_mb, len(found))
        result = measure(directory)
    print(
        f"{label}: {result['objects']} objects in {result['files']} files, "
        f"{size / 2**20:.1f} MB of YAML, Python {sys.version.split()[0]}"
    )
    for line in table(result, peak, bare):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
