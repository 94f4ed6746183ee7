"""`netlint explain`: rule pages with data tables computed for the profile in force."""

from __future__ import annotations

from netlint.catalog import load_rules
from netlint.config import ClusterProfile, Config, ConfigModel
from netlint.explain import find_rule, rule_page


def page(rule_id: str, **cluster: object) -> str:
    rule = find_rule(load_rules(), rule_id)
    assert rule is not None
    return rule_page(rule, Config(ConfigModel(cluster=ClusterProfile(**cluster))))  # type: ignore[arg-type]


def test_mtu_table_uses_the_default_profile():
    text = page("NL101")
    assert "Node MTU in use: 1500 (netlint's default; declare yours as cluster.node_mtu)." in text
    assert "| calico | VXLAN | 50 | 1450 |" in text
    assert "| calico | WireGuard | 60 | 1440 |" in text


def test_mtu_table_follows_the_provider_preset():
    text = page("NL101", provider="aws")
    assert "Node MTU in use: 9001 (cluster.provider aws preset: AWS VPC jumbo frames)." in text
    assert "| calico | VXLAN | 50 | 8951 |" in text
    azure = page("NL101", provider="azure")
    assert "WireGuard path MTU: 1400 (provider preset)." in azure
    assert "| calico | WireGuard | 60 | 1340 |" in azure


def test_pages_without_tables_have_no_data_section():
    assert "## Data" not in page("NL002")
