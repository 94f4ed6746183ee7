"""Reading small YAML files (config, rule metadata) with positions, and placing pydantic
validation errors on the line of the offending key: `file:line: key: what is wrong`."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from netlint.load import LoadedFile, load_text, decode
from netlint.model import SourceFile

if TYPE_CHECKING:
    from pydantic import ValidationError


class FileError(Exception):
    """A config-like file cannot be used; `messages` are `file:line: what is wrong`."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def load_yaml_file(path: FsPath, display: str | None = None) -> tuple[Any, LoadedFile | None]:
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileError([f"{name}:1: cannot read: {exc.strerror or exc}"]) from None
    return load_yaml_text(raw, name)


def load_yaml_text(raw: bytes, name: str) -> tuple[Any, LoadedFile | None]:
    text, reason = decode(raw)
    if text is None:
        raise FileError([f"{name}:1: {reason}"])
    loaded = load_text(SourceFile(name, None, tuple(text.splitlines())), text)
    bad = [p for p in loaded.problems if p.code in ("syntax", "limit", "duplicate-key")]
    if bad:
        raise FileError([f"{name}:{p.span.line}: {p.message}" for p in bad])
    if not loaded.documents:
        return None, loaded
    if len(loaded.documents) > 1:
        second = loaded.documents[1].node.start_mark.line + 1
        raise FileError([f"{name}:{second}: expected one YAML document, found several"])
    return loaded.documents[0].data, loaded


def format_validation_error(
    exc: ValidationError,
    loaded: LoadedFile | None,
    name: str,
    prefix: tuple[str | int, ...] = (),
    line_of: Any = None,
) -> list[str]:
    """One `file:line: key.path: message` per pydantic error. `line_of(path)` may override how
    a path is located (TOML has no node tree)."""
    from netlint.positions import resolve

    messages = []
    for err in exc.errors():
        loc = prefix + tuple(p for p in err["loc"] if not _is_model_tag(p))
        line = 1
        if line_of is not None:
            line = line_of(loc)
        elif loaded is not None and loaded.documents:
            key_node, node, _ = resolve(loaded.documents[0].node, loc)
            target = key_node if key_node is not None else node
            line = target.start_mark.line + 1
        key = ".".join(str(p) for p in loc) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        messages.append(f"{name}:{line}: {key}: {msg}")
    return messages


def _is_model_tag(part: Any) -> bool:
    # pydantic puts union member names / function names into loc for tagged unions
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)
