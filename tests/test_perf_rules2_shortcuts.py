"""The shortcuts of issue 10 (rules and reports, part 2) read exactly what the long way reads.

Each test compares a shortcut with the general code it stands for, on inputs built to reach
its edge cases: the env reading of the locality pins against `k8s.env`, the etcd image test
against `etcd_image_family`, the engine's sort key against `Finding.sort_key`, the surrogate
test of the JSON writer against the regular expression it replaces.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import textwrap
from pathlib import Path
from typing import Any

from netlint.api import lint
from netlint.checks.etcd.recognise import (
    _SERVER_ENV,
    _env_names,
    _has_server_env,
    etcd_image_family,
)
from netlint.checks.k8s import containers, env
from netlint.checks.locality.pins import _env, _may_place, _setting
from netlint.config import Config, ConfigModel
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SORT_KEY as _SORT_KEY
from netlint.model import Resource, SourceFile
from netlint.report.escape import _has_surrogate

DAY = dt.date(2026, 1, 1)

_SURROGATE = re.compile("[\ud800-\udfff]")


def _resource(text: str) -> Resource:
    text = textwrap.dedent(text)
    loaded = [load_text(SourceFile("f.yaml", None, tuple(text.splitlines())), text)]
    ctx = context(loaded, Config(ConfigModel()), today=DAY)
    (resource,) = ctx.resources
    return resource


def _env_the_long_way(resource: Resource) -> list[Any]:
    """pins._env as it read before: every EnvVar of k8s.env, then the same filter."""
    out = []
    for container_path, container in containers(resource):
        for var in env(container_path, container):
            if var.config_map is None and _may_place(var.name, var.value):
                out.extend(_setting(var.name, var.value, "env", resource, var.path, "aws"))
    return out


def test_env_pins_are_those_of_k8s_env() -> None:
    resource = _resource("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            spec:
              initContainers:
              - name: init
                env:
                - {name: AWS_REGION, value: us-east-1}
              containers:
              - name: app
                env:
                - {name: AWS_REGION, value: eu-west-1}
                - {name: LOG_LEVEL, value: info}
                - {name: DB_HOST, value: db.us-east-1.rds.amazonaws.com}
                - name: S3_REGION
                  value: us-west-2
                  valueFrom: {configMapKeyRef: {name: cfg, key: region}}
                - name: OTHER_REGION
                  value: ap-south-1
                  valueFrom: {configMapKeyRef: {key: region}}
                - {name: EMPTY_REGION}
                - {name: 7, value: eu-north-1}
                - {value: us-east-2}
                - just a string
                - {name: NUM_REGION, value: 12}
                - {name: API_URL, value: "https://api.eu-central-1.example.com/v1"}
              - name: no-env
              - name: odd-env
                env: {AWS_REGION: us-east-1}
        """)
    expected = _env_the_long_way(resource)
    assert [p.value for p in expected] == [
        "eu-west-1",
        "db.us-east-1.rds.amazonaws.com",
        "ap-south-1",
        "api.eu-central-1.example.com",
        "us-east-1",
    ]
    assert list(_env(resource, "aws")) == expected


def test_etcd_image_shortcut_agrees_with_the_family() -> None:
    images = [
        "registry.k8s.io/etcd:3.5.15-0",
        "quay.io/coreos/etcd:v3.5.0",
        "docker.io/bitnami/etcd:3.5",
        "ETCD",
        "Registry.K8S.io/ETCD-amd64:3.4",
        "rancher/hardened-etcd:v3.5",
        "registry.example.com/shop/app-7:1.0",
        "etcd-operator/operator:1",
        "  gcr.io/etcd-development/etcd:v3.5.17  ",
        "",
    ]
    for image in images:
        shortcut = etcd_image_family(image) if "etcd" in image.lower() else None
        assert shortcut == etcd_image_family(image), image


def test_server_env_test_is_the_set_intersection() -> None:
    cases: list[Any] = [
        {},
        {"env": None},
        {"env": "ETCD_DATA_DIR"},
        {"env": [{"name": "ETCD_DATA_DIR"}]},
        {"env": [{"name": "LOG_LEVEL"}, {"name": ["ETCD_DATA_DIR"]}, "ETCD_WAL_DIR"]},
        {"env": [{"value": "ETCD_DATA_DIR"}, {"name": "ETCD_LISTEN_PEER_URLS"}]},
    ]
    for container in cases:
        assert _has_server_env(container) == bool(
            _env_names(container).intersection(_SERVER_ENV)
        ), container


def test_engine_sort_key_is_finding_sort_key(tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "rules"  # every rule's fail fixtures
    report = lint([str(fixtures)], today=DAY, cwd=tmp_path)
    assert len({f.file.path for f in report.findings}) > 10
    for finding in report.findings:
        assert _SORT_KEY(finding) == finding.sort_key()


def test_surrogate_test_agrees_with_the_pattern() -> None:
    rng = random.Random(10)
    alphabet = ["a", "\n", "é", "—", "𝄞", "\ud800", "\udfff", "\u2028", "\x00", "z"]
    texts = ["", "plain ascii", "caf\u00e9", "\ud83d", "a\udc00b", "𝄞 and —"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(300)]
    for text in texts:
        assert _has_surrogate(text) == (_SURROGATE.search(text) is not None), repr(text)


def test_repo_paths_are_repo_path(tmp_path: Path) -> None:
    from netlint.report import RepoPaths, repo_path

    base = tmp_path / "repo"
    (base / "k8s").mkdir(parents=True)
    files = [
        SourceFile("k8s/a.yaml", str(base / "k8s" / "a.yaml")),
        SourceFile("a.yaml", str(base / "k8s" / "a.yaml")),  # same file, shown otherwise
        SourceFile("../other.yaml", str(tmp_path / "other.yaml")),
        SourceFile("<stdin>", None),
        SourceFile("/abs/stdin.yaml", None),
        SourceFile("rel/stdin.yaml", None),
    ]
    for base_dir in (str(base), None):
        paths = RepoPaths(base_dir)
        for file in files * 2:  # the second time from what it knows
            assert paths(file) == repo_path(file, base_dir), (file, base_dir)


def test_container_levels_write_what_json_writes() -> None:
    import json

    from netlint.report.escape import to_json

    documents: list[Any] = [
        {"a": [{}, [], {"x": 1}, [1, [2, {}]], (3, 4), {"%s": "%", "%": [None]}]},
        {"a": [{"k": {}}, {"k": []}, {"k": {"j": [{}, []]}}, {"k": ()}]},
        {"findings": [{"o": {"n": 1}, "r": [{"m": "x"}, {"m": "y"}]}, {"o": None, "r": []}]},
        {"a": [{"x": 1.5}, {1: "int key"}, [2.5, {"y": {True: None}}]]},  # the general path
        [[[[]]], [{}], {"": ""}],
    ]
    for document in documents:
        assert to_json(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _flat(value: Any, out: list[Any]) -> list[Any]:
    """The scalars of a JSON value in the order of its text."""
    if isinstance(value, dict):
        for item in value.values():
            _flat(item, out)
    elif isinstance(value, list):
        for item in value:
            _flat(item, out)
    else:
        out.append(value)
    return out


def _reports() -> list[Any]:
    root = Path(__file__).resolve().parents[1]
    return [
        lint([str(root / "rules")], today=DAY, cwd=root),
        lint([str(root / "examples")], today=DAY, cwd=root),
    ]


def test_json_values_are_in_the_order_of_the_finding_dict() -> None:
    from netlint.report import json_report

    checked = 0
    for report in _reports():
        for finding in report.findings:
            if json_report._shape(finding) is None:
                continue
            values: list[Any] = []
            json_report._values(finding, values)
            assert values == _flat(json_report._plain_finding(finding), []), finding
            checked += 1
    assert checked > 50


def test_json_findings_texts_are_those_of_to_json() -> None:
    import json
    from dataclasses import replace

    from netlint.model import Fix
    from netlint.report import RenderOptions, json_report
    from netlint.report.escape import to_json

    for report in _reports():
        # some findings of no shape (a fix) among them: written by to_json, in their place
        report.findings[::7] = [
            replace(f, fix=Fix("set it", ("a", 1), {"x": [1.5, None]}))
            for f in report.findings[::7]
        ]
        for omit in (False, True):
            options = RenderOptions(tool_version="9", omit_suppressed=omit)
            text = json_report.render(report, options)
            assert text == to_json(json_report.document(report, options))
            assert json.loads(text) == json_report.document(report, options)
