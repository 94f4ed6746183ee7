"""`.netlint.yaml` / `[tool.netlint]`: finding the config, and the config a run uses.

The pydantic models that validate a config file live in netlint/config_model.py: importing
pydantic and building the models costs more than checking a small file. A run without a config
file gets `default_config()`, a read-only view of the models' defaults kept in netlint's cache
(netlint/cache.py) and built from the models whenever the cache lacks it, so the two never
differ. A config file is validated once: the cache keeps the result under the file's bytes
(and the code and rules that judge it), and later runs read a read-only view of it
(`Validated`) without importing pydantic."""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field, replace
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
    # rule ID -> (what was validated: the rule's params with this config's overrides, as JSON;
    # the result, as plain data): kept with the file in the cache (`_load_file`), so that a run
    # reads their view (`restore_tree`) instead of validating them (engine.run)
    params: dict[str, tuple[str, Any]] = field(default_factory=dict, compare=False, repr=False)

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
    return _load_file(path, display, rules)


def default_config() -> Config:
    return Config(default_model())


class Validated:
    """A read-only view of a validated model (a config file's, a custom rule's params), read
    back from netlint's cache: the model's fields with their values (sub-models are views too)
    and the results of the methods in CALLS (tests/test_config_cache.py compares every field
    and call with the model's)."""

    __slots__ = ("_calls", "_fields", "_model")

    def __init__(self, model: str, fields: dict[str, Any], calls: dict[str, Any]) -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_fields", fields)
        object.__setattr__(self, "_calls", calls)

    def __getattr__(self, name: str) -> Any:
        fields = self._fields
        if name in fields:
            return fields[name]
        if name in self._calls:
            result = self._calls[name]
            return lambda: list(result) if isinstance(result, list) else result
        raise AttributeError(f"{self._model} has no field {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._model} is read-only")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._model})"


class Defaults(Validated):
    """A read-only stand-in for a config model holding nothing but its defaults: the same
    attributes with the same values (sub-models are Defaults too; tests/test_config.py walks
    every field of ConfigModel and compares)."""

    __slots__ = ()

    def __init__(
        self, model: str, fields: dict[str, Any], calls: dict[str, Any] | None = None
    ) -> None:
        super().__init__(model, fields, calls or {})


@functools.lru_cache(maxsize=1)
def default_model() -> ConfigModel:
    from netlint.cache import cached

    here = FsPath(__file__).resolve().parent
    shaping = [here / "config.py", here / "config_model.py", here / "custom" / "catalog_models.py"]
    tree = cached("config-defaults", shaping, _dump_defaults, _same, _same)
    return cast("ConfigModel", restore_tree(tree, Defaults))


def _same(value: Any) -> Any:
    return value


def _dump_defaults() -> Any:
    """ConfigModel() as plain data (`dump_tree`)."""
    from netlint.config_model import ConfigModel

    return dump_tree(ConfigModel())


# tags in the plain data of `dump_tree`: a config key that starts with NUL is never kept
_MODEL = "\0model"


def __getattr__(name: str) -> Any:
    """The models and helpers of netlint/config_model.py, imported when asked for."""
    if name.startswith("__"):
        raise AttributeError(name)
    import netlint.config_model as models

    try:
        return getattr(models, name)
    except AttributeError:
        raise AttributeError(f"module 'netlint.config' has no attribute {name!r}") from None


# --- a validated config file, kept in netlint's cache ------------------------------------------

# the modules whose code decides what a valid config holds (with the config file, the key)
_FILE_SHAPING = (
    "config.py",
    "config_model.py",
    "validation.py",
    "custom/catalog_models.py",
    # the params models of the checks (tests/test_config_cache.py), with what they call
    "checks/mtu/params.py",
    "custom/checks.py",
    "custom/params.py",
    "custom/match.py",
    "custom/selector.py",
    "custom/schema.py",
    "custom/fieldpath.py",
    # `catalogs:` entries are merged into the built-in catalogs and read by these readers
    "custom/catalogs.py",
    "checks/storage.py",
    "checks/ingress/recognise.py",
    "checks/locality/regions.py",
)
# the built-in catalogs that `catalogs:` entries merge into (custom/catalogs.py)
_FILE_CATALOGS = ("storage_media", "ingress_controllers", "regions")
# the methods of the models that runs call, kept as their results (a view has no code)
CALLS: dict[str, tuple[str, ...]] = {"ExcludeEntry": ("rules",), "CatalogOverrides": ("given",)}
_DATE = "\0date"
_SEVERITY = "\0severity"
_TUPLE = "\0tuple"


def _load_file(path: FsPath, display: str | None, rules: Sequence[RuleMeta] | None) -> Config:
    from netlint.cache import cached

    def build() -> Config:
        from netlint.config_model import load_file

        return load_file(path, display, rules)

    token = _rules_token(rules)
    if token is None:  # a broken catalog: validating says why
        return build()
    from netlint.catalog import rules_root

    here = FsPath(__file__).resolve().parent
    data = rules_root() / "data"
    inputs = [
        path,
        *(here / name for name in _FILE_SHAPING),
        *(data / f"{name}.yaml" for name in _FILE_CATALOGS),
    ]
    given = rules is not None  # else custom rules of `rules_dirs` take part (config_model.py)
    where = f"{display or path}\0{path.resolve()}\0{int(given)}\0{token}"

    def dump(config: Config) -> Any:
        stamp = None if given else _custom_stamp(config)
        return [*_dump_file(config), _params_of(config, rules), stamp]

    def restore(tree: Any) -> Config:
        *kept, params, stamp = tree
        config = _restore_file(kept)
        if stamp is not None and stamp != _custom_stamp(config):
            raise ValueError("the custom rules changed")  # validated again, and kept anew
        return replace(config, params={k: (v[0], v[1]) for k, v in params.items()})

    slot = f"{display or path}\0{path.resolve()}"
    return cached("config-file", inputs, build, dump, restore, extra=where, slot=slot)


def rule_settings(table: dict[str, Any], rule: RuleMeta) -> Any:
    """The config's `rules:` entry of `rule`: under its ID, its name or an alias, first found."""
    for key in (rule.id, rule.name, *rule.aliases):
        if key in table:
            return table[key]
    return None


def params_key(params: dict[str, Any]) -> str:
    """What a rule's params are validated from, as text (`Config.params`)."""
    import json

    return json.dumps(params, sort_keys=True, default=repr)


def _params_of(config: Config, rules: Sequence[RuleMeta] | None) -> dict[str, Any]:
    """`Config.params` of a validated config: each rule its `rules:` section gives params,
    validated by the rule's check's model with them (as engine.run does)."""
    from netlint.checks import REGISTRY
    from netlint.custom import load_all_rules

    known = rules if rules is not None else load_all_rules(config)
    out: dict[str, Any] = {}
    for rule in known:
        check = REGISTRY.get(rule.check)
        settings = rule_settings(config.model.rules, rule)
        if check is None or check.load_params is None or settings is None or not settings.params:
            continue
        merged = {**rule.params, **settings.params}
        try:  # pydantic's ValidationError is a ValueError too
            out[rule.id] = [
                params_key(merged),
                dump_tree(check.load_params().model_validate(merged)),
            ]
        except ValueError:
            continue  # not kept: the run validates them
    return out


def _custom_stamp(config: Config) -> str | None:
    """The custom rules of a config's `rules_dirs` as `_rules_token` sees them (None without
    any); ValueError when they do not load: such a config is validated by every run."""
    if not config.model.rules_dirs:
        return None
    from netlint.catalog import CatalogError
    from netlint.custom import load_all_rules

    try:
        token = _rules_token(load_all_rules(config))
    except CatalogError:
        token = None
    if token is None:
        raise ValueError("custom rules that do not load")
    return token


def _rules_token(rules: Sequence[RuleMeta] | None) -> str | None:
    """What of the rule catalog a config is checked against (netlint/config_model.py,
    _check_rule_names): each rule's ID, name, aliases and params."""
    if rules is None:
        from netlint.catalog import CatalogError, load_rules

        try:
            rules = load_rules()
        except CatalogError:
            return None
    import json

    table = [[r.id, r.name, list(r.aliases), r.params] for r in rules]
    try:
        return json.dumps(table, sort_keys=True, default=repr)
    except ValueError:
        return None


def _dump_file(config: Config) -> list[Any]:
    """A validated Config as plain data (ValueError for values a view cannot hold)."""
    return [
        dump_tree(config.model),
        config.path,
        config.base_dir,
        list(config.exclude_lines),
        config.abspath,
    ]


def dump_tree(value: Any) -> Any:
    """A validated model as plain data for netlint's cache (marshal), for `restore_tree`: a
    model is {_MODEL: name, "fields": ..., "calls": ...}, a date, a tuple and a Severity are
    tagged by a key that starts with NUL. ValueError for anything else, and for a mapping whose
    keys could be taken for a tag: such a model is not kept."""
    import datetime as dt

    from pydantic import BaseModel

    from netlint.model import Severity

    if isinstance(value, BaseModel):
        name = type(value).__name__
        fields = {f: dump_tree(getattr(value, f)) for f in type(value).model_fields}
        calls = {m: dump_tree(getattr(value, m)()) for m in CALLS.get(name, ())}
        return {_MODEL: name, "fields": fields, "calls": calls}
    if isinstance(value, Severity):
        return {_SEVERITY: value.value}
    if type(value) is list:
        return [dump_tree(v) for v in value]
    if type(value) is tuple:
        return {_TUPLE: [dump_tree(v) for v in value]}
    if type(value) is dict:
        if not all(type(k) is str and not k.startswith("\0") for k in value):
            raise ValueError("a mapping with keys that are not strings, or that start with NUL")
        return {k: dump_tree(v) for k, v in value.items()}
    if type(value) is dt.date:
        return {_DATE: value.isoformat()}
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise ValueError(f"a value of type {type(value).__name__}")  # not kept: validated each run


def _restore_file(tree: Any) -> Config:
    model, path, base_dir, lines, abspath = tree
    view = restore_tree(model)
    if not isinstance(view, Validated):
        raise ValueError("not a config")
    return Config(cast("ConfigModel", view), path, base_dir, tuple(lines), abspath)


def restore_tree(tree: Any, view: type[Validated] = Validated) -> Any:
    """The read-only view of what `dump_tree` made of a model (its sub-models as `view` too)."""
    if isinstance(tree, dict):
        if _MODEL in tree:
            fields = {k: restore_tree(v, view) for k, v in tree["fields"].items()}
            calls = {k: restore_tree(v, view) for k, v in tree["calls"].items()}
            return view(tree[_MODEL], fields, calls)
        if _DATE in tree:
            import datetime as dt

            return dt.date.fromisoformat(tree[_DATE])
        if _TUPLE in tree:
            return tuple(restore_tree(v, view) for v in tree[_TUPLE])
        if _SEVERITY in tree:
            from netlint.model import Severity

            return Severity(tree[_SEVERITY])
        return {k: restore_tree(v, view) for k, v in tree.items()}
    if isinstance(tree, list):
        return [restore_tree(v, view) for v in tree]
    return tree
