"""Field paths of the custom-rule templates: a small syntax, parsed once, walked per object.

    spec.type                                 a key, then a key
    spec.ports[0].port                        a list index
    spec.template.spec.containers[*].image    every item of a list
    metadata.annotations["example.com/owner"] a quoted key (dots, brackets); '...' works too

A bare key is any run of characters other than `.`, `[`, `]` and quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from netlint.model import Path


class FieldPathError(ValueError):
    pass


@dataclass(frozen=True)
class Each:
    """`[*]`: every item of a list."""


EACH = Each()
Step = str | int | Each

_BARE = re.compile(r"[^.\[\]\"']+")
_INDEX = re.compile(r"\[(\*|\d+)\]")
_QUOTED = re.compile(r"\[(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\]")


def parse(text: str) -> tuple[Step, ...]:
    """`spec.containers[*].image` -> ('spec', 'containers', EACH, 'image')."""
    steps: list[Step] = []
    i = 0
    expect_key = True  # at the start and after a dot a key must follow
    while i < len(text):
        if text[i] == "[":
            m = _INDEX.match(text, i) or _QUOTED.match(text, i)
            if m is None:
                raise FieldPathError(
                    f'{text!r}: at column {i + 1}: expected [*], [<number>] or ["<key>"]'
                )
            inner = m.group(1)
            if inner == "*":
                steps.append(EACH)
            elif inner.isdigit():
                steps.append(int(inner))
            else:
                steps.append(re.sub(r"\\(.)", r"\1", inner[1:-1]))
            i, expect_key = m.end(), False
            continue
        if text[i] == ".":
            if expect_key:
                raise FieldPathError(f"{text!r}: at column {i + 1}: empty key before '.'")
            i, expect_key = i + 1, True
            continue
        if not expect_key:
            raise FieldPathError(f"{text!r}: at column {i + 1}: expected '.' or '['")
        m = _BARE.match(text, i)
        if m is None:
            raise FieldPathError(
                f'{text!r}: at column {i + 1}: quote keys with dots or quotes as ["..."]'
            )
        steps.append(m.group(0))
        i, expect_key = m.end(), False
    if expect_key:
        raise FieldPathError(f"{text!r}: the path is empty or ends with '.'")
    return tuple(steps)


def show(path: Path) -> str:
    """A concrete path in the same syntax: spec.ports[0].port, metadata.labels["app.io/x"]."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _BARE.fullmatch(step):
            out += f".{step}" if out else step
        else:
            escaped = step.replace("\\", "\\\\").replace('"', '\\"')
            out += f'["{escaped}"]'
    return out or "(the object)"


MISSING = object()


@dataclass(frozen=True)
class Leaf:
    """Where a path leads in one object: the concrete path and the value there, or MISSING
    (then `path` names the missing field under its deepest existing parent)."""

    path: Path
    value: Any

    @property
    def missing(self) -> bool:
        return self.value is MISSING


def walk(data: Any, steps: tuple[Step, ...], at: Path = ()) -> Iterator[Leaf]:
    """Every place `steps` lead to in `data`; `[*]` fans out over list items (an empty list
    leads nowhere; a missing list is one missing leaf)."""
    if not steps:
        yield Leaf(at, data)
        return
    step, rest = steps[0], steps[1:]
    if isinstance(step, Each):
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from walk(item, rest, (*at, i))
        return  # not a list: nothing to fan out over (the caller found the parent missing)
    if isinstance(step, int):
        if isinstance(data, list) and 0 <= step < len(data):
            yield from walk(data[step], rest, (*at, step))
            return
    elif isinstance(data, dict) and step in data:
        yield from walk(data[step], rest, (*at, step))
        return
    # missing: name the concrete steps up to the first wildcard
    concrete: list[str | int] = [step]
    for later in rest:
        if isinstance(later, Each):
            break
        concrete.append(later)
    yield Leaf((*at, *concrete), MISSING)
