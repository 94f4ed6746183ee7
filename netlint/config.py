"""`.netlint.yaml` / `[tool.netlint]`: pydantic models, discovery, and errors on file lines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netlint.model import Severity
from netlint.validation import FileError, format_validation_error, load_yaml_file

CONFIG_NAMES = (".netlint.yaml", ".netlint.yml")

Media = Literal[
    "local-nvme", "nvme-of", "local-ssd", "local", "network-ssd", "network-hdd", "network-file",
    "ephemeral", "unknown",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClusterProfile(_Model):
    """Facts about the cluster that manifests cannot tell."""

    node_mtu: int | None = Field(
        default=None, ge=576, le=65535,
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
    allowed_jurisdictions: list[str] = Field(
        default_factory=lambda: ["EEA"],
        description="Where data may live: EEA, adequacy, or ISO 3166 country codes.",
    )

    @field_validator("allowed_jurisdictions")
    @classmethod
    def _jurisdictions(cls, value: list[str]) -> list[str]:
        for item in value:
            if item not in ("EEA", "adequacy") and not re.fullmatch(r"[A-Z]{2}", item):
                raise ValueError(f"{item!r} is not EEA, adequacy or an ISO country code (e.g. NO)")
        return value


class RuleSettings(_Model):
    severity: Severity | None = Field(default=None, description="Override the rule's severity.")
    params: dict[str, Any] = Field(default_factory=dict, description="Rule parameters.")


class ExcludeEntry(_Model):
    """Suppress findings on objects you cannot annotate (third-party manifests)."""

    rule: str | list[str] | None = Field(default=None, description="Rule ID, prefix or name.")
    kind: str | None = None
    namespace: str | None = None
    name: str | None = Field(default=None, description="Object name glob.")
    path: str | None = Field(default=None, description="File path glob.")
    reason: str = Field(min_length=1, description="Why; required.")
    until: dt.date | None = Field(default=None, description="Stops suppressing after this date.")

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("reason must say why the findings are excluded")
        return value

    def rules(self) -> list[str]:
        if self.rule is None:
            return []
        return [self.rule] if isinstance(self.rule, str) else list(self.rule)


class LimitsModel(_Model):
    max_depth: int = Field(default=400, ge=10, le=100_000)
    max_nodes_per_document: int = Field(default=2_000_000, ge=1000)


class ConfigModel(_Model):
    cluster: ClusterProfile = Field(default_factory=ClusterProfile)
    select: list[str] = Field(default_factory=list, description="Only these rules (ID, prefix, name).")
    ignore: list[str] = Field(default_factory=list, description="Never these rules.")
    rules: dict[str, RuleSettings] = Field(default_factory=dict)
    exclude: list[ExcludeEntry] = Field(default_factory=list)
    limits: LimitsModel = Field(default_factory=LimitsModel)


@dataclass(frozen=True)
class Config:
    model: ConfigModel
    path: str | None = None  # where it came from, for messages and exclude locations
    base_dir: str | None = None
    exclude_lines: tuple[int, ...] = ()  # line of each exclude entry in the config file


def find_config(start: FsPath) -> FsPath | None:
    """Nearest .netlint.yaml upward from `start`, or a pyproject.toml with [tool.netlint]."""
    here = start.resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_netlint(pyproject):
            return pyproject
    return None


def _has_tool_netlint(path: FsPath) -> bool:
    try:
        return re.search(r"^\[tool\.netlint[\].]", path.read_text("utf-8"), re.M) is not None
    except (OSError, UnicodeDecodeError):
        return False


def load_config(path: FsPath | None, display: str | None = None) -> Config:
    if path is None:
        return Config(ConfigModel())
    name = display or str(path)
    if path.name == "pyproject.toml":
        return _load_pyproject(path, name)
    data, loaded = load_yaml_file(path, name)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FileError([f"{name}:1: the config must be a mapping of sections"])
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        raise FileError(format_validation_error(exc, loaded, name)) from None
    lines: tuple[int, ...] = ()
    if loaded is not None and loaded.documents:
        from netlint.positions import resolve

        root = loaded.documents[0].node
        lines = tuple(
            resolve(root, ("exclude", i))[1].start_mark.line + 1 for i in range(len(model.exclude))
        )
    return Config(model, name, str(path.resolve().parent), lines)


def _load_pyproject(path: FsPath, name: str) -> Config:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        text = path.read_text("utf-8")
        doc = tomllib.loads(text)
    except OSError as exc:
        raise FileError([f"{name}:1: cannot read: {exc.strerror or exc}"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise FileError([f"{name}:{m.group(1) if m else 1}: {exc}"]) from None
    data = doc.get("tool", {}).get("netlint", {})
    lines = text.splitlines()

    def line_of(loc: tuple[Any, ...]) -> int:
        return _toml_line(lines, loc)

    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        raise FileError(format_validation_error(exc, None, name, line_of=line_of)) from None
    return Config(model, name, str(path.resolve().parent), tuple(
        _toml_line(lines, ("exclude", i)) for i in range(len(model.exclude))
    ))


def _toml_line(lines: list[str], loc: tuple[Any, ...]) -> int:
    """Best line for a key path in [tool.netlint...]: the deepest key found by a text scan."""
    best = 1
    section = re.compile(r"^\s*\[\[?tool\.netlint(?P<rest>[^\]]*)\]\]?\s*$")
    in_tool = False
    current: list[str] = []
    for number, raw in enumerate(lines, 1):
        m = section.match(raw)
        if m:
            in_tool = True
            current = [p for p in m.group("rest").split(".") if p]
            if [str(p) for p in loc[: len(current)]] == current and best == 1:
                best = number
            continue
        if raw.lstrip().startswith("["):
            in_tool = False
            continue
        if not in_tool:
            continue
        key = raw.split("=", 1)[0].strip().strip('"')
        depth = len(current)
        if depth < len(loc) and key == str(loc[depth]) and "=" in raw:
            if [str(p) for p in loc[:depth]] == current:
                return number
    return best


def config_json_schema() -> dict[str, Any]:
    schema = ConfigModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "netlint configuration (.netlint.yaml)"
    return schema
