"""`.netlint.yaml` / `[tool.netlint]`: the pydantic models, and validation with errors on file
lines. Imported only when there is a config file to read (or its schema to print): a run
without one uses the defaults of netlint/config.py, which need no pydantic."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from netlint.config import CONFIG_NAMES as CONFIG_NAMES
from netlint.config import PYPROJECT, Config, toml_loads
from netlint.custom.catalog_models import CatalogOverrides
from netlint.model import Media as Media  # re-exported: checks/storage.py reads config.Media
from netlint.model import Severity
from netlint.validation import (
    FileError,
    Loc,
    closest,
    describe_error,
    describe_input,
    format_validation_error,
    key_path,
    known_keys,
    load_yaml_file,
    yaml_line,
)

if TYPE_CHECKING:
    from netlint.catalog import RuleMeta

FailOn = Literal["error", "warning", "note", "never"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """`exclude:` with nothing after it means the default, not "expected a list"."""
        if isinstance(data, dict):
            fields = cls.model_fields
            return {
                k: v
                for k, v in data.items()
                if not (v is None and k in fields and not fields[k].is_required())
            }
        return data


def _jurisdiction(item: str) -> str:
    if item not in ("EEA", "adequacy") and not re.fullmatch(r"[A-Z]{2}", item):
        raise PydanticCustomError(
            "jurisdiction",
            "{item} is not a jurisdiction; expected EEA, adequacy or a two-letter ISO 3166 "
            "country code in capitals (e.g. NO, CH)",
            {"item": repr(item)},
        )
    return item


Jurisdiction = Annotated[
    str,
    AfterValidator(_jurisdiction),
    WithJsonSchema({"type": "string", "pattern": r"^(EEA|adequacy|[A-Z]{2})$"}),
]


class ClusterProfile(_Model):
    """Facts about the cluster that manifests cannot tell."""

    node_mtu: int | None = Field(
        default=None,
        ge=576,
        le=65535,
        description="MTU of the node network (underlay). Default 1500, or the provider preset.",
    )
    ip_family: Literal["ipv4", "ipv6", "dual"] = Field(
        default="ipv4", description="IP family of the pod network."
    )
    provider: str | None = Field(
        default=None, description="Cloud provider (aws, gcp, azure, openstack, ...): presets."
    )
    region: str | None = Field(default=None, description="Region the cluster itself runs in.")
    storage_classes: dict[str, Media] = Field(
        default_factory=dict, description="StorageClass name -> storage media."
    )
    default_storage_class: str | None = Field(
        default=None, description="The cluster's default StorageClass when none is in the run."
    )
    allowed_jurisdictions: list[Jurisdiction] = Field(
        default_factory=lambda: ["EEA"],
        description="Where data may live: EEA, adequacy, or ISO 3166 country codes (NO, CH).",
    )


def _one_or_many(value: Any) -> Any:
    """`rule: NL002` is short for `rule: [NL002]`."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if not value:
            raise PydanticCustomError("rule_empty", "must name at least one rule")
        return value
    raise PydanticCustomError(
        "rule_type",
        "expected a rule ID, prefix or name (NL002, NL0, duplicate-key), or a list of them; "
        "got {got}",
        {"got": describe_input(value)},
    )


RuleTokens = Annotated[
    list[str],
    BeforeValidator(_one_or_many),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ]
        }
    ),
]


class RuleSettings(_Model):
    severity: Severity | None = Field(default=None, description="Override the rule's severity.")
    params: dict[str, Any] = Field(default_factory=dict, description="Rule parameters.")


class ExcludeEntry(_Model):
    """Suppress findings on objects you cannot annotate (third-party manifests). Every field
    given must match; at least one of rule, kind, namespace, name, path is required."""

    rule: RuleTokens | None = Field(
        default=None, description="Rule ID, ID prefix (NL3) or rule name; or a list of them."
    )
    kind: str | None = Field(default=None, min_length=1, description="Object kind, exactly.")
    namespace: str | None = Field(
        default=None, min_length=1, description="Object namespace, exactly."
    )
    name: str | None = Field(default=None, min_length=1, description="Object name glob (etcd-*).")
    path: str | None = Field(
        default=None,
        min_length=1,
        description="File path glob, relative to the config file's folder or the working "
        "directory (vendor/*).",
    )
    reason: str = Field(
        min_length=1, pattern=r"\S", description="Why these findings do not apply; required."
    )
    until: dt.date | None = Field(
        default=None, description="Last day this entry suppresses (YYYY-MM-DD); then it expires."
    )

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise PydanticCustomError(
                "reason_empty", "must say why the findings are excluded (it is empty)"
            )
        return value

    @model_validator(mode="after")
    def _selects_something(self) -> ExcludeEntry:
        if all(v is None for v in (self.rule, self.kind, self.namespace, self.name, self.path)):
            raise PydanticCustomError(
                "exclude_everything",
                "an exclude entry needs at least one of rule, kind, namespace, name, path "
                "(it would hide every finding)",
            )
        return self

    def rules(self) -> list[str]:
        return list(self.rule or [])


class LimitsModel(_Model):
    max_depth: int = Field(default=400, ge=10, le=5000, description="Deepest YAML nesting checked.")
    max_nodes_per_document: int = Field(
        default=2_000_000, ge=1000, description="Most nodes per document (with aliases expanded)."
    )
    max_nodes_per_file: int = Field(
        default=5_000_000,
        ge=1000,
        description="Most nodes per file, all documents together (with aliases expanded).",
    )
    max_file_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description="Largest file (or stdin) read, in bytes; a bigger one is refused unread.",
    )
    max_documents_per_file: int = Field(
        default=10_000,
        ge=1,
        description="Most YAML documents checked per file; the rest are refused.",
    )


class IngressMatcher(_Model):
    """Recognise an in-house or unlisted ingress controller's Service (NL2xx). A Service
    matches when every field given matches."""

    name: str = Field(min_length=1, description="Name used in messages, e.g. edge-proxy.")
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Labels the Service (or its selector) must carry, all of them; values "
        "are globs (`*` = any).",
    )
    service_names: list[str] = Field(default_factory=list, description="Service name globs.")
    namespaces: list[str] = Field(default_factory=list, description="Namespaces (globs).")
    images: list[str] = Field(
        default_factory=list,
        description="Image globs of the selected pods' containers (e.g. registry.corp/edge/*).",
    )

    @model_validator(mode="after")
    def _something(self) -> IngressMatcher:
        if not (self.labels or self.service_names or self.namespaces or self.images):
            raise ValueError("give at least one of labels, service_names, namespaces, images")
        return self


class ConfigModel(_Model):
    """netlint configuration: `.netlint.yaml`, or `[tool.netlint]` in pyproject.toml."""

    cluster: ClusterProfile = Field(default_factory=ClusterProfile)
    select: list[str] = Field(
        default_factory=list, description="Only these rules (ID, prefix, name)."
    )
    ignore: list[str] = Field(default_factory=list, description="Never these rules.")
    rules: dict[str, RuleSettings] = Field(
        default_factory=dict, description="Per rule (ID or name): severity and parameters."
    )
    exclude: list[ExcludeEntry] = Field(default_factory=list)
    ingress_controllers: list[IngressMatcher] = Field(
        default_factory=list,
        description="Extra ingress controllers to recognise (NL2xx), beside the built-in ones.",
    )
    limits: LimitsModel = Field(default_factory=LimitsModel)
    fail_on: FailOn | None = Field(
        default=None,
        description="Default for --fail-on: exit 1 when a finding is at or above this "
        "severity (the command-line option wins).",
    )
    rules_dirs: list[str] = Field(
        default_factory=list,
        description="Folders of custom rules (<ID>-<name>/rule.yaml + pass/ + fail/), relative "
        "to the config file's folder.",
    )
    catalogs: CatalogOverrides = Field(
        default_factory=CatalogOverrides,
        description="Entries merged over netlint's data catalogs (storage media, ingress "
        "controllers, regions), for this config only.",
    )


def load_file(
    path: FsPath, display: str | None = None, rules: Sequence[RuleMeta] | None = None
) -> Config:
    """Read and validate a config file. Rule IDs and names in it are checked against `rules`
    (default: the installed catalog). Raises FileError with `file:line: key: what is wrong`."""
    name = display or str(path)
    if path.name == PYPROJECT:
        return _load_pyproject(path, name, rules)
    data, loaded = load_yaml_file(path, name)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FileError(
            [
                f"{name}:{yaml_line(loaded, ())}: the config must be a mapping of sections "
                f"(cluster:, select:, rules:, exclude:, ...), got {describe_input(data)}"
            ]
        )

    def line_of(loc: Loc) -> int:
        return yaml_line(loaded, loc)

    model = _validate(data, name, line_of, rules, path.resolve().parent)
    lines = tuple(line_of(("exclude", i)) for i in range(len(model.exclude)))
    return Config(model, name, str(path.resolve().parent), lines, str(path.resolve()))


def _validate(
    data: dict[str, Any],
    name: str,
    line_of: Callable[[Loc], int],
    rules: Sequence[RuleMeta] | None,
    base_dir: FsPath | None = None,
) -> ConfigModel:
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        raise FileError(
            format_validation_error(exc, None, name, line_of=line_of, model=ConfigModel)
        ) from None
    problems = _check_custom(model, name, base_dir)
    if rules is None and model.rules_dirs:
        # rule names may name custom rules: check them against those too, and not at all when
        # the custom rules are broken (the command that loads them says why)
        rules = None if problems else _with_custom_rules(model, base_dir)
        if rules is not None:
            problems += _check_rule_names(model, data, rules)
    else:
        problems += _check_rule_names(model, data, rules)
    if problems:
        placed = sorted((line_of(loc), i, loc, msg) for i, (loc, msg) in enumerate(problems))
        raise FileError([f"{name}:{line}: {key_path(loc)}: {msg}" for line, _, loc, msg in placed])
    return model


def _check_custom(model: ConfigModel, name: str, base_dir: FsPath | None) -> list[tuple[Loc, str]]:
    """`rules_dirs` are folders; `catalogs` entries merge into catalogs the checks can read."""
    from netlint.custom.catalogs import problems

    base = base_dir or FsPath.cwd()
    out: list[tuple[Loc, str]] = [
        (("rules_dirs", i), f"{folder}: no such directory (relative to {base})")
        for i, folder in enumerate(model.rules_dirs)
        if not (base / folder).is_dir()
    ]
    return out + [(loc, msg) for loc, msg in problems(model.catalogs, name)]


def _with_custom_rules(model: ConfigModel, base_dir: FsPath | None) -> Sequence[RuleMeta] | None:
    """The built-in rules and the config's custom rules; None when either is broken (the
    command that loads them reports why)."""
    from netlint.catalog import CatalogError, load_rules
    from netlint.custom import combine, custom_rules

    base = base_dir or FsPath.cwd()
    try:
        builtin = load_rules()
        return combine(builtin, custom_rules([base / d for d in model.rules_dirs], builtin))
    except CatalogError:
        return None


def _check_rule_names(
    model: ConfigModel, data: dict[str, Any], rules: Sequence[RuleMeta] | None
) -> list[tuple[Loc, str]]:
    """Rule selectors, `rules:` keys and their params checked against the rule catalog."""
    if rules is None:
        from netlint.catalog import CatalogError, load_rules

        try:
            rules = load_rules()
        except CatalogError:
            return []  # the command reports the broken catalog itself
    from netlint.suppress import rule_matches

    names = sorted({key for r in rules for key in (r.id, r.name, *r.aliases)})
    out: list[tuple[Loc, str]] = []

    def unknown(token: str, what: str) -> str:
        guess = closest(token, names)
        hint = f", did you mean {guess}?" if guess else " (`netlint rules` lists them)"
        return f"{token!r} is not {what}{hint}"

    selector = "a rule ID, ID prefix or rule name"
    for section in ("select", "ignore"):
        for i, token in enumerate(getattr(model, section)):
            if not any(rule_matches(token, r) for r in rules):
                out.append(((section, i), unknown(token, selector)))
    for i, entry in enumerate(model.exclude):
        scalar = isinstance(data["exclude"][i].get("rule"), str)
        for j, token in enumerate(entry.rules()):
            if not any(rule_matches(token, r) for r in rules):
                where: Loc = ("exclude", i, "rule") if scalar else ("exclude", i, "rule", j)
                out.append((where, unknown(token, selector)))
    for key, settings in model.rules.items():
        rule = next((r for r in rules if key in (r.id, r.name, *r.aliases)), None)
        if rule is None:
            out.append((("rules", key), unknown(key, "a rule ID or name")))
        elif settings.params:
            out.extend(_check_params(key, rule, settings.params))
    return out


def _check_params(key: str, rule: RuleMeta, params: dict[str, Any]) -> list[tuple[Loc, str]]:
    from netlint.checks import REGISTRY

    check = REGISTRY.get(rule.check)
    if check is None:
        return []
    if check.params is None:
        return [(("rules", key, "params"), f"{rule.id} takes no parameters")]
    try:
        check.params.model_validate({**rule.params, **params})
    except ValidationError as exc:
        out: list[tuple[Loc, str]] = []
        for err in exc.errors():
            loc: Loc = ("rules", key, "params", *err["loc"])
            known = None
            if err["type"] == "extra_forbidden":
                known = known_keys(check.params, tuple(err["loc"])[:-1])
            out.append((loc, describe_error(err, known)))
        return out
    return []


def _load_pyproject(path: FsPath, name: str, rules: Sequence[RuleMeta] | None) -> Config:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise FileError([f"{name}:1: cannot read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise FileError([f"{name}:1: not valid UTF-8 (byte {exc.start})"]) from None
    try:
        doc = toml_loads(text)
    except ValueError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = m.group(1) if m else str(max(1, len(text.splitlines())))
        what = re.sub(r"\s*\(at line \d+, column (\d+)\)", r" (column \1)", str(exc))
        raise FileError([f"{name}:{line}: invalid TOML: {what}"]) from None
    lines = text.splitlines()

    def line_of(loc: Loc) -> int:
        return toml_line(lines, ("tool", "netlint", *loc))

    tool = doc.get("tool")
    if not isinstance(tool, dict) or "netlint" not in tool:
        raise FileError([f"{name}:1: no [tool.netlint] table: nothing to configure"])
    data = tool["netlint"]
    if not isinstance(data, dict):
        raise FileError(
            [f"{name}:{line_of(())}: tool.netlint: expected a table, got {describe_input(data)}"]
        )
    model = _validate(data, name, line_of, rules, path.resolve().parent)
    lines_of_excludes = tuple(line_of(("exclude", i)) for i in range(len(model.exclude)))
    return Config(model, name, str(path.resolve().parent), lines_of_excludes, str(path.resolve()))


# ---- TOML positions: tomllib keeps none, so a small scanner maps key paths to lines ---------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_line(lines: Sequence[str], loc: Sequence[str | int]) -> int:
    """Line of the deepest part of `loc` (a key path from the document root; list indices for
    arrays of tables and array elements) that the file defines; 1 when nothing matches."""
    target = tuple(loc)
    best_len, best_line = 0, 1
    for path, line in _toml_paths(lines):
        n = len(path)
        if n > best_len and target[:n] == path:
            best_len, best_line = n, line
    return best_line


def _toml_paths(lines: Sequence[str]) -> list[tuple[tuple[str | int, ...], int]]:
    """Every (key path, line) defined by tables, arrays of tables, keys and array elements."""
    out: list[tuple[tuple[str | int, ...], int]] = []
    table: tuple[str | int, ...] = ()
    array_index: dict[tuple[str | int, ...], int] = {}
    number = 0
    total = len(lines)
    while number < total:
        raw = lines[number]
        number += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            is_array = stripped.startswith("[[")
            keys, _ = _parse_key(stripped, 2 if is_array else 1)
            path = _with_indices(tuple(keys), array_index)
            if is_array:
                index = array_index.get(path, -1) + 1
                array_index[path] = index
                # a new element forgets the sub-arrays of the previous one
                for known in [k for k in array_index if k[: len(path)] == path and k != path]:
                    del array_index[known]
                path = (*path, index)
            table = path
            out.append((table, number))
            continue
        keys, pos = _parse_key(raw, 0)
        if not keys or pos >= len(raw) or raw[pos] != "=":
            continue
        defined = (*table, *keys)
        out.append((defined, number))
        value_start = pos + 1
        while value_start < len(raw) and raw[value_start] in " \t":
            value_start += 1
        if raw.startswith("[", value_start):
            number = _scan_array(lines, number - 1, value_start, defined, out)
        elif raw.startswith(('"""', "'''"), value_start):
            quote = raw[value_start : value_start + 3]
            if raw.count(quote, value_start + 3) == 0:
                while number < total and quote not in lines[number]:
                    number += 1
                number += 1
    return out


def _with_indices(
    keys: tuple[str | int, ...], array_index: dict[tuple[str | int, ...], int]
) -> tuple[str | int, ...]:
    """`[tool.netlint.exclude.x]` after `[[tool.netlint.exclude]]` is inside its last element."""
    out: tuple[str | int, ...] = ()
    for i, key in enumerate(keys):
        out = (*out, key)
        if out in array_index and i < len(keys) - 1:
            out = (*out, array_index[out])
    return out


def _parse_key(text: str, start: int) -> tuple[list[str], int]:
    """Dotted key at `start` (after leading space): its parts, and the index after it."""
    keys: list[str] = []
    i = start
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i >= len(text):
            return keys, i
        ch = text[i]
        if ch in "\"'":
            end = text.find(ch, i + 1)
            while ch == '"' and end > 0 and text[end - 1] == "\\":
                end = text.find(ch, end + 1)
            if end < 0:
                return keys, len(text)
            keys.append(text[i + 1 : end])
            i = end + 1
        else:
            m = _BARE_KEY.match(text, i)
            if m is None:
                return keys, i
            keys.append(m.group(0))
            i = m.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return keys, i


def _scan_array(
    lines: Sequence[str],
    row: int,
    col: int,
    path: tuple[str | int, ...],
    out: list[tuple[tuple[str | int, ...], int]],
) -> int:
    """Record the line of each element of the array starting at lines[row][col] ('[');
    returns the row after the array. Inline tables are one line each in TOML, so every
    deeper key of an element is on the element's line."""
    depth = 0
    index = -1
    expect_value = False
    while row < len(lines):
        text = lines[row]
        i = col
        while i < len(text):
            ch = text[i]
            if ch == "#":
                break
            if ch in "\"'":
                triple = text.startswith(ch * 3, i)
                if depth == 1 and expect_value:
                    index += 1
                    out.append(((*path, index), row + 1))
                    expect_value = False
                if triple:
                    end = text.find(ch * 3, i + 3)
                    if end < 0:  # multi-line string inside an array: skip to its end
                        row += 1
                        while row < len(lines) and ch * 3 not in lines[row]:
                            row += 1
                        if row >= len(lines):
                            return row
                        text = lines[row]
                        i = text.find(ch * 3) + 3
                        continue
                    i = end + 3
                    continue
                end = i + 1
                while end < len(text) and text[end] != ch:
                    end += 2 if ch == '"' and text[end] == "\\" else 1
                i = end + 1
                continue
            if ch in "[{":
                if depth == 1 and expect_value:
                    index += 1
                    out.append(((*path, index), row + 1))
                    expect_value = False
                depth += 1
                if depth == 1:
                    expect_value = True
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return row + 1
            elif ch == ",":
                if depth == 1:
                    expect_value = True
            elif ch not in " \t" and depth == 1 and expect_value:
                index += 1
                out.append(((*path, index), row + 1))
                expect_value = False
            i += 1
        row += 1
        col = 0
    return row


def config_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the config file, for editors and `check-jsonschema`."""
    schema = ConfigModel.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "netlint configuration (.netlint.yaml)",
    }
