"""Which files a run reads: paths, recursive directories, stdin."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path as FsPath

EXTENSIONS = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class InputFile:
    display: str  # the path shown in reports ('/'-separated, relative to cwd where possible)
    path: FsPath | None  # None for stdin


@dataclass
class Discovery:
    files: list[InputFile]
    errors: list[str]  # `path: what is wrong` (exit 2)
    skipped: list[str]  # quiet notes (FIFOs, devices in directories)


def display_path(path: FsPath, cwd: FsPath) -> str:
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    if rel.startswith(".." + os.sep) or rel == "..":
        return path.as_posix() if path.is_absolute() else rel.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def discover(paths: list[str], cwd: FsPath | None = None, stdin_name: str = "<stdin>") -> Discovery:
    base = cwd or FsPath.cwd()
    out = Discovery([], [], [])
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            out.files.append(InputFile(stdin_name, None))
            continue
        path = FsPath(raw)
        try:
            st = path.stat()
        except OSError as exc:
            out.errors.append(f"{raw}: {stat_problem(path, exc)}")
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(path, base, out, seen)
        else:
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                out.files.append(InputFile(display_path(path, base), path))
    return out


def _walk(root: FsPath, base: FsPath, out: Discovery, seen: set[str]) -> None:
    # Links found while walking are followed only within the walked directory or the working
    # directory: a pull request must not make a CI run read (and quote in its report) a file
    # such as /etc/passwd or a key through a committed link. A path named on the command line
    # is read wherever it leads.
    inside = (os.path.realpath(root), os.path.realpath(base))
    visited_dirs: set[tuple[int, int]] = set()
    stack = [root]
    found: list[FsPath] = []
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            out.errors.append(f"{display_path(folder, base)}: {exc.strerror or exc}")
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in visited_dirs:
            continue  # symlink loop or a directory reached twice
        visited_dirs.add(ident)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            where = display_path(folder, base)
            out.errors.append(f"{where}: cannot list the directory: {read_error(exc)}")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_symlink() and not _leads_inside(entry.path, inside):
                    link = FsPath(entry.path)
                    out.skipped.append(
                        f"{display_path(link, base)}: symbolic link to {link.readlink()}, "
                        "outside the checked "
                        "directory and the working directory; skipped (name it on the command "
                        "line to check it)"
                    )
                    continue
                if entry.is_dir():
                    stack.append(FsPath(entry.path))
                    continue
                if not entry.name.endswith(EXTENSIONS):
                    continue
                if not entry.is_file():
                    out.skipped.append(
                        f"{display_path(FsPath(entry.path), base)}: {_not_a_file(entry)}; skipped"
                    )
                    continue
            except OSError as exc:
                where = display_path(FsPath(entry.path), base)
                if exc.errno == errno.ELOOP:  # a link loop is a broken link: skipped as one
                    out.skipped.append(f"{where}: {stat_problem(FsPath(entry.path), exc)}; skipped")
                else:
                    out.errors.append(f"{where}: {exc.strerror or exc}")
                continue
            found.append(FsPath(entry.path))
    for path in sorted(found, key=lambda p: p.as_posix()):
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        out.files.append(InputFile(display_path(path, base), path))


def _leads_inside(link: str, roots: tuple[str, ...]) -> bool:
    real = os.path.realpath(link)
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def stat_problem(path: FsPath, exc: OSError) -> str:
    """What is wrong with a path that cannot be stat()ed, in words."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link leads back to itself)"
    if isinstance(exc, FileNotFoundError):
        if path.is_symlink():
            return f"broken symbolic link (to {path.readlink()}, which does not exist)"
        return "no such file or directory"
    return str(exc.strerror or exc)


def _not_a_file(entry: os.DirEntry[str]) -> str:
    try:
        st = entry.stat()
    except OSError as exc:
        return stat_problem(FsPath(entry.path), exc)
    for test, kind in _KINDS:
        if test(st.st_mode):
            return f"{kind}, not a regular file"
    if stat.S_ISFIFO(st.st_mode):
        return "a named pipe (FIFO), not a regular file"
    return "not a regular file"


def read_error(exc: OSError) -> str:
    """Why a discovered file could not be read, in words (the run goes on; exit code 2)."""
    if isinstance(exc, FileNotFoundError):
        return "it was removed after the run found it"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link leads back to itself)"
    return str(exc.strerror or exc)


class TooBig(Exception):
    """An input over `limits.max_file_bytes`; `size` is None when unknown (a pipe)."""

    def __init__(self, size: int | None, limit: int) -> None:
        super().__init__(size, limit)
        self.size = size
        self.limit = limit

    def describe(self) -> str:
        if self.size is None:
            return (
                f"it has more than {self.limit} bytes, above limits.max_file_bytes; it is not "
                "read: raise limits.max_file_bytes in the config to check it"
            )
        return (
            f"it is {self.size} bytes, above limits.max_file_bytes ({self.limit}); it is not "
            f"read: set limits: {{max_file_bytes: {self.size}}} in the config to check it"
        )


_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def read_input(path: FsPath, max_bytes: int) -> bytes:
    """The bytes of a regular file or a named pipe, at most `max_bytes` of them.

    Raises OSError for I/O problems and for devices (reading /dev/zero or a terminal would never
    end), TooBig past the limit. The file is opened non-blocking: opening a FIFO with no writer
    then returns at once instead of waiting forever, and reading it gives end-of-file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        for test, kind in _KINDS:
            if test(st.st_mode):
                raise OSError(f"{kind}, not a file")
        if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
            raise TooBig(st.st_size, max_bytes)
        if stat.S_ISFIFO(st.st_mode):
            os.set_blocking(fd, True)  # a writer is there (else read() says end-of-file)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # grew after fstat, or a pipe
                raise TooBig(None, max_bytes)
    finally:
        os.close(fd)
