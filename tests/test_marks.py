"""Recorded positions (netlint/marks.py) give what the node tree gives: for every path into every
document (and past its end), the same span, the same existence, the same edit, and the same data
and problems from the load. Read over examples/, the fixtures, ../shared/corpus and the YAML
test suite, plus hand-made shapes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from perf_support import suite_texts, yaml_texts

from netlint.edits import make_edit
from netlint.load import _may_alias, _Tree, load_text, node_span
from netlint.marks import Marks
from netlint.model import Document, Fix, ObjectRef, Resource, SourceFile, Span
from netlint.positions import marks_of, resource_extent, resource_span, span_of

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

SHAPES = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {app: x, tier: "web"}
data:
  empty: ""
  list: [1, 2, [3, 4], {}]
  text: |
    line one
    line two
  folded: >-
    folded
    text
  quoted: "a
    b"
  items:
  - - nested
    - seq
  - name: n
    ports:
    - 80
    - {containerPort: 81}
  - []
  - {}
  last:
    deep:
      deeper: value   # comment
---
- a
- b: c
---
just a string
---
kind: Pod
spec:
  containers: []
"""

# documents whose data cannot carry their positions: they keep composing their tree
INEXACT = [
    "kind: A\n80: x\n",  # an integer key
    "kind: A\n? [a, b]\n: x\n",  # a complex key
    "kind: A\nx: 1\nx: 2\n",  # a duplicate
    "kind: A\n<<: {b: 1}\nc: 2\n",  # a merge key
    "kind: A\n'true': 1\n!!str k: 2\n",  # an explicitly tagged key
]


def _paths(
    data: Any, prefix: tuple[Any, ...] = (), into_scalars: bool = True
) -> Iterator[tuple[Any, ...]]:
    """Every path into `data`, and paths that leave it (a missing key, an index past the end, a
    key of the wrong type, and with `into_scalars` a step into a scalar)."""
    yield prefix
    if into_scalars or isinstance(data, (dict, list)):
        yield (*prefix, "zz-missing", "below")
        yield (*prefix, 10**6)
        yield (*prefix, -1)
        if not (isinstance(data, list) and data):
            yield (*prefix, 0)  # else a path into the list, below
    if isinstance(data, dict):
        yield (*prefix, 1)
        for key, value in data.items():
            yield from _paths(value, (*prefix, key), into_scalars)
    elif isinstance(data, list):
        yield (*prefix, "0")
        for i, value in enumerate(data):
            yield from _paths(value, (*prefix, i), into_scalars)


def _every(data: Any, into_scalars: bool = True, most: int | None = None) -> list[tuple[Any, ...]]:
    """`_paths`, or with `most` an even spread of at most that many of them (every n-th, from
    the first): the cost of a path grows with its depth and its siblings, so the few documents
    of the corpus with 10,000 or more paths would take most of the time."""
    paths = list(_paths(data, (), into_scalars))
    if most is not None and len(paths) > most:
        return paths[:: -(-len(paths) // most)]
    return paths


def _resource(doc: Document) -> Resource:
    return Resource(doc, ObjectRef("v1", "K", None, None), doc.data, None, ())


def _compare(
    text: str, name: str = "a.yaml", into_scalars: bool = True, most: int | None = None
) -> int:
    """Load `text` with and without its trees; compare every answer (for the paths of
    `_every`). Returns how many documents had recorded positions."""
    file = SourceFile(name, None)
    kept = load_text(file, text)
    lazy = load_text(file, text, keep_nodes=False)
    assert [p for p in lazy.problems] == [p for p in kept.problems]
    assert [d.index for d in lazy.documents] == [d.index for d in kept.documents]
    recorded = 0
    for full, doc in zip(kept.documents, lazy.documents, strict=True):
        assert doc.data == full.data
        tree = doc.tree
        if not isinstance(tree, _Tree) or tree.marks is None:
            continue
        recorded += 1
        node = full.node
        resource = _resource(doc)
        assert marks_of(resource) is tree.marks
        assert resource_extent(resource) == node_span(node)
        for path in _every(doc.data, into_scalars, most):
            for at_key in (False, True):
                assert resource_span(resource, path, at_key) == span_of(node, path, at_key), path
            for fix in (Fix("set", path, 1450), Fix("add", (*path, "x", "y"), "v")):
                assert make_edit(resource, fix) == make_edit(_resource(full), fix), fix
    return recorded


def _compare_items(
    text: str, name: str = "a.yaml", into_scalars: bool = True, most: int | None = None
) -> int:
    """The objects of `kind: List` documents, indexed from a load with and without trees:
    for every path into each item, the same span, existence and edit, the same extent and
    node, and the same non-objects. Returns how many items were read from positions."""
    from netlint.engine import build_index

    file = SourceFile(name, None)
    kept_index, kept_others = build_index([load_text(file, text)])
    lazy_index, lazy_others = build_index([load_text(file, text, keep_nodes=False)])
    assert [(n.where, node_span(n.node)) for n in lazy_others] == [
        (n.where, node_span(n.node)) for n in kept_others
    ]
    pairs = list(zip(kept_index.resources, lazy_index.resources, strict=True))
    recorded = 0
    for full, item in pairs:
        assert (item.prefix, item.ref, item.data) == (full.prefix, full.ref, full.data)
        if not item.prefix:
            continue  # a whole document: _compare
        assert node_span(item.node) == node_span(full.node)
        if marks_of(item) is None:
            continue
        recorded += 1
        assert item.tree is None and item.at > 0
        assert resource_extent(item) == resource_extent(full)
        for path in _every(item.data, into_scalars, most):
            for at_key in (False, True):
                assert resource_span(item, path, at_key) == resource_span(full, path, at_key), path
            for fix in (Fix("set", path, 1450), Fix("add", (*path, "x", "y"), "v")):
                assert make_edit(item, fix) == make_edit(full, fix), fix
    return recorded


LIST = """apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: a}
  spec:
    type: LoadBalancer
    ports: [{port: 80}]
- just a string
- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}, data: {k: v}}
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: c
  spec:
    template:
      spec:
        containers:
        - name: x
          image: y
---
apiVersion: v1
kind: ConfigMapList
items: []
"""


def test_shapes() -> None:
    assert _compare(SHAPES) == 4


def test_list_items() -> None:
    assert _compare(LIST) == 2
    assert _compare_items(LIST) == 3


@pytest.mark.parametrize("text", INEXACT)
def test_documents_the_data_cannot_follow_compose_again(text: str) -> None:
    lazy = load_text(SourceFile("a.yaml", None), text, keep_nodes=False)
    tree = lazy.documents[0].tree
    assert isinstance(tree, _Tree) and tree.marks is None
    assert _compare(text) == 0


def test_a_document_after_a_syntax_error_keeps_true_lines() -> None:
    text = "a: [\n---\nkind: K\nspec:\n  x: 1\n"
    assert _compare(text) == 1


def test_templates_are_reported_once_when_the_walk_is_done_again() -> None:
    text = 'kind: A\nimage: "{{ .Values.image }}"\n80: x\n'  # a template, then an integer key
    lazy = load_text(SourceFile("a.yaml", None), text, keep_nodes=False)
    assert [(p.code, p.span.line) for p in lazy.problems] == [("template", 2)]
    assert _compare(text) == 0


def test_cells_as_narrow_as_their_numbers() -> None:
    assert Marks([65535, 0, 65535, 3, 8]).cells.typecode == "H"
    assert Marks([65536, 0, 65536, 3, 8]).cells.typecode == "i"
    marks = Marks([2**40, 0, 2**40, 3, 8])
    assert marks.cells.typecode == "q"
    assert marks.span(0) == Span(2**40 + 1, 1, 2**40 + 1, 4)


@pytest.mark.parametrize("folder", ["examples", "tests/fixtures", "rules"])
def test_project_files(folder: str) -> None:
    # the count grows with the fixtures; it only shows that the folder was compared at all
    assert sum(_compare(text, name) for name, text in yaml_texts(ROOT / folder)) > 0


@pytest.mark.slow
def test_the_corpus(corpus_dir: Path) -> None:
    # the corpus's documents that record positions (the others keep composing their trees).
    # Every path into them, and the paths that leave each mapping and sequence; the steps into
    # a scalar are the same code for every scalar, and the hand-made shapes, the project's
    # files and the YAML test suite take them. Of the 5 documents with more than 10,000 paths
    # (10k-84k each, 47 % of the corpus's 485k paths), every n-th path, 10,000 each
    texts = yaml_texts(corpus_dir)
    assert sum(_compare(text, name, False, 10_000) for name, text in texts) == 1939
    # and the 14 items of its Lists, in five files (a sixth keeps its tree: one 1 MB document
    # of Grafana dashboards, with template braces, which the events leave to the node walk,
    # and too long for the length to bound its nodes: load._short)
    assert sum(_compare_items(text, name, False, 10_000) for name, text in texts) == 14


@pytest.mark.slow
def test_the_yaml_test_suite(shared_dir: Path) -> None:
    assert sum(_compare(text, name) for name, text in suite_texts(shared_dir)) == 205


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: *x\n", True),
        ("*x\n", True),
        ("a: [b,*c]\n", True),
        ('{"a":*b}\n', True),
        ("- *b\n", True),
        ("a:\n\t*b\n", True),
        ("a: b\u2028*c\n", True),
        ("\ufeff*x\n", True),
        ('host: "*.example.com"\n', False),
        ("a: b*c\n", False),
        ("schedule: '*/5 * * * *'\n", False),
        ("glob: x/*\n", False),
        ('a: "it\'s *"\n', False),
        ("a: b\n", False),
    ],
)
def test_what_may_hold_an_alias(text: str, expected: bool) -> None:
    assert _may_alias(text) is expected


def _aliases(text: str) -> bool:
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent

    parser = CParser(text)
    try:
        while parser.check_event():
            if isinstance(parser.get_event(), AliasEvent):
                return True
    except YAMLError:
        pass  # the events up to the error are all the loader sees
    finally:
        parser.dispose()
    return False


@pytest.mark.slow
def test_no_alias_is_missed(shared_dir: Path) -> None:
    """Every text libyaml reads an alias in is one `_may_alias` says yes to."""
    suite = sorted((shared_dir / "yaml-test-suite").rglob("in.yaml"))
    texts = [p.read_text("utf-8") for p in suite]
    texts += [text for _, text in yaml_texts(shared_dir / "corpus")]
    with_alias = [t for t in texts if _aliases(t)]
    assert len(with_alias) == 14
    assert all(_may_alias(t) for t in with_alias)
    # and the doubt stays small: 18 more say yes (a `*` after white space inside a scalar)
    assert sum(map(_may_alias, texts)) == 32


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a\nb\n",
        "a\r\nb\r\n",
        "a\rb",
        "a\r\n\rb",
        "x\r",
        "\u2028",
        "é\x85",
        "é\u2029\n",
        "\r\n\r",
    ],
)
def test_odd_breaks_are_what_the_pattern_finds(text: str) -> None:
    from netlint.load import _ODD_BREAK, _odd_breaks

    assert _odd_breaks(text) is (_ODD_BREAK.search(text) is not None)
