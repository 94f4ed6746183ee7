"""The node (underlay) MTU from the cluster profile: explicit value, provider preset, default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netlint.catalog import load_data
from netlint.config import Config


@dataclass(frozen=True)
class NodeMtu:
    value: int
    source: str  # said in messages: where the number comes from
    wireguard_path: int | None = None  # a smaller path MTU for WireGuard (Azure: 1400)

    def limit_for(self, encap: str) -> tuple[int, str]:
        """The MTU an encapsulated packet must fit in, and how to say it."""
        if encap == "wireguard" and self.wireguard_path and self.wireguard_path < self.value:
            return (
                self.wireguard_path,
                f"the WireGuard path MTU {self.wireguard_path} ({self.source})",
            )
        return self.value, f"the node MTU {self.value} ({self.source})"


def mtu_data() -> dict[str, Any]:
    data: dict[str, Any] = load_data("mtu")
    return data


def node_mtu(config: Config) -> NodeMtu:
    data = mtu_data()
    cluster = config.model.cluster
    preset: dict[str, Any] = {}
    if cluster.provider:
        preset = data["providers"].get(cluster.provider.lower(), {})
    wg = preset.get("wireguard_path_mtu")
    if cluster.node_mtu is not None:
        return NodeMtu(cluster.node_mtu, "cluster.node_mtu", wg)
    if "node_mtu" in preset:
        return NodeMtu(
            int(preset["node_mtu"]),
            f"cluster.provider {cluster.provider} preset: {preset.get('note', '')}".rstrip(": "),
            wg,
        )
    default = int(data["default_node_mtu"])
    return NodeMtu(default, "netlint's default; declare yours as cluster.node_mtu", wg)


def overhead(cni: str, encap: str, family: str) -> int | None:
    table = mtu_data()["overheads"].get(cni, {}).get(encap)
    if table is None:
        return None
    value = table.get(family)
    return None if value is None else int(value)


def label(encap: str) -> str:
    labels: dict[str, str] = mtu_data()["labels"]
    return labels.get(encap, encap)
