"""Suppression, always with a reason: object annotations, config `exclude:`, baseline files."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import os
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

from netlint.catalog import RuleMeta
from netlint.config import Config
from netlint.model import Finding, Resource, Suppression

if TYPE_CHECKING:
    from netlint.config_model import ExcludeEntry

ANNOTATION_PREFIX = "ignore.netlint.io/"
BASELINE_VERSION = 1
BASELINE_SOURCE = "baseline"  # Suppression.source of findings hidden by --baseline


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
            # `ignore.netlint.io/NL201:` with nothing after it is an empty reason, not "None"
            out[key[len(ANNOTATION_PREFIX) :]] = "" if value is None else str(value)
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
        if _exclude_matches(entry, finding, rule, config.base_dir):
            where = f"{config.path or 'config'} exclude #{number + 1}"
            return Suppression("external", entry.reason.strip(), where)
    return None


def _exclude_matches(
    entry: ExcludeEntry, finding: Finding, rule: RuleMeta, config_dir: str | None = None
) -> bool:
    rules = entry.rules()
    if rules and not any(rule_matches(token, rule) for token in rules):
        return False
    obj = finding.object
    if entry.kind is not None and (obj is None or obj.kind != entry.kind):
        return False
    if entry.namespace is not None and (obj is None or obj.namespace != entry.namespace):
        return False
    if entry.name is not None and (
        obj is None or not fnmatch.fnmatchcase(obj.name or "", entry.name)
    ):
        return False
    if entry.path is None:
        return True
    return any(
        fnmatch.fnmatchcase(path, entry.path) or fnmatch.fnmatchcase(path, "*/" + entry.path)
        for path in _paths_of(finding, config_dir)
    )


def _paths_of(finding: Finding, config_dir: str | None) -> list[str]:
    """The finding's file as shown in reports, and relative to the config file's folder (so an
    `exclude.path` glob means the same whichever directory netlint runs from)."""
    paths = [finding.file.path]
    abspath = finding.file.abspath
    if config_dir is not None and abspath is not None:
        try:
            rel = os.path.relpath(abspath, config_dir)
        except ValueError:  # another drive on Windows
            return paths
        if not rel.startswith(".."):
            paths.append(rel.replace(os.sep, "/"))
    return paths


class BaselineError(Exception):
    pass


def by_baseline(finding: Finding, baseline: set[str] | None) -> Suppression | None:
    if baseline and finding.fingerprint in baseline:
        return Suppression("external", "listed in the baseline file", BASELINE_SOURCE)
    return None


# A baseline holds one line of about 100 bytes per finding: 64 MiB is over half a million
# findings. Past it (or a device such as /dev/zero) the file is refused, not read into memory.
BASELINE_MAX_BYTES = 64 * 2**20


def read_baseline(path: FsPath) -> set[str]:
    """Fingerprints of a file written by --write-baseline; BaselineError says what is wrong."""
    from netlint.inputs import TooBig, read_input

    try:
        data = json.loads(read_input(path, BASELINE_MAX_BYTES).decode("utf-8"))
    except TooBig as exc:
        size = "" if exc.size is None else f" ({exc.size} bytes)"
        raise BaselineError(
            f"{path}: not read as a baseline: larger than {BASELINE_MAX_BYTES} bytes{size}"
        ) from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(
            f"{path}:1: not a netlint baseline: not UTF-8 text (byte {exc.start})"
        ) from None
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{path}:{exc.lineno}: not a netlint baseline: invalid JSON: {exc.msg} "
            f"(column {exc.colno}); write a new one with --write-baseline"
        ) from None
    except (ValueError, RecursionError) as exc:  # a number past int()'s digit limit, deep nesting
        raise BaselineError(
            f"{path}:1: not a netlint baseline: {exc}; write a new one with --write-baseline"
        ) from None
    expected = 'expected {"version": 1, "findings": [{"fingerprint": ...}, ...]}'
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}:1: not a netlint baseline: {expected}")
    version = data.get("version")
    if version != BASELINE_VERSION:
        raise BaselineError(
            f"{path}:1: unsupported baseline version {version!r} (this netlint reads version "
            f"{BASELINE_VERSION}); write a new one with --write-baseline"
        )
    out = set()
    for number, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise BaselineError(
                f"{path}:1: not a netlint baseline: findings[{number}] has no fingerprint; "
                f"{expected}"
            )
        out.add(item["fingerprint"])
    return out


def baseline_document(findings: Iterable[Finding]) -> str:
    """Baseline of the findings that are not suppressed otherwise: the active ones and those
    already hidden by a baseline (rewriting a baseline in use keeps its entries)."""
    items = sorted(
        (
            {
                "fingerprint": f.fingerprint,
                "rule": f.rule,
                "file": f.file.path,
                "message": f.message,
            }
            for f in findings
            if f.suppression is None or f.suppression.source == BASELINE_SOURCE
        ),
        key=lambda d: (d["file"], d["rule"], d["fingerprint"]),
    )
    return json.dumps({"version": BASELINE_VERSION, "findings": items}, indent=2) + "\n"
