"""Tables `netlint explain` shows for NL1xx rules, computed from rules/data/mtu.yaml and the
cluster profile in use."""

from __future__ import annotations

from netlint.checks.mtu.profile import label, mtu_data, node_mtu
from netlint.config import Config


def recommended(config: Config) -> list[str]:
    node = node_mtu(config)
    out = [f"Node MTU in use: {node.value} ({node.source})."]
    if node.wireguard_path and node.wireguard_path < node.value:
        out.append(f"WireGuard path MTU: {node.wireguard_path} (provider preset).")
    out += [
        "",
        "| CNI | encapsulation | overhead | best pod MTU |",
        "|---|---|---|---|",
    ]
    for cni, encaps in mtu_data()["overheads"].items():
        for encap, families in encaps.items():
            for family, size in families.items():
                limit, _ = node.limit_for(encap)
                name = label(encap) + (" (IPv6)" if family == "ipv6" else "")
                out.append(f"| {cni} | {name} | {size} | {limit - int(size)} |")
    out.append("")
    out.append(
        "Cilium and Flannel take the node MTU itself (they subtract the overhead); the "
        "column is what their pods end up with."
    )
    return out


def overheads(config: Config) -> list[str]:
    out = ["| CNI | encapsulation | IPv4 | IPv6 |", "|---|---|---|---|"]
    for cni, encaps in mtu_data()["overheads"].items():
        for encap, families in encaps.items():
            v4, v6 = families.get("ipv4", "-"), families.get("ipv6", "-")
            out.append(f"| {cni} | {label(encap)} | {v4} | {v6} |")
    return out


def providers(config: Config) -> list[str]:
    data = mtu_data()
    out = ["| cluster.provider | node MTU | note |", "|---|---|---|"]
    for name, preset in data["providers"].items():
        note = preset.get("note", "")
        out.append(f"| {name} | {preset['node_mtu']} | {note} |")
    out.append("")
    out.append(f"Without a provider or `cluster.node_mtu`: {data['default_node_mtu']}.")
    return out
