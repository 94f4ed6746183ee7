"""Config: discovery, validation errors on file lines (YAML and pyproject.toml), JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, CliResult, run_cli
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from netlint.cli import app
from netlint.config import (
    ConfigModel,
    ExcludeEntry,
    config_json_schema,
    find_config,
    load_config,
    toml_line,
)
from netlint.load import load_text
from netlint.model import Severity, SourceFile
from netlint.validation import FileError

FIXTURES = ROOT / "tests" / "fixtures" / "config"

# a manifest with one NL002 finding (error) on line 7
DUPLICATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  a: "1"
  a: "2"
"""


def invoke(*args: str, cwd: Path) -> CliResult:
    """The CLI in-process (fast): exit code, stdout and stderr, and no exception escaping."""
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            app, list(args), env={"GITHUB_ACTIONS": None, "NO_COLOR": None, "FORCE_COLOR": None}
        )
    finally:
        os.chdir(before)
    out = CliResult(tuple(args), result.exit_code, result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{out.describe()}\n{result.exception!r}"
    )
    return out


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def load_errors(path: Path, display: str | None = None) -> list[str]:
    with pytest.raises(FileError) as info:
        load_config(path, display)
    return info.value.messages


# ---- discovery ----------------------------------------------------------------------------


def test_netlint_yaml_is_found_from_a_subdirectory(tmp_path: Path) -> None:
    config = write(tmp_path / ".netlint.yaml", "ignore: [NL002]\n")
    sub = tmp_path / "deploy" / "prod"
    sub.mkdir(parents=True)
    assert find_config(sub) == config.resolve()


def test_netlint_yml_is_found(tmp_path: Path) -> None:
    config = write(tmp_path / ".netlint.yml", "ignore: [NL002]\n")
    (tmp_path / "sub").mkdir()
    assert find_config(tmp_path / "sub") == config.resolve()


def test_nearest_config_wins(tmp_path: Path) -> None:
    write(tmp_path / ".netlint.yaml", "{}\n")
    nearer = write(tmp_path / "a" / ".netlint.yml", "{}\n")
    (tmp_path / "a" / "b").mkdir()
    assert find_config(tmp_path / "a" / "b") == nearer.resolve()


def test_netlint_yaml_beats_yml_and_pyproject_in_one_folder(tmp_path: Path) -> None:
    yaml = write(tmp_path / ".netlint.yaml", "{}\n")
    write(tmp_path / ".netlint.yml", "{}\n")
    write(tmp_path / "pyproject.toml", "[tool.netlint]\nselect = ['NL0']\n")
    assert find_config(tmp_path) == yaml.resolve()


def test_pyproject_with_tool_netlint_is_found(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", "[tool.netlint]\nignore = ['NL002']\n")
    (tmp_path / "src").mkdir()
    assert find_config(tmp_path / "src") == pyproject.resolve()


@pytest.mark.parametrize(
    "text",
    [
        "[tool.netlint.cluster]\nnode_mtu = 1450\n",
        "[[tool.netlint.exclude]]\nrule = 'NL002'\nreason = 'x'\n",
        "[tool]\nnetlint = { select = ['NL0'] }\n",
        "tool.netlint.select = ['NL0']\n",
    ],
)
def test_every_toml_spelling_of_tool_netlint_counts(tmp_path: Path, text: str) -> None:
    pyproject = write(tmp_path / "pyproject.toml", text)
    assert find_config(tmp_path) == pyproject.resolve()


def test_pyproject_without_tool_netlint_is_passed_over(tmp_path: Path) -> None:
    outer = write(tmp_path / ".netlint.yaml", "ignore: [NL002]\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'x'\n\n[tool.ruff]\n")
    (tmp_path / "pkg" / "src").mkdir()
    assert find_config(tmp_path / "pkg" / "src") == outer.resolve()


def test_pyproject_without_tool_netlint_passed_over_for_an_outer_pyproject(
    tmp_path: Path,
) -> None:
    outer = write(tmp_path / "pyproject.toml", "[tool.netlint]\nselect = ['NL0']\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[tool.netlint-other]\nx = 1\n")
    assert find_config(tmp_path / "pkg") == outer.resolve()


def test_broken_pyproject_that_names_tool_netlint_is_chosen_and_reported(
    tmp_path: Path,
) -> None:
    write(tmp_path / ".netlint.yaml", "{}\n")
    broken = write(tmp_path / "pkg" / "pyproject.toml", "[tool.netlint]\nselect = [\n")
    assert find_config(tmp_path / "pkg") == broken.resolve()
    assert load_errors(broken, "pyproject.toml") == [
        "pyproject.toml:2: invalid TOML: Invalid value (at end of document)"
    ]


def test_broken_pyproject_without_tool_netlint_is_passed_over(tmp_path: Path) -> None:
    outer = write(tmp_path / ".netlint.yaml", "{}\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project\nname = 'x'\n")
    assert find_config(tmp_path / "pkg") == outer.resolve()


def test_cli_uses_the_config_found_above_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / ".netlint.yaml", "ignore: [NL002]\n")
    write(tmp_path / "deploy" / "app.yaml", DUPLICATE)
    found = run_cli("check", "app.yaml", "--format", "json", cwd=tmp_path / "deploy")
    assert (found.returncode, found.json()["findings"]) == (0, []), found.describe()
    alone = tmp_path / "alone"
    write(alone / ".netlint.yaml", "# nearer, and empty\n")
    write(alone / "app.yaml", DUPLICATE)
    plain = run_cli("check", "app.yaml", "--format", "json", cwd=alone)
    assert plain.returncode == 1, plain.describe()
    assert [(f.rule, f.line) for f in plain.findings()] == [("NL002", 7)]


def test_cli_uses_tool_netlint_of_pyproject(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml", "[project]\nname = 'x'\n\n[tool.netlint]\nignore = ['NL002']\n"
    )
    write(tmp_path / "app.yaml", DUPLICATE)
    result = run_cli("check", "app.yaml", "--format", "json", cwd=tmp_path)
    assert (result.returncode, result.json()["findings"]) == (0, []), result.describe()


def test_cli_config_option_wins_over_the_discovered_config(tmp_path: Path) -> None:
    write(tmp_path / ".netlint.yaml", "ignore: [NL002]\n")
    write(tmp_path / "other.yaml", "rules:\n  NL002:\n    severity: warning\n")
    write(tmp_path / "app.yaml", DUPLICATE)
    result = run_cli(
        "check", "app.yaml", "--config", "other.yaml", "--format", "json", cwd=tmp_path
    )
    # other.yaml does not ignore NL002 and makes it a warning: exit 0 under --fail-on error
    assert result.returncode == 0, result.describe()
    assert [(f["rule"], f["line"], f["severity"]) for f in result.json()["findings"]] == [
        ("NL002", 7, "warning")
    ]


def test_cli_missing_config_file_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "app.yaml", DUPLICATE)
    result = run_cli("check", "app.yaml", "--config", "missing.yaml", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert result.stderr == "netlint: missing.yaml: config file not found\n"
    assert result.stdout == ""


# ---- broken configs: exit 2, `file:line: key: what is wrong`, no traceback -----------------

BROKEN_YAML = [
    pytest.param(
        "colour: red\n",
        [
            ".netlint.yaml:1: colour: unknown key; expected one of: cluster, select, ignore, "
            "rules, exclude, ingress_controllers, limits, fail_on, rules_dirs, catalogs"
        ],
        id="unknown-top-level-key",
    ),
    pytest.param(
        "exlude: []\n",
        [".netlint.yaml:1: exlude: unknown key, did you mean exclude?"],
        id="misspelt-top-level-key",
    ),
    pytest.param(
        "cluster:\n  provider: azure\n  node_mut: 1450\n",
        [".netlint.yaml:3: cluster.node_mut: unknown key, did you mean node_mtu?"],
        id="unknown-nested-key",
    ),
    pytest.param(
        "exclude:\n  - rule: NL002\n    reasn: vendor\n    reason: vendor\n",
        [".netlint.yaml:3: exclude[0].reasn: unknown key, did you mean reason?"],
        id="unknown-key-in-exclude-entry",
    ),
    pytest.param(
        "rules:\n  NL002:\n    sev: error\n",
        [".netlint.yaml:3: rules.NL002.sev: unknown key; expected one of: severity, params"],
        id="unknown-key-in-rule-settings",
    ),
    pytest.param(
        "exclude:\n  rule: NL002\n  reason: x\n",
        [".netlint.yaml:1: exclude: expected a list, got a mapping"],
        id="exclude-not-a-list",
    ),
    pytest.param(
        "exclude:\n  - rule: 5\n    reason: x\n",
        [
            ".netlint.yaml:2: exclude[0].rule: expected a rule ID, prefix or name (NL002, NL0, "
            "duplicate-key), or a list of them; got 5"
        ],
        id="exclude-rule-not-a-string",
    ),
    pytest.param(
        "exclude:\n  - rule: NL002\n    reason: 42\n",
        [".netlint.yaml:3: exclude[0].reason: expected a string, got 42"],
        id="reason-not-a-string",
    ),
    pytest.param(
        'cluster:\n  node_mtu: "big"\n',
        [".netlint.yaml:2: cluster.node_mtu: expected an integer, got 'big'"],
        id="wrong-type",
    ),
    pytest.param(
        "cluster:\n  node_mtu: 1450.5\n",
        [".netlint.yaml:2: cluster.node_mtu: expected a whole number, got 1450.5"],
        id="fractional-mtu",
    ),
    pytest.param(
        "cluster: oslo\n",
        [".netlint.yaml:1: cluster: expected a mapping, got 'oslo'"],
        id="section-not-a-mapping",
    ),
    pytest.param(
        "select: NL002\n",
        [".netlint.yaml:1: select: expected a list, got 'NL002'"],
        id="select-not-a-list",
    ),
    pytest.param(
        "cluster:\n  node_mtu: 100000\n",
        [".netlint.yaml:2: cluster.node_mtu: must be at most 65535, got 100000"],
        id="above-range",
    ),
    pytest.param(
        "limits:\n  max_depth: 5\n",
        [".netlint.yaml:2: limits.max_depth: must be at least 10, got 5"],
        id="below-range",
    ),
    pytest.param(
        "rules:\n  NL002:\n    severity: fatal\n",
        [
            ".netlint.yaml:3: rules.NL002.severity: expected one of: error, warning, note; "
            "got 'fatal'"
        ],
        id="bad-severity",
    ),
    pytest.param(
        "fail_on: critical\n",
        [".netlint.yaml:1: fail_on: expected one of: error, warning, note, never; got 'critical'"],
        id="bad-fail-on",
    ),
    pytest.param(
        "cluster:\n  ip_family: ipv5\n",
        [".netlint.yaml:2: cluster.ip_family: expected one of: ipv4, ipv6, dual; got 'ipv5'"],
        id="bad-literal",
    ),
    pytest.param(
        "cluster:\n  allowed_jurisdictions:\n    - EEA\n    - usa\n",
        [
            ".netlint.yaml:4: cluster.allowed_jurisdictions[1]: 'usa' is not a jurisdiction; "
            "expected EEA, adequacy or a two-letter ISO 3166 country code in capitals (e.g. NO, CH)"
        ],
        id="invalid-jurisdiction",
    ),
    pytest.param(
        "exclude:\n  - rule: NL002\n    kind: Service\n",
        [".netlint.yaml:2: exclude[0].reason: required key is missing"],
        id="exclude-without-reason",
    ),
    pytest.param(
        "exclude:\n  - rule: NL002\n    reason:\n",
        [".netlint.yaml:3: exclude[0].reason: expected a string, got an empty value"],
        id="exclude-with-empty-reason-value",
    ),
    pytest.param(
        'exclude:\n  - rule: NL002\n    reason: "   "\n',
        [
            ".netlint.yaml:3: exclude[0].reason: must say why the findings are excluded "
            "(it is empty)"
        ],
        id="whitespace-only-reason",
    ),
    pytest.param(
        "exclude:\n  - reason: everything is fine\n",
        [
            ".netlint.yaml:2: exclude[0]: an exclude entry needs at least one of rule, kind, "
            "namespace, name, path (it would hide every finding)"
        ],
        id="exclude-matching-everything",
    ),
    pytest.param(
        "exclude:\n  - rule: []\n    reason: x\n",
        [".netlint.yaml:2: exclude[0].rule: must name at least one rule"],
        id="exclude-empty-rule-list",
    ),
    pytest.param(
        "exclude:\n  - rule: NL002\n    reason: vendor\n    until: 2025-13-01\n",
        [
            ".netlint.yaml:4: exclude[0].until: expected a date like 2027-03-31 (YYYY-MM-DD), "
            "got '2025-13-01'"
        ],
        id="bad-until-date",
    ),
    pytest.param(
        "exclude:\n  - rule: NL002\n    reason: vendor\n    until: next spring\n",
        [
            ".netlint.yaml:4: exclude[0].until: expected a date like 2027-03-31 (YYYY-MM-DD), "
            "got 'next spring'"
        ],
        id="until-not-a-date",
    ),
    pytest.param(
        "cluster: [\n",
        [
            ".netlint.yaml:1: invalid YAML: did not find expected node content "
            "(while parsing a flow node)"
        ],
        id="yaml-syntax-error",
    ),
    pytest.param(
        "select: [NL001]\nselect: [NL002]\n",
        [".netlint.yaml:2: duplicate key 'select' (first at line 1): delete one of the two"],
        id="duplicate-key",
    ),
    pytest.param(
        "- NL001\n- NL002\n",
        [
            ".netlint.yaml:1: the config must be a mapping of sections "
            "(cluster:, select:, rules:, exclude:, ...), got a list"
        ],
        id="config-is-a-list",
    ),
    pytest.param(
        "cluster: {}\n---\nselect: []\n",
        [".netlint.yaml:3: expected one YAML document, found several"],
        id="two-documents",
    ),
    pytest.param(
        "rules:\n  NL0002:\n    severity: error\n",
        [".netlint.yaml:2: rules.NL0002: 'NL0002' is not a rule ID or name, did you mean NL002?"],
        id="unknown-rule-in-rules",
    ),
    pytest.param(
        "select: [NL002, duplicate-keys]\n",
        [
            ".netlint.yaml:1: select[1]: 'duplicate-keys' is not a rule ID, ID prefix or rule "
            "name, did you mean duplicate-key?"
        ],
        id="unknown-selector-in-select",
    ),
    pytest.param(
        "ignore:\n  - NL9\n",
        [
            ".netlint.yaml:2: ignore[0]: 'NL9' is not a rule ID, ID prefix or rule name "
            "(`netlint rules` lists them)"
        ],
        id="unknown-selector-in-ignore",
    ),
    pytest.param(
        "exclude:\n  - rule: dup-key\n    reason: x\n",
        [
            ".netlint.yaml:2: exclude[0].rule: 'dup-key' is not a rule ID, ID prefix or rule "
            "name, did you mean duplicate-key?"
        ],
        id="unknown-rule-in-exclude",
    ),
    pytest.param(
        "exclude:\n  - rule:\n      - NL002\n      - NL0O3\n    reason: x\n",
        [
            ".netlint.yaml:4: exclude[0].rule[1]: 'NL0O3' is not a rule ID, ID prefix or rule "
            "name, did you mean NL003?"
        ],
        id="unknown-rule-in-exclude-list",
    ),
    pytest.param(
        "rules:\n  NL002:\n    params: {limit: 3}\n",
        [".netlint.yaml:3: rules.NL002.params: NL002 takes no parameters"],
        id="params-for-a-rule-without-parameters",
    ),
    pytest.param(
        "limits:\n  max_depth: 5\ncolour: red\ncluster:\n  node_mtu: big\n",
        [
            ".netlint.yaml:2: limits.max_depth: must be at least 10, got 5",
            ".netlint.yaml:3: colour: unknown key; expected one of: cluster, select, ignore, "
            "rules, exclude, ingress_controllers, limits, fail_on, rules_dirs, catalogs",
            ".netlint.yaml:5: cluster.node_mtu: expected an integer, got 'big'",
        ],
        id="several-errors-in-line-order",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN_YAML)
def test_broken_yaml_config_is_exit_2_with_file_line_key(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    (tmp_path / ".netlint.yaml").write_text(text, "utf-8")
    write(tmp_path / "app.yaml", DUPLICATE)
    result = invoke("check", "app.yaml", "--config", ".netlint.yaml", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert result.stderr.splitlines() == expected
    assert result.stdout == ""


def test_broken_discovered_config_is_exit_2_named_as_found(tmp_path: Path) -> None:
    write(tmp_path / ".netlint.yaml", "cluster:\n  node_mut: 1450\n")
    write(tmp_path / "deploy" / "app.yaml", DUPLICATE)
    result = run_cli("check", "app.yaml", cwd=tmp_path / "deploy")
    assert result.returncode == 2, result.describe()
    # a config outside the working directory is named by its absolute path
    config = (tmp_path / ".netlint.yaml").resolve().as_posix()
    assert result.stderr == f"{config}:2: cluster.node_mut: unknown key, did you mean node_mtu?\n"


def test_config_not_utf8_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_bytes(b"cluster:\n  region: \xff\n")
    result = run_cli("check", "--config", "c.yaml", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert result.stderr == (
        "c.yaml:1: not valid UTF-8 (byte 19, line 2); save the file as UTF-8\n"
    )


@pytest.mark.parametrize(
    "text",
    ["", "\n", "# only a comment\n", "---\n", "exclude:\nselect:\n"],
    ids=["empty", "newline", "comment", "document-marker", "empty-sections"],
)
def test_empty_config_is_valid_and_means_defaults(tmp_path: Path, text: str) -> None:
    path = tmp_path / ".netlint.yaml"
    path.write_text(text, "utf-8")
    config = load_config(path)
    assert config.model == ConfigModel()
    assert config.model.cluster.allowed_jurisdictions == ["EEA"]
    assert config.model.fail_on is None
    write(tmp_path / "app.yaml", DUPLICATE)
    result = invoke(
        "check", "app.yaml", "--config", ".netlint.yaml", "--format", "json", cwd=tmp_path
    )
    assert result.returncode == 1, result.describe()
    assert [(f.rule, f.line) for f in result.findings()] == [("NL002", 7)]


# ---- pyproject.toml [tool.netlint] -----------------------------------------------------------

BROKEN_TOML = [
    pytest.param(
        """\
        [project]
        name = "x"

        [tool.netlint]
        select = ["NL0"]
        colour = "red"
        """,
        [
            "pyproject.toml:6: colour: unknown key; expected one of: cluster, select, ignore, "
            "rules, exclude, ingress_controllers, limits, fail_on, rules_dirs, catalogs"
        ],
        id="unknown-top-level-key",
    ),
    pytest.param(
        """\
        [tool.netlint.cluster]
        provider = "azure"
        node_mut = 1450
        """,
        ["pyproject.toml:3: cluster.node_mut: unknown key, did you mean node_mtu?"],
        id="unknown-nested-key",
    ),
    pytest.param(
        """\
        [tool.netlint]
        select = ["NL0"]
        cluster = { region = "norwayeast", node_mtu = "big" }
        """,
        ["pyproject.toml:3: cluster.node_mtu: expected an integer, got 'big'"],
        id="wrong-type-in-inline-table",
    ),
    pytest.param(
        """\
        [tool.netlint]
        cluster.node_mtu = 100000
        """,
        ["pyproject.toml:2: cluster.node_mtu: must be at most 65535, got 100000"],
        id="out-of-range-dotted-key",
    ),
    pytest.param(
        """\
        [tool.netlint.rules.NL002]
        severity = "fatal"
        """,
        [
            "pyproject.toml:2: rules.NL002.severity: expected one of: error, warning, note; "
            "got 'fatal'"
        ],
        id="bad-severity",
    ),
    pytest.param(
        """\
        [tool.netlint.cluster]
        allowed_jurisdictions = [
          "EEA",
          "NO",
          "usa",
        ]
        """,
        [
            "pyproject.toml:5: cluster.allowed_jurisdictions[2]: 'usa' is not a jurisdiction; "
            "expected EEA, adequacy or a two-letter ISO 3166 country code in capitals (e.g. NO, CH)"
        ],
        id="invalid-jurisdiction-in-multiline-array",
    ),
    pytest.param(
        """\
        [[tool.netlint.exclude]]
        rule = "NL002"
        reason = "vendor"

        [[tool.netlint.exclude]]
        rule = "NL003"
        kind = "Service"
        """,
        ["pyproject.toml:5: exclude[1].reason: required key is missing"],
        id="second-exclude-without-reason",
    ),
    pytest.param(
        """\
        [[tool.netlint.exclude]]
        rule = "NL002"
        reason = "   "
        """,
        [
            "pyproject.toml:3: exclude[0].reason: must say why the findings are excluded "
            "(it is empty)"
        ],
        id="whitespace-only-reason",
    ),
    pytest.param(
        """\
        [tool.netlint]
        exclude = [
          { rule = "NL002", reason = "vendor" },
          { rule = "NL003", reason = "x", until = "soon" },
        ]
        """,
        [
            "pyproject.toml:4: exclude[1].until: expected a date like 2027-03-31 (YYYY-MM-DD), "
            "got 'soon'"
        ],
        id="bad-until-in-array-of-inline-tables",
    ),
    pytest.param(
        """\
        [tool.netlint]
        select = ["NL0"
        ignore = []
        """,
        ["pyproject.toml:3: invalid TOML: Unclosed array (column 1)"],
        id="toml-syntax-error",
    ),
    pytest.param(
        """\
        [tool]
        netlint = ["NL0"]
        """,
        ["pyproject.toml:2: tool.netlint: expected a table, got a list"],
        id="tool-netlint-not-a-table",
    ),
    pytest.param(
        """\
        [tool.netlint]
        ignore = ["NL002", "NL9"]
        """,
        [
            "pyproject.toml:2: ignore[1]: 'NL9' is not a rule ID, ID prefix or rule name "
            "(`netlint rules` lists them)"
        ],
        id="unknown-selector",
    ),
    pytest.param(
        """\
        [project]
        name = "x"
        """,
        ["pyproject.toml:1: no [tool.netlint] table: nothing to configure"],
        id="no-tool-netlint",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN_TOML)
def test_broken_pyproject_config_is_exit_2_with_toml_line(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    write(tmp_path / "pyproject.toml", text)
    write(tmp_path / "app.yaml", DUPLICATE)
    result = invoke("check", "app.yaml", "--config", "pyproject.toml", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert result.stderr.splitlines() == expected
    assert result.stdout == ""


def test_broken_pyproject_end_to_end_has_no_traceback(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.netlint.cluster]\nnode_mtu = 'big'\n")
    write(tmp_path / "app.yaml", DUPLICATE)
    result = run_cli("check", "app.yaml", cwd=tmp_path)  # discovered, in a real process
    assert result.returncode == 2, result.describe()
    assert result.stderr == "pyproject.toml:2: cluster.node_mtu: expected an integer, got 'big'\n"
    assert result.stdout == ""


def test_toml_line_scanner() -> None:
    lines = textwrap.dedent(
        """\
        [tool.netlint]
        select = ["NL0"]  # comment
        ignore = [
          "NL003", "NL004",
          'NL005',
        ]
        doc = '''
        [tool.netlint.fake]
        '''

        [tool.netlint.cluster]
        "node_mtu" = 1450

        [[tool.netlint.exclude]]
        rule = "NL002"

        [[tool.netlint.exclude]]
        rule = ["NL003", "NL004"]
        """
    ).splitlines()
    assert toml_line(lines, ("tool", "netlint")) == 1
    assert toml_line(lines, ("tool", "netlint", "select", 0)) == 2
    assert toml_line(lines, ("tool", "netlint", "ignore", 1)) == 4
    assert toml_line(lines, ("tool", "netlint", "ignore", 2)) == 5
    assert toml_line(lines, ("tool", "netlint", "fake")) == 1  # inside a multi-line string
    assert toml_line(lines, ("tool", "netlint", "cluster", "node_mtu")) == 12
    assert toml_line(lines, ("tool", "netlint", "cluster", "region")) == 11
    assert toml_line(lines, ("tool", "netlint", "exclude", 0, "reason")) == 14
    assert toml_line(lines, ("tool", "netlint", "exclude", 1)) == 17
    assert toml_line(lines, ("tool", "netlint", "exclude", 1, "rule", 1)) == 18
    assert toml_line(lines, ("tool", "other")) == 1


# ---- loading the full examples --------------------------------------------------------------


def test_full_yaml_example_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the validated models themselves (a later run reads a view of them from the cache, which
    # tests/test_config_cache.py compares with these field by field)
    monkeypatch.setenv("NETLINT_CACHE_DIR", "off")
    config = load_config(FIXTURES / "full.netlint.yaml", "full.netlint.yaml")
    model = config.model
    assert config.path == "full.netlint.yaml"
    assert config.base_dir == str(FIXTURES.resolve())
    assert config.exclude_lines == (23, 30)
    assert model.cluster.node_mtu == 1500
    assert model.cluster.ip_family == "dual"
    assert model.cluster.allowed_jurisdictions == ["EEA", "CH", "GB"]
    assert model.cluster.storage_classes["local-nvme"] == "local-nvme"
    assert (model.select, model.ignore, model.fail_on) == (["NL0"], ["NL003"], "warning")
    assert model.rules["NL002"].severity is Severity.WARNING
    assert model.rules["not-a-kubernetes-object"].severity is Severity.ERROR
    assert model.exclude[0] == ExcludeEntry(
        rule=["NL002"],
        kind="Service",
        namespace="ingress",
        name="vendor-*",
        path="vendor/*",
        reason="vendor chart, fixed upstream in 4.12",
        until=dt.date(2027, 3, 31),
    )
    assert model.exclude[1].rules() == ["NL004", "unrendered-template"]
    assert (model.limits.max_depth, model.limits.max_nodes_per_document) == (200, 500_000)


def test_full_pyproject_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text((FIXTURES / "pyproject-full.toml").read_text("utf-8"), "utf-8")
    config = load_config(path, "pyproject.toml")
    model = config.model
    assert config.exclude_lines == (17, 23)
    assert model.cluster.node_mtu == 1450
    assert model.cluster.storage_classes == {"managed-csi": "network-ssd"}
    assert model.rules["NL002"].severity is Severity.WARNING
    assert model.exclude[0].until == dt.date(2027, 3, 31)
    assert model.exclude[1].path == "vendor/*"
    assert model.fail_on == "warning"


def test_fail_on_defaults_to_none_and_accepts_every_level() -> None:
    assert ConfigModel().fail_on is None
    for level in ("error", "warning", "note", "never"):
        assert ConfigModel.model_validate({"fail_on": level}).fail_on == level


# ---- JSON Schema ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, object]:
    result = run_cli("config", "schema")
    assert result.returncode == 0, result.describe()
    assert result.stderr == ""
    printed: dict[str, object] = json.loads(result.stdout)
    assert printed == config_json_schema()
    return printed


def _yaml_data(path: Path) -> object:
    text = path.read_text("utf-8")
    loaded = load_text(SourceFile(path.name, None, tuple(text.splitlines())), text)
    return loaded.documents[0].data


def test_schema_is_draft_2020_12(schema: dict[str, object]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert sorted(properties) == sorted(ConfigModel.model_fields)
    assert schema["additionalProperties"] is False


def test_schema_describes_fail_on(schema: dict[str, object]) -> None:
    properties = schema["properties"]
    assert isinstance(properties, dict)
    fail_on = properties["fail_on"]
    choices = {value for option in fail_on["anyOf"] for value in option.get("enum", [])}
    assert choices == {"error", "warning", "note", "never"}
    assert "--fail-on" in fail_on["description"]


def test_full_yaml_example_validates_against_the_schema(schema: dict[str, object]) -> None:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(_yaml_data(FIXTURES / "full.netlint.yaml"))) == []


def test_full_pyproject_example_validates_against_the_schema(schema: dict[str, object]) -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    doc = tomllib.loads((FIXTURES / "pyproject-full.toml").read_text("utf-8"))
    data = json.loads(json.dumps(doc["tool"]["netlint"], default=str))  # dates as editors see them
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize(
    ("data", "path", "validator"),
    [
        ({"colour": "red"}, [], "additionalProperties"),
        ({"cluster": {"node_mut": 1450}}, ["cluster"], "additionalProperties"),
        (
            {"exclude": [{"rule": "NL002", "reason": "x", "owner": "me"}]},
            ["exclude", 0],
            "additionalProperties",
        ),
        ({"exclude": [{"rule": "NL002"}]}, ["exclude", 0], "required"),
        (
            {"cluster": {"allowed_jurisdictions": ["usa"]}},
            ["cluster", "allowed_jurisdictions", 0],
            "pattern",
        ),
        ({"rules": {"NL002": {"severity": "fatal"}}}, ["rules", "NL002", "severity"], "anyOf"),
        ({"fail_on": "critical"}, ["fail_on"], "anyOf"),
    ],
)
def test_invalid_configs_fail_the_schema(
    schema: dict[str, object], data: object, path: list[object], validator: str
) -> None:
    errors = list(Draft202012Validator(schema).iter_errors(data))
    assert [(list(e.absolute_path), e.validator) for e in errors] == [(path, validator)]


def test_schema_accepts_rule_as_string_or_list(schema: dict[str, object]) -> None:
    check = Draft202012Validator(schema)
    assert check.is_valid({"exclude": [{"rule": "NL002", "reason": "x"}]})
    assert check.is_valid({"exclude": [{"rule": ["NL002", "NL003"], "reason": "x"}]})
    assert not check.is_valid({"exclude": [{"rule": 2, "reason": "x"}]})
