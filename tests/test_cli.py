"""The command line as a user runs it: a subprocess of `python -m netlint` or the `netlint` script.

Every test states the exact findings it expects as (rule, line) or (rule, file, line), never counts.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, Finding, check_json, pairs, run_cli

import netlint

# A ConfigMap whose `name` is given twice: NL002 at line 5, column 3.
DUPLICATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  name: settings-v2
data:
  mode: fast
"""
# An empty suppression reason: NL005 (warning) at line 7.
WARNING = """\
apiVersion: v1
kind: Service
metadata:
  name: edge
  namespace: ingress
  annotations:
    ignore.netlint.io/NL002: ""
spec:
  type: ClusterIP
"""
# A stray document without apiVersion and kind: NL003 (note) at line 1.
NOTE = """\
metadata:
  name: leftover
data:
  mode: slow
"""
CLEAN = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
"""
# Two documents: NL002 at 5:3, then an unclosed flow sequence (NL001 at 13:4, libyaml's mark
# at the `:` of the key that should have been a `,` or `]`).
MIXED = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  name: b
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  ports: [80, 443
  x: "1"
"""
MIXED_EXPECTED = [("NL002", 5, 3), ("NL001", 13, 4)]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def rule_dir_ids() -> set[str]:
    rules = ROOT / "rules"
    return {p.name.split("-", 1)[0] for p in rules.iterdir() if (p / "rule.yaml").is_file()}


BASE_IDS = {f"NL00{i}" for i in range(1, 8)}


# --- version, rules, explain --------------------------------------------------------------


@pytest.mark.parametrize("script", [False, True], ids=["python-m", "script"])
def test_version(script: bool) -> None:
    result = run_cli("--version", script=script)
    assert result.returncode == 0, result.describe()
    assert result.stdout == f"netlint {netlint.__version__}\n"
    assert result.stderr == ""


def test_rules_text_lists_every_rule() -> None:
    result = run_cli("rules")
    assert result.returncode == 0, result.describe()
    header, *rows = result.stdout.splitlines()
    assert header.split()[:3] == ["ID", "NAME", "SEVERITY"]
    ids = [row.split()[0] for row in rows if row.strip()]
    assert len(ids) == len(set(ids))
    assert set(ids) == rule_dir_ids()
    assert set(ids) >= BASE_IDS
    assert ids == sorted(ids)
    duplicate = next(row for row in rows if row.startswith("NL002"))
    assert duplicate.split()[1:3] == ["duplicate-key", "error"]


def test_rules_json() -> None:
    result = run_cli("rules", "--format", "json")
    assert result.returncode == 0, result.describe()
    items = result.json()
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == rule_dir_ids()
    assert set(ids) >= BASE_IDS
    by_id = {item["id"]: item for item in items}
    assert by_id["NL002"]["name"] == "duplicate-key"
    assert by_id["NL002"]["severity"] == "error"
    assert by_id["NL003"]["severity"] == "note"
    assert by_id["NL005"]["severity"] == "warning"


def _fixture_without_expect(path: Path) -> str:
    lines = path.read_text("utf-8").rstrip("\n").splitlines()
    return "\n".join(re.sub(r"\s*# expect:.*$", "", line) for line in lines)


def test_explain_shows_fail_and_pass_fixtures() -> None:
    rule_dir = ROOT / "rules" / "NL002-duplicate-key"
    result = run_cli("explain", "NL002", "--format", "markdown")
    assert result.returncode == 0, result.describe()
    page = result.stdout
    assert page.startswith("# NL002 duplicate-key")
    fail = sorted((rule_dir / "fail").glob("*.yaml"))[0]
    passing = sorted((rule_dir / "pass").glob("*.yaml"))[0]
    assert _fixture_without_expect(fail) in page
    assert _fixture_without_expect(passing) in page
    assert "# expect:" not in page
    assert page.index("externalTrafficPolicy: Cluster") < page.index("## Use instead")


@pytest.mark.parametrize("key", ["nl002", "Nl002", "duplicate-key"])
def test_explain_other_spellings_give_the_same_page(key: str) -> None:
    reference = run_cli("explain", "NL002")
    result = run_cli("explain", key)
    assert result.returncode == 0, result.describe()
    assert result.stdout == reference.stdout


def test_explain_unknown_rule_is_a_usage_error() -> None:
    result = run_cli("explain", "NL999")
    assert result.returncode == 2, result.describe()
    assert result.stdout == ""
    assert "netlint: unknown rule 'NL999'" in result.stderr


# --- usage and I/O errors: exit 2 ---------------------------------------------------------


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("check", "no-such.yaml", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "netlint: no-such.yaml: no such file or directory" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_missing_path_beats_findings(tmp_path: Path) -> None:
    write(tmp_path / "dup.yaml", DUPLICATE)
    result = run_cli("check", "dup.yaml", "gone/", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "netlint: gone/: no such file or directory" in result.stderr.splitlines()
    # the files that exist are still reported
    assert result.findings() == [Finding("NL002", "dup.yaml", 5, 3)]


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--format", "bogus", "x.yaml"),
        ("check", "--fail-on", "bogus", "x.yaml"),
        ("check", "--config", "missing-config.yaml", "x.yaml"),
        ("no-such-command",),
    ],
    ids=["format", "fail-on", "config", "command"],
)
def test_usage_errors_are_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    write(tmp_path / "x.yaml", CLEAN)
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


# --- stdin --------------------------------------------------------------------------------


def test_stdin_with_stdin_filename(tmp_path: Path) -> None:
    result = check_json("-", "--stdin-filename", "manifests/x.yaml", stdin=DUPLICATE, cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert result.findings() == [Finding("NL002", "manifests/x.yaml", 5, 3)]


def test_stdin_default_name(tmp_path: Path) -> None:
    result = check_json("-", stdin=NOTE, cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert result.findings() == [Finding("NL003", "<stdin>", 1, 1)]


def test_stdin_with_files(tmp_path: Path) -> None:
    write(tmp_path / "note.yaml", NOTE)
    result = check_json("note.yaml", "-", stdin=DUPLICATE, cwd=tmp_path)
    assert sorted(result.findings(), key=lambda f: f.file) == [
        Finding("NL002", "<stdin>", 5, 3),
        Finding("NL003", "note.yaml", 1, 1),
    ]


# --- --fail-on ----------------------------------------------------------------------------

FAIL_ON_CASES = {
    # file content: (findings, {fail-on: exit code}); None = no --fail-on (error)
    "clean": (CLEAN, [], {None: 0, "error": 0, "warning": 0, "note": 0, "never": 0}),
    "note": (NOTE, [("NL003", 1)], {None: 0, "error": 0, "warning": 0, "note": 1, "never": 0}),
    "warning": (
        WARNING,
        [("NL005", 7)],
        {None: 0, "error": 0, "warning": 1, "note": 1, "never": 0},
    ),
    "error": (
        DUPLICATE,
        [("NL002", 5)],
        {None: 1, "error": 1, "warning": 1, "note": 1, "never": 0},
    ),
}


@pytest.mark.parametrize(
    ("kind", "fail_on"),
    [(k, f) for k in FAIL_ON_CASES for f in (None, "error", "warning", "note", "never")],
)
def test_fail_on(tmp_path: Path, kind: str, fail_on: str | None) -> None:
    text, expected, codes = FAIL_ON_CASES[kind]
    write(tmp_path / "m.yaml", text)
    extra = () if fail_on is None else ("--fail-on", fail_on)
    result = check_json("m.yaml", *extra, cwd=tmp_path)
    assert pairs(result.findings()) == expected
    assert result.returncode == codes[fail_on], result.describe()


@pytest.mark.parametrize(("kind", "fail_on"), [("warning", "warning"), ("error", "never")])
def test_fail_on_does_not_depend_on_the_format(tmp_path: Path, kind: str, fail_on: str) -> None:
    text, _, codes = FAIL_ON_CASES[kind]
    write(tmp_path / "m.yaml", text)
    result = run_cli("check", "m.yaml", "--fail-on", fail_on, cwd=tmp_path)
    assert result.returncode == codes[fail_on], result.describe()


def test_fail_on_takes_the_worst_finding_of_all_files(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", NOTE)
    write(tmp_path / "b.yaml", WARNING)
    result = check_json("a.yaml", "b.yaml", "--fail-on", "warning", cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert [(f.rule, f.file, f.line) for f in result.findings()] == [
        ("NL003", "a.yaml", 1),
        ("NL005", "b.yaml", 7),
    ]


# --- --output -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_file_leaves_stdout_empty(tmp_path: Path, fmt: str) -> None:
    write(tmp_path / "dup.yaml", DUPLICATE)
    result = run_cli("check", "dup.yaml", "--format", fmt, "--output", "report.out", cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert result.stdout == ""
    report = (tmp_path / "report.out").read_text("utf-8")
    if fmt == "json":
        assert [(f["rule"], f["file"], f["line"]) for f in json.loads(report)["findings"]] == [
            ("NL002", "dup.yaml", 5)
        ]
    else:
        assert report.startswith("dup.yaml:5:3: error NL002 ")


def test_output_to_unwritable_place_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "dup.yaml", DUPLICATE)
    result = run_cli("check", "dup.yaml", "--output", "no/such/dir/out.txt", cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert result.stdout == ""
    assert "netlint: no/such/dir/out.txt: cannot write" in result.stderr


# --- directories --------------------------------------------------------------------------


def test_directory_recursion(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    json_dup = (
        '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n'
        '  "metadata": {"name": "a",\n   "name": "b"}\n}\n'
    )
    write(tree / "a.yaml", DUPLICATE)
    write(tree / "b.yml", NOTE)
    write(tree / "c.json", json_dup)
    write(tree / "sub" / "deep" / "d.yaml", WARNING)
    write(tree / "notes.txt", NOTE)  # not a manifest extension
    write(tree / "README.md", NOTE)
    write(tree / ".git" / "e.yaml", DUPLICATE)  # hidden directories are skipped
    write(tree / ".hidden" / "deeper" / "f.yaml", DUPLICATE)
    try:
        (tree / "sub" / "loop").symlink_to("..", target_is_directory=True)
        (tree / "sub" / "self").symlink_to(".", target_is_directory=True)
        (tree / "z-link.yaml").symlink_to("a.yaml")  # the same file twice: reported once
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")
    result = check_json("tree", "--fail-on", "never", cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.describe()
    assert sorted((f.file, f.rule, f.line) for f in result.findings()) == [
        ("tree/a.yaml", "NL002", 5),
        ("tree/b.yml", "NL003", 1),
        ("tree/c.json", "NL002", 5),
        ("tree/sub/deep/d.yaml", "NL005", 7),
    ]
    assert result.json()["summary"]["files"] == 4


def test_current_directory_is_the_default(tmp_path: Path) -> None:
    write(tmp_path / "k8s" / "dup.yaml", DUPLICATE)
    result = check_json(cwd=tmp_path)
    assert [(f.file, f.rule, f.line) for f in result.findings()] == [("k8s/dup.yaml", "NL002", 5)]


# --- encodings, line endings, formats of input --------------------------------------------


@pytest.mark.parametrize(
    ("bom", "newline"),
    [(b"", b"\n"), (b"\xef\xbb\xbf", b"\n"), (b"", b"\r\n"), (b"\xef\xbb\xbf", b"\r\n")],
    ids=["lf", "bom-lf", "crlf", "bom-crlf"],
)
def test_bom_and_crlf_keep_positions(tmp_path: Path, bom: bytes, newline: bytes) -> None:
    write(tmp_path / "m.yaml", bom + MIXED.encode("utf-8").replace(b"\n", newline))
    result = check_json("m.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert [(f.rule, f.line, f.column) for f in result.findings()] == MIXED_EXPECTED


def test_bom_on_stdin(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + MIXED.encode("utf-8").replace(b"\n", b"\r\n")
    result = check_json("-", stdin=data, cwd=tmp_path)
    assert [(f.rule, f.line, f.column) for f in result.findings()] == MIXED_EXPECTED


def test_json_manifest_with_tabs(tmp_path: Path) -> None:
    text = (
        "{\n"
        '\t"apiVersion": "v1",\n'
        '\t"kind": "Service",\n'
        '\t"metadata": {"name": "web"},\n'
        '\t"spec": {\n'
        '\t\t"type": "ClusterIP",\n'
        '\t\t"type": "NodePort"\n'
        "\t}\n"
        "}\n"
    )
    write(tmp_path / "svc.json", text)
    result = check_json("svc.json", cwd=tmp_path)
    assert [(f.rule, f.line, f.column) for f in result.findings()] == [("NL002", 7, 3)]


def test_broken_json_is_nl001(tmp_path: Path) -> None:
    # a missing comma after line 3
    write(
        tmp_path / "bad.json", '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap"\n  "data": {}\n}\n'
    )
    result = check_json("bad.json", cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert pairs(result.findings()) == [("NL001", 4)]


def test_list_items_get_their_own_positions(tmp_path: Path) -> None:
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: one
      annotations:
        ignore.netlint.io/NL002: ""
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: two
      annotations:
        ignore.netlint.io/NLOO2: "letter O, not zero"
"""
    write(tmp_path / "list.yaml", text)
    result = check_json("list.yaml", cwd=tmp_path)
    assert pairs(result.findings()) == [("NL005", 9), ("NL006", 15)]
    objects = [f["object"] for f in result.json()["findings"]]
    assert [(o["kind"], o["name"]) for o in objects] == [("ConfigMap", "one"), ("ConfigMap", "two")]


def test_empty_documents_are_skipped(tmp_path: Path) -> None:
    text = "---\n---\n# only a comment\n---\n...\n---\n" + DUPLICATE + "---\n"
    write(tmp_path / "m.yaml", text)
    write(tmp_path / "empty.yaml", "")
    write(tmp_path / "comments.yaml", "# nothing here\n---\n")
    result = check_json("m.yaml", "empty.yaml", "comments.yaml", cwd=tmp_path)
    assert [(f.file, f.rule, f.line) for f in result.findings()] == [("m.yaml", "NL002", 11)]


def test_not_utf8_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: caf\xe9\n"
    write(tmp_path / "latin1.yaml", text.encode("latin-1"))
    result = check_json("latin1.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert pairs(result.findings()) == [("NL001", 4)]


# --- GitHub Actions -----------------------------------------------------------------------


@pytest.mark.skipif(
    importlib.util.find_spec("netlint.report.github") is None,
    reason="the github formatter has not landed yet",
)
def test_github_actions_picks_the_github_format(tmp_path: Path) -> None:
    write(tmp_path / "dup.yaml", DUPLICATE)
    result = run_cli("check", "dup.yaml", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1, result.describe()
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    # one workflow command per finding; a plain summary line may follow (it is only logged)
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 1, result.stdout
    assert commands[0].startswith("::error file=dup.yaml,line=5,col=3,"), result.stdout
    assert "title=NL002 duplicate-key::" in commands[0]
    assert lines[0] == commands[0]
    assert not any("dup.yaml:5" in line for line in lines[1:]), result.stdout
    # an explicit --format wins over the environment
    explicit = run_cli(
        "check", "dup.yaml", "--format", "text", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"}
    )
    assert explicit.stdout.startswith("dup.yaml:5:3: error NL002 ")


def test_script_runs_check(tmp_path: Path) -> None:
    write(tmp_path / "dup.yaml", DUPLICATE)
    result = run_cli("check", "dup.yaml", "--format", "json", cwd=tmp_path, script=True)
    assert result.returncode == 1, result.describe()
    assert result.findings() == [Finding("NL002", "dup.yaml", 5, 3)]


def test_text_format_without_tty_has_no_colour(tmp_path: Path) -> None:
    write(tmp_path / "dup.yaml", DUPLICATE)
    result = run_cli("check", "dup.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert "\x1b[" not in result.stdout
    assert result.stdout.startswith("dup.yaml:5:3: error NL002 ")
