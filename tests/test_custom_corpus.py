"""The test project's custom rules on the real manifests of ../shared/corpus, in one run: the
objects they flag are exactly those a plain reading of the data says they should flag (an
oracle written here from the rules' meaning, not from netlint/custom), each at the right
field."""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any

from conftest import ROOT, corpus_manifests

from netlint import engine
from netlint.config import load_config
from netlint.custom.rules import load_all_rules
from netlint.engine import build_index

PROJECT = ROOT / "tests/fixtures/custom_rules/project"
CIDR = r"^[0-9.]+/[0-9]+$"  # ACME001's pattern for an item


def _candidates(corpus: Path) -> list[str]:
    """The corpus files either rule can apply to (they spell LoadBalancer or protocol)."""
    return [
        str(corpus / name)
        for name in corpus_manifests(corpus)
        if re.search(r"LoadBalancer|protocol", (corpus / name).read_text("utf-8", "replace"))
    ]


def _expected(report_files: list[Any]) -> set[tuple[str, str, str]]:
    """(rule, file, object) the project's ACME001 and ACME004 mean on these objects."""
    index, _ = build_index(report_files)
    out = set()
    for service in index.of_kind("Service"):
        spec = service.data.get("spec")
        if not isinstance(spec, dict):
            continue
        ident = f"{service.namespace}/{service.name}"
        ranges = spec.get("loadBalancerSourceRanges")
        if spec.get("type") == "LoadBalancer" and (
            not isinstance(ranges, list)
            or not ranges
            or not all(isinstance(r, str) and re.search(CIDR, r) for r in ranges)
        ):
            out.add(("ACME001", service.file.path, ident))
        for port in spec.get("ports") or []:
            if isinstance(port, dict) and port.get("protocol") not in (None, "TCP"):
                out.add(("ACME004", service.file.path, ident))
    return out


def test_custom_rules_flag_exactly_what_they_mean(corpus_dir: Path):
    """One parse of the files, for the engine and for the oracle."""
    from netlint.api import read_file
    from netlint.inputs import discover
    from netlint.load import Limits

    config = load_config(PROJECT / ".netlint.yaml")
    found = discover(_candidates(corpus_dir), corpus_dir)
    gc.disable()  # as lint() does: the parse builds many objects and no cycles
    try:
        files = [read_file(item, None, Limits(400, 2_000_000)) for item in found.files]
    finally:
        gc.enable()
    result = engine.run(files, config, load_all_rules(config), select=["ACME001", "ACME004"])
    active = [f for f in result.findings if not f.suppressed]
    assert all(f.object is not None for f in active)
    got = {
        (f.rule, f.file.path, f"{f.object.namespace}/{f.object.name}")
        for f in active
        if f.object is not None
    }
    assert got == _expected(files)
    assert {rule for rule, _, _ in got} == {"ACME001", "ACME004"}
    for finding in active:
        text = finding.file.line_text(finding.span.line)[finding.span.column - 1 :]
        if finding.rule == "ACME001":
            # a missing range is placed on `spec:`; an empty list or a bad item on itself
            assert text.startswith(("spec:", "loadBalancerSourceRanges:", "- ")), text
        else:
            assert text.split("#")[0].strip().strip("\"'") not in ("", "TCP"), text
