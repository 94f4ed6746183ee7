"""netlint/events.py: a file built from the parser's events is the file the node walk builds,
document for document: the same data (types included), the same cells, the same tree fields,
the same problems. A file the events cannot build exactly is left to the node walk."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from perf_support import suite_texts, yaml_texts

from netlint import events, load
from netlint.load import LoadedFile, _Tree, load_text
from netlint.model import Lines, SourceFile

ROOT = Path(__file__).resolve().parents[1]


def _canon(value: Any) -> Any:
    """`value` with every type spelled out and mapping order kept (1, 1.0 and True differ)."""
    if isinstance(value, dict):
        return ("dict", [(_canon(k), _canon(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_canon(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _shape(loaded: LoadedFile) -> list[Any]:
    docs = []
    for doc in loaded.documents:
        tree = doc.tree
        if isinstance(tree, _Tree):
            marks = None if tree.marks is None else (tree.marks.cells.typecode, tree.marks.cells)
            where: Any = ("tree", tree.line0, tree.start, tree.text, marks)
        else:
            where = ("node", doc.node.start_mark.line)
        docs.append(
            (doc.index, doc.file is loaded.file, where, _canon(doc.data), doc.source_template)
        )
    return [docs, loaded.problems, loaded.sources, loaded.file.path]


def _both(name: str, text: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Load `text` both ways and compare; whether the events built it."""
    assert events.usable()  # its probe, before the spy counts calls
    built: list[bool] = []
    real = events.documents

    def spy(*args: Any) -> Any:
        out = real(*args)
        built.append(out is not None)
        return out

    monkeypatch.setattr(events, "documents", spy)
    file = SourceFile(name, None, Lines(text))
    monkeypatch.setattr(load, "EVENTS", True)
    fast = load_text(file, text, keep_nodes=False)
    monkeypatch.setattr(load, "EVENTS", False)
    slow = load_text(file, text, keep_nodes=False)
    fast_shape, slow_shape = _shape(fast), _shape(slow)
    for i, (mine, theirs) in enumerate(zip(fast_shape[0], slow_shape[0], strict=False)):
        if mine[2][0] == "tree" and theirs[2][0] == "node":
            # the node walk keeps this document's tree: its file may hold an alias, as far as
            # a scan can tell, or is big (load._short); the events found none and counted the
            # nodes. Its cells are compared with that tree by tests/test_marks.py
            fast_shape[0][i] = (*mine[:2], ("node", mine[2][1]), *mine[3:])
    assert fast_shape == slow_shape, name
    assert len(built) <= 1
    return built == [True]


SHAPES = [
    # (text, built from events)
    ("a: 1\nb: [1, 2.5, true, null, ~, '', x]\nc: {d: e}\n", True),
    ("---\nkind: A\n---\n---\nkind: B\nlist:\n- a\n- - b\n  - {}\n- []\n", True),
    ("x: 0x1F\ny: 0o17\nz: 1_000\nw: .inf\nv: -.inf\nu: .nan\nt: 2001-12-14\ns: Yes\n", True),
    ("\"quoted\": \"1\"\n'single': 'true'\nblock: |\n  text\nfolded: >\n  more\n", True),
    ("plain text document\n", True),
    ("", True),
    ("# only a comment\n", True),
    ("a: b\r\nc:\r\n  - d\r\n", True),
    ("k: " + "v" * 200 + "\n", True),
    ("kind: A\n...\n---\nkind: B\n", True),
    # one text typed by where it stands: plain, quoted, as a key, as a value (the caches of
    # texts must not carry a type from one to the other)
    ("'1': 1\n'true': true\nx: 'true'\ny: [true, 'true', 1, '1']\nz: {'null': null}\n", True),
    ("a: x\nx: a\n'a': b\n", False),  # a duplicate key, quoted the second time
    # left to the node walk
    ("a: !!str 1\n", False),
    ("a: &x 1\nb: 2\n", False),
    ("<<: {a: 1}\nb: 2\n", False),
    ("a: 1\na: 2\n", False),
    ("1: a\n", False),
    ("true: a\n", False),
    ("? [a]\n: b\n", False),
    ("--- {a: 1}\n", False),
    ("--- !tag\na: 1\n", False),
    ("apiVersion: v1\nkind: List\nitems:\n- kind: A\n", True),  # its items: in the cells
    ("a: [\n---\nkind: K\n", False),
    ("a: b\n  c: d\n", False),
    ("a: &x [1]\nb: x\n", False),
]


@pytest.mark.parametrize(("text", "built"), SHAPES)
def test_shapes(text: str, built: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _both("a.yaml", text, monkeypatch) is built


def test_nesting_past_the_limit_is_left_to_the_node_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = load.Limits(max_depth=3)
    text = "a:\n  b:\n    c:\n      d:\n        e: 1\n"
    assert events.documents(SourceFile("a.yaml", None), text, load.Limits(max_depth=3)) is None
    assert events.documents(SourceFile("a.yaml", None), text, load.Limits(max_depth=4)) is not None
    loaded = load_text(SourceFile("a.yaml", None, Lines(text)), text, limits, keep_nodes=False)
    assert [(p.code, p.span.line) for p in loaded.problems] == [("limit", 5)]


def test_too_many_documents_are_left_to_the_node_walk() -> None:
    text = "a: 1\n---\nb: 2\n---\nc: 3\n"
    assert (
        events.documents(SourceFile("a.yaml", None), text, load.Limits(max_documents_per_file=2))
        is None
    )
    docs = events.documents(SourceFile("a.yaml", None), text, load.Limits(max_documents_per_file=3))
    assert docs is not None and [d.data for d in docs] == [{"a": 1}, {"b": 2}, {"c": 3}]


@pytest.mark.parametrize(
    ("per_document", "per_file", "built", "problems"),
    [
        # the documents have 7 and 5 nodes counting their keys, 5 and 3 as the node walk
        # counts (keys are not): the events give way to the walk past 7 and 12 (never later
        # than the walk would stop), and the walk decides
        (7, 12, True, []),
        (6, 12, False, []),
        (7, 11, False, []),
        (4, 12, False, [("limit", 1)]),
        (7, 7, False, [("limit", 6)]),
    ],
)
def test_node_limits_are_left_to_the_node_walk(
    per_document: int,
    per_file: int,
    built: bool,
    problems: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits = load.Limits(max_nodes_per_document=per_document, max_nodes_per_file=per_file)
    text = "a: 1\nb: [x, y]\n---\n# two\n\nc: {d: e}\n"
    file = SourceFile("a.yaml", None, Lines(text))
    assert (events.documents(file, text, limits) is not None) is built
    both = []
    for on in (True, False):
        monkeypatch.setattr(load, "EVENTS", on)
        loaded = load_text(file, text, limits, keep_nodes=False)
        both.append(
            (
                [(p.code, p.span.line) for p in loaded.problems],
                [_canon(d.data) for d in loaded.documents],
            )
        )
    assert both[0] == both[1]
    assert both[0][0] == problems


def test_the_parsers_event_classes_are_back_after_a_parse() -> None:
    import _ruamel_yaml  # type: ignore[import-not-found]

    before = {name: getattr(_ruamel_yaml, name) for name, _ in events._EVENT_CLASSES}
    assert (
        events.documents(SourceFile("a.yaml", None), "a: [1, {b: c}]\n", load.Limits()) is not None
    )
    assert events.documents(SourceFile("a.yaml", None), "a: !!int 1\n", load.Limits()) is None
    assert events.documents(SourceFile("a.yaml", None), "a: [\n", load.Limits()) is None
    assert {name: getattr(_ruamel_yaml, name) for name, _ in events._EVENT_CLASSES} == before
    assert before["ScalarEvent"].__module__.startswith("ruamel.yaml")


@pytest.mark.parametrize("folder", ["examples", "tests/fixtures", "rules"])
def test_project_files(folder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = yaml_texts(ROOT / folder)
    built = sum(_both(name, text, monkeypatch) for name, text in texts)
    # most files are built from events; the count moves with the fixtures
    assert 0 < built <= len(texts)


def test_the_benchmark_corpus_is_built_from_events(
    tmp_path: Path, shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generator = shared_dir / "bench" / "gen_corpus.py"
    if not generator.is_file():
        pytest.skip(f"{generator} is absent")
    subprocess.run([sys.executable, str(generator), str(tmp_path), "4", "21"], check=True)
    texts = yaml_texts(tmp_path)
    assert len(texts) == 4
    assert [_both(name, text, monkeypatch) for name, text in texts] == [True] * 4


@pytest.mark.slow
def test_the_corpus(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = yaml_texts(corpus_dir)
    # of the 380 files, 344 are built from events; the rest hold tags, anchors, templates, ...
    # (six of the 344 are big, or hold a `*name` that may be an alias: the node walk keeps
    # their trees)
    assert (sum(_both(name, text, monkeypatch) for name, text in texts), len(texts)) == (344, 380)


@pytest.mark.slow
def test_the_yaml_test_suite(shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = suite_texts(shared_dir)
    # the suite is made of unusual YAML: 171 of its 402 texts are built from events
    assert (sum(_both(name, text, monkeypatch) for name, text in texts), len(texts)) == (171, 402)


def test_this_ruamel_makes_events_as_the_walk_reads_them() -> None:
    assert events.usable() is True
    docs = events.documents(SourceFile("p.yaml", None), events._PROBE, load.Limits())
    assert docs is not None
    assert [d.data for d in docs] == [
        {"a": 1, "b": [True, "x", None, 2.5, 31], "c": {"d": "e", "f": ["g", {"h": "i"}]}},
        ["j", {"k": ""}],
    ]


def test_events_read_otherwise_leave_every_file_to_the_node_walk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the parser's events came with their arguments in another order (another
    ruamel.yaml.clib), the probe differs from the node walk's: no file is built from events,
    and every file still loads as before."""
    calls: list[str] = []
    real = events.documents

    def counted(file: SourceFile, *args: Any) -> Any:
        calls.append(file.path)
        return real(file, *args)

    monkeypatch.setattr(events, "documents", counted)
    # a scalar's style where its value was: every string comes out as ''
    monkeypatch.setattr(events._Walk, "scalar", lambda self, args: args[6])
    events.usable.cache_clear()
    try:
        assert events.usable() is False
        text = "a: [b, c]\n"
        loaded = load_text(SourceFile("a.yaml", None, Lines(text)), text, keep_nodes=False)
        assert [d.data for d in loaded.documents] == [{"a": ["b", "c"]}]
        assert calls == ["probe.yaml"]  # the probe, once; then no file
    finally:
        events.usable.cache_clear()
