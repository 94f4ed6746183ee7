"""The terminal experience: the progress line (TTY only), --quiet, and the github format
chosen by itself under GitHub Actions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from integration_support import run_on_tty

from netlint.progress import MANY_FILES, Progress, wanted

GOLDEN = ROOT / "tests" / "golden" / "demo" / "check-examples.txt"
CLEAR = "\r\x1b[K"


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_waits_for_a_long_run_then_redraws_in_place() -> None:
    stream, clock = FakeTty(), Clock()
    progress = Progress(stream, clock=clock, delay=0.5, many_files=200)
    progress(1, 40)
    clock.now += 0.4
    progress(10, 40)
    assert stream.getvalue() == ""  # short so far: nothing
    clock.now += 0.2
    progress(12, 40)
    clock.now += 0.05
    progress(13, 40)  # within the redraw interval: skipped
    clock.now += 0.1
    progress(20, 40)
    progress(40, 40)  # the last file is always drawn
    progress.close()
    assert stream.getvalue() == (
        f"{CLEAR}netlint: 12/40 files{CLEAR}netlint: 20/40 files{CLEAR}netlint: 40/40 files{CLEAR}"
    )


def test_progress_starts_at_once_for_many_files() -> None:
    stream = FakeTty()
    progress = Progress(stream, clock=Clock(), many_files=200)
    progress(1, 200)
    assert stream.getvalue() == f"{CLEAR}netlint: 1/200 files"


def test_a_short_run_leaves_no_trace() -> None:
    stream = FakeTty()
    progress = Progress(stream, clock=Clock())
    progress(1, 3)
    progress(3, 3)
    progress.close()
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    ("stream", "env", "expected"),
    [
        (FakeTty(), {}, True),
        (io.StringIO(), {}, False),  # a pipe or a file
        (FakeTty(), {"PRE_COMMIT": "1"}, False),  # pre-commit replays the hook's pty output
        (FakeTty(), {"CI": "true"}, False),
        (FakeTty(), {"TERM": "dumb"}, False),
    ],
    ids=["tty", "not-a-tty", "pre-commit", "ci", "dumb-terminal"],
)
def test_progress_is_wanted_only_on_an_interactive_terminal(
    stream: io.StringIO, env: dict[str, str], expected: bool
) -> None:
    assert wanted(stream, env) is expected


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many")
    for i in range(MANY_FILES):
        (root / f"cm-{i:03}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: v\n", "utf-8"
        )
    return root


def test_progress_on_a_terminal_is_cleared_at_the_end(many: Path) -> None:
    result = run_on_tty("check", ".", cwd=many, stream="stderr")
    assert result.returncode == 0
    assert result.pipe == f"No findings in {MANY_FILES} files.\n".encode()
    shown = result.tty.decode("utf-8")
    draws = shown.split(CLEAR)
    assert draws[0] == "" and draws[-1] == ""  # starts and ends by clearing the line
    assert draws[1] == f"netlint: 1/{MANY_FILES} files"
    assert draws[-2] == f"netlint: {MANY_FILES}/{MANY_FILES} files"
    assert "\n" not in shown


def test_no_progress_bytes_when_stderr_is_not_a_terminal(many: Path) -> None:
    result = run_cli("check", ".", cwd=many)
    assert (result.returncode, result.stderr) == (0, "")
    # stdout on a terminal, stderr a pipe: still nothing on stderr
    on_tty = run_on_tty("check", ".", cwd=many, stream="stdout")
    assert on_tty.pipe == b""
    assert on_tty.tty == f"No findings in {MANY_FILES} files.\n".encode()


def test_quiet_prints_findings_only_and_no_progress(many: Path) -> None:
    result = run_cli("check", "examples/", "--quiet", cwd=ROOT)
    assert result.returncode == 1, result.describe()
    golden = GOLDEN.read_text("utf-8").splitlines()
    assert golden[-2:] == ["", "Found 4 findings (3 errors, 1 warning) in 4 of 9 files."]
    assert result.stdout.splitlines() == golden[:-2]
    clean = run_cli("check", "examples/fixed/", "-q", cwd=ROOT)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")
    on_tty = run_on_tty("check", ".", "--quiet", cwd=many, stream="stderr")
    assert (on_tty.returncode, on_tty.tty, on_tty.pipe) == (0, b"", b"")


def test_github_actions_gets_annotations_without_asking() -> None:
    result = run_cli("check", "examples/", cwd=ROOT, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1, result.describe()
    commands = [
        line.split("::", 2)[1] for line in result.stdout.splitlines() if line.startswith("::")
    ]
    assert [c.split(",title=")[0] for c in commands] == [
        "error file=examples/calico-installation.yaml,line=9,col=10,endLine=9,endColumn=14",
        "error file=examples/etcd.yaml,line=56,col=27,endLine=56,endColumn=39",
        "warning file=examples/ingress-nginx.yaml,line=13,col=1,endLine=13,endColumn=5",
        "error file=examples/invoice-archiver.yaml,line=15,col=44,endLine=15,endColumn=53",
    ]
    assert [c.split(",title=")[1] for c in commands] == [
        "NL101 pod-mtu-too-large",
        "NL301 etcd-slow-storage",
        "NL201 ingress-client-ip-lost",
        "NL401 workload-pinned-outside",
    ]
    # an explicit format wins over the environment
    text = run_cli(
        "check", "examples/", "--format", "text", cwd=ROOT, env={"GITHUB_ACTIONS": "true"}
    )
    assert text.stdout == GOLDEN.read_text("utf-8")


def test_text_report_wraps_to_the_terminal_at_most_120_columns() -> None:
    wide = run_on_tty("check", "examples/", cwd=ROOT, stream="stdout", columns=200)
    lines = wide.tty.decode("utf-8").splitlines()
    assert max(len(line) for line in lines) == 120
    assert lines[0] == (
        "examples/calico-installation.yaml:9:10: error NL101 Calico (Installation default): pod "
        "MTU 1500 + VXLAN 50 = 1550 > the"
    )
    assert lines[1].startswith("    node MTU 1500 (cluster.node_mtu): VXLAN adds 50 bytes")
    assert wide.tty.decode("utf-8").split() == GOLDEN.read_text("utf-8").split()


def test_wrap_measures_text_without_colour_codes() -> None:
    from netlint.report.text import wrap

    red, reset = "\x1b[1;31m", "\x1b[0m"
    line = f"a.yaml:1:1: {red}error{reset} NL002 one two three four"
    assert wrap(line, 31) == [f"a.yaml:1:1: {red}error{reset} NL002 one two", "    three four"]
    assert wrap("  note: x.yaml:2:3: alpha beta gamma", 26) == [
        "  note: x.yaml:2:3: alpha",
        "      beta gamma",
    ]
    long_word = "x" * 50
    assert wrap(f"a {long_word} b", 20) == ["a", f"    {long_word}", "    b"]
