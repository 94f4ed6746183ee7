"""Explicit registry of checks: `check:` in rule.yaml names one of these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from netlint.checks import hygiene
from netlint.checks.etcd import rules as etcd
from netlint.checks.ingress import rules as ingress
from netlint.checks.locality import rules as locality
from netlint.checks.mtu import rules as mtu
from netlint.context import RunContext
from netlint.custom import checks as custom
from netlint.model import Hit

CheckFn = Callable[[RunContext, Any], Iterable[Hit]]


@dataclass(frozen=True)
class Check:
    fn: CheckFn
    params: type[BaseModel] | None = None  # validates rule.yaml `params` and config overrides


REGISTRY: dict[str, Check] = {
    "yaml-syntax": Check(hygiene.yaml_syntax),
    "duplicate-key": Check(hygiene.duplicate_key),
    "not-an-object": Check(hygiene.not_an_object),
    "unrendered-template": Check(hygiene.unrendered_template),
    "suppression-reason": Check(hygiene.suppression_reason),
    "unknown-suppression": Check(hygiene.unknown_suppression),
    "expired-exclude": Check(hygiene.expired_exclude),
    "invalid-metadata": Check(hygiene.invalid_metadata),
    "pod-mtu-too-large": Check(mtu.pod_mtu_too_large),
    "underlay-mtu-too-large": Check(mtu.underlay_mtu_too_large),
    "mtu-wasted": Check(mtu.mtu_wasted, mtu.WasteParams),
    "conflicting-mtu": Check(mtu.conflicting_mtu),
    "invalid-encapsulation": Check(mtu.invalid_encapsulation),
    "invalid-mtu-value": Check(mtu.invalid_mtu_value),
    "ingress-client-ip-lost": Check(ingress.client_ip_lost),
    "invalid-traffic-policy": Check(ingress.invalid_policy),
    "local-without-spread": Check(ingress.local_without_spread),
    "etcd-slow-storage": Check(etcd.slow_storage),
    "etcd-network-ssd": Check(etcd.network_ssd),
    "etcd-no-persistent-volume": Check(etcd.no_persistent_volume),
    "etcd-storage-unknown": Check(etcd.unknown_storage),
    "etcd-unsafe-no-fsync": Check(etcd.unsafe_no_fsync),
    "workload-pinned-outside": Check(locality.workload_required),
    "workload-prefers-outside": Check(locality.workload_preferred),
    "storage-outside": Check(locality.storage_outside),
    "endpoint-outside": Check(locality.endpoint_outside),
    "region-unknown": Check(locality.region_unknown),
    "cluster-region-outside": Check(locality.cluster_region),
    "provider-outside-eea": Check(locality.provider_outside),
    # the checks of custom rules (rules_dirs): their params carry match/schema/path/message
    "json-schema": Check(custom.json_schema, custom.JsonSchemaParams),
    "required-field": Check(custom.required_field, custom.RequiredFieldParams),
    "forbidden-value": Check(custom.forbidden_value, custom.ForbiddenValueParams),
    "allowed-values": Check(custom.allowed_values, custom.AllowedValuesParams),
}
