"""escape.to_json writes exactly what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import enum
import json
import random
import re
from typing import Any

import pytest

from netlint.report.escape import to_json


class _Word(str, enum.Enum):
    A = "a\u2028"


class _Number(enum.IntEnum):
    X = 3


_CHARS = ["a", "\n", '"', "\\", "\x00", "\x1b", "\u2028", "é", "𝄞", "\ud800", "{", "},", " "]
_HOLE_LIKE = ["\x00netlint\x01hole\x02", "},\n    {", "[{", "}]", "%s", "%"]


def _reference(document: Any) -> str:
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _scalar(rng: random.Random) -> Any:
    return rng.choice(
        [
            None,
            True,
            False,
            0,
            -5,
            2**70,
            1.5,
            -0.0,
            "",
            _Word.A,
            _Number.X,
            rng.choice(_HOLE_LIKE),
            "".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 6))),
        ]
    )


def _value(rng: random.Random, depth: int) -> Any:
    r = rng.random()
    if depth > 4 or r < 0.45:
        return _scalar(rng)
    if r < 0.7:
        items = [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
        return items if rng.random() < 0.8 else tuple(items)
    keys: list[Any] = ["k", "", "a\nb", "%s", "}", 1, 2.5, True, None, _Word.A]
    if rng.random() < 0.7:
        keys = ["rule", "name", "%", "{"]  # string keys only: the fast paths
    return {rng.choice(keys): _value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


@pytest.mark.parametrize("seed", range(4))
def test_random_documents_are_written_as_json_dumps_writes_them(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(1500):
        document = _value(rng, 0)
        if rng.random() < 0.5:  # a report's shape: a dict of lists of dicts
            document = {"findings": [_value(rng, 2) for _ in range(rng.randint(0, 5))], "n": 1}
        assert to_json(document) == _reference(document)


@pytest.mark.parametrize(
    "document",
    [float("nan"), {"a": float("inf")}, [float("-inf")], {(1,): 2}, [object()], {"a": {1}}],
)
def test_errors_are_those_of_json_dumps(document: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as expected:
        json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    with pytest.raises(expected.type, match=re.escape(str(expected.value))):
        to_json(document)


def test_a_circular_reference_is_an_error() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        to_json({"findings": [loop]})


def _pieces_of(document: dict[str, Any], items: list[Any], runs: list[int]) -> list[str]:
    """escape.streamed over `document` with `items` under "list", cut into runs of the given
    lengths."""
    from netlint.report.escape import streamed, texts_at

    slot: list[Any] = []
    document = {**document, "list": slot}
    cut, start = [], 0
    for length in runs:
        cut.append(texts_at(items[start : start + length], 2))
        start += length
    assert start == len(items)
    return list(streamed(document, slot, cut, 2))


@pytest.mark.parametrize(
    ("items", "runs"),
    [
        ([], []),
        ([], [0, 0]),
        ([{"a": 1}], [1]),
        ([{"a": 1}, [2, {"b": None}], "x"], [1, 0, 2]),
        ([{"m": "lone \ud800 surrogate"}, {"m": "é 𝄞 \u2028"}], [1, 1]),
        ([{"m": "\x00netlint-split\x00"}, 3.5, True], [2, 1]),
    ],
)
def test_a_document_in_pieces_is_the_document(items: list[Any], runs: list[int]) -> None:
    head = {"version": "1", "tool": {"name": "t\ud801"}}
    pieces = _pieces_of(head, items, runs)
    assert "".join(pieces) == _reference({**head, "list": items})
    # the text before the items, a piece per run that has items, the text after them
    filled = [r for r in runs if r]
    assert len(pieces) == (len(filled) + 2 if filled else 1)


def test_random_documents_in_pieces() -> None:
    rng = random.Random(11)
    for _ in range(300):
        items = [_value(rng, 3) for _ in range(rng.randrange(0, 8))]
        runs, left = [], len(items)
        while left:
            length = rng.randrange(0, left + 1)
            runs.append(length)
            left -= length
        assert "".join(_pieces_of({"a": [1]}, items, runs)) == _reference({"a": [1], "list": items})
