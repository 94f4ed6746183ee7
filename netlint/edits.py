"""Turn a Fix (set this field to this value) into an exact text Edit of the file, when it can
be placed without guessing: replace an existing scalar, or add missing keys under a block
mapping with the mapping's own indentation."""

from __future__ import annotations

import json
import re
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from netlint.load import node_span
from netlint.marks import MAPPING, SCALAR, WIDTH, Marks
from netlint.model import Edit, Fix, Resource, Span
from netlint.positions import marks_of, resolve

_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9._/-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}


def yaml_scalar(value: Any) -> str:
    """A value as YAML text that reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text)


def make_edit(resource: Resource, fix: Fix) -> Edit | None:
    if fix.delete or isinstance(fix.value, (dict, list)):
        return None
    marks = marks_of(resource)
    if marks is not None:
        return _edit_in_cells(marks, resource.data, fix, resource.at)
    _, node, depth = resolve(resource.node, fix.path)
    if depth == len(fix.path):
        if isinstance(node, ScalarNode):
            return Edit(node_span(node), yaml_scalar(fix.value))
        return None
    if not isinstance(node, MappingNode) or node.flow_style or not node.value:
        return None
    indent = node.value[0][0].start_mark.column
    return _addition(fix, depth, indent, node_span(_last_value(node)))


def _edit_in_cells(marks: Marks, data: Any, fix: Fix, root: int) -> Edit | None:
    """`make_edit` on recorded positions (netlint/marks.py), from the object's at `root`."""
    _, at, depth = marks.resolve(data, fix.path, root)
    if depth == len(fix.path):
        if marks.kind(at) == SCALAR:
            return Edit(marks.span(at), yaml_scalar(fix.value))
        return None
    if marks.kind(at) != MAPPING or marks.flow(at) or marks.size(at) == 1:
        return None
    # the first key's column; a block mapping ends where its last value ends (node_span)
    return _addition(fix, depth, marks.span(at + WIDTH).column - 1, marks.span(at))


def _addition(fix: Fix, depth: int, indent: int, end: Span) -> Edit | None:
    """The missing keys of `fix.path[depth:]`, added after `end` at `indent`."""
    missing = fix.path[depth:]
    if not all(isinstance(step, str) for step in missing):
        return None
    lines = []
    for level, step in enumerate(missing):
        pad = " " * (indent + 2 * level)
        if level == len(missing) - 1:
            lines.append(f"{pad}{yaml_scalar(step)}: {yaml_scalar(fix.value)}")
        else:
            lines.append(f"{pad}{yaml_scalar(step)}:")
    at = Span(end.end_line, end.end_column, end.end_line, end.end_column)
    return Edit(at, "\n" + "\n".join(lines))


def _last_value(node: Node) -> Node:
    while isinstance(node, MappingNode) and node.value and not node.flow_style:
        node = node.value[-1][1]
    return node
