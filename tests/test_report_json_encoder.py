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
