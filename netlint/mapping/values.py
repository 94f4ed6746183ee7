"""Which values file sets `.Values.a.b`: the last one in precedence order that has the key.

`helm template -f A -f B --set k=v` layers the chart's values.yaml, then A, then B, then the
`--set` keys; a value set with `--set` has no file to point at. A subchart's `.Values.a` is
its own values.yaml's `a`, overridden by `<subchart>.a` in its parent's values (and so on up).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path as FsPath
from typing import Any

from ruamel.yaml.nodes import ScalarNode

from netlint.load import LoadedFile, scalar_value
from netlint.model import Span
from netlint.positions import resolve, span_of

MISSING: Any = object()


def set_keys(sets: Sequence[str]) -> list[tuple[str, ...]]:
    """Key paths of `--set a.b=1,c=2` arguments (escaped `\\,` and `\\.` kept)."""
    out = []
    for arg in sets:
        for part in re.split(r"(?<!\\),", arg):
            key = part.split("=", 1)[0].strip()
            if key:
                steps = [
                    re.sub(r"\[\d+\]$", "", s).replace("\\.", ".")
                    for s in re.split(r"(?<!\\)\.", key)
                ]
                out.append(tuple(steps))
    return out


def same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    return str(a) == str(b)


def lookup(
    candidates: Sequence[tuple[FsPath, tuple[str, ...]]],
    sets: Sequence[str],
    expected: Any,
    load: Callable[[FsPath], LoadedFile | None],
) -> tuple[FsPath, Span, tuple[str, ...]] | None:
    """Which of `candidates` (a values file and the key path there, in precedence order, the
    last wins) sets the value: its file, span and key path. None when it was set with --set
    (keys of the last candidate's form), is in no file, or the file's value is not what was
    rendered (the template transformed it)."""
    if not candidates:
        return None
    top = candidates[-1][1]
    for key in set_keys(sets):
        if top[: len(key)] == key or key[: len(top)] == top:
            return None
    for path, ref in reversed(candidates):
        loaded = load(path)
        if loaded is None or not loaded.documents:
            continue
        root = loaded.documents[0].node
        _, node, depth = resolve(root, ref)
        if depth != len(ref):
            continue
        if isinstance(node, ScalarNode):
            value = scalar_value(node)
            if expected is not MISSING and not same(value, expected):
                return None  # the template transformed it, or another source set it
            if expected is MISSING and value not in (None, "", False, 0):
                return None  # a key the render lacks came from a falsy value, not this one
        span, _ = span_of(root, ref)
        return path, span, ref
    return None
