"""Recognising Calico and Canal objects, and reading the small value shapes they use.

Shared by the Calico/Canal extractor (`calico.py`): which objects are Calico's, the
calico-node container of a DaemonSet, environment variables as calico-node and Felix read
them, booleans as Felix parses them, and places inside strings (JSON in a ConfigMap value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import ScalarNode

from netlint.checks.k8s import EnvVar, containers, env, get
from netlint.checks.mtu import CALICO_CONFIG_MAPS
from netlint.checks.patterns import LazyPattern, lazy
from netlint.load import node_span
from netlint.model import Path, Resource, Span
from netlint.positions import resolve

# the calico/node image, not calico/node-driver-registrar (CSI) or calico/node-windows
_NODE_IMAGE = lazy(r"(?:^|/)calico/node(?:[:@]|$)")
CALICO_GROUPS = frozenset({"projectcalico.org", "crd.projectcalico.org"})
CONFIG_MAP_NAMES = CALICO_CONFIG_MAPS
# Felix's BoolParam accepts these (case-insensitive); anything else is false.
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})


def group(resource: Resource) -> str:
    api = resource.api_version
    return api.split("/", 1)[0] if "/" in api else ""


def is_installation(resource: Resource) -> bool:
    return resource.kind == "Installation" and group(resource) == "operator.tigera.io"


def is_ippool(resource: Resource) -> bool:
    return resource.kind == "IPPool" and group(resource) in CALICO_GROUPS


def is_felix_configuration(resource: Resource) -> bool:
    return resource.kind == "FelixConfiguration" and group(resource) in CALICO_GROUPS


def node_container(resource: Resource) -> tuple[Path, dict[str, Any]] | None:
    """The calico-node container of a (Linux) DaemonSet: named calico-node, or running the
    calico/node image. The Windows DaemonSet (calico/node-windows) is not read."""
    if resource.kind != "DaemonSet":
        return None
    selector = get(resource.data, ("spec", "template", "spec", "nodeSelector"))
    if isinstance(selector, dict) and selector.get("kubernetes.io/os") == "windows":
        return None
    for path, container in containers(resource, init=False):
        image = container.get("image")
        image_text = image if isinstance(image, str) else ""
        if "windows" in image_text:
            continue
        if container.get("name") == "calico-node" or _NODE_IMAGE.search(image_text):
            return path, container
    return None


def referenced_config_maps(resource: Resource) -> list[str]:
    """Names of the ConfigMaps a workload reads keys from (env configMapKeyRef), in order."""
    names: list[str] = []
    for path, container in containers(resource):
        for var in env(path, container):
            if var.config_map is not None and var.config_map[0] not in names:
                names.append(var.config_map[0])
    return names


def is_canal(resource: Resource) -> bool:
    """A calico-node DaemonSet that runs Canal: Calico policy over flannel networking."""
    if (resource.name or "").startswith("canal"):
        return True
    if "canal-config" in referenced_config_maps(resource):
        return True
    for _, container in containers(resource):
        image = container.get("image")
        if isinstance(image, str) and "flannel" in image:
            return True
    return False


def container_env(path: Path, container: dict[str, Any]) -> dict[str, EnvVar]:
    """Env vars by name as calico-node reads them: the last entry of a name wins (as in
    Kubernetes); FELIX_* names are upper-cased because Felix lower-cases every key."""
    out: dict[str, EnvVar] = {}
    for var in env(path, container):
        key = var.name.upper() if var.name.upper().startswith("FELIX_") else var.name
        out[key] = var
    return out


def felix_bool(value: Any) -> bool | None:
    """A boolean as Felix parses it; None when absent or not a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def is_ipv6_cidr(value: Any) -> bool:
    return isinstance(value, str) and ":" in value


@dataclass(frozen=True)
class TextMatch:
    """A regex match inside the text of a scalar, with its span in the file."""

    text: str
    span: Span


def find_in_scalar(
    resource: Resource, path: Path, pattern: re.Pattern[str] | LazyPattern
) -> TextMatch | None:
    """Group 1 of the first match of `pattern` in the source lines of the scalar at `path`
    (a JSON document in a ConfigMap value, block or quoted), with its exact span."""
    _, node, depth = resolve(resource.node, path)
    if depth != len(path) or not isinstance(node, ScalarNode):
        return None
    whole = node_span(node)
    lines = resource.file.lines
    last = whole.end_line
    if whole.end_column == 1 and last > whole.line:
        last -= 1  # a block scalar ends at the start of the next line
    for number in range(whole.line, min(last, len(lines)) + 1):
        text = lines[number - 1]
        start = whole.column - 1 if number == whole.line else 0
        if number == whole.end_line and whole.end_line > whole.line:
            text = text[: whole.end_column - 1]
        m = pattern.search(text, start)
        if m is not None:
            col = m.start(1) + 1
            return TextMatch(m.group(1), Span(number, col, number, col + len(m.group(1))))
    return None
