"""NL0xx details beyond the fixtures: exact messages and fixes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from netlint.api import lint

DAY = dt.date(2026, 1, 1)


def run(tmp_path: Path, text: str):
    (tmp_path / "m.yaml").write_text(text)
    return lint([str(tmp_path / "m.yaml")], today=DAY, cwd=tmp_path).findings


def test_unquoted_number_fix_keeps_what_the_author_wrote(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    version: 1.10\n"
    (finding,) = run(tmp_path, text)
    assert (finding.rule, finding.span.line, finding.span.column) == ("NL008", 6, 14)
    assert finding.message == (
        "label version is a number (1.10), but Kubernetes requires a string: kubectl apply "
        'fails with "cannot unmarshal"; quote it: "1.10"'
    )
    assert finding.edit is not None and finding.edit.text == '"1.10"'
    assert finding.fix is not None and finding.fix.path == ("metadata", "labels", "version")


def test_non_object_list_items_and_non_string_identity(tmp_path):
    text = (
        "apiVersion: v1\nkind: List\nitems:\n  - 1\n  - apiVersion: v1\n    kind: Pod\n"
        "    metadata: {name: p}\n---\napiVersion: 1\nkind: true\n"
    )
    found = [(f.rule, f.span.line, f.message.split(":")[0]) for f in run(tmp_path, text)]
    assert found == [
        (
            "NL003",
            4,
            "List item 0 is a number, not a Kubernetes object (a mapping with apiVersion and kind)",
        ),
        ("NL003", 9, "document has apiVersion 1 is not a string and kind true is not a string"),
    ]
