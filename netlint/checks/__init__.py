"""Explicit registry of checks: `check:` in rule.yaml names one of these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from netlint.checks import hygiene
from netlint.checks.etcd import rules as etcd
from netlint.checks.ingress import rules as ingress
from netlint.checks.locality import rules as locality
from netlint.checks.mtu import READS as MTU_READS
from netlint.checks.mtu import rules as mtu
from netlint.context import Facts, RunContext
from netlint.model import Hit

if TYPE_CHECKING:
    from pydantic import BaseModel

CheckFn = Callable[[RunContext, Any], Iterable[Hit]]
Scope = Literal["file", "config", "run"]


@dataclass(frozen=True)
class Check:
    fn: CheckFn
    # the pydantic model that validates rule.yaml `params` and config overrides, imported when
    # asked for: a run whose config overrides no params needs no pydantic (engine.run)
    load_params: Callable[[], type[BaseModel]] | None = None
    # "file": the check's hits on a run are, in order, its hits on each file of the run alone
    # (it reads each object or file by itself, and the config): what a run could compute as
    # each file is read, before the next (tests/test_scope.py checks it on every corpus).
    # "config": it reads the config alone (a finding on the config file, once per run).
    # "run": it reads objects across files (a workload's StorageClass, the Services and
    # workloads of an ingress controller, a CNI's ConfigMaps) or the run as a whole.
    scope: Scope = "run"
    # For a "run" check: the kinds of the objects it reads, all of them through
    # `ctx.index.of_kind` and `ctx.index.get` (never `ctx.resources`, `ctx.files` or
    # `ctx.non_objects`). A run keeps, past the file-scoped rules, only the documents that hold
    # an object of a kind some chosen run check reads (engine.Stream); None: it may read any
    # object, or the run as a whole, and every document is kept. tests/test_kinds.py runs each
    # check on every corpus with an index that refuses any other kind.
    kinds: tuple[str, ...] | None = None

    @property
    def params(self) -> type[BaseModel] | None:
        return None if self.load_params is None else self.load_params()


def _waste_params() -> type[BaseModel]:
    from netlint.checks.mtu.params import WasteParams

    return WasteParams


# The checks of custom rules (rules_dirs), from netlint/custom/checks.py, and their params
# models, from netlint/custom/params.py
# (pydantic models: imported only when a custom rule runs).


def _json_schema(ctx: RunContext, params: Any) -> Iterable[Hit]:
    from netlint.custom.checks import json_schema

    return json_schema(ctx, params)


def _required_field(ctx: RunContext, params: Any) -> Iterable[Hit]:
    from netlint.custom.checks import required_field

    return required_field(ctx, params)


def _forbidden_value(ctx: RunContext, params: Any) -> Iterable[Hit]:
    from netlint.custom.checks import forbidden_value

    return forbidden_value(ctx, params)


def _allowed_values(ctx: RunContext, params: Any) -> Iterable[Hit]:
    from netlint.custom.checks import allowed_values

    return allowed_values(ctx, params)


def _json_schema_params() -> type[BaseModel]:
    from netlint.custom.params import JsonSchemaParams

    return JsonSchemaParams


def _required_field_params() -> type[BaseModel]:
    from netlint.custom.params import RequiredFieldParams

    return RequiredFieldParams


def _forbidden_value_params() -> type[BaseModel]:
    from netlint.custom.params import ForbiddenValueParams

    return ForbiddenValueParams


def _allowed_values_params() -> type[BaseModel]:
    from netlint.custom.params import AllowedValuesParams

    return AllowedValuesParams


REGISTRY: dict[str, Check] = {
    "yaml-syntax": Check(hygiene.yaml_syntax, scope="file"),
    "duplicate-key": Check(hygiene.duplicate_key, scope="file"),
    "not-an-object": Check(hygiene.not_an_object, scope="file"),
    "unrendered-template": Check(hygiene.unrendered_template, scope="file"),
    "suppression-reason": Check(hygiene.suppression_reason, scope="file"),
    "unknown-suppression": Check(hygiene.unknown_suppression, scope="file"),
    "expired-exclude": Check(hygiene.expired_exclude, scope="config"),
    "invalid-metadata": Check(hygiene.invalid_metadata, scope="file"),
    "pod-mtu-too-large": Check(mtu.pod_mtu_too_large, kinds=MTU_READS),
    "underlay-mtu-too-large": Check(mtu.underlay_mtu_too_large, kinds=MTU_READS),
    "mtu-wasted": Check(mtu.mtu_wasted, _waste_params, kinds=MTU_READS),
    "conflicting-mtu": Check(mtu.conflicting_mtu, kinds=MTU_READS),
    "invalid-encapsulation": Check(mtu.invalid_encapsulation, kinds=MTU_READS),
    "invalid-mtu-value": Check(mtu.invalid_mtu_value, kinds=MTU_READS),
    "ingress-client-ip-lost": Check(ingress.client_ip_lost, kinds=ingress.READS),
    "invalid-traffic-policy": Check(ingress.invalid_policy, scope="file"),
    "local-without-spread": Check(ingress.local_without_spread, kinds=ingress.READS),
    "etcd-slow-storage": Check(etcd.slow_storage, kinds=etcd.READS),
    "etcd-network-ssd": Check(etcd.network_ssd, kinds=etcd.READS),
    "etcd-no-persistent-volume": Check(etcd.no_persistent_volume, kinds=etcd.READS),
    "etcd-storage-unknown": Check(etcd.unknown_storage, kinds=etcd.READS),
    "etcd-unsafe-no-fsync": Check(etcd.unsafe_no_fsync, kinds=etcd.READS),
    "workload-pinned-outside": Check(locality.workload_required, scope="file"),
    "workload-prefers-outside": Check(locality.workload_preferred, scope="file"),
    "storage-outside": Check(locality.storage_outside, scope="file"),
    "endpoint-outside": Check(locality.endpoint_outside, scope="file"),
    "region-unknown": Check(locality.region_unknown, scope="file"),
    "cluster-region-outside": Check(locality.cluster_region, scope="config"),
    "provider-outside-eea": Check(locality.provider_outside),
    # the checks of custom rules (rules_dirs): their params carry match/schema/path/message
    "json-schema": Check(_json_schema, _json_schema_params, scope="file"),
    "required-field": Check(_required_field, _required_field_params, scope="file"),
    "forbidden-value": Check(_forbidden_value, _forbidden_value_params, scope="file"),
    "allowed-values": Check(_allowed_values, _allowed_values_params, scope="file"),
}


def _mtu_facts() -> Facts:
    from netlint.checks.mtu.facts import MtuFacts  # imports Weave's and OVN's extractors

    return MtuFacts()


def _ingress_facts() -> Facts:
    from netlint.checks.ingress.facts import IngressFacts

    return IngressFacts()


def _etcd_facts() -> Facts:
    from netlint.checks.etcd.facts import EtcdFacts

    return EtcdFacts()


# The families whose facts a run fed file by file (engine.Stream) takes from each file as it is
# read, rather than from its documents kept to the end: family -> a new, empty store of them.
# Their checks read `ctx.facts[family]` when it is there; `Facts.KINDS` then stands for their
# `Check.kinds` in what the stream keeps.
FACTS: dict[str, Callable[[], Facts]] = {
    "NL1": _mtu_facts,
    "NL2": _ingress_facts,
    "NL3": _etcd_facts,
}
