"""Finding pins: every value in the manifests that places a workload, a volume or a data endpoint
somewhere (REFERENCE D.4, D.5). What the value means is regions.py's job; this module only says
where it is, what carries it and what it places.

Sources:
* pod templates: `nodeSelector` on location keys (required), node affinity `In` expressions
  (required / preferred; `NotIn`, `Exists` and `DoesNotExist` exclude or test but do not pin);
* StorageClass `allowedTopologies`, legacy `parameters.zone`/`zones`, Azure `parameters.location`;
  PersistentVolume node affinity and location labels (storage);
* literal env values of containers and ConfigMap data: region settings (`AWS_REGION`,
  `*_REGION`, ...) and URLs/host names; ExternalName Services (endpoint);
* Karpenter NodePool (and v1alpha5 Provisioner) requirements, Cluster API infrastructure
  clusters (required).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard

from netlint.checks.k8s import WORKLOAD_KINDS, get, pod_spec
from netlint.checks.locality.model import Pin, PinKind, Place
from netlint.checks.patterns import lazy
from netlint.context import RunContext
from netlint.model import Path, Resource

# Node / volume label keys whose value is a region, zone or location (REFERENCE D.4). The last
# three are UNVERIFIED there; they are specific enough not to catch anything else.
LOCATION_KEYS = frozenset(
    {
        "topology.kubernetes.io/region",
        "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/zone",
        "topology.ebs.csi.aws.com/zone",
        "topology.gke.io/zone",
        "topology.disk.csi.azure.com/zone",
        "csi.hetzner.cloud/location",
        "topology.k8s.aws/zone-id",
        "topology.cinder.csi.openstack.org/zone",
        "topology.csi.scaleway.com/zone",
        "topology.linode.com/region",
    }
)


def is_location_key(key: object) -> TypeGuard[str]:
    """A label key whose value is a location: the keys above, and the provider-specific keys
    of the region catalog's `detect.label_keys` (a config's `catalogs.regions` adds its own)."""
    return isinstance(key, str) and key in location_keys()


def location_keys() -> frozenset[str]:
    """The keys of `is_location_key` for the catalog in force (read once per run by pins())."""
    from netlint.checks.locality.regions import catalog

    return LOCATION_KEYS | frozenset(catalog().label_keys)


@dataclass(frozen=True)
class _Scope:
    """What every resource of a run is read with: the cluster's provider (the hint of last
    resort) and the location keys of the catalog in force, looked up once instead of per key."""

    provider: str | None
    keys: frozenset[str]

    def location_key(self, key: object) -> TypeGuard[str]:
        return isinstance(key, str) and key in self.keys


# Env names (and ConfigMap keys, normalised the same way) whose value is a region or zone.
REGION_NAMES = frozenset(
    {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "CLOUDSDK_COMPUTE_REGION",
        "CLOUDSDK_COMPUTE_ZONE",
        "GOOGLE_CLOUD_REGION",
        "AZURE_LOCATION",
        "REGION",
    }
)
_REGION_NAME = lazy(r"^[A-Z0-9_]*_REGION$")
# names whose bare (scheme-less) host value is a place data goes to; URLs count under any name
_HOST_NAME = lazy(r"HOST|ENDPOINT|URL|URI|ADDR|SERVER|BROKER|BOOTSTRAP|BUCKET|DSN")
# in-cluster names are no location
_CLUSTER_LOCAL = (".svc", ".local", ".internal", ".cluster.local")
# unrendered templates (${X}, {{ .x }}, $(X)): NL004's business, no place
_TEMPLATE = lazy(r"\$\{|\{\{|\$\(")
_NOT_ALNUM = lazy(r"[^A-Z0-9]")
_TOKEN_SPLIT = lazy(r"[\s,;]+")
_HOST_END = lazy(r"[/:?#\[\]]")
# where a PersistentVolume's disk is, from its handle: GCE PD `projects/p/zones/<zone>/disks/d`
# (or regions/<region> for regional disks), in-tree EBS `aws://<zone>/vol-...`
_PD_HANDLE = lazy(r"^projects/[^/]+/(?:zones|regions)/(?P<where>[^/]+)/disks/")
_EBS_VOLUME_ID = lazy(r"^aws://(?P<where>[a-z0-9-]+)/")
# a region/zone code: letters, digits and dashes ("us-east-1a", "fsn1", "westeurope", "GRA7")
_REGION_VALUE = lazy(r"^[A-Za-z][A-Za-z0-9-]{1,40}$")
# region settings that name no place (S3-compatible stores take "auto" or any string)
_NO_REGION = frozenset({"auto", "default", "none", "null", "local", "global", "true", "false"})
# a host name with an alphabetic top-level label (so neither an IP address nor a version)
_HOST = lazy(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$",
)
# dotted names that are files, not hosts
_FILE_SUFFIXES = frozenset(
    [
        "yaml",
        "yml",
        "json",
        "py",
        "sh",
        "txt",
        "conf",
        "cfg",
        "log",
        "jar",
        "xml",
        "toml",
        "ini",
        "pem",
        "crt",
        "key",
        "csv",
        "html",
        "js",
        "properties",
        "env",
        "tar",
        "gz",
        "zip",
        "sock",
        "pid",
        "db",
        "sql",
        "md",
    ]
)

# Cluster API infrastructure clusters: kind -> (field, provider)
CAPI_CLUSTERS: dict[str, tuple[str, str]] = {
    "AWSCluster": ("region", "aws"),
    "AWSManagedControlPlane": ("region", "aws"),
    "AzureCluster": ("location", "azure"),
    "GCPCluster": ("region", "gcp"),
}
_REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
_PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


def pins(ctx: RunContext) -> list[Pin]:
    scope = _Scope(ctx.config.model.cluster.provider or None, location_keys())
    found: list[Pin] = []
    for resource in ctx.resources:
        read = _READERS.get(resource.kind)
        if read is None:
            continue
        try:
            found.extend(read(resource, scope))
        except Exception:  # an odd shape must never stop the run: its pins are skipped
            continue
    return found


def subject(resource: Resource) -> str:
    text = f"{resource.kind} {resource.name or '<unnamed>'}"
    return f"{text} ({resource.namespace})" if resource.namespace else text


def _scalar(value: Any) -> str | None:
    """A pin value: a non-empty string (or a number YAML read from one), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and not _TEMPLATE.search(value):
        return value.strip()
    return None


def _pin(
    kind: PinKind,
    value: Any,
    key: str,
    what: str,
    resource: Resource,
    path: Path,
    hint: str | None,
    is_host: bool = False,
) -> Iterator[Pin]:
    pin = _pin_of(kind, value, key, what, resource, path, hint, is_host)
    if pin is not None:
        yield pin


def _pin_of(
    kind: PinKind,
    value: Any,
    key: str,
    what: str,
    resource: Resource,
    path: Path,
    hint: str | None,
    is_host: bool = False,
) -> Pin | None:
    """The one pin of `_pin`, or None: for the places that make many, without a generator."""
    text = _scalar(value)
    if text is None:
        return None
    return Pin(kind, text, key, what, Place(resource, path), subject(resource), hint, is_host)


# -- scheduling ---------------------------------------------------------------------------------


def _workload(resource: Resource, scope: _Scope) -> Iterator[Pin]:
    found = pod_spec(resource)
    if found is None:
        return  # no pod spec: no containers either
    path, spec = found
    # each reader finds nothing without its key: no generator is started for it then
    if "nodeSelector" in spec:
        yield from _node_selector(resource, path, spec, scope)
    if "affinity" in spec:
        yield from _node_affinity(resource, path, spec, scope)
    yield from _spec_env(resource, path, spec, scope.provider)


def _node_selector(
    resource: Resource, path: Path, spec: dict[str, Any], scope: _Scope
) -> Iterator[Pin]:
    selector = spec.get("nodeSelector")
    if not isinstance(selector, dict):
        return
    keys = scope.keys
    for key, value in selector.items():
        if isinstance(key, str) and key in keys:  # scope.location_key(key)
            pin = _pin_of(
                "required",
                value,
                key,
                f"nodeSelector {key}",
                resource,
                (*path, "nodeSelector", key),
                scope.provider,
            )
            if pin is not None:
                yield pin


def _node_affinity(
    resource: Resource, path: Path, spec: dict[str, Any], scope: _Scope
) -> Iterator[Pin]:
    base = (*path, "affinity", "nodeAffinity")
    affinity = get(spec, ("affinity", "nodeAffinity"))
    if not isinstance(affinity, dict):
        return
    terms = get(affinity, (_REQUIRED, "nodeSelectorTerms"))
    if isinstance(terms, list):
        for i, term in enumerate(terms):
            yield from _expressions(
                "required",
                "required node affinity",
                term,
                "matchExpressions",
                resource,
                (*base, _REQUIRED, "nodeSelectorTerms", i),
                scope.provider,
                scope.keys,
            )
    preferred = affinity.get(_PREFERRED)
    if isinstance(preferred, list):
        for i, item in enumerate(preferred):
            yield from _expressions(
                "preferred",
                "preferred node affinity",
                get(item, ("preference",)),
                "matchExpressions",
                resource,
                (*base, _PREFERRED, i, "preference"),
                scope.provider,
                scope.keys,
            )


def _expressions(
    kind: PinKind,
    what: str,
    term: Any,
    field: str,
    resource: Resource,
    path: Path,
    hint: str | None,
    keys: frozenset[str],
) -> Iterator[Pin]:
    """One pin per value of each `In` expression on a location key: `NotIn` excludes places
    (it does not say where the workload runs), `Exists`/`DoesNotExist` have no values."""
    expressions = get(term, (field,))
    if not isinstance(expressions, list):
        return
    for j, expression in enumerate(expressions):
        if not isinstance(expression, dict):
            continue
        key = expression.get("key")
        values = expression.get("values")
        if not isinstance(key, str) or key not in keys or expression.get("operator") != "In":
            continue
        if not isinstance(values, list):
            continue
        for k, value in enumerate(values):
            yield from _pin(
                kind, value, key, f"{what} {key} In", resource, (*path, field, j, "values", k), hint
            )


def _known(provisioner: str | None) -> str | None:
    """The provisioner or CSI driver as a provider hint when the region catalog knows whose it
    is (ebs.csi.aws.com), else None: then the cluster's provider is the better hint."""
    from netlint.checks.locality.regions import provider_of

    return provisioner if provisioner and provider_of(provisioner) else None


# -- storage ------------------------------------------------------------------------------------


def _storage_class(resource: Resource, scope: _Scope) -> Iterator[Pin]:
    data = resource.data
    provisioner = _scalar(data.get("provisioner"))
    hint = _known(provisioner) or scope.provider
    topologies = data.get("allowedTopologies")
    if isinstance(topologies, list):
        for i, topology in enumerate(topologies):
            expressions = get(topology, ("matchLabelExpressions",))
            if not isinstance(expressions, list):
                continue
            for j, expression in enumerate(expressions):
                key = get(expression, ("key",))
                values = get(expression, ("values",))
                if not scope.location_key(key) or not isinstance(values, list):
                    continue
                for k, value in enumerate(values):
                    path = ("allowedTopologies", i, "matchLabelExpressions", j, "values", k)
                    yield from _pin(
                        "storage", value, key, f"allowedTopologies {key}", resource, path, hint
                    )
    parameters = data.get("parameters")
    if not isinstance(parameters, dict):
        return
    for name in ("zone", "zones"):
        value = _scalar(parameters.get(name))
        if value is None:
            continue
        for part in value.split(","):
            yield from _pin(
                "storage",
                part,
                f"parameters.{name}",
                f"parameters.{name}",
                resource,
                ("parameters", name),
                hint,
            )
    if provisioner and "azure" in provisioner.lower() and "location" in parameters:
        yield from _pin(
            "storage",
            parameters["location"],
            "parameters.location",
            "parameters.location",
            resource,
            ("parameters", "location"),
            hint,
        )


def _persistent_volume(resource: Resource, scope: _Scope) -> Iterator[Pin]:
    hint = _known(_scalar(get(resource.data, ("spec", "csi", "driver")))) or scope.provider
    terms = get(resource.data, ("spec", "nodeAffinity", "required", "nodeSelectorTerms"))
    if isinstance(terms, list):
        for i, term in enumerate(terms):
            yield from _expressions(
                "storage",
                "volume node affinity",
                term,
                "matchExpressions",
                resource,
                ("spec", "nodeAffinity", "required", "nodeSelectorTerms", i),
                hint,
                scope.keys,
            )
    for key, value in resource.labels.items():
        if scope.location_key(key):
            yield from _pin(
                "storage", value, key, f"label {key}", resource, ("metadata", "labels", key), hint
            )
    for path, pattern, what, handle_hint in (
        (("spec", "csi", "volumeHandle"), _PD_HANDLE, "csi.volumeHandle", hint),
        (
            ("spec", "awsElasticBlockStore", "volumeID"),
            _EBS_VOLUME_ID,
            "awsElasticBlockStore.volumeID",
            "aws",
        ),
    ):
        handle = _scalar(get(resource.data, path))
        found = pattern.match(handle) if handle else None
        if found:
            yield from _pin(
                "storage",
                found.group("where"),
                f"PersistentVolume {what}",
                what,
                resource,
                path,
                handle_hint,
            )


# -- endpoints ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def region_name(name: str) -> bool:
    """An env name or ConfigMap key whose value is a region or zone (`s3.region` counts)."""
    # cached: the same few names (AWS_REGION, LOG_LEVEL, ...) come back in every workload
    normal = _NOT_ALNUM.sub("_", name.upper())
    return normal in REGION_NAMES or _REGION_NAME.match(normal) is not None


@functools.lru_cache(maxsize=4096)
def _host_name(name: str) -> bool:
    """A name whose bare host values count (DB_HOST, KAFKA_BOOTSTRAP, ...)."""
    return _HOST_NAME.search(name.upper()) is not None


def hosts(value: str, bare: bool = True) -> list[str]:
    """The host names in a literal value: URLs (any scheme, `jdbc:postgresql://`), and with
    `bare` host names and `host:port` lists; not IP addresses, file names, e-mail addresses or
    in-cluster names (`*.svc`, `*.cluster.local`)."""
    if "." not in value:
        return []  # every host this finds has a dot (_HOST): most values have none
    if "\n" in value or _TEMPLATE.search(value):
        return []
    found: list[str] = []
    for token in _TOKEN_SPLIT.split(value.strip()):
        if not token:
            continue
        if "://" in token:
            rest = token.split("://", 1)[1]
            rest = rest.rsplit("@", 1)[-1] if "@" in rest.split("/", 1)[0] else rest
        elif not bare or "@" in token or "=" in token:
            continue
        else:
            rest = token
        host = _HOST_END.split(rest, maxsplit=1)[0].lower().rstrip(".")
        if not _HOST.match(host) or host.rsplit(".", 1)[-1] in _FILE_SUFFIXES:
            continue
        if host.endswith(_CLUSTER_LOCAL):
            continue
        if host not in found:
            found.append(host)
    return found


def _setting(
    name: str, value: Any, label: str, resource: Resource, path: Path, hint: str | None
) -> Iterator[Pin]:
    """A literal value named `name`: a region setting, or a value holding host names."""
    if not isinstance(value, str):
        return
    text = _scalar(value)
    if text is None:
        return
    if region_name(name):
        if _REGION_VALUE.match(text) and text.lower() not in _NO_REGION:
            pin = _pin_of("endpoint", text, name, f"{label} {name}", resource, path, hint)
            if pin is not None:
                yield pin
        return
    for host in hosts(value, bare=_host_name(name)):
        yield from _pin(
            "endpoint", host, "hostname", f"{label} {name}", resource, path, hint, is_host=True
        )


def _may_place(name: str, value: Any) -> bool:
    """False when _setting(name, value, ...) yields nothing for sure: it reads only strings,
    as a region under a region name or else as host names, which all have a dot. Told without
    starting a generator for each of the many values that place nothing."""
    return isinstance(value, str) and ("." in value or region_name(name))


def _env(resource: Resource, provider: str | None) -> Iterator[Pin]:
    """The literal env values of every container (k8s.env's reading, without an EnvVar for
    each of the many variables that place nothing)."""
    found = pod_spec(resource)
    if found is not None:
        yield from _spec_env(resource, found[0], found[1], provider)


def _spec_env(
    resource: Resource, path: Path, spec: dict[str, Any], provider: str | None
) -> Iterator[Pin]:
    """`_env` of the pod spec `spec` at `path`: its containers, then its init containers (the
    order of k8s.containers)."""
    for key in ("containers", "initContainers"):
        listed = spec.get(key)
        if not isinstance(listed, list):
            continue
        for c, container in enumerate(listed):
            if isinstance(container, dict):
                yield from _container_env(resource, (*path, key, c), container, provider)


def _container_env(
    resource: Resource, container_path: Path, container: dict[str, Any], provider: str | None
) -> Iterator[Pin]:
    items = container.get("env")
    if isinstance(items, list):
        for i, item in enumerate(items):
            if not isinstance(item, dict) or "value" not in item:
                continue  # no literal value (or a reference only)
            name, value = item.get("name"), item["value"]
            if not isinstance(name, str) or not _may_place(name, value):
                continue
            ref = get(item, ("valueFrom", "configMapKeyRef"))
            if isinstance(ref, dict) and isinstance(ref.get("name"), str):
                continue  # k8s.env reads the reference, not the value, when both are given
            yield from _setting(
                name, value, "env", resource, (*container_path, "env", i, "value"), provider
            )


def _config_map(resource: Resource, scope: _Scope) -> Iterator[Pin]:
    provider = scope.provider
    data = resource.data.get("data")
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        # _may_place inlined: a ConfigMap holds many keys, and most place nothing
        if isinstance(key, str) and isinstance(value, str) and ("." in value or region_name(key)):
            yield from _setting(key, value, "ConfigMap key", resource, ("data", key), provider)


def _external_name(resource: Resource, scope: _Scope) -> Iterator[Pin]:
    provider = scope.provider
    if get(resource.data, ("spec", "type")) != "ExternalName":
        return
    name = _scalar(get(resource.data, ("spec", "externalName")))
    if name is None:
        return
    for host in hosts(name):
        yield from _pin(
            "endpoint",
            host,
            "hostname",
            "ExternalName",
            resource,
            ("spec", "externalName"),
            provider,
            is_host=True,
        )


# -- infrastructure -----------------------------------------------------------------------------


def _karpenter(resource: Resource, scope: _Scope) -> Iterator[Pin]:
    if not resource.api_version.startswith("karpenter.sh/"):
        return
    provider = scope.provider
    if resource.kind == "NodePool":
        base: Path = ("spec", "template", "spec")
        ref = get(resource.data, (*base, "nodeClassRef"))
        group = f"{get(ref, ('group',)) or ''} {get(ref, ('kind',)) or ''}".lower()
        hint = next((p for k, p in _NODE_CLASSES if k in group), provider)
    else:  # v1alpha5 Provisioner (AWS only): spec.requirements
        base, hint = ("spec",), "aws"
    yield from _expressions(
        "required",
        f"{resource.kind} requirement",
        get(resource.data, base),
        "requirements",
        resource,
        base,
        hint,
        scope.keys,
    )


# Karpenter node class (group or kind of nodeClassRef) -> provider
_NODE_CLASSES = (("aws", "aws"), ("ec2nodeclass", "aws"), ("azure", "azure"), ("aks", "azure"))


def _capi(resource: Resource, scope: _Scope) -> Iterator[Pin]:
    field, provider = CAPI_CLUSTERS[resource.kind]
    yield from _pin(
        "required",
        get(resource.data, ("spec", field)),
        f"{resource.kind} spec.{field}",
        f"spec.{field}",
        resource,
        ("spec", field),
        provider,
    )


def _hetzner_cluster(resource: Resource, scope: _Scope) -> Iterator[Pin]:
    regions = get(resource.data, ("spec", "controlPlaneRegions"))
    if isinstance(regions, list):
        for i, value in enumerate(regions):
            yield from _pin(
                "required",
                value,
                "HetznerCluster spec.controlPlaneRegions",
                "spec.controlPlaneRegions",
                resource,
                ("spec", "controlPlaneRegions", i),
                "hetzner",
            )


# what pins each kind can carry: one lookup per resource instead of a chain of comparisons
_READERS: dict[str, Callable[[Resource, _Scope], Iterator[Pin]]] = {
    **{kind: _workload for kind in WORKLOAD_KINDS},
    "StorageClass": _storage_class,
    "PersistentVolume": _persistent_volume,
    "ConfigMap": _config_map,
    "Service": _external_name,
    "NodePool": _karpenter,
    "Provisioner": _karpenter,
    **{kind: _capi for kind in CAPI_CLUSTERS},
    "HetznerCluster": _hetzner_cluster,
}
