"""Validated catalogs kept between runs, keyed by the content of what they are built from:
the built-in rules, the data catalogs, the config defaults, a config file (config.py) and the
custom rules of its `rules_dirs` (custom/__init__.py).

Reading the 29 rule.yaml files through the YAML loader and pydantic costs more than checking a
small file; the result only changes when a rule file, a data file or netlint itself changes. So
each catalog is stored (as `marshal` data: plain values only, nothing is executed on load) under
a SHA-256 of its input files' bytes and paths, netlint's version, the Python version and the
source of the modules that shape it. A changed byte anywhere is a different key: a cache can be
missing, never stale. Unwritable or corrupt cache files are ignored.

Location: `$NETLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/netlint`, else `~/.cache/netlint`;
`NETLINT_CACHE_DIR=off` (or empty) disables it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path as FsPath
from typing import Any, TypeVar

T = TypeVar("T")

# modules whose code decides what a catalog holds (the key changes when they change)
_SHAPING = ("cache.py", "catalog.py", "rulemeta.py", "validation.py", "load.py", "model.py")
_SHAPING_PACKAGE = ("checks/__init__.py",)


def cache_dir() -> FsPath | None:
    explicit = os.environ.get("NETLINT_CACHE_DIR")
    if explicit is not None:
        return None if explicit in ("", "off") else FsPath(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (FsPath(base) if base else FsPath.home() / ".cache") / "netlint"


@functools.lru_cache(maxsize=1)
def code_key() -> bytes:
    from netlint import __version__

    here = FsPath(__file__).resolve().parent
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for name in (*_SHAPING, *_SHAPING_PACKAGE):
        try:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    return digest.digest()


def cached(
    kind: str,
    inputs: Iterable[FsPath],
    build: Callable[[], T],
    dump: Callable[[T], Any],
    restore: Callable[[Any], T],
    extra: str = "",
    slot: str = "",
) -> T:
    """`build()`, or what a run with the same inputs built before. Input files that cannot be
    read make the key too (as missing): `build()` then reports them as it always does.
    `slot` names what the entry is of (one config file, one set of rule folders): writing an
    entry removes the other entries of its slot, so editing a config again and again leaves one
    entry behind, not one per version."""
    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256(code_key() + kind.encode() + b"\0" + extra.encode() + b"\0")
    for path in inputs:
        digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0unreadable\0")
        digest.update(b"\0")
    prefix = kind
    if slot:
        prefix += "-" + hashlib.sha256(slot.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    target = folder / f"{prefix}-{digest.hexdigest()[:40]}.marshal"
    try:
        return restore(_plain(marshal.loads(target.read_bytes())))
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        pass
    value = build()
    try:
        payload = marshal.dumps(dump(value))
        folder.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        temporary.replace(target)
    except (OSError, ValueError, RuntimeError):
        return value  # unmarshallable values or a read-only cache: the next run builds again
    if slot:
        for other in folder.glob(f"{prefix}-*.marshal"):
            if other != target:
                with contextlib.suppress(OSError):  # another run's, or a read-only file
                    other.unlink()
    return value


_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """`value` if it holds only plain data (what netlint writes); anything else marshal can
    carry (code objects, bytes, sets) makes the file not ours: ValueError, and it is rebuilt."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _PLAIN_SCALARS):
            continue
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            raise ValueError(f"not plain data: {type(item).__name__}")
    return value
