"""Positions without node trees: five ints per node, looked up through the document's data.

A run keeps no node trees past `api.NODE_BUDGET` (they take about thirty bytes per byte of
YAML). Placing a finding used to compose its document again (`load._Tree`); for the runs where
half of the documents hold a finding, that was a second parse of half the input. Instead the
loader records, while it builds the data (`load._Capture`), every node's position in walk order:

    start line, start column, end line, end column, (size << 3) | (flow << 2) | kind

0-based, as libyaml's marks; the end is the node's end as `load.node_span` computes it (a block
collection ends where its last child ends); `size` counts the nodes of its subtree (itself
included), a mapping's children being key, value, key, value, ...; `flow` is 1 for a flow
collection (`{...}`, `[...]`); `kind` is 0 for a scalar, 1 for a mapping, 2 for a sequence.
That is 10 bytes per node in most documents (20 or 40 in the biggest: `Marks`); a node with its
two marks takes 248 (88 + 2 x 80), before its value.

A path is followed through the data and the cells side by side: the n-th key of a dict is the
n-th key node of its mapping, the n-th item of a list the n-th item node. This holds only when
the data's keys follow the nodes one to one: every key an implicitly typed string, no merge key,
no duplicate. The loader records cells only for such documents; the others keep `_Tree`.
The answers are those of `positions.span_of` on the node tree (tests/test_marks.py).
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Sequence
from typing import Any

from netlint.model import Path, Span

SCALAR, MAPPING, SEQUENCE = 0, 1, 2
WIDTH = 5  # ints per node


class Marks:
    __slots__ = ("cells",)

    def __init__(self, cells: Sequence[int]) -> None:
        # the narrowest cells that hold every number: two bytes for most documents (files of
        # fewer than 65536 lines, lines of fewer than 65536 columns, subtrees of fewer than 8192
        # nodes), else four, else eight. Two bytes through struct: half the time of array's
        # own conversion of a list
        self.cells: array[int]
        try:
            self.cells = array("H", struct.pack(f"{len(cells)}H", *cells))
        except struct.error:
            try:
                self.cells = array("i", cells)
            except OverflowError:
                self.cells = array("q", cells)

    def packed(self) -> tuple[str, bytes]:
        """The cells as builtins (`unpacked`): they travel between processes so (--jobs)."""
        return self.cells.typecode, self.cells.tobytes()

    @classmethod
    def unpacked(cls, packed: tuple[str, bytes]) -> Marks:
        marks = cls.__new__(cls)
        marks.cells = array(packed[0])
        marks.cells.frombytes(packed[1])
        return marks

    def span(self, at: int) -> Span:
        """`node_span` of the node whose cells start at `at`."""
        c = self.cells
        return Span(c[at] + 1, c[at + 1] + 1, c[at + 2] + 1, c[at + 3] + 1)

    def kind(self, at: int) -> int:
        return self.cells[at + 4] & 3

    def flow(self, at: int) -> bool:
        return bool(self.cells[at + 4] & 4)

    def size(self, at: int) -> int:
        """Nodes in the subtree at `at`, itself included."""
        return self.cells[at + 4] >> 3

    def resolve(self, data: Any, path: Path, root: int = 0) -> tuple[int, int, int]:
        """`positions.resolve` in cells, from the node `data` is whose cells start at `root`
        (the document's, by default): (the key node's cells of the last step found, or -1;
        the deepest node found; how many steps were found)."""
        c = self.cells
        key_at = -1
        at = root
        for depth, step in enumerate(path):
            kind = c[at + 4] & 3
            if kind == MAPPING and isinstance(step, str) and type(data) is dict:
                if step not in data:
                    return key_at, at, depth
                child = at + WIDTH
                for key in data:
                    if key == step:
                        break
                    child += WIDTH  # the key: a scalar, one node
                    child += (c[child + 4] >> 3) * WIDTH  # its value's subtree
                key_at, at = child, child + WIDTH
                data = data[step]
            elif (
                kind == SEQUENCE
                and isinstance(step, int)
                and type(data) is list
                and 0 <= step < len(data)
            ):
                child = at + WIDTH
                for _ in range(step):
                    child += (c[child + 4] >> 3) * WIDTH
                key_at, at = -1, child
                data = data[step]
            else:
                return key_at, at, depth
        return key_at, at, len(path)

    def span_of(
        self, data: Any, path: Path, at_key: bool = False, root: int = 0
    ) -> tuple[Span, bool]:
        """`positions.span_of` in cells, from the node `data` is whose cells start at `root`."""
        key_at, at, depth = self.resolve(data, path, root)
        exists = depth == len(path)
        scalar = self.cells[at + 4] & 3 == SCALAR
        if key_at >= 0 and (at_key or not exists or not scalar):
            return self.span(key_at), exists
        if scalar:
            return self.span(at), exists
        if depth == 0:
            # the object itself: from its `kind:` key to the end of its value
            key_at, found, depth = self.resolve(data, ("kind",), root)
            if depth == 1:
                ks, vs = self.span(key_at), self.span(found)
                return Span(ks.line, ks.column, vs.end_line, vs.end_column), exists
        start = self.span(at)
        return Span(start.line, start.column, start.line, start.column + 1), exists
