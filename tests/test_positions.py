"""Path -> span: the offending value, its key, or the deepest existing parent of a missing field."""

from __future__ import annotations

from netlint.edits import make_edit, yaml_scalar
from netlint.engine import build_index
from netlint.load import load_text
from netlint.model import Edit, Fix, SourceFile, Span
from netlint.positions import span_of

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
spec:
  type: LoadBalancer
  ports:
    - name: http
      port: 80
    - name: https
      port: 443
  selector: {app: ingress}
"""


def resources(text: str, name: str = "svc.yaml"):
    loaded = load_text(SourceFile(name, None), text)
    index, _ = build_index([loaded])
    return index.resources


def test_existing_scalar_points_at_value():
    (svc,) = resources(SERVICE)
    assert span_of(svc.node, ("spec", "type")) == (Span(7, 9, 7, 21), True)


def test_at_key_points_at_key():
    (svc,) = resources(SERVICE)
    assert span_of(svc.node, ("spec", "type"), at_key=True) == (Span(7, 3, 7, 7), True)


def test_collection_points_at_its_key():
    (svc,) = resources(SERVICE)
    assert span_of(svc.node, ("spec", "ports")) == (Span(8, 3, 8, 8), True)


def test_sequence_item_field():
    (svc,) = resources(SERVICE)
    assert span_of(svc.node, ("spec", "ports", 1, "port")) == (Span(12, 13, 12, 16), True)


def test_flow_mapping_value():
    (svc,) = resources(SERVICE)
    assert span_of(svc.node, ("spec", "selector", "app")) == (Span(13, 19, 13, 26), True)


def test_missing_field_points_at_deepest_existing_parent():
    (svc,) = resources(SERVICE)
    assert span_of(svc.node, ("spec", "externalTrafficPolicy")) == (Span(6, 1, 6, 5), False)
    assert span_of(svc.node, ("metadata", "annotations", "x")) == (Span(3, 1, 3, 9), False)
    assert span_of(svc.node, ("spec", "ports", 7, "port")) == (Span(8, 3, 8, 8), False)


def test_object_itself_points_at_kind_line():
    (svc,) = resources(SERVICE)
    assert span_of(svc.node, ()) == (Span(2, 1, 2, 14), True)
    assert span_of(svc.node, ("status",)) == (Span(2, 1, 2, 14), False)


def test_list_items_have_their_own_positions():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n"
        "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n  spec:\n    type: NodePort\n"
    )
    cm, svc = resources(text)
    assert (cm.kind, cm.name, cm.prefix) == ("ConfigMap", "a", ("items", 0))
    assert (svc.kind, svc.name, svc.prefix) == ("Service", "b", ("items", 1))
    assert span_of(svc.node, ("spec", "type")) == (Span(12, 11, 12, 19), True)
    assert span_of(svc.node, ()) == (Span(8, 3, 8, 16), True)


def test_edit_replaces_existing_scalar():
    (svc,) = resources(SERVICE)
    assert make_edit(svc, Fix("use NodePort", ("spec", "type"), "NodePort")) == Edit(
        Span(7, 9, 7, 21), "NodePort"
    )


def test_edit_inserts_missing_key_with_the_mapping_indentation():
    (svc,) = resources(SERVICE)
    edit = make_edit(svc, Fix("keep client IP", ("spec", "externalTrafficPolicy"), "Local"))
    assert edit == Edit(Span(13, 27, 13, 27), "\n  externalTrafficPolicy: Local")
    nested = make_edit(svc, Fix("x", ("metadata", "annotations", "a.io/b"), "true"))
    assert nested == Edit(Span(5, 27, 5, 27), '\n  annotations:\n    a.io/b: "true"')


def test_edit_not_placed_when_ambiguous():
    (svc,) = resources(SERVICE)
    assert make_edit(svc, Fix("x", ("spec", "selector", "tier"), "web")) is None  # flow mapping
    assert make_edit(svc, Fix("x", ("spec", "ports", 5, "port"), 1)) is None  # index missing
    assert make_edit(svc, Fix("x", ("spec", "type"), None, delete=True)) is None


def test_yaml_scalar_round_trips():
    assert [yaml_scalar(v) for v in ("Local", "yes", "1450", 1450, True, "a b", None)] == [
        "Local", '"yes"', '"1450"', "1450", "true", '"a b"', "null",
    ]  # fmt: skip
