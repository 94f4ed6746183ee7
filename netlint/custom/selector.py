"""Whether an object is one a custom rule's `match:` selects, from the match's fields alone:
the pydantic model (netlint/custom/match.py) and its read-only view from the cache
(`config.Validated`) answer alike, and a run that reads the view imports no pydantic."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from netlint.model import Resource


def matches(match: Any, resource: Resource) -> bool:
    """`match` (a Match or its view): every field it gives holds for `resource`."""
    if match.kinds and resource.kind not in match.kinds:
        return False
    if match.api_version and not any(
        fnmatchcase(resource.api_version, g) for g in match.api_version
    ):
        return False
    if match.namespaces and not (
        resource.namespace is not None
        and any(fnmatchcase(resource.namespace, g) for g in match.namespaces)
    ):
        return False
    if match.name is not None and not fnmatchcase(resource.name or "", match.name):
        return False
    return match.labels is None or _selects(match.labels, resource.labels)


def _selects(selector: Any, labels: dict[str, Any]) -> bool:
    text = {str(k): str(v) for k, v in labels.items() if v is not None}
    for key, value in selector.match_labels.items():
        if text.get(key) != value:
            return False
    for expr in selector.match_expressions:
        present = expr.key in text
        if expr.operator == "Exists" and not present:
            return False
        if expr.operator == "DoesNotExist" and present:
            return False
        if expr.operator == "In" and text.get(expr.key) not in expr.values:
            return False
        if expr.operator == "NotIn" and present and text[expr.key] in expr.values:
            return False
    return True
