"""Suppression, always with a reason: object annotations, config `exclude:`, baseline files."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from collections.abc import Iterable
from pathlib import Path as FsPath

from netlint.catalog import RuleMeta
from netlint.config import Config, ExcludeEntry
from netlint.model import Finding, Resource, Suppression

ANNOTATION_PREFIX = "ignore.netlint.io/"
BASELINE_VERSION = 1


def rule_matches(token: str, rule: RuleMeta) -> bool:
    """A selector matches by ID, by name or alias, or as an ID prefix (`NL2`, `NL`)."""
    if token in (rule.id, rule.name) or token in rule.aliases:
        return True
    return token.isalnum() and token.upper() == token and rule.id.startswith(token)


def annotation_suppressions(resource: Resource) -> dict[str, str]:
    """`ignore.netlint.io/<key>` annotations of an object: key -> reason."""
    out: dict[str, str] = {}
    for key, value in resource.annotations.items():
        if isinstance(key, str) and key.startswith(ANNOTATION_PREFIX):
            out[key[len(ANNOTATION_PREFIX) :]] = value if isinstance(value, str) else str(value)
    return out


def by_annotation(resource: Resource | None, rule: RuleMeta) -> Suppression | None:
    if resource is None:
        return None
    for key, reason in annotation_suppressions(resource).items():
        if not reason.strip():
            continue  # a suppression without a reason does not suppress (NL005 says so)
        if key == "all" or rule_matches(key, rule):
            return Suppression("inSource", reason.strip(), f"annotation {ANNOTATION_PREFIX}{key}")
    return None


def exclude_active(entry: ExcludeEntry, today: dt.date) -> bool:
    return entry.until is None or today <= entry.until


def by_exclude(
    finding: Finding, rule: RuleMeta, config: Config, today: dt.date
) -> Suppression | None:
    for number, entry in enumerate(config.model.exclude):
        if not exclude_active(entry, today):
            continue
        if _exclude_matches(entry, finding, rule):
            where = f"{config.path or 'config'} exclude #{number + 1}"
            return Suppression("external", entry.reason.strip(), where)
    return None


def _exclude_matches(entry: ExcludeEntry, finding: Finding, rule: RuleMeta) -> bool:
    rules = entry.rules()
    if rules and not any(rule_matches(token, rule) for token in rules):
        return False
    obj = finding.object
    if entry.kind is not None and (obj is None or obj.kind != entry.kind):
        return False
    if entry.namespace is not None and (obj is None or obj.namespace != entry.namespace):
        return False
    if entry.name is not None and (obj is None or not fnmatch.fnmatchcase(obj.name or "", entry.name)):
        return False
    if entry.path is not None:
        path = finding.file.path
        if not (fnmatch.fnmatchcase(path, entry.path) or fnmatch.fnmatchcase(path, "*/" + entry.path)):
            return False
    return True


class BaselineError(Exception):
    pass


def read_baseline(path: FsPath) -> set[str]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}:1: not a netlint baseline (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}:1: not a netlint baseline (expected {{\"findings\": [...]}})")
    out = set()
    for item in data["findings"]:
        if isinstance(item, dict) and isinstance(item.get("fingerprint"), str):
            out.add(item["fingerprint"])
    return out


def baseline_document(findings: Iterable[Finding]) -> str:
    items = sorted(
        (
            {"fingerprint": f.fingerprint, "rule": f.rule, "file": f.file.path, "message": f.message}
            for f in findings
            if not f.suppressed
        ),
        key=lambda d: (d["file"], d["rule"], d["fingerprint"]),
    )
    return json.dumps({"version": BASELINE_VERSION, "findings": items}, indent=2) + "\n"
