"""`.netlint.yaml` / `[tool.netlint]`: finding the config, and the config a run uses.

The pydantic models that validate a config file live in netlint/config_model.py and are
imported only when there is a file to read: importing pydantic and building the models costs
more than checking a small file. A run without a config file gets `default_config()`, a
read-only view of the models' defaults kept in netlint's cache (netlint/cache.py) and built
from the models whenever the cache lacks it, so the two never differ."""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, cast

from netlint.model import Media as Media  # re-exported: checks/storage.py reads config.Media

if TYPE_CHECKING:
    from collections.abc import Sequence

    from netlint.catalog import RuleMeta
    from netlint.config_model import ConfigModel

CONFIG_NAMES = (".netlint.yaml", ".netlint.yml")
PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class Config:
    model: ConfigModel  # the validated file, or the defaults (`Defaults`, same attributes)
    path: str | None = None  # where it came from, for messages and exclude locations
    base_dir: str | None = None  # the folder of the config file: `exclude.path` is relative to it
    exclude_lines: tuple[int, ...] = ()  # line of each exclude entry in the config file
    abspath: str | None = None  # absolute path of the config file (SARIF URIs of NL007)

    @property
    def is_default(self) -> bool:
        return isinstance(self.model, Defaults)


def find_config(start: FsPath) -> FsPath | None:
    """Nearest .netlint.yaml (or .yml) upward from `start`, or a pyproject.toml with a
    [tool.netlint] table; a pyproject.toml without one is passed over."""
    here = start.resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_netlint(pyproject):
            return pyproject
    return None


def _has_tool_netlint(path: FsPath) -> bool:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        doc = toml_loads(text)
    except ValueError:  # broken TOML: it is ours if it says so, and loading it reports the error
        return re.search(r"^\s*\[\[?\s*tool\s*\.\s*netlint\b", text, re.M) is not None
    tool = doc.get("tool")
    return isinstance(tool, dict) and "netlint" in tool


def toml_loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from None
    return doc


def load_config(
    path: FsPath | None,
    display: str | None = None,
    rules: Sequence[RuleMeta] | None = None,
) -> Config:
    """Read and validate a config file (None: the defaults). Rule IDs and names in it are
    checked against `rules` (default: the installed catalog). Raises FileError with
    `file:line: key: what is wrong`."""
    if path is None:
        return default_config()
    from netlint.config_model import load_file

    return load_file(path, display, rules)


def default_config() -> Config:
    return Config(default_model())


class Defaults:
    """A read-only stand-in for a config model holding nothing but its defaults: the same
    attributes with the same values (sub-models are Defaults too; tests/test_config.py walks
    every field of ConfigModel and compares)."""

    __slots__ = ("_fields", "_model")

    def __init__(self, model: str, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(f"{self._model} has no field {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._model} is read-only")

    def __repr__(self) -> str:
        return f"Defaults({self._model})"


@functools.lru_cache(maxsize=1)
def default_model() -> ConfigModel:
    from netlint.cache import cached

    here = FsPath(__file__).resolve().parent
    shaping = [here / "config.py", here / "config_model.py", here / "custom" / "catalog_models.py"]
    tree = cached("config-defaults", shaping, _dump_defaults, _same, _same)
    return cast("ConfigModel", _view(tree))


def _same(value: Any) -> Any:
    return value


def _dump_defaults() -> Any:
    """ConfigModel() as plain data: a model is ["model", name, {field: value}]; lists and
    dicts of plain values are kept as they are (marshal stores them, netlint/cache.py)."""
    from pydantic import BaseModel

    from netlint.config_model import ConfigModel

    def dump(value: Any) -> Any:
        if isinstance(value, BaseModel):
            fields = {name: dump(getattr(value, name)) for name in type(value).model_fields}
            return {_MODEL: type(value).__name__, "fields": fields}
        if isinstance(value, list):
            return [dump(v) for v in value]
        if isinstance(value, dict):
            return {k: dump(v) for k, v in value.items()}
        if value is None or type(value) in (str, int, float, bool):
            return value
        raise ValueError(f"a default of type {type(value).__name__}: extend _dump_defaults")

    return dump(ConfigModel())


_MODEL = "\0model"  # no config key can hold a NUL


def _view(tree: Any) -> Any:
    if isinstance(tree, dict):
        if _MODEL in tree:
            return Defaults(tree[_MODEL], {k: _view(v) for k, v in tree["fields"].items()})
        return {k: _view(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_view(v) for v in tree]
    return tree


def __getattr__(name: str) -> Any:
    """The models and helpers of netlint/config_model.py, imported when asked for."""
    if name.startswith("__"):
        raise AttributeError(name)
    import netlint.config_model as models

    try:
        return getattr(models, name)
    except AttributeError:
        raise AttributeError(f"module 'netlint.config' has no attribute {name!r}") from None
