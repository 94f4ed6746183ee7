"""Big runs keep no node trees (api.NODE_BUDGET, load._Tree): the same report, less memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from perf_support import render_all

from netlint import api
from netlint.load import _Tree, load_text, node_span
from netlint.model import SourceFile

ROOT = Path(__file__).resolve().parents[1]

TEXT = """\
# Source: chart/templates/a.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data: {x: "1"}
---
  apiVersion: v1
  kind: Service
  metadata: {name: b}
  spec:
    ports:
    - port: 80
--- {apiVersion: v1, kind: Pod, metadata: {name: c}}
---
broken: [
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Secret, metadata: {name: d}}
"""


def _spans(node: object) -> list[tuple[int, int, int, int]]:
    """Every node's span, depth first."""
    out = []
    stack = [node]
    while stack:
        current = stack.pop()
        span = node_span(current)  # type: ignore[arg-type]
        out.append((span.line, span.column, span.end_line, span.end_column))
        value = getattr(current, "value", None)
        if isinstance(value, list):
            for item in reversed(value):
                stack.extend(reversed(item) if isinstance(item, tuple) else [item])
    return out


def test_trees_composed_again_are_the_trees_of_the_full_parse() -> None:
    file = SourceFile("a.yaml", None)
    kept = load_text(file, TEXT)
    lazy = load_text(file, TEXT, keep_nodes=False)
    assert [d.index for d in lazy.documents] == [d.index for d in kept.documents] == [0, 1, 2, 4]
    assert [p.span for p in lazy.problems] == [p.span for p in kept.problems]
    kinds = [type(d.tree).__name__ for d in lazy.documents]
    # a document starting on its `---` line keeps its tree (a List does not: its items are
    # found in its cells)
    assert kinds == ["_Tree", "_Tree", "MappingNode", "_Tree"]
    for a, b in zip(kept.documents, lazy.documents, strict=True):
        assert a.data == b.data
        assert a.source_template == b.source_template
        assert _spans(a.node) == _spans(b.node)
    assert lazy.documents[0].source_template == "chart/templates/a.yaml"


def test_only_the_most_recent_trees_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Tree, "RECENT", 1)
    text = "".join(f"---\nkind: K\nmetadata: {{name: n{i}}}\n" for i in range(3))
    lazy = load_text(SourceFile("a.yaml", None), text, keep_nodes=False)
    trees = [d.tree for d in lazy.documents]
    assert all(isinstance(t, _Tree) for t in trees)
    first = lazy.documents[0].node
    assert lazy.documents[0].node is first  # kept while recent
    assert lazy.documents[1].node is not first
    assert trees[0].node is None  # type: ignore[union-attr]
    assert _spans(lazy.documents[0].node) == _spans(first)


def _reports(paths: list[str], cwd: Path, budget: int, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(api, "NODE_BUDGET", budget)
    return render_all(api.lint(paths, cwd=cwd, jobs=1), cwd)


@pytest.mark.parametrize("folder", ["examples", "tests/fixtures", "rules"])
def test_a_run_without_trees_reports_the_same(folder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(ROOT / folder)]
    assert _reports(paths, ROOT, 0, monkeypatch) == _reports(paths, ROOT, 1 << 60, monkeypatch)


@pytest.mark.slow
def test_the_corpus_without_trees_reports_the_same(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [str(corpus_dir)]
    without = _reports(paths, corpus_dir, 0, monkeypatch)
    assert without == _reports(paths, corpus_dir, 1 << 60, monkeypatch)


def test_lines_split_on_first_read_like_splitlines() -> None:
    from netlint.model import Lines

    texts = ("", "a", "a\r\nb\n", "\n\nx", "x\u2028y\n", "\r\n", "a\rb\r\n\rc")
    # every other break str.splitlines knows: form feed, file/group/record separators, NEL, ...
    odd = "a\x0cb\x1cc\x1dd\x1e\x85e\x0bf\u2029"
    for text in (*texts, odd):
        lines = Lines(text)
        split = text.splitlines()
        assert bool(lines) is bool(split)
        assert lines == tuple(split)
        assert list(lines) == split
        assert len(lines) == len(split)
        assert [lines[i] for i in range(len(split))] == split
        assert [lines[-i] for i in range(1, len(split) + 1)] == split[::-1]
        assert (tuple(lines[1:]), tuple(lines[::-1]), tuple(lines[3:1])) == (
            tuple(split[1:]),
            tuple(split[::-1]),
            (),
        )
        for beyond in (len(split), -len(split) - 1):
            with pytest.raises(IndexError):
                lines[beyond]
        # what a line read keeps: where lines end, not the lines
        assert lines._ends is None or list(lines._ends) == [
            len("".join(text.splitlines(True)[: i + 1])) for i in range(len(split))
        ]
    file = SourceFile("a.yaml", None, Lines("x: 1\ny: 2\n"))
    assert (file.line_text(2), file.line_text(3)) == ("y: 2", "")


@pytest.mark.parametrize("brk", ["\r", "\u2028", "\x85"])
def test_files_with_other_line_breaks_keep_their_trees(brk: str) -> None:
    text = f"a: 1{brk}b: 2\n---\nkind: K\n"
    lazy = load_text(SourceFile("a.yaml", None), text, keep_nodes=False)
    assert [type(d.tree).__name__ for d in lazy.documents] == ["MappingNode", "MappingNode"]
    crlf = load_text(SourceFile("a.yaml", None), text.replace(brk, "\r\n"), keep_nodes=False)
    assert [type(d.tree).__name__ for d in crlf.documents] == ["_Tree", "_Tree"]


def test_a_run_leaves_no_document_behind() -> None:
    """With the collector paused (api.lint pauses it), what the run loaded is freed by
    reference counting alone: the report keeps the loaded files (`Report.inputs`, so that the
    CLI need not free them before it writes the report), and once the report is dropped no
    reference cycle keeps a file's data, node trees or the rules' context."""
    import subprocess
    import sys

    script = (
        "import gc\n"
        "from netlint.api import lint\n"
        "gc.disable()\n"
        "report = lint(['examples'])\n"
        "names = ('Document', 'LoadedFile', 'MappingNode', '_Builder', 'RunContext')\n"
        "def left():\n"
        "    return sorted({type(o).__name__ for o in gc.get_objects()} & set(names))\n"
        "print(len(report.findings), left())\n"
        "del report\n"
        "print(left())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert proc.stdout == "4 ['Document', 'LoadedFile']\n[]\n", proc.stderr


def test_wide_texts_are_held_as_utf8() -> None:
    from netlint.model import COMPACT_FROM, Lines

    body = "a: b\n" * (COMPACT_FROM // 5 + 1)
    for text in ("# it\u2019s\n" + body, "# \U0001f600\n" + body):  # two and four bytes a char
        lines = Lines(text)
        assert lines.compact() is True
        assert lines.raw == lines.held == text.encode("utf-8")
        assert lines.text == text
        assert lines == tuple(text.splitlines())
        assert (len(lines), lines[0], bool(lines)) == (
            len(text.splitlines()),
            text.splitlines()[0],
            True,
        )
        assert lines.compact() is False  # held so already
    for text in (
        body,  # ASCII: a byte a character already
        "# caf\u00e9\n" + body,  # Latin-1: the same
        "# it\u2019s\n",  # too short to be worth it
        "\u65e5\u672c" * COMPACT_FROM,  # UTF-8 would take more: three bytes a character
    ):
        lines = Lines(text)
        assert lines.compact() is False
        assert (lines.raw, lines.held) == (None, text)
        assert lines.text is text


def _wide_file(kind_block: str) -> str:
    head = "# the service\u2019s objects\n"
    docs = [kind_block.format(i=i) for i in range(80)]
    return head + "---\n".join(docs)


_SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  ports:\n  - port: 80\n"
_CRD = (
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
    "  name: c{i}.example.com\nspec:\n  group: example.com\n  names:\n    kind: C{i}\n"
    "  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        type: object\n"
    "        description: \u201cquoted\u201d\n"
)


@pytest.mark.parametrize("block", [_SERVICE, _CRD], ids=["service", "crd-skimmed"])
def test_a_wide_file_composes_its_trees_from_its_utf8(
    block: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netlint import model
    from netlint.model import Lines

    text = _wide_file(block)
    compact = load_text(SourceFile("a.yaml", None, Lines(text)), text, keep_nodes=False)
    monkeypatch.setattr(model, "COMPACT_FROM", 1 << 60)
    wide = load_text(SourceFile("a.yaml", None, Lines(text)), text, keep_nodes=False)
    lines = compact.file.lines
    assert isinstance(lines, Lines) and lines.raw == text.encode("utf-8")
    assert isinstance(wide.file.lines, Lines) and wide.file.lines.raw is None
    assert len(compact.documents) == len(wide.documents) == 80
    for a, b in zip(wide.documents, compact.documents, strict=True):
        ta, tb = a.tree, b.tree
        assert isinstance(ta, _Tree) and isinstance(tb, _Tree)
        if block is _SERVICE:  # composed from the file's text: its Lines
            assert ta.text is wide.file.lines.text and tb.text is lines
        else:  # from the skimmed copy (unread.py), as UTF-8: one copy for all documents
            assert isinstance(ta.text, str) and ta.text != text
            assert isinstance(tb.text, Lines) and tb.text is not lines
            assert tb.text.raw == ta.text.encode("utf-8")
            assert tb.text is compact.documents[0].tree.text  # type: ignore[union-attr]
        assert (tb.line0, tb.start) == (ta.line0, ta.start)
        assert a.data == b.data
        assert _spans(a.node) == _spans(b.node)
