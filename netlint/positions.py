"""Path into an object -> span in its file.

A missing field points at its deepest existing parent, never at line 1."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from netlint.load import _Tree, node_span, scalar_value
from netlint.marks import Marks
from netlint.model import Detached, Document, Path, Resource, Span, no_tree


def resolve(root: Node, path: Path) -> tuple[Node | None, Node, int]:
    """Walk `path` from `root`. Returns (key node of the last step found or None, value node of
    the deepest node found, how many path steps were found)."""
    key_node: Node | None = None
    node = root
    for depth, step in enumerate(path):
        found = _child(node, step)
        if found is None:
            return key_node, node, depth
        key_node, node = found
    return key_node, node, len(path)


def _child(node: Node, step: Any) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        if isinstance(step, str):
            # the common step, _same_key inlined: a key node's value is its text
            for k, v in reversed(node.value):  # last one wins, as in the data
                if k.value == step and isinstance(k, ScalarNode):
                    return k, v
        else:
            for k, v in reversed(node.value):
                if isinstance(k, ScalarNode) and _same_key(k, step):
                    return k, v
        for k, v in node.value:  # merge keys (`<<: *base`)
            if isinstance(k, ScalarNode) and k.value == "<<":
                sources = v.value if isinstance(v, SequenceNode) else [v]
                for source in sources:
                    found = _child(source, step)
                    if found is not None:
                        return found
        return None
    if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return None, node.value[step]
    return None


def _same_key(key: ScalarNode, step: Any) -> bool:
    if key.value == step:
        return True
    return not isinstance(step, str) and scalar_value(key) == step


def span_of(root: Node, path: Path, at_key: bool = False) -> tuple[Span, bool]:
    """Span for `path`, and whether the whole path exists."""
    key_node, node, depth = resolve(root, path)
    exists = depth == len(path)
    if key_node is not None and (at_key or not exists or not isinstance(node, ScalarNode)):
        return node_span(key_node), exists
    if isinstance(node, ScalarNode):
        return node_span(node), exists
    if depth == 0:
        # the object itself: point at its `kind:` line, the line a reader identifies it by
        found = _child(node, "kind")
        if found is not None and found[0] is not None:
            ks, vs = node_span(found[0]), node_span(found[1])
            return Span(ks.line, ks.column, vs.end_line, vs.end_column), exists
    start = node_span(node)
    return Span(start.line, start.column, start.line, start.column + 1), exists


def marks_of(resource: Resource) -> Marks | None:
    """The recorded positions of the object's document (netlint/marks.py), when its tree was
    not kept (the object's own start at `resource.at`); else None (use `resource.node`)."""
    if resource.tree is None:
        tree = resource.doc.tree
        if type(tree) is _Tree:
            return tree.marks
    return None


def resource_span(resource: Resource, path: Path, at_key: bool = False) -> tuple[Span, bool]:
    """`span_of(resource.node, path, at_key)`, from the recorded positions when there are:
    no second parse. A detached object answers from the spans it was given."""
    if type(resource) is Detached:
        return resource.spans[(path, at_key)]
    marks = marks_of(resource)
    if marks is not None:
        return marks.span_of(resource.data, path, at_key, resource.at)
    return span_of(resource.node, path, at_key)


def resource_extent(resource: Resource) -> Span:
    """`node_span(resource.node)`, as `resource_span` reads it."""
    marks = marks_of(resource)
    if marks is not None:
        return marks.span(resource.at)
    return node_span(resource.node)


def detach(resource: Resource, places: Iterable[tuple[Path, bool]]) -> Detached:
    """`resource` as a Detached object that answers `resource_span` for `places` (path,
    at_key) without its document: it keeps its identity, its metadata and where it came from,
    and lets go of the rest of its data and of its document's positions."""
    data = resource.data
    kept: dict[str, Any] = {k: data[k] for k in ("apiVersion", "kind", "metadata") if k in data}
    doc = resource.doc
    bare = Document(doc.file, doc.index, no_tree, {}, doc.source_template)
    spans = {place: resource_span(resource, *place) for place in places}
    return Detached(bare, resource.ref, kept, None, resource.prefix, 0, spans)
