"""Fuzzing the loader and the whole pipeline (netlint.api.lint and every formatter).

Properties (tests/fuzzing.py `assert_properties`): no exception escapes, the JSON report is
valid against its schema and SARIF against the OASIS SARIF 2.1.0 schema, every finding is on a
line of the file, and the same input gives the same output. `NETLINT_FUZZ=long` runs the long
profile (many more examples, not derandomized).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from fuzzing import (
    FUZZ,
    assert_properties,
    corpus_files,
    line_bound,
    mutated_corpus_file,
    scaled,
    yaml_text,
)
from hypothesis import given
from hypothesis import strategies as st

from netlint.load import Limits, decode, load_text
from netlint.model import SourceFile


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(raw: bytes) -> None:
    assert_properties(raw)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["fuzz.json", "fuzz.yml", "<stdin>"]))
def test_random_bytes_under_other_names(raw: bytes, name: str) -> None:
    assert_properties(raw, name)


@scaled(100)
@given(yaml_text())
def test_yaml_shaped_text(text: str) -> None:
    assert_properties(text.encode("utf-8"))


@FUZZ
@given(yaml_text(), st.sampled_from(["utf-8-sig", "utf-16", "utf-32"]))
def test_yaml_shaped_text_in_other_encodings(text: str, codec: str) -> None:
    assert_properties(text.encode(codec, "surrogatepass"))


@scaled(100)
@given(st.data())
def test_mutated_corpus_files(data: st.DataObject) -> None:
    if not corpus_files():
        pytest.skip("../shared/corpus is absent")
    suffix, raw = data.draw(mutated_corpus_file())
    assert_properties(raw, f"mutated{suffix}")


@FUZZ
@given(st.text(st.characters(exclude_categories=()), max_size=2000))
def test_loader_never_raises_on_any_text(text: str) -> None:
    """load_text straight, with lone surrogates too (decoding never yields those, but the loader
    must not depend on it), and with small limits so the refusals are exercised."""
    limits = Limits(max_depth=10, max_nodes_per_document=1000, max_documents_per_file=3)
    loaded = load_text(SourceFile("t.yaml", None, tuple(text.splitlines())), text, limits)
    bound = line_bound(text.encode("utf-8", "surrogatepass"))
    for problem in loaded.problems:
        assert 1 <= problem.span.line <= bound, (problem, bound)


@FUZZ
@given(st.binary(max_size=500))
def test_decode_is_total(raw: bytes) -> None:
    text, reason = decode(raw)
    assert (text is None) != (reason is None)


def test_lone_surrogates_are_an_encoding_finding_not_a_crash() -> None:
    """Found by test_loader_never_raises_on_any_text: libyaml cannot take text with lone
    surrogates (it encodes to UTF-8 first), and creating the parser raised."""
    text = "a: 1\nb: \ud800\n"
    loaded = load_text(SourceFile("t.yaml", None, tuple(text.splitlines())), text)
    assert [(p.code, p.span.line, p.message) for p in loaded.problems] == [
        ("encoding", 2, "not encodable as UTF-8 (character 8, line 2)")
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [("{", (1, 2)), ("a: 1\nb: [", (2, 5)), ("{\n", (1, 2)), ("a: [\r\n  1,\r\n", (2, 5))],
)
def test_error_at_the_end_of_the_stream_is_on_the_last_line(
    text: str, where: tuple[int, int]
) -> None:
    """Found by test_random_bytes_under_other_names (`{`): libyaml reports an unclosed flow
    collection at the end of the stream, one line past the file's last line."""
    loaded = load_text(SourceFile("t.yaml", None, tuple(text.splitlines())), text)
    assert [(p.code, p.span.line, p.span.column) for p in loaded.problems] == [("syntax", *where)]


HUGE_INT = "7" * 5000  # past Python's 4300-digit limit for int(str)
DEEP_JSON = "[" * 4000  # past json.loads' recursion limit, under the parser bound


@pytest.mark.parametrize(
    "doc",
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config}\n"
        f'data: {{mtu: "{HUGE_INT}"}}\n',
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: calico-config}\ndata:\n"
        f'  veth_mtu: "{HUGE_INT}"\n  cni_network_config: \'{{"mtu": {HUGE_INT}}}\'\n',
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg}\ndata:\n"
        '  net-conf.json: \'{"Network": "10.244.0.0/16", "Backend": '
        f'{{"Type": "vxlan", "MTU": {HUGE_INT}}}}}\'\n',
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: canal-config}\ndata:\n"
        f"  net-conf.json: '{DEEP_JSON}'\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg}\ndata:\n"
        f"  net-conf.json: '{DEEP_JSON}'\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-nginx-controller\n"
        "  labels: {app.kubernetes.io/name: ingress-nginx}\n  annotations:\n"
        f"    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: '{DEEP_JSON}'\n"
        f"    service.beta.kubernetes.io/linode-loadbalancer-port-443: '{DEEP_JSON}'\n"
        f"    service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2: '{HUGE_INT}'\n"
        "spec: {type: LoadBalancer, ports: [{port: 443}]}\n",
        f"apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata: {{name: default}}\n"
        f"spec: {{calicoNetwork: {{mtu: {HUGE_INT}}}}}\n",
    ],
    ids=[
        "cilium-mtu",
        "calico-cni-config",
        "flannel-mtu",
        "canal-deep",
        "flannel-deep",
        "annotations",
        "installation",
    ],
)
def test_huge_numbers_and_deep_json_in_values_are_findings_not_crashes(doc: str) -> None:
    """Found by probing the checks with hostile values: int() of more than 4300 digits raises
    ValueError, json.loads of deep nesting raises RecursionError; both escaped the checks."""
    assert_properties(doc.encode())


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            '{"version": 1, "findings": [' + HUGE_INT + "]}",
            "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 "
            "digits; use sys.set_int_max_str_digits() to increase the limit",
        ),
        (
            DEEP_JSON,
            "maximum recursion depth exceeded while decoding a JSON array from a unicode string",
        ),
    ],
    ids=["huge-number", "deep"],
)
def test_hostile_baseline_is_exit_2_with_its_path(
    tmp_path: Path, content: str, reason: str
) -> None:
    """The baseline is a file of the repository, so a pull request can change it too."""
    (tmp_path / "baseline.json").write_text(content)
    (tmp_path / "m.yaml").write_text("a: 1\n")
    result = run_cli("check", "--baseline", "baseline.json", "m.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        f"netlint: baseline.json:1: not a netlint baseline: {reason}; write a new one with "
        "--write-baseline\n",
    )
