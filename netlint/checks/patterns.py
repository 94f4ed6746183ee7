"""Regular expressions and shell globs that the checks match many times per run.

`lazy(...)` stands for a compiled pattern that is compiled on its first use: the check modules
define dozens of patterns, and a run over one small file needs few of them, so compiling them
all at import would cost more than the run. `any_glob(globs)` is `any(fnmatchcase(name, g) for
g in globs)` with the globs compiled once into one expression (literal globs compare as strings).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any


class LazyPattern:
    """A `re.Pattern` compiled on first use. The methods are the compiled pattern's own, bound
    onto this object on the first access, so a call costs what it costs on `re.Pattern`."""

    match: Callable[..., re.Match[str] | None]
    fullmatch: Callable[..., re.Match[str] | None]
    search: Callable[..., re.Match[str] | None]
    sub: Callable[..., str]
    subn: Callable[..., tuple[str, int]]
    split: Callable[..., list[str | Any]]
    findall: Callable[..., list[Any]]
    finditer: Callable[..., Iterator[re.Match[str]]]
    groupindex: Mapping[str, int]
    groups: int

    _BOUND = (
        "match",
        "fullmatch",
        "search",
        "sub",
        "subn",
        "split",
        "findall",
        "finditer",
        "groupindex",
        "groups",
    )

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    @property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)

    def __getattr__(self, name: str) -> Any:
        # called only for attributes not bound yet: bind them all at once
        if name not in self._BOUND:
            raise AttributeError(name)
        compiled = self.compiled
        for attr in self._BOUND:
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"

    # equal as re.Pattern is: the same pattern and flags (compiled or not)
    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern):
            return (self.pattern, self.flags) == (other.pattern, other.flags)
        if isinstance(other, re.Pattern):
            return other == self.compiled
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """`re.compile(pattern, flags)`, compiled when first used."""
    return LazyPattern(pattern, flags)


_WILD = frozenset("*?[")


def is_glob(pattern: str) -> bool:
    """Whether fnmatch reads `pattern` as more than the string itself."""
    return bool(_WILD.intersection(pattern))


@functools.lru_cache(maxsize=4096)
def any_glob(globs: tuple[str, ...]) -> Callable[[str], bool]:
    """A test equal to `any(fnmatch.fnmatchcase(name, g) for g in globs)`."""
    literal = frozenset(g for g in globs if not is_glob(g))
    wild = [g for g in globs if is_glob(g)]
    if not wild:
        return literal.__contains__
    # each translation is anchored at the end (\Z); `match` anchors the start
    match = re.compile("|".join(fnmatch.translate(g) for g in wild)).match
    if not literal:
        return lambda name: match(name) is not None
    return lambda name: name in literal or match(name) is not None


def glob_match(name: str, glob: str) -> bool:
    """`fnmatch.fnmatchcase(name, glob)`, the glob compiled once per run."""
    return any_glob((glob,))(name)
