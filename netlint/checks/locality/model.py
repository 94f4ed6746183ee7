"""Pins (where manifests put things) and Locations (where that is)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from netlint.model import Place as Place  # re-exported for the family's modules

PinKind = Literal[
    "required",  # nodeSelector, required affinity, Karpenter/CAPI: the workload runs there
    "preferred",  # preferred node affinity: workload may run there
    "storage",  # StorageClass topology/zone params, PV node affinity/labels: data is stored there
    "endpoint",  # a data endpoint host or region setting (env, ConfigMap, ExternalName)
]


@dataclass(frozen=True, slots=True)
class Pin:
    """One value that places something somewhere: a region, zone, location or host name."""

    kind: PinKind
    value: str  # "us-east-1", "europe-west2-b", "s3.us-east-1.amazonaws.com", "fsn1"
    key: str  # what carries it: "topology.kubernetes.io/region", "env AWS_REGION", "hostname"
    what: str  # in words: "nodeSelector topology.kubernetes.io/region", "env AWS_REGION"
    place: Place  # the value's field (the finding lands there)
    subject: str  # what is placed: "CronJob invoice-archiver (billing)"
    provider_hint: str | None = None  # provider known from context (provisioner, label key)
    is_host: bool = False  # value is a host name (endpoint), not a region/zone code


@dataclass(frozen=True)
class Location:
    provider: str  # "aws"
    region: str  # "us-east-1"
    city: str  # "N. Virginia"
    country: str  # ISO 3166-1 alpha-2: "US"
    country_name: str  # "United States"


@dataclass(frozen=True)
class Resolution:
    """What a pin's value means: one location, several (ambiguous across providers), or none."""

    locations: tuple[Location, ...]  # 1 = resolved; >1 = ambiguous; 0 = unknown
    note: str = ""  # why unknown/ambiguous: "no region in host s3.amazonaws.com"
