"""Which files a run reads: paths, recursive directories, stdin."""

from __future__ import annotations

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
        except FileNotFoundError:
            out.errors.append(f"{raw}: no such file or directory")
            continue
        except OSError as exc:
            out.errors.append(f"{raw}: {exc.strerror or exc}")
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
            out.errors.append(f"{display_path(folder, base)}: {exc.strerror or exc}")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    stack.append(FsPath(entry.path))
                    continue
                if not entry.name.endswith(EXTENSIONS):
                    continue
                if not entry.is_file():
                    out.skipped.append(
                        f"{display_path(FsPath(entry.path), base)}: not a regular file; skipped"
                    )
                    continue
            except OSError as exc:
                out.errors.append(
                    f"{display_path(FsPath(entry.path), base)}: {exc.strerror or exc}"
                )
                continue
            found.append(FsPath(entry.path))
    for path in sorted(found, key=lambda p: p.as_posix()):
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        out.files.append(InputFile(display_path(path, base), path))
