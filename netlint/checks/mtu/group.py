"""Which supporting objects belong to which install.

Repositories hold several clusters (overlays, environments) and vendor examples side by side, so
"all FelixConfigurations of the run" is not "the FelixConfiguration of this Calico". An install
is anchored to one object (the Installation, the calico-node DaemonSet, cilium-config, ...); a
supporting object joins it when it sits in the same file; else in the same directory when only
one anchor of that CNI lives there; else when the run has only one anchor of that CNI.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence

from netlint.model import Resource


def _dir(resource: Resource) -> str:
    return posixpath.dirname(resource.file.path)


def attach(
    anchor: Resource, anchors: Sequence[Resource], candidates: Iterable[Resource]
) -> list[Resource]:
    pool = list(candidates)
    same_file = [c for c in pool if c.file is anchor.file]
    if same_file:
        return same_file
    folder = _dir(anchor)
    if sum(1 for a in anchors if _dir(a) == folder) == 1:
        same_dir = [c for c in pool if _dir(c) == folder]
        if same_dir:
            return same_dir
    if len(anchors) == 1:
        return pool
    return []
