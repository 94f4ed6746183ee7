"""etcd members found in the manifests, and the volumes their data and WAL live on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from netlint.model import Place as Place  # re-exported for the family's modules
from netlint.model import Resource

WORKLOAD_KINDS = (
    "StatefulSet",
    "Deployment",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
)
# owners that stand for their Pods / StatefulSets in a dump of a cluster
OWNER_KINDS = (*WORKLOAD_KINDS, "Job", "CronJob", "EtcdCluster")
# the kinds whose objects can be members, in the order recognise.members reads them
MEMBER_KINDS = (*WORKLOAD_KINDS, "EtcdCluster")

VolumeKind = Literal[
    "claim-template",  # StatefulSet volumeClaimTemplates
    "claim",  # persistentVolumeClaim volume (PVC maybe in the run)
    "ephemeral-claim",  # generic ephemeral volume (volumes[].ephemeral.volumeClaimTemplate)
    "host-path",
    "empty-dir",
    "none",  # no volume mounted at the directory: the container's writable layer
    "operator",  # EtcdCluster spec.storageSpec
    "other",  # configMap, secret, nfs, csi inline, ... (judged by `media_hint`)
]


@dataclass(frozen=True, slots=True)
class EtcdVolume:
    purpose: Literal["data", "wal"]
    directory: str  # the data or WAL directory ("/var/lib/etcd")
    directory_source: (
        str  # how we know: "--data-dir=/var/lib/etcd", "image default of bitnami/etcd"
    )
    kind: VolumeKind
    place: Place  # where to point: the volumeMount, the volume, the claim template or the spec
    volume_name: str | None = None
    # storage class of the claim: `class_set` False when storageClassName is absent (the default
    # class applies); class_name "" means static binding
    class_name: str | None = None
    class_set: bool = False
    claim: Resource | None = None  # the PersistentVolumeClaim object, when in the run
    media_hint: str | None = None  # for kind "other": "network-file" for nfs volumes, ...
    medium_memory: bool = False  # emptyDir medium: Memory (tmpfs)


@dataclass(slots=True)
class EtcdMember:
    """A workload (or EtcdCluster) running an etcd server."""

    resource: Resource
    title: str  # "StatefulSet etcd (kv)"
    reason: str  # "image registry.k8s.io/etcd:3.5.15-0", "command etcd"
    place: Place  # the image / command field that identified it
    volumes: list[EtcdVolume] = field(default_factory=list)
    unsafe_no_fsync: Place | None = None  # --unsafe-no-fsync or ETCD_UNSAFE_NO_FSYNC=true
