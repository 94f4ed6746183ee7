"""Custom rules as data (netlint/custom/): the field-path syntax, the json-schema check and the
three templates on the rules of tests/fixtures/custom_rules/project, and every way a custom
rule can be broken, each with its exact `file:line: what is wrong`."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from conftest import ROOT

from netlint.api import lint
from netlint.catalog import CatalogError, load_rules
from netlint.config import load_config
from netlint.custom.checks import check_template, render
from netlint.custom.fieldpath import EACH, MISSING, FieldPathError, Leaf, parse, show, walk
from netlint.custom.rules import load_all_rules, load_custom_rules

CUSTOM = ROOT / "tests/fixtures/custom_rules"
PROJECT = CUSTOM / "project"
RULES_DIR = PROJECT / "rules"
BROKEN = CUSTOM / "broken"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages name files relative to the working directory."""
    monkeypatch.chdir(ROOT)


# ---- field paths ---------------------------------------------------------------------------


def test_field_path_syntax():
    assert parse("spec.type") == ("spec", "type")
    assert parse("spec.ports[0].port") == ("spec", "ports", 0, "port")
    assert parse("spec.template.spec.containers[*].image") == (
        "spec",
        "template",
        "spec",
        "containers",
        EACH,
        "image",
    )
    assert parse('metadata.annotations["acme.example/owner"]') == (
        "metadata",
        "annotations",
        "acme.example/owner",
    )
    assert parse("metadata.labels['app.kubernetes.io/name']") == (
        "metadata",
        "labels",
        "app.kubernetes.io/name",
    )
    assert parse(r'data["say \"hi\""]') == ("data", 'say "hi"')


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("spec..type", "'spec..type': at column 6: empty key before '.'"),
        ("spec.", "'spec.': the path is empty or ends with '.'"),
        ("", "'': the path is empty or ends with '.'"),
        ("spec[x]", "'spec[x]': at column 5: expected [*], [<number>] or [\"<key>\"]"),
        ("spec[0]type", "'spec[0]type': at column 8: expected '.' or '['"),
        ("a.'b'", '"a.\'b\'": at column 3: quote keys with dots or quotes as ["..."]'),
    ],
)
def test_field_path_errors(text: str, error: str):
    with pytest.raises(FieldPathError) as info:
        parse(text)
    assert str(info.value) == error


def test_show_round_trips_concrete_paths():
    path = ("metadata", "annotations", "acme.example/owner")
    assert show(path) == 'metadata.annotations["acme.example/owner"]'
    assert parse(show(path)) == path
    assert show(("spec", "ports", 1, "protocol")) == "spec.ports[1].protocol"
    assert show(()) == "(the object)"


def test_walk_fans_out_and_names_missing_fields_under_their_parent():
    data = {"spec": {"ports": [{"protocol": "TCP"}, {"port": 9}], "empty": []}}
    assert list(walk(data, parse("spec.ports[*].protocol"))) == [
        Leaf(("spec", "ports", 0, "protocol"), "TCP"),
        Leaf(("spec", "ports", 1, "protocol"), MISSING),
    ]
    assert list(walk(data, parse("spec.empty[*].x"))) == []
    # a missing list is one missing field; steps after a wildcard are not made up
    assert list(walk(data, parse("spec.containers[*].image"))) == [
        Leaf(("spec", "containers"), MISSING)
    ]
    assert list(walk(data, parse("spec.ports[5]"))) == [Leaf(("spec", "ports", 5), MISSING)]


def test_message_templates_are_placeholders_only():
    assert render("{object}: {path} {{literal}}", {"object": "Service a/b", "path": "spec"}) == (
        "Service a/b: spec {literal}"
    )
    assert check_template("{kind} {name} {namespace} {value} {message}") is not None
    with pytest.raises(ValueError, match=r"unknown placeholder \{object\.__class__\}"):
        check_template("{object.__class__}")
    with pytest.raises(ValueError, match=r"unknown placeholder \{path!r\}"):
        check_template("{path!r}")
    with pytest.raises(ValueError, match=r"lone '\{' at column 4; write \{\{"):
        check_template("no { brace")


# ---- loading -------------------------------------------------------------------------------


def test_project_rules_load_as_rule_metadata():
    rules = load_custom_rules([RULES_DIR], load_rules())
    assert [(r.id, r.name, r.check, r.severity.value, r.builtin) for r in rules] == [
        ("ACME001", "lb-source-ranges", "json-schema", "error", False),
        ("ACME002", "no-nodeport-in-prod", "forbidden-value", "warning", False),
        ("ACME003", "owner-annotation", "required-field", "note", False),
        ("ACME004", "tcp-only", "allowed-values", "warning", False),
    ]
    acme1 = rules[0]
    assert acme1.help_uri == "https://wiki.example.com/policies/acme001"
    assert acme1.kinds == ("Service",)
    assert acme1.tags == ("network", "acme")
    assert rules[1].params == {
        "match": {"kinds": ["Service"], "namespaces": ["prod", "prod-*"]},
        "message": "{object}: {path} {message}. Use type ClusterIP behind the shared ingress, "
        "or a LoadBalancer with source ranges.",
        "path": "spec.type",
        "values": ["NodePort"],
    }


def test_config_rules_dirs_are_relative_to_the_config_file():
    config = load_config(PROJECT / ".netlint.yaml")
    ids = [r.id for r in load_all_rules(config)]
    assert ids == ["ACME001", "ACME002", "ACME003", "ACME004"] + [r.id for r in load_rules()]


def _findings(*paths: Path) -> list[tuple[str, str, int, int, str]]:
    config = load_config(PROJECT / ".netlint.yaml")
    report = lint([str(p) for p in paths], config, cwd=RULES_DIR)
    return [(f.rule, f.file.path, f.span.line, f.span.column, f.message) for f in report.active]


def test_json_schema_findings_at_the_failing_field():
    policy = " (ACME policy LB-1: office and VPN ranges only)"
    assert _findings(RULES_DIR / "ACME001-lb-source-ranges/fail/open.yaml") == [
        (
            "ACME001",
            "ACME001-lb-source-ranges/fail/open.yaml",
            6,
            1,  # the missing property's parent, `spec:`
            "Service shop/web: spec.loadBalancerSourceRanges: 'loadBalancerSourceRanges' is a "
            "required property" + policy,
        ),
        (
            "ACME001",
            "ACME001-lb-source-ranges/fail/open.yaml",
            20,
            7,  # the list item that fails the $ref'd pattern
            "Service shop/api: spec.loadBalancerSourceRanges[1]: 'everyone' does not match "
            "'^[0-9.]+/[0-9]+$'" + policy,
        ),
        (
            "ACME001",
            "ACME001-lb-source-ranges/fail/open.yaml",
            29,
            3,
            "Service shop/admin: spec.loadBalancerSourceRanges: [] should be non-empty" + policy,
        ),
    ]


def test_forbidden_value_matches_namespaces_by_glob():
    fix = ". Use type ClusterIP behind the shared ingress, or a LoadBalancer with source ranges."
    assert _findings(
        RULES_DIR / "ACME002-no-nodeport-in-prod/fail/nodeport.yaml",
        RULES_DIR / "ACME002-no-nodeport-in-prod/pass/staging.yaml",
    ) == [
        (
            "ACME002",
            "ACME002-no-nodeport-in-prod/fail/nodeport.yaml",
            7,
            9,
            "Service prod-eu/debug: spec.type is NodePort" + fix,
        )
    ]


def test_required_field_with_a_quoted_key_and_a_label_selector():
    fix = ". Add the annotation acme.example/owner with the team's channel."
    where = "ACME003-owner-annotation/fail/no-owner.yaml"
    path = 'metadata.annotations["acme.example/owner"]'
    assert _findings(RULES_DIR / where, RULES_DIR / "ACME003-owner-annotation/pass/owned.yaml") == [
        ("ACME003", where, 3, 1, f"Deployment shop/cart: {path} is not set{fix}"),
        ("ACME003", where, 26, 3, f"Deployment shop/basket: {path} is not set{fix}"),
    ]


def test_allowed_values_over_every_list_item():
    assert _findings(RULES_DIR / "ACME004-tcp-only/fail/udp.yaml") == [
        (
            "ACME004",
            "ACME004-tcp-only/fail/udp.yaml",
            13,
            17,
            "Service infra/dns: spec.ports[1].protocol is UDP, not one of TCP. Use protocol "
            "TCP, or ask the network team for a UDP load balancer.",
        )
    ]


def test_values_compare_as_yaml_types(tmp_path: Path):
    """`values: [true]` does not match 1, and `values: ["80"]` does not match 80."""
    rules = tmp_path / "rules" / "ACME200-no-true"
    rules.mkdir(parents=True)
    (rules / "rule.yaml").write_text(
        "id: ACME200\nname: no-true\ncheck: forbidden-value\nseverity: warning\n"
        "summary: s\nwhy: w\nfix: f\nparams:\n  path: data.flag\n  values: [true, '80']\n",
        "utf-8",
    )
    (tmp_path / ".netlint.yaml").write_text("rules_dirs: [rules]\n", "utf-8")
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: X\nmetadata: {name: a}\ndata: {flag: 1}\n---\n"
        "apiVersion: v1\nkind: X\nmetadata: {name: b}\ndata: {flag: 80}\n---\n"
        "apiVersion: v1\nkind: X\nmetadata: {name: c}\ndata: {flag: true}\n",
        "utf-8",
    )
    config = load_config(tmp_path / ".netlint.yaml")
    report = lint([str(tmp_path / "cm.yaml")], config, cwd=tmp_path)
    assert [(f.rule, f.span.line, f.message) for f in report.active] == [
        ("ACME200", 14, "X c: data.flag is true. f")
    ]


# ---- broken rules: exit 2 with file:line ---------------------------------------------------

BROKEN_CASES = {
    "bad-yaml": [
        "ACME100-bad-yaml/rule.yaml:8: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence)"
    ],
    "unknown-key": [
        "ACME101-unknown-key/rule.yaml:1: severity: required key is missing",
        "ACME101-unknown-key/rule.yaml:4: severty: unknown key, did you mean severity?",
    ],
    "invalid-schema": [
        "ACME102-invalid-schema/rule.yaml:11: schema.properties.spec.type: not a valid JSON "
        "Schema: 'strin' is not a type; use one of array, boolean, integer, null, number, "
        "object, string"
    ],
    "remote-ref": [
        'ACME103-remote-ref/rule.yaml:17: schema.properties.spec.properties.cidrs.items["$ref"]: '
        "https://schemas.example.com/cidr.json: not in this schema, and netlint never fetches "
        "schemas; put the definition under $defs and refer to it as #/$defs/<name>",
        'ACME103-remote-ref/rule.yaml:19: schema.properties.spec.properties.other["$ref"]: '
        "#/$defs/missing: nothing at /$defs/missing in this schema",
    ],
    "bad-params": [
        "ACME104-bad-params/rule.yaml:9: params.path: 'spec..type': at column 6: empty key "
        "before '.'",
        "ACME104-bad-params/rule.yaml:10: params.values: must have at least 1 item(s)",
        "ACME104-bad-params/rule.yaml:11: params.colour: unknown key; expected one of: match, "
        "message, path, values",
    ],
    "nl-prefix": [
        "NL900-mine/rule.yaml:1: id: NL900: the NL prefix is netlint's own; give your rules "
        "your own prefix (ACME001)"
    ],
    "duplicate": [
        "ACME105-second/rule.yaml:1: id: ACME105 is also defined in "
        "tests/fixtures/custom_rules/broken/duplicate/ACME105-first/rule.yaml:1"
    ],
    "builtin-name": [
        "ACME106-duplicate-key/rule.yaml:2: name: duplicate-key is also defined in netlint's "
        "built-in rule rules/NL002-duplicate-key/rule.yaml:1"
    ],
    "bad-message": [
        "ACME107-bad-message/rule.yaml:10: message: unknown placeholder {object.__class__}; "
        "use {object}, {path}, {value}, {message}, {kind}, {name}, {namespace}"
    ],
    "bad-folder": [
        "lb-rule:1: a rule folder is named <ID>-<kebab-name> (ACME001-lb-source-ranges)"
    ],
    "no-rule-file": ["ACME108-empty/rule.yaml:1: missing rule.yaml"],
    "schema-missing": [
        "ACME109-schema-missing/rule.yaml:3: schema: check json-schema needs a schema:"
    ],
    "unknown-check": [
        "ACME110-unknown-check/rule.yaml:3: check: expected one of: json-schema, "
        "required-field, forbidden-value, allowed-values; got 'python'"
    ],
}


def test_every_broken_case_is_tested():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(BROKEN_CASES)


@pytest.mark.parametrize("case", sorted(BROKEN_CASES))
def test_broken_rule_messages(case: str):
    with pytest.raises(CatalogError) as info:
        load_custom_rules([BROKEN / case], load_rules())
    prefix = f"tests/fixtures/custom_rules/broken/{case}/"
    assert info.value.messages == [prefix + m for m in BROKEN_CASES[case]]


def test_one_broken_rule_fails_the_load_not_only_itself():
    """The good rules beside a broken one are not run without it: the whole load fails."""
    with pytest.raises(CatalogError) as info:
        load_custom_rules([RULES_DIR, BROKEN / "nl-prefix"], load_rules())
    assert [m.split(":")[0] for m in info.value.messages] == [
        "tests/fixtures/custom_rules/broken/nl-prefix/NL900-mine/rule.yaml"
    ]


def test_a_template_rule_takes_no_schema(tmp_path: Path):
    folder = tmp_path / "ACME201-both"
    folder.mkdir()
    (folder / "rule.yaml").write_text(
        "id: ACME201\nname: both\ncheck: required-field\nseverity: note\nsummary: s\nwhy: w\n"
        "fix: f\nparams: {path: spec}\nschema: {type: object}\n",
        "utf-8",
    )
    with pytest.raises(CatalogError) as info:
        load_custom_rules([tmp_path])
    shown = info.value.messages[0].split("rule.yaml:", 1)[1]
    assert shown == "9: schema: only check json-schema takes a schema; required-field takes params:"


def test_yaml_tags_never_construct_objects(tmp_path: Path):
    """Safe YAML only: a python tag constructs nothing and calls nothing."""
    folder = tmp_path / "ACME202-tagged"
    folder.mkdir()
    marker = tmp_path / "ran"
    (folder / "rule.yaml").write_text(
        "id: ACME202\nname: tagged\ncheck: required-field\nseverity: note\nsummary: s\n"
        f"why: !!python/object/apply:os.system ['touch {marker}']\nfix: f\n"
        "params: {path: spec}\n",
        "utf-8",
    )
    with pytest.raises(CatalogError) as info:
        load_custom_rules([tmp_path])
    assert not marker.exists()
    # the tag is ignored: the value is read as the plain list it spells
    assert [m.split("rule.yaml:", 1)[1] for m in info.value.messages] == [
        "6: why: expected a string, got a list"
    ]


def test_schemas_are_never_fetched(monkeypatch: pytest.MonkeyPatch):
    """Loading a rule with a remote $ref opens no connection (and is an error)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("netlint opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with pytest.raises(CatalogError):
        load_custom_rules([BROKEN / "remote-ref"])


def test_additional_properties_point_at_each_key_not_allowed(tmp_path: Path):
    folder = tmp_path / "rules/ACME300-strict"
    folder.mkdir(parents=True)
    (folder / "rule.yaml").write_text(
        "id: ACME300\nname: strict\ncheck: json-schema\nseverity: warning\nsummary: s\n"
        "why: w\nfix: Keep to mode.\nmatch: {kinds: [ConfigMap]}\nschema:\n  properties:\n"
        "    data:\n      properties: {mode: {enum: [fast, slow]}}\n"
        "      patternProperties: {'^x-': {}}\n      additionalProperties: false\n",
        "utf-8",
    )
    (tmp_path / ".netlint.yaml").write_text("rules_dirs: [rules]\n", "utf-8")
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  mode: turbo\n"
        "  colour: red\n  x-note: fine\n  size: big\n",
        "utf-8",
    )
    config = load_config(tmp_path / ".netlint.yaml")
    report = lint([str(tmp_path / "cm.yaml")], config, cwd=tmp_path)
    assert [(f.span.line, f.span.column, f.message) for f in report.active] == [
        (5, 9, "ConfigMap a: data.mode: 'turbo' is not one of ['fast', 'slow']. Keep to mode."),
        (
            6,
            3,
            "ConfigMap a: data.colour: 'colour' is not allowed here (additionalProperties). "
            "Keep to mode.",
        ),
        (
            8,
            3,
            "ConfigMap a: data.size: 'size' is not allowed here (additionalProperties). "
            "Keep to mode.",
        ),
    ]


def test_one_rules_own_folder_loads_alone():
    (rule,) = load_custom_rules([RULES_DIR / "ACME004-tcp-only"])
    assert (rule.id, rule.directory) == ("ACME004", RULES_DIR / "ACME004-tcp-only")


def test_template_values_are_scalars(tmp_path: Path):
    folder = tmp_path / "ACME203-values"
    folder.mkdir()
    (folder / "rule.yaml").write_text(
        "id: ACME203\nname: values\ncheck: allowed-values\nseverity: note\nsummary: s\n"
        "why: w\nfix: f\nparams:\n  path: spec.type\n  values: [ClusterIP, {a: 1}]\n",
        "utf-8",
    )
    with pytest.raises(CatalogError) as info:
        load_custom_rules([tmp_path])
    assert [m.split("rule.yaml:", 1)[1] for m in info.value.messages] == [
        "10: params.values[1]: expected a scalar (string, number, true, false or null), "
        'got {"a": 1}'
    ]
