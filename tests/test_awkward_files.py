"""Awkward files: wrong encodings, binary files, pipes, devices, sockets, symlink loops,
permission denied and files removed mid-run. Each gets one clear message, the run goes on,
and the exit code says so: a finding (NL001) for content netlint cannot read as YAML, exit 2
for a file it was asked to read and could not, a notice for entries of a walked directory
that are not files (they are skipped, as git skips them)."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from typer.testing import CliRunner

from netlint import api
from netlint.cli import app
from netlint.load import decode

OK = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n"
# a duplicate key on line 5: findings must keep their lines whatever the encoding
DUP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: again\n"
DUP_FINDING = ("NL002", 5)


def _invoke(cwd: Path, args: list[str]) -> tuple[int, dict[str, Any], str]:
    """The CLI in-process (typer's CliRunner) in `cwd`: exit code, JSON report, stderr."""
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, ["check", "--format", "json", *args])
    finally:
        os.chdir(before)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout), result.stderr


def check(cwd: Path, *args: str) -> tuple[int, list[tuple[str, str, int]], str]:
    code, report, stderr = _invoke(cwd, list(args))
    return code, [(f["rule"], f["file"], f["line"]) for f in report["findings"]], stderr


def messages(cwd: Path, *args: str) -> list[tuple[str, int, str]]:
    report = _invoke(cwd, list(args))[1]
    return [(f["rule"], f["line"], f["message"]) for f in report["findings"]]


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + DUP.encode(),
        codecs.BOM_UTF16_LE + DUP.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + DUP.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + DUP.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + DUP.encode("utf-32-be"),
        codecs.BOM_UTF16_LE + DUP.replace("\n", "\r\n").encode("utf-16-le"),
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom", "utf16-crlf"],
)
def test_unicode_with_a_byte_order_mark_is_read_with_true_lines(
    tmp_path: Path, encoded: bytes
) -> None:
    (tmp_path / "m.yaml").write_bytes(encoded)
    assert check(tmp_path, "m.yaml") == (1, [("NL002", "m.yaml", 5)], "")


@pytest.mark.parametrize(
    ("codec", "name"),
    [
        ("utf-16-le", "UTF-16-LE"),
        ("utf-16-be", "UTF-16-BE"),
        ("utf-32-le", "UTF-32-LE"),
        ("utf-32-be", "UTF-32-BE"),
    ],
)
def test_utf16_and_utf32_without_a_byte_order_mark_are_named(
    tmp_path: Path, codec: str, name: str
) -> None:
    (tmp_path / "m.yaml").write_bytes(OK.encode(codec))
    assert messages(tmp_path, "m.yaml") == [
        (
            "NL001",
            1,
            f"cannot read the file as YAML: {name} text without a byte-order mark; save the "
            "file as UTF-8 (or start it with a byte-order mark)",
        )
    ]


def test_latin1_file_is_reported_at_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    text = OK + "  city: Tromsø\n"
    (tmp_path / "latin1.yaml").write_bytes(text.encode("latin-1"))
    offset = text.index("ø")
    assert messages(tmp_path, "latin1.yaml") == [
        (
            "NL001",
            7,
            f"cannot read the file as YAML: not valid UTF-8 (byte {offset}, line 7); save the "
            "file as UTF-8",
        )
    ]


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",  # an image
        b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,  # a program
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",  # a zip archive
    ],
    ids=["png", "elf", "zip"],
)
def test_binary_file_with_a_yaml_name(tmp_path: Path, raw: bytes) -> None:
    (tmp_path / "image.yaml").write_bytes(raw)
    (tmp_path / "ok.yaml").write_text(OK)
    assert messages(tmp_path, ".") == [
        ("NL001", 1, "cannot read the file as YAML: binary file (NUL bytes); not YAML or JSON")
    ]


def test_invalid_utf8_without_nul_bytes_is_not_called_binary(tmp_path: Path) -> None:
    (tmp_path / "noise.yaml").write_bytes(b"\xc3\x28\xa0\xa1\xe2\x28\xa1\n")
    assert messages(tmp_path, "noise.yaml") == [
        (
            "NL001",
            1,
            "cannot read the file as YAML: not valid UTF-8 (byte 0, line 1); save the file as "
            "UTF-8",
        )
    ]


def test_nul_byte_late_in_a_text_file_is_a_syntax_finding_with_its_line(tmp_path: Path) -> None:
    text = OK + "#" * 9000 + "\n  c: x\x00y\n"  # past the 8 KiB binary sniff
    (tmp_path / "late.yaml").write_bytes(text.encode())
    report = _invoke(tmp_path, ["late.yaml"])[1]
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in report["findings"]] == [
        (
            "NL001",
            8,
            7,
            "YAML syntax error: unacceptable character #x0000: control characters are not "
            "allowed. kubectl and Helm reject this file; nothing after this point in the "
            "document was checked",
        )
    ]  # regression: reader errors carry only a byte offset, and were put on line 1


def _special_entries(folder: Path) -> list[str]:
    """A FIFO, a socket, a link out of the tree (to a device), a broken link and a link loop,
    all named like manifests. Returns the notices netlint must give for them, in path order."""
    os.mkfifo(folder / "pipe.yaml")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "sock.yaml"))
    finally:
        sock.close()
    (folder / "null.yaml").symlink_to(os.devnull)
    (folder / "dangling.yaml").symlink_to("missing.yaml")
    (folder / "loop-a.yaml").symlink_to("loop-b.yaml")
    (folder / "loop-b.yaml").symlink_to("loop-a.yaml")
    return [
        "netlint: d/dangling.yaml: broken symbolic link (to missing.yaml, which does not "
        "exist); skipped",
        "netlint: d/loop-a.yaml: symbolic link loop (the link leads back to itself); skipped",
        "netlint: d/loop-b.yaml: symbolic link loop (the link leads back to itself); skipped",
        "netlint: d/null.yaml: symbolic link to /dev/null, outside the checked directory and "
        "the working directory; skipped (name it on the command line to check it)",
        "netlint: d/pipe.yaml: a named pipe (FIFO), not a regular file; skipped",
        "netlint: d/sock.yaml: a socket, not a regular file; skipped",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_special_entries_in_a_directory_are_skipped_with_a_notice(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "ok.yaml").write_text(OK)
    (folder / "z-dup.yaml").write_text(DUP)
    notices = _special_entries(folder)
    code, findings, stderr = check(tmp_path, "d")
    assert findings == [("NL002", "d/z-dup.yaml", 5)]
    assert code == 1  # the finding; skipped entries alone do not fail the run
    assert stderr.splitlines() == notices
    (folder / "z-dup.yaml").unlink()
    assert check(tmp_path, "d") == (0, [], "\n".join(notices) + "\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_named_on_the_command_line_without_a_writer_does_not_hang(tmp_path: Path) -> None:
    """Opened non-blocking: with no writer it reads as empty at once (the timeout of run_cli is
    only a guard: a hang fails the test instead of stalling the suite)."""
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "dup.yaml").write_text(DUP)
    result = run_cli("check", "--format", "json", "pipe.yaml", "dup.yaml", cwd=tmp_path, timeout=30)
    assert result.returncode == 1, result.describe()
    assert result.json()["summary"]["files"] == 2
    assert [(f["rule"], f["file"], f["line"]) for f in result.json()["findings"]] == [
        ("NL002", "dup.yaml", 5)
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/fd is POSIX")
def test_pipe_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    """`netlint check <(helm template ./chart)`: the shell passes /dev/fd/N, a pipe."""
    read_end, write_end = os.pipe()
    os.write(write_end, DUP.encode())
    os.close(write_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "netlint", "check", "--format", "json", f"/dev/fd/{read_end}"],
            pass_fds=(read_end,),
            capture_output=True,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    finally:
        os.close(read_end)
    report = json.loads(proc.stdout)
    assert proc.returncode == 1, proc.stderr
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [DUP_FINDING]


def test_device_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    """/dev/zero would never end and a terminal would wait for typing: devices are not read."""
    (tmp_path / "dup.yaml").write_text(DUP)
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    code, findings, stderr = check(tmp_path, "/dev/zero", "dup.yaml")
    assert (code, findings) == (2, [("NL002", "dup.yaml", 5)])
    assert stderr == "netlint: /dev/zero: cannot read: a character device, not a file\n"


def test_links_that_lead_nowhere_named_on_the_command_line_are_errors(tmp_path: Path) -> None:
    (tmp_path / "dangling.yaml").symlink_to("missing.yaml")
    (tmp_path / "loop-a.yaml").symlink_to("loop-b.yaml")
    (tmp_path / "loop-b.yaml").symlink_to("loop-a.yaml")
    (tmp_path / "dup.yaml").write_text(DUP)
    code, findings, stderr = check(tmp_path, "dangling.yaml", "loop-a.yaml", "dup.yaml")
    assert (code, findings) == (2, [("NL002", "dup.yaml", 5)])
    assert stderr.splitlines() == [
        "netlint: dangling.yaml: broken symbolic link (to missing.yaml, which does not exist)",
        "netlint: loop-a.yaml: symbolic link loop (the link leads back to itself)",
    ]


def test_directory_symlink_loops_are_walked_once(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "dup.yaml").write_text(DUP)
    (tmp_path / "d" / "sub" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "d" / "sub" / "self").symlink_to(".", target_is_directory=True)
    assert check(tmp_path, "d") == (1, [("NL002", "d/sub/dup.yaml", 5)], "")


def _after_discovery(monkeypatch: pytest.MonkeyPatch, cwd: Path, action: Any) -> None:
    """Run `action` between discovering the files and reading them, in `cwd`."""
    found = api.discover

    def discover_then_act(*args: Any, **kwargs: Any) -> Any:
        result = found(*args, **kwargs)
        action()
        return result

    monkeypatch.setattr(api, "discover", discover_then_act)
    monkeypatch.chdir(cwd)


def test_file_removed_between_discovery_and_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-gone.yaml").write_text(OK)
    (tmp_path / "b-dup.yaml").write_text(DUP)
    _after_discovery(monkeypatch, tmp_path, lambda: (tmp_path / "a-gone.yaml").unlink())
    report = api.lint(["."], cwd=tmp_path)
    assert report.errors == ["a-gone.yaml: cannot read: it was removed after the run found it"]
    assert [(f.rule, f.file.path, f.span.line) for f in report.findings] == [
        ("NL002", "b-dup.yaml", 5)
    ]
    (tmp_path / "a-gone.yaml").write_text(OK)
    result = CliRunner().invoke(app, ["check", "--format", "json", "."])
    assert result.exit_code == 2
    assert (
        result.stderr
        == "netlint: a-gone.yaml: cannot read: it was removed after the run found it\n"
    )
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["NL002"]


def test_file_replaced_by_a_link_loop_after_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: resolving the path of a file that became a link loop raised RuntimeError
    (Python before 3.13), which is no OSError: the run crashed instead of reporting it."""
    loop = tmp_path / "a-loop.yaml"
    loop.write_text(OK)
    (tmp_path / "b-dup.yaml").write_text(DUP)
    _after_discovery(monkeypatch, tmp_path, lambda: (loop.unlink(), loop.symlink_to(loop.name)))
    report = api.lint(["."], cwd=tmp_path)
    assert report.errors == [
        "a-loop.yaml: cannot read: symbolic link loop (the link leads back to itself)"
    ]
    assert [(f.rule, f.span.line) for f in report.findings] == [DUP_FINDING]


# --- permission denied, for real -------------------------------------------------------------
# CI runs as root, and root reads files whatever their mode. So the run happens in a forked
# child that has dropped to uid/gid 65534 (nobody): the kernel refuses the open exactly as it
# would for a CI user. The parent imports everything first (the child may not be able to read
# the interpreter's own files), the child runs the CLI through typer's CliRunner.

NOBODY = 65534


@pytest.fixture
def world_dir() -> Iterator[Path]:
    """A directory nobody can reach (tmp_path lies under a 0700 directory of root's)."""
    folder = Path(tempfile.mkdtemp(prefix="netlint-perm-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for sub in folder.rglob("*"):
            if sub.is_dir() and not sub.is_symlink():
                sub.chmod(0o755)
        shutil.rmtree(folder)


def _invoke_as(uid: int | None, cwd: Path, args: list[str]) -> tuple[int, str, str]:
    runner = CliRunner()
    runner.invoke(app, ["check", "--format", "json", str(cwd)])  # the imports, as root
    if uid is None:
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(cwd)
            res = runner.invoke(app, args)
        return res.exit_code, res.stdout, res.stderr
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.chdir(cwd)
            res = runner.invoke(app, args)
            data = json.dumps([res.exit_code, res.stdout, res.stderr]).encode()
            while data:
                data = data[os.write(write_end, data) :]
        except BaseException as exc:
            os.write(write_end, json.dumps([99, "", repr(exc)]).encode())
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    code, out, err = json.loads(b"".join(chunks))
    if code == 99:
        pytest.skip(f"cannot run as uid {uid} here: {err}")
    return code, out, err


def _as_unprivileged(cwd: Path, args: list[str]) -> tuple[int, str, str]:
    if sys.platform == "win32":
        pytest.skip("file modes do not deny reading on Windows")
    if os.geteuid() != 0:
        return _invoke_as(None, cwd, args)  # file modes apply to us already
    return _invoke_as(NOBODY, cwd, args)


def test_permission_denied_file_and_directory(world_dir: Path) -> None:
    (world_dir / "ok.yaml").write_text(OK)
    (world_dir / "dup.yaml").write_text(DUP)
    secret = world_dir / "secret.yaml"
    secret.write_text(OK)
    secret.chmod(0)
    closed = world_dir / "closed"
    closed.mkdir()
    (closed / "inner.yaml").write_text(DUP)
    closed.chmod(0o311)  # can pass through, cannot list
    code, out, err = _as_unprivileged(world_dir, ["check", "--format", "json", "."])
    assert code == 2, err
    assert err.splitlines() == [
        "netlint: closed: cannot list the directory: permission denied",
        "netlint: secret.yaml: cannot read: permission denied",
    ]
    report = json.loads(out)
    assert [(f["rule"], f["file"], f["line"]) for f in report["findings"]] == [
        ("NL002", "dup.yaml", 5)
    ]
    assert report["summary"]["files"] == 2  # dup.yaml and ok.yaml: the run went on
    # named explicitly, the file inside the unlistable directory is still read
    code, out, err = _as_unprivileged(world_dir, ["check", "--format", "json", "closed/inner.yaml"])
    assert (code, err) == (1, "")
    assert secret.stat().st_mode & 0o777 == 0 and stat.S_ISREG(secret.stat().st_mode)


def test_decode_reasons_are_exact() -> None:
    assert decode(codecs.BOM_UTF16_LE + b"\x00\xd8") == (
        None,
        "not valid UTF-16-LE at byte 2",
    )
    assert decode(b"") == ("", None)


def test_links_out_of_the_tree_are_not_followed_in_a_walk(tmp_path: Path) -> None:
    """A pull request can commit `leak.yaml -> /etc/...`: a directory walk does not read what a
    link leads to outside the checked directory and the working directory (so nothing of it can
    reach a report); links inside are followed, and a path named on the command line is read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(DUP)
    work = tmp_path / "work"
    (work / "d" / "shared").mkdir(parents=True)
    (work / "d" / "shared" / "common.yaml").write_text(DUP)
    (work / "other.yaml").write_text(DUP)
    (work / "d" / "leak.yaml").symlink_to(outside / "secret.yaml")
    (work / "d" / "leakdir").symlink_to(outside, target_is_directory=True)
    (work / "d" / "common.yaml").symlink_to("shared/common.yaml")  # inside the walked directory
    (work / "d" / "up.yaml").symlink_to("../other.yaml")  # inside the working directory
    code, findings, stderr = check(work, "d")
    assert findings == [
        ("NL002", "d/common.yaml", 5),  # the link and its target are one file: read once
        ("NL002", "d/up.yaml", 5),
    ]
    assert code == 1
    assert stderr.splitlines() == [
        f"netlint: d/leak.yaml: symbolic link to {outside / 'secret.yaml'}, outside the checked "
        "directory and the working directory; skipped (name it on the command line to check it)",
        f"netlint: d/leakdir: symbolic link to {outside}, outside the checked directory and the "
        "working directory; skipped (name it on the command line to check it)",
    ]
    # named explicitly, the user asked for it: read
    assert check(work, "d/leak.yaml") == (1, [("NL002", "d/leak.yaml", 5)], "")
