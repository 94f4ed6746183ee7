"""Loader: documents, positions, recovery after syntax errors, duplicate keys, Helm sources."""

from __future__ import annotations

import codecs

import pytest

from netlint.load import Limits, decode, load_text
from netlint.model import SourceFile, Span


def load(text: str, name: str = "m.yaml", limits: Limits | None = None):
    return load_text(SourceFile(name, None, tuple(text.splitlines())), text, limits or Limits())


def problems(loaded):
    return [(p.code, p.span.line, p.span.column) for p in loaded.problems]


def test_multi_document_positions_and_empty_documents_skipped():
    text = "---\na: 1\n---\n---\n# only a comment\n---\nb: [1, 2]\n...\n"
    loaded = load(text)
    assert [(d.index, d.data, d.node.start_mark.line + 1) for d in loaded.documents] == [
        (0, {"a": 1}, 2),
        (1, {"b": [1, 2]}, 7),
    ]
    assert loaded.problems == []


def test_syntax_error_is_placed_and_later_documents_survive():
    text = (
        "apiVersion: v1\nkind: A\n---\n"  # doc 0
        "apiVersion: v1\nkind: B\nx: [1, 2\ny: 3\n"  # doc 1 broken (line 7: error)
        "---\napiVersion: v1\nkind: C\n"  # doc 2 still read, lines 9-10
    )
    loaded = load(text)
    assert [(d.data["kind"], d.node.start_mark.line + 1) for d in loaded.documents] == [
        ("A", 1),
        ("C", 9),
    ]
    assert problems(loaded) == [("syntax", 7, 2)]
    assert loaded.problems[0].message == (
        "did not find expected ',' or ']' (while parsing a flow sequence)"
    )


def test_two_broken_documents_give_two_errors():
    text = "a: [\n---\nb: 1\n---\nc: {\n---\nd: 2\n"
    loaded = load(text)
    assert [d.data for d in loaded.documents] == [{"b": 1}, {"d": 2}]
    assert [p.span.line for p in loaded.problems] == [2, 6]


def test_duplicate_keys_at_every_level():
    text = "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"
    loaded = load(text)
    assert loaded.documents[0].data == {"a": 3, "b": {"c": 2}}
    assert [(p.code, p.span, p.message) for p in loaded.problems] == [
        (
            "duplicate-key",
            Span(4, 3, 4, 4),
            "duplicate key 'c' (first at line 3); Kubernetes silently keeps only the last value",
        ),
        (
            "duplicate-key",
            Span(5, 1, 5, 2),
            "duplicate key 'a' (first at line 1); Kubernetes silently keeps only the last value",
        ),
    ]


def test_merge_keys_are_not_duplicates_and_merge():
    text = "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n"
    loaded = load(text)
    assert loaded.documents[0].data["d"] == {"x": 1, "y": 3}
    assert loaded.problems == []


def test_scalar_types_never_construct_objects():
    text = "s: abc\ni: 42\nh: 0x1F\nf: 1.5\nb: true\nn: null\nt: 2024-01-01\nc: !python/object x\n"
    data = load(text).documents[0].data
    assert data == {
        "s": "abc", "i": 42, "h": 31, "f": 1.5, "b": True, "n": None,
        "t": "2024-01-01", "c": "x",
    }  # fmt: skip


def test_bom_and_crlf_keep_positions():
    plain = "apiVersion: v1\nkind: A\nmetadata:\n  name: x\n  name: y\n"
    expected = [("duplicate-key", 5, 3)]
    assert problems(load(plain)) == expected
    for raw in (
        codecs.BOM_UTF8 + plain.encode(),
        plain.replace("\n", "\r\n").encode(),
        codecs.BOM_UTF8 + plain.replace("\n", "\r\n").encode(),
        codecs.BOM_UTF16_LE + plain.encode("utf-16-le"),
    ):
        text, reason = decode(raw)
        assert reason is None and text is not None
        assert problems(load(text)) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"a: \xff\xfe\n", "not valid UTF-8 (byte 3, line 1); save the file as UTF-8"),
        (b"\x00\x01\x02binary", "binary file (NUL bytes); not YAML or JSON"),
    ],
)
def test_undecodable_input(raw, reason):
    assert decode(raw) == (None, reason)


def test_json_with_tab_indentation():
    text = '{\n\t"apiVersion": "v1",\n\t"kind": "ConfigMap",\n\t"data": {"a": "b"}\n}\n'
    loaded = load(text, "cm.json")
    assert loaded.problems == []
    assert loaded.documents[0].data["kind"] == "ConfigMap"
    kind_key = loaded.documents[0].node.value[1][0]
    assert (kind_key.start_mark.line + 1, kind_key.start_mark.column + 1) == (3, 2)


def test_helm_source_comments_attach_to_the_documents_after_them():
    text = (
        "---\n# Source: web/templates/service.yaml\napiVersion: v1\nkind: Service\n"
        "---\n# Source: web/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\n"
        "---\napiVersion: v1\nkind: ConfigMap\n"
    )
    loaded = load(text)
    assert [(d.data["kind"], d.source_template) for d in loaded.documents] == [
        ("Service", "web/templates/service.yaml"),
        ("Deployment", "web/templates/deploy.yaml"),
        ("ConfigMap", None),
    ]
    assert loaded.sources is not None
    assert loaded.sources.at(3) == "web/templates/service.yaml"


def test_unrendered_template_replaces_parse_noise():
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n"
    assert problems(load(text)) == [("template", 4, 9)]


def test_template_text_in_parsed_documents_only_for_helm_actions():
    ok = 'kind: PrometheusRule\nx: "{{ $labels.instance }} {{ $value }}"\ny: "{{inputs.x}}"\n'
    assert load(ok).problems == []
    bad = 'kind: ConfigMap\nx: "{{ .Values.region }}"\ny: "{{ .Values.other }}"\n'
    assert problems(load(bad)) == [("template", 2, 5)]  # once per document


def test_syntax_error_in_other_document_than_template_is_kept():
    text = 'a: [1\nb: 2\n---\nc: "{{ .Values.x }}"\n'
    assert problems(load(text)) == [("syntax", 2, 2), ("template", 4, 5)]


def test_alias_bomb_is_refused_with_bounded_work():
    lol = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lol.append(f"a{i}: &a{i} [{refs}]")
    loaded = load("\n".join(lol) + "\n", limits=Limits(max_nodes_per_document=100_000))
    assert loaded.documents == []
    assert [p.code for p in loaded.problems] == ["limit"]
    assert "more than 100000 nodes" in loaded.problems[0].message


def test_recursive_alias_is_refused():
    loaded = load("a: &x [1, *x]\n")
    assert problems(loaded) == [("limit", 1, 4)]


def test_deep_nesting_is_refused():
    depth = 600
    text = "a: " + "[" * depth + "]" * depth + "\n"
    loaded = load(text, limits=Limits(max_depth=400))
    assert [p.code for p in loaded.problems] == ["limit"]
    assert loaded.problems[0].message.startswith("nesting deeper than 400 levels")


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 30000 + "]" * 30000 + "\n",  # libyaml itself segfaults on these
        "- " * 40000 + "x\n",
    ],
    ids=["flow", "block"],
)
def test_nesting_beyond_the_parser_bound_is_refused_before_parsing(text):
    loaded = load(text)
    assert loaded.documents == []
    assert [(p.code, p.span.line) for p in loaded.problems] == [("limit", 1)]
    assert loaded.problems[0].message == (
        "nested too deeply to parse safely (over 5000 open brackets or columns of block "
        "indentation); the file is not parsed"
    )


def test_long_lines_and_many_balanced_brackets_are_not_refused():
    cert = "x" * 20000
    many = "[" + ", ".join(["[1]"] * 6000) + "]"
    loaded = load(f"a: {cert}\nb: {many}\n")
    assert loaded.problems == []
    assert len(loaded.documents[0].data["b"]) == 6000
