"""Safety: input is data, never code. Tags construct nothing, a plain check touches no network
and starts no process, the source has no shell, eval or unsafe loader, and manifest text cannot
drive the terminal or a GitHub Actions log."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from netlint.load import load_text
from netlint.model import SourceFile
from netlint.report.escape import _UNSAFE

PACKAGE = ROOT / "netlint"


def load(text: str):  # type: ignore[no-untyped-def]
    return load_text(SourceFile("m.yaml", None, tuple(text.splitlines())), text)


# --- tags construct nothing -------------------------------------------------------------------


def test_python_tags_stay_data(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    text = textwrap.dedent(
        f"""\
        a: !!python/object/apply:os.system ["touch {sentinel}"]
        b: !!python/object:collections.OrderedDict {{x: 1}}
        c: !!python/name:os.system
        d: !!python/object/new:subprocess.Popen [[touch, {sentinel}]]
        e: !!python/module:os
        """
    )
    loaded = load(text)
    assert loaded.problems == []
    assert loaded.documents[0].data == {
        "a": [f"touch {sentinel}"],
        "b": {"x": 1},
        "c": "",
        "d": [["touch", str(sentinel)]],
        "e": "",
    }
    assert not sentinel.exists()


def test_other_tags_stay_plain_text_or_collections() -> None:
    text = textwrap.dedent(
        """\
        %TAG !e! tag:example.com,2000:
        ---
        bin: !!binary aGVsbG8=
        when: !!timestamp 2001-12-14t21:59:43.10-05:00
        set: !!set {a, b}
        omap: !!omap [{a: 1}, {b: 2}]
        ref: !Ref MyBucket
        sub: !Sub "arn:${AWS::Partition}"
        local: !e!thing {k: v}
        verbatim: !<tag:example.com,2000:x> 42
        """
    )
    loaded = load(text)
    assert loaded.problems == []
    assert loaded.documents[0].data == {
        "bin": "aGVsbG8=",
        "when": "2001-12-14t21:59:43.10-05:00",
        "set": {"a": None, "b": None},
        "omap": [{"a": 1}, {"b": 2}],
        "ref": "MyBucket",
        "sub": "arn:${AWS::Partition}",
        "local": {"k": "v"},
        "verbatim": "42",
    }


def test_tags_in_manifests_and_config_run_nothing_through_the_cli(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    (tmp_path / "m.yaml").write_text(
        f'apiVersion: !!python/object/apply:os.system ["touch {sentinel}"]\nkind: Pod\n'
    )
    (tmp_path / ".netlint.yaml").write_text(
        f'cluster: !!python/object/apply:os.system ["touch {sentinel}"]\n'
    )
    result = run_cli("check", "m.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        ".netlint.yaml:1: cluster: expected a mapping, got a list\n",
    )
    (tmp_path / ".netlint.yaml").write_text(
        f'cluster:\n  node_mtu: !!python/object/new:os.system ["touch {sentinel}"]\n'
    )
    result = run_cli("check", "m.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        ".netlint.yaml:2: cluster.node_mtu: expected an integer, got a list\n",
    )
    (tmp_path / ".netlint.yaml").unlink()
    result = run_cli("check", "--format", "json", "m.yaml", cwd=tmp_path)
    assert [(f["rule"], f["line"]) for f in result.json()["findings"]] == [("NL003", 1)]
    assert not sentinel.exists()


def test_rule_metadata_with_a_python_tag_is_a_validation_error(tmp_path: Path) -> None:
    from netlint.catalog import CatalogError, load_rules

    sentinel = tmp_path / "pwned"
    folder = tmp_path / "rules" / "NL001-invalid-yaml"
    folder.mkdir(parents=True)
    original = (ROOT / "rules" / "NL001-invalid-yaml" / "rule.yaml").read_text("utf-8")
    evil = f'check: !!python/object/apply:os.system ["touch {sentinel}"]'
    (folder / "rule.yaml").write_text(original.replace("check: yaml-syntax", evil))
    with pytest.raises(CatalogError) as caught:
        load_rules(tmp_path / "rules")
    assert caught.value.messages == [
        f"{folder / 'rule.yaml'}:3: check: expected a string, got a list"
    ]
    assert not sentinel.exists()


def test_custom_rule_tags_and_format_fields_run_nothing(tmp_path: Path) -> None:
    """A custom rule (rules_dirs) is data too: a python tag stays a list, and its message
    template takes only netlint's placeholders, never str.format fields that reach objects."""
    sentinel = tmp_path / "pwned"
    rule = tmp_path / "rules" / "ACME900-evil"
    rule.mkdir(parents=True)
    (tmp_path / ".netlint.yaml").write_text("rules_dirs: [rules]\n")
    (rule / "rule.yaml").write_text(
        "id: ACME900\nname: evil\ncheck: required-field\nseverity: note\n"
        f'summary: !!python/object/apply:os.system ["touch {sentinel}"]\n'
        "why: x\nfix: y\n"
        'message: "owner {0.__class__.__init__.__globals__}"\n'
        "match: {kinds: [Deployment]}\n"
        'params:\n  path: metadata.annotations["x"]\n'
    )
    (tmp_path / "m.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n")
    result = run_cli("check", "m.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "rules/ACME900-evil/rule.yaml:5: summary: expected a string, got a list",
        "rules/ACME900-evil/rule.yaml:8: message: unknown placeholder "
        "{0.__class__.__init__.__globals__}; use {object}, {path}, {value}, {message}, {kind}, "
        "{name}, {namespace}",
    ]
    assert not sentinel.exists()


# --- no network, no processes -----------------------------------------------------------------

# Audit events (PEP 578) that a plain `netlint check` must never raise. `os.fork` is allowed: a
# big run forks copies of itself to load and check in parallel (netlint/parallel.py), which run
# no other program and inherit this hook (what they would do here fails the run).
_GUARD = textwrap.dedent(
    """\
    import sys

    FORBIDDEN = ("socket.", "subprocess.", "os.system", "os.exec", "os.spawn", "os.posix_spawn",
                 "os.forkpty", "urllib.", "http.", "ftplib.", "smtplib.", "ctypes.")
    seen = []

    def hook(event, args):
        if event.startswith(FORBIDDEN):
            seen.append(event)
            raise RuntimeError(f"forbidden during a check: {event}")

    sys.addaudithook(hook)
    import json
    import os

    first, leave = os.getpid(), os._exit

    def end_run(code):  # main() ends the process with os._exit once its output is flushed;
        if os.getpid() != first:  # (a forked child of a run leaves for real)
            leave(code)
        raise SystemExit(code)  # here it must return, for the next run in this interpreter

    os._exit = end_run
    from netlint.cli import main

    codes = []
    try:
        for argv in json.loads(sys.argv[1]):  # several runs in one guarded interpreter
            sys.argv = ["netlint", *argv]
            try:
                main()
            except SystemExit as exc:
                codes.append(exc.code)
    finally:
        if seen:
            sys.stderr.write("FORBIDDEN " + " ".join(sorted(set(seen))) + "\\n")
        sys.stderr.write(f"EXIT {codes}\\n")
    """
)


def test_a_check_opens_no_socket_and_starts_no_process(tmp_path: Path, corpus_dir: Path) -> None:
    """The whole corpus and the examples in every format, under an audit hook that refuses
    (and records) any socket, HTTP, process or foreign-library call."""
    runs = [
        ["check", "--format", fmt, "--output", str(tmp_path / f"out.{fmt}"), *paths]
        for fmt, paths in (
            ("sarif", [str(corpus_dir), "examples"]),
            ("json", ["examples"]),
            ("text", ["examples"]),
            ("github", ["examples"]),
        )
    ]
    proc = subprocess.run(
        [sys.executable, "-c", _GUARD, json.dumps(runs)],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=300,
        check=False,
    )
    stderr = proc.stderr.decode()
    assert "FORBIDDEN" not in stderr
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr[-2000:]
    # every run finished with findings (the corpus and the examples have some), none refused
    assert stderr.splitlines()[-1] == "EXIT [1, 1, 1, 1]", stderr[-2000:]


def test_the_audit_guard_does_catch_a_connection(tmp_path: Path) -> None:
    """The guard above is real: a connection attempt under it is refused and reported."""
    probe = _GUARD.replace(
        "from netlint.cli import main",
        "import socket\ndef main():\n    socket.create_connection(('192.0.2.1', 9), timeout=1)",
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, "[[]]"], capture_output=True, timeout=60, check=False
    )
    assert "FORBIDDEN socket." in proc.stderr.decode()


# --- the source: no shell, eval or unsafe loading ---------------------------------------------

_FORBIDDEN_CALLS = {
    "eval",
    "exec",
    "compile",
    "os.system",
    "os.popen",
    "os.spawnl",
    "os.spawnlp",
    "os.spawnv",
    "os.spawnvp",
    "os.execl",
    "os.execlp",
    "os.execv",
    "os.execvp",
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "marshal.load",
    "marshal.loads",
    "shelve.open",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "asyncio.create_subprocess_shell",
    "yaml.load",
    "yaml.unsafe_load",
    "yaml.full_load",
    "yaml.load_all",
}
_FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle"}
_FORBIDDEN_NAMES = {"UnsafeLoader", "FullLoader", "UnsafeConstructor", "Loader", "Constructor"}
_PROCESS_CALLS = {"run", "Popen", "call", "check_call", "check_output"}
# Imports by a computed name, each reviewed: the targets come from module-level registries of
# literal `netlint.` module names (asserted in test_dynamic_imports_only_load_netlint_modules).
_DYNAMIC_IMPORT_SITES = {
    ("netlint/report/__init__.py", "_module"),
    ("netlint/explain.py", "_table"),
}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.BinOp) and (_is_text(node.left) or _is_text(node.right))


def violations(source: str, name: str) -> list[str]:
    """Every unsafe construct in one module's source, as `name:line: what`."""
    out: list[str] = []
    tree = ast.parse(source)
    functions: dict[ast.AST, str] = {}
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(fn):
                functions.setdefault(inner, fn.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [
                f"{name}:{node.lineno}: import {a.name}"
                for a in node.names
                if a.name.split(".")[0] in _FORBIDDEN_MODULES
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] in _FORBIDDEN_MODULES:
                out.append(f"{name}:{node.lineno}: from {module} import")
                continue
            for alias in node.names:
                if f"{module}.{alias.name}" in _FORBIDDEN_CALLS or alias.name in _FORBIDDEN_NAMES:
                    out.append(f"{name}:{node.lineno}: from {module} import {alias.name}")
        elif isinstance(node, (ast.Name, ast.Attribute)):
            leaf = node.id if isinstance(node, ast.Name) else node.attr
            if leaf in _FORBIDDEN_NAMES:
                out.append(f"{name}:{node.lineno}: {leaf}")
        if not isinstance(node, ast.Call):
            continue
        called = _dotted(node.func)
        if called in _FORBIDDEN_CALLS:
            out.append(f"{name}:{node.lineno}: {called}()")
        spawns = called.startswith(("subprocess.", "asyncio.")) or (
            called.split(".")[-1] in _PROCESS_CALLS
        )
        for kw in node.keywords:
            if (
                spawns
                and kw.arg == "shell"
                and not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
            ):
                out.append(f"{name}:{node.lineno}: shell=")
            if (
                kw.arg == "typ"
                and isinstance(kw.value, ast.Constant)
                and kw.value.value in ("unsafe", "full")
            ):
                out.append(f"{name}:{node.lineno}: YAML(typ={kw.value.value!r})")
        if spawns and node.args and _is_text(node.args[0]):
            out.append(f"{name}:{node.lineno}: {called}() with a command string")
        if called in ("__import__", "importlib.import_module", "import_module"):
            literal = node.args and isinstance(node.args[0], ast.Constant)
            if not literal and (name, functions.get(node, "")) not in _DYNAMIC_IMPORT_SITES:
                out.append(f"{name}:{node.lineno}: {called}() of a computed name")
    return out


# Reviewed uses of marshal and pickle, none of which reads input from a user or a repository:
# - cache.py: netlint's own catalog cache (~/.cache/netlint), written atomically by netlint;
#   marshal builds values (never runs code) and `_plain` refuses anything but plain data.
# - parallel.py (--jobs): loaded files and findings a forked child of this very process sends
#   back on a pipe.
_REVIEWED = {
    "netlint/cache.py:21: import marshal",
    "netlint/cache.py:87: marshal.loads()",
    "netlint/parallel.py:25: import pickle",
    "netlint/parallel.py:391: pickle.Unpickler()",
}


def test_source_has_no_shell_eval_pickle_or_unsafe_yaml() -> None:
    found: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += violations(path.read_text("utf-8"), path.relative_to(ROOT).as_posix())
    assert sorted(set(found) - _REVIEWED) == []
    assert sorted(_REVIEWED - set(found)) == [], "a reviewed exception moved or went: update it"


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "import subprocess\nsubprocess.run('helm template .', shell=True)\n",
            ["shell=", "with a command string"],
        ),
        ("Launch('etcd', script, shell=True)\n", []),  # a field named shell is no shell
        ("import subprocess\nsubprocess.run(f'kubectl {x}')\n", ["with a command string"]),
        ("import subprocess\nsubprocess.check_output('a' + b)\n", ["with a command string"]),
        ("import os\nos.system('ls')\n", ["os.system()"]),
        ("import os\nos.popen('ls')\n", ["os.popen()"]),
        ("eval(text)\n", ["eval()"]),
        ("exec(code)\n", ["exec()"]),
        ("import pickle\npickle.loads(b)\n", ["import pickle", "pickle.loads()"]),
        ("import pickle\npickle.Unpickler(f).load()\n", ["import pickle", "pickle.Unpickler()"]),
        ("from pickle import loads\n", ["from pickle import"]),
        ("import yaml\nyaml.load(s, Loader=yaml.Loader)\n", ["yaml.load()", "Loader"]),
        ("from ruamel.yaml import YAML\nYAML(typ='unsafe')\n", ["YAML(typ='unsafe')"]),
        ("import importlib\nimportlib.import_module(name)\n", ["of a computed name"]),
        ("__import__(user_text)\n", ["of a computed name"]),
        ("from subprocess import getoutput\n", ["from subprocess import getoutput"]),
    ],
)
def test_the_source_check_catches_each_construct(snippet: str, expected: list[str]) -> None:
    found = violations(snippet, "x.py")
    assert len(found) == len(expected), found
    for item, what in zip(found, expected, strict=True):
        assert what in item


def test_argument_list_subprocess_calls_are_allowed() -> None:
    ok = (
        "import subprocess\nsubprocess.run(['helm', 'template', chart], check=False, shell=False)\n"
    )
    assert violations(ok, "x.py") == []


def test_dynamic_imports_only_load_netlint_modules() -> None:
    from netlint import explain, report

    targets = [*report._REGISTRY.values(), *(t for _, t in explain.TABLES.values())]
    assert targets
    assert all(re.fullmatch(r"netlint(\.\w+)+:\w+", t) for t in targets), targets


# --- manifest text cannot drive the terminal or the workflow log ------------------------------

HOSTILE = r"""apiVersion: v1
kind: Service
metadata:
  name: "web\e[2J\e[H\e]0;pwned\a"
  namespace: "ns\r::add-mask::secret"
  annotations:
    "ignore.netlint.io/NL\e]8;;https://evil.example/\e\\click\e]8;;\e\\": "a reason"
    "ignore.netlint.io/x\n::set-output name=x::y": "reason"
    "ignore.netlint.io/\u202eNL201": "reason"
spec:
  type: LoadBalancer
  externalTrafficPolicy: "Loc\e[31mal\n::error::fake"
  selector: {app: web}
"""
# Manifest-made file names: ESC and a newline with a workflow command after it.
EVIL_FILE = "evil\x1b[2J\n::error::x.yaml"
EVIL_PIPE = "pipe\x1b]0;t\x07.yaml"
OBJECT = r"Service ns\r::add-mask::secret/web\x1b[2J\x1b[H\x1b]0;pwned\x07"


def _hostile_tree(tmp_path: Path) -> Path:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "evil.yaml").write_text(HOSTILE)
    (folder / EVIL_FILE).write_text("a: [1\n")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / EVIL_PIPE)
    return folder


def _only_newlines(text: str) -> bool:
    return _UNSAFE.search(text.replace("\n", "")) is None


def test_hostile_values_are_escaped_in_text_output(tmp_path: Path) -> None:
    _hostile_tree(tmp_path)
    result = run_cli("check", "d", cwd=tmp_path)
    assert result.returncode == 1
    assert _only_newlines(result.stdout) and _only_newlines(result.stderr)
    heads = [line for line in result.stdout.splitlines() if line.startswith("d/")]
    assert heads == [  # "evil\x1b..." sorts before "evil.yaml"
        r"d/evil\x1b[2J\n::error::x.yaml:1:6: error NL001 YAML syntax error: did not find "
        "expected ',' or ']' (while parsing a flow sequence). kubectl and Helm reject this "
        "file; nothing after this point in the document was checked",
        r"d/evil.yaml:7:5: warning NL006 suppression annotation ignore.netlint.io/NL\x1b]8;;"
        r"https://evil.example/\x1b\click\x1b]8;;\x1b\ names no netlint rule; use a rule ID "
        "(NL201), a rule name, or `all` (`netlint rules` lists them) (" + OBJECT + ")",
        r"d/evil.yaml:8:5: warning NL006 suppression annotation ignore.netlint.io/x\n"
        "::set-output name=x::y names no netlint rule; use a rule ID (NL201), a rule name, or "
        "`all` (`netlint rules` lists them) (" + OBJECT + ")",
        r"d/evil.yaml:9:5: warning NL006 suppression annotation ignore.netlint.io/\u202eNL201 "
        "names no netlint rule; use a rule ID (NL201), a rule name, or `all` (`netlint rules` "
        "lists them) (" + OBJECT + ")",
        r"d/evil.yaml:12:26: error NL202 spec.externalTrafficPolicy is 'Loc\x1b[31mal\n"
        "::error::fake': the API server accepts only Cluster or Local (case-sensitive) and "
        "rejects the Service; use Cluster or Local (" + OBJECT + ")",
    ]
    if hasattr(os, "mkfifo"):
        assert result.stderr == (
            r"netlint: d/pipe\x1b]0;t\x07.yaml: a named pipe (FIFO), not a regular file; "
            "skipped\n"
        )


def test_hostile_values_cannot_inject_workflow_commands(tmp_path: Path) -> None:
    _hostile_tree(tmp_path)
    result = run_cli("check", "d", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert _only_newlines(result.stdout) and _only_newlines(result.stderr)
    lines = result.stdout.splitlines()
    # one command per finding plus the summary: no line of the manifests' making
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error",
        "::warning",
        "::warning",
        "::warning",
        "::error",
        "netlint:",
    ]
    assert lines[0].startswith(r"::error file=d/evil\x1b[2J\n%3A%3Aerror%3A%3Ax.yaml,line=1,col=6,")
    for line in lines[:5]:
        assert line.count("::") >= 2
        head, _, message = line.partition("::")[2].partition("::")
        assert "::add-mask::" not in head and "\n" not in message


def test_json_and_sarif_keep_hostile_text_as_escaped_strings(tmp_path: Path) -> None:
    _hostile_tree(tmp_path)
    for fmt in ("json", "sarif"):
        result = run_cli("check", "--format", fmt, "d", cwd=tmp_path)
        assert result.returncode == 1
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        doc = json.loads(result.stdout)
        text = json.dumps(doc, ensure_ascii=False)
        assert "web\\u001b[2J" in text
