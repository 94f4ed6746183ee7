"""Reading small YAML files (config, rule metadata) with positions, and placing pydantic
validation errors on the line of the offending key: `file:line: key.path: what is wrong`."""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable, Sequence
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from netlint.load import LoadedFile, decode, load_text
from netlint.model import Severity, SourceFile

MAX_CONFIG_BYTES = 8 * 1024 * 1024  # configs and rule files; far above any real one

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError
    from pydantic_core import ErrorDetails

Loc = tuple[str | int, ...]


class FileError(Exception):
    """A config-like file cannot be used; `messages` are `file:line: what is wrong`."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def load_yaml_file(path: FsPath, display: str | None = None) -> tuple[Any, LoadedFile | None]:
    from netlint.inputs import TooBig, read_input

    name = display or str(path)
    try:
        raw = read_input(path, MAX_CONFIG_BYTES)  # a hostile repository can hold the config
    except TooBig as exc:
        size = f"{exc.size} bytes" if exc.size is not None else f"over {MAX_CONFIG_BYTES} bytes"
        message = (
            f"{name}:1: cannot read: the file is {size}; netlint reads at most "
            f"{MAX_CONFIG_BYTES} bytes of a config or rule file"
        )
        raise FileError([message]) from None
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
        raise FileError(
            [f"{name}:{p.span.line}: {_problem_message(p.code, p.message)}" for p in bad]
        )
    if not loaded.documents:
        return None, loaded
    if len(loaded.documents) > 1:
        second = loaded.documents[1].node.start_mark.line + 1
        raise FileError([f"{name}:{second}: expected one YAML document, found several"])
    return loaded.documents[0].data, loaded


def _problem_message(code: str, message: str) -> str:
    if code == "syntax":
        return f"invalid YAML: {message}"
    if code == "duplicate-key":
        # the loader words it for manifests ("Kubernetes keeps the last value"); here the
        # reader is editing a config file, so keep only what and where
        m = re.match(r"duplicate key .*?\(first at line \d+\)", message)
        return (m.group(0) if m else message) + ": delete one of the two"
    return message


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice a typo most likely meant: fewest edits (a swapped letter O for a zero is one
    edit), ties broken by difflib's similarity; None when nothing is close."""
    close = difflib.get_close_matches(word, choices, n=8, cutoff=0.7)
    if not close:
        return None
    return min(close, key=lambda c: (_edits(word.lower(), c.lower()), close.index(c)))


def _edits(a: str, b: str) -> int:
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def format_validation_error(
    exc: ValidationError,
    loaded: LoadedFile | None,
    name: str,
    prefix: Loc = (),
    line_of: Callable[[Loc], int] | None = None,
    model: type[BaseModel] | None = None,
) -> list[str]:
    """One `file:line: key.path: what is wrong` per pydantic error, ordered by line.

    `line_of(path)` may override how a path is located (TOML has no node tree); `model` (the
    validated class, at `prefix`) lets an unknown key suggest the closest known one."""
    out: list[tuple[int, int, str]] = []
    for number, err in enumerate(exc.errors()):
        loc: Loc = prefix + tuple(p for p in err["loc"] if not _is_model_tag(p))
        line = line_of(loc) if line_of is not None else yaml_line(loaded, loc)
        known = None
        if model is not None and err["type"] == "extra_forbidden":
            known = known_keys(model, loc[len(prefix) : -1])
        out.append((line, number, f"{name}:{line}: {key_path(loc)}: {describe_error(err, known)}"))
    return [message for _, _, message in sorted(out)]


def yaml_line(loaded: LoadedFile | None, loc: Sequence[str | int]) -> int:
    """Line of the key at `loc` in a one-document file, or of its deepest existing parent
    when it is missing (a missing `reason` points at its exclude entry)."""
    if loaded is None or not loaded.documents:
        return 1
    from netlint.positions import resolve

    key_node, node, _ = resolve(loaded.documents[0].node, tuple(loc))
    target = key_node if key_node is not None else node
    return int(target.start_mark.line) + 1


def key_path(loc: Sequence[str | int]) -> str:
    """`cluster.node_mtu`, `exclude[0].reason`, `cluster.storage_classes["fast.ssd"]`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            text += f".{part}" if text else part
        else:
            text += f'["{part}"]'
    return text or "(top level)"


def describe_input(value: Any) -> str:
    """A value as the user wrote it (YAML spelling), short."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    return str(value)


def describe_error(err: ErrorDetails, known: Sequence[str] | None = None) -> str:
    """Say what is wrong and what is expected, shorter than pydantic's wording."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    got = describe_input(err.get("input"))
    if kind == "extra_forbidden":
        if not known:
            return "unknown key"
        key = str(err["loc"][-1]) if err["loc"] else ""
        guess = closest(key, known)
        if guess:
            return f"unknown key, did you mean {guess}?"
        return f"unknown key; expected one of: {', '.join(known)}"
    if kind == "missing":
        return "required key is missing"
    if kind in ("enum", "literal_error"):
        return f"expected one of: {', '.join(_choices(str(ctx.get('expected', ''))))}; got {got}"
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return f"expected {expected}, got {got}"
    if kind == "int_from_float":
        return f"expected a whole number, got {got}"
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"expected a date like 2027-03-31 (YYYY-MM-DD), got {got}"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("greater than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"must be {words} {ctx.get(key)}, got {got}"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"must be at least {ctx.get('min_length')} characters long"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "string_pattern_mismatch":
        return f"{got} does not match the pattern {ctx.get('pattern')}"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    message = str(err["msg"])
    return re.sub(r"^(Value|Assertion) error, ", "", message)


_EXPECTED = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date like 2027-03-31 (YYYY-MM-DD)",
}

_SEVERITY_ORDER = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]


def _choices(expected: str) -> list[str]:
    """`"'note', 'warning' or 'error'"` -> ['note', 'warning', 'error'] (severities ranked)."""
    items = re.findall(r"'((?:[^'\\]|\\.)*)'", expected) or [expected]
    if sorted(items) == sorted(_SEVERITY_ORDER):
        return list(_SEVERITY_ORDER)
    return items


def known_keys(model: type[BaseModel], path: Sequence[str | int]) -> list[str] | None:
    """Field names of the model found by walking `path` from `model` (None if not a model)."""
    from pydantic import BaseModel

    tp: Any = model
    for step in path:
        tp = _unwrap(tp)
        origin = get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(step))
            if field is None:
                return None
            tp = field.annotation
        elif origin in (list, tuple, set, frozenset) and isinstance(step, int):
            tp = get_args(tp)[0]
        elif origin is dict:
            tp = get_args(tp)[1]
        else:
            return None
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return None


def _unwrap(tp: Any) -> Any:
    from pydantic import BaseModel

    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or origin is types.UnionType:
            members = [a for a in get_args(tp) if a is not type(None)]
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            tp = models[0] if models else members[0]
        else:
            return tp


def _is_model_tag(part: Any) -> bool:
    # pydantic puts union member names / function names into loc for tagged unions
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)
