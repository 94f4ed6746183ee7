"""Skimming CRDs (netlint/unread.py): the schema is not composed, and nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from perf_support import render

from netlint import unread
from netlint.api import lint

HEAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: before
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  annotations:
    ignore.netlint.io/NL201: ""
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: |
              A block scalar: type: string
              type: string
            properties:
"""
TAIL = """\
---
apiVersion: v1
kind: Service
metadata:
  name: after
spec:
  type: ClusterIP
"""


def _lint(tmp_path: Path, text: str) -> list[tuple[str, int, int]]:
    path = tmp_path / "crd.yaml"
    path.write_text(text, "utf-8")
    report = lint([str(path)], cwd=tmp_path)
    return sorted((f.rule, f.span.line, f.span.column) for f in report.active)


def test_a_clean_crd_is_skimmed_with_every_line_in_place() -> None:
    text = HEAD + "              size:\n                type: integer\n" + TAIL
    skimmed = unread.skim(text, 2_000_000, 400)
    assert skimmed != text
    assert skimmed.count("\n") == text.count("\n")
    lines = skimmed.split("\n")
    assert lines[11] == ""  # `spec:` of the CRD, blanked
    assert lines[10] == '    ignore.netlint.io/NL201: ""'
    assert lines[-8:] == [*TAIL.split("\n")][-8:]


def test_metadata_findings_of_a_skimmed_crd_keep_their_lines(tmp_path: Path) -> None:
    text = HEAD + "              size:\n                type: integer\n" + TAIL
    assert _lint(tmp_path, text) == [("NL005", 11, 5)]


def test_a_syntax_error_inside_a_crd_schema_is_nl001_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # line 32 opens a flow sequence that line 33 does not close: libyaml stops at 33:21
    text = HEAD + "              size: [integer\n                type: integer\n" + TAIL
    assert unread.skim(text, 2_000_000, 400) == text  # not skimmed: it does not parse
    assert _lint(tmp_path, text) == [("NL001", 33, 21)]
    # ... and a syntax error in the metadata part of a CRD with a clean schema
    broken_meta = text.replace("size: [integer", "size:").replace(
        "  name: widgets.example.com", "  name: [widgets"
    )
    assert _lint(tmp_path, broken_meta) == [("NL001", 10, 14)]
    monkeypatch.setattr(unread, "skim", lambda text, *_: text)
    assert _lint(tmp_path, broken_meta) == [("NL001", 10, 14)]


def test_a_duplicate_key_inside_a_crd_schema_is_nl002_at_its_line(tmp_path: Path) -> None:
    schema = "              size:\n                type: integer\n                type: string\n"
    text = HEAD + schema
    assert unread.skim(text, 2_000_000, 400) == text
    assert _lint(tmp_path, text + TAIL) == [("NL002", 34, 17), ("NL005", 11, 5)]


def test_a_duplicate_top_level_spec_of_a_crd_is_nl002(tmp_path: Path) -> None:
    text = HEAD + "              size:\n                type: integer\nspec: {}\n" + TAIL
    assert _lint(tmp_path, text) == [("NL002", 34, 1), ("NL005", 11, 5)]


def test_an_undefined_alias_inside_a_crd_schema_is_nl001(tmp_path: Path) -> None:
    text = HEAD + "              size: *nowhere\n" + TAIL
    assert unread.skim(text, 2_000_000, 400) == text
    assert _lint(tmp_path, text) == [("NL001", 32, 21)]


@pytest.mark.parametrize(
    "schema",
    [
        # keys the scan does not read, quoted scalars over several lines, flow mappings
        '              "size": {type: integer}\n',
        "              ? size\n              : {}\n",
        "              size: &anchor {}\n",
        "              <<: {}\n",
        "              Size: {}\n              size: {}\n",
    ],
)
def test_what_the_scan_cannot_follow_is_composed_whole(schema: str) -> None:
    text = HEAD + schema + TAIL
    assert unread.skim(text, 2_000_000, 400) == text


def test_a_quoted_scalar_over_several_lines_is_followed() -> None:
    text = HEAD + '              size:\n                description: "over\n  two: lines"\n' + TAIL
    assert unread.skim(text, 2_000_000, 400) != text
    twice = HEAD + '              size: "over\n  size: lines"\n              size: {}\n' + TAIL
    assert unread.skim(twice, 2_000_000, 400) == twice


def test_a_duplicate_key_after_a_block_scalar_and_a_sequence_is_seen() -> None:
    lines = [
        "spec:",
        "  a: |",
        "    b: 1",
        "  list:",
        "  - x: 1",
        "    x2: 1",
        "  - x: 2",
        "  a: 2",
    ]
    assert unread._no_duplicate_keys(lines, 400) is False
    assert unread._no_duplicate_keys(lines[:-1], 400) is True


def _json(paths: list[str], cwd: Path) -> str:
    return render(lint(paths, cwd=cwd), "json", cwd)


@pytest.mark.slow
def test_skimming_changes_no_finding_of_the_corpus(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    skimmed = _json([str(corpus_dir)], corpus_dir)
    monkeypatch.setattr(unread, "skim", lambda text, *_: text)
    whole = _json([str(corpus_dir)], corpus_dir)
    assert skimmed == whole


@pytest.mark.parametrize("brk", ["\r\n", "\r", "\u2028", "\x85"])
def test_crds_with_line_breaks_the_scan_does_not_count_are_composed_whole(brk: str) -> None:
    text = (HEAD + "              size: {}\n" + TAIL).replace("\n", brk, 3)
    assert unread.skim(text, 2_000_000, 400) == text
