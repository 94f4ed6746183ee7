"""The NL3xx rules: etcd data and WAL on storage that cannot fsync fast enough."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netlint.checks.etcd.model import EtcdMember, EtcdVolume
from netlint.checks.k8s import WORKLOAD_KINDS
from netlint.context import RunContext
from netlint.model import Hit, Related

# the kinds the NL3xx rules read (checks/__init__.py: Check.kinds): etcd's workloads and
# operator clusters, their ConfigMaps, claims and StorageClasses
READS = (*WORKLOAD_KINDS, "EtcdCluster", "ConfigMap", "PersistentVolumeClaim", "StorageClass")

if TYPE_CHECKING:
    from netlint.checks.storage import StorageVerdict

FIO = (
    "fio --rw=write --ioengine=sync --fdatasync=1 --directory=<a dir on that volume> "
    "--size=22m --bs=2300 --name=etcd-wal"
)
GUIDANCE = "etcd needs WAL fsync p99 under 10 ms (etcd_disk_wal_fsync_duration_seconds)"
SLOW = {
    "network-hdd": "network-attached spinning disk",
    "network-file": "a network file system",
}


def _members(ctx: RunContext) -> list[EtcdMember]:
    from netlint.checks.etcd.recognise import members

    found = ctx.cache.get("etcd.members")
    if found is None:
        facts = ctx.facts.get("NL3")  # a run fed file by file: taken as they were read
        found = members(ctx) if facts is None else facts.members(ctx)
        ctx.cache["etcd.members"] = found
    result: list[EtcdMember] = found
    return result


def _persistent(volume: EtcdVolume) -> bool:
    return volume.kind in ("claim-template", "claim", "ephemeral-claim", "operator")


def _verdict(ctx: RunContext, member: EtcdMember, volume: EtcdVolume) -> StorageVerdict | None:
    if not _persistent(volume):
        return None
    key = f"etcd.verdict.{id(volume)}"
    if key not in ctx.cache:
        # imported here: most runs hold no etcd, and need no storage catalog
        from netlint.checks.storage import StorageVerdict, resolve

        if volume.kind == "claim" and volume.claim is None:
            ctx.cache[key] = StorageVerdict(
                "unknown",
                None,
                f"the PersistentVolumeClaim of volume {volume.volume_name} is not in the run",
                resolved=False,
            )
        else:
            name = volume.class_name if volume.class_set else None
            ctx.cache[key] = resolve(ctx, name, volume.claim or member.resource)
    verdict: StorageVerdict = ctx.cache[key]
    return verdict


def _what(volume: EtcdVolume) -> str:
    kind = "write-ahead log" if volume.purpose == "wal" else "data"
    return f"etcd {kind} ({volume.directory}, {volume.directory_source})"


def _related(
    member: EtcdMember, volume: EtcdVolume, verdict: StorageVerdict | None
) -> tuple[Related, ...]:
    out: list[Related] = [member.place.related(f"etcd recognised here ({member.reason})")]
    if volume.claim is not None:
        out.append(Related(f"PersistentVolumeClaim {volume.claim.name}", volume.claim, ("spec",)))
    if verdict is not None:
        out.extend(verdict.related())
    return tuple(out)


def _hit(
    member: EtcdMember, volume: EtcdVolume, message: str, verdict: StorageVerdict | None
) -> Hit:
    return Hit(
        f"{member.title}: {message}",
        resource=volume.place.resource,
        path=volume.place.path,
        related=_related(member, volume, verdict),
        fingerprint_extra=f"{member.title}|{volume.purpose}",
    )


def slow_storage(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for member in _members(ctx):
        for volume in member.volumes:
            verdict = _verdict(ctx, member, volume)
            media = verdict.media if verdict is not None else volume.media_hint
            if media not in SLOW:
                continue
            why = verdict.why if verdict is not None else f"volume {volume.volume_name}"
            yield _hit(
                member,
                volume,
                f"{_what(volume)} is on {SLOW[media]} ({why}). {GUIDANCE}; {SLOW[media]} "
                "misses that under load, so heartbeats time out, leaders flap and the API "
                "server hangs — an outage that looks like a network problem. Move it to local "
                "SSD/NVMe or a provisioned network SSD class (e.g. EBS gp3/io2, pd-ssd, "
                "Premium_LRS), or put --wal-dir on a fast volume",
                verdict,
            )


def network_ssd(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for member in _members(ctx):
        for volume in member.volumes:
            verdict = _verdict(ctx, member, volume)
            if verdict is None or verdict.media != "network-ssd":
                continue
            yield _hit(
                member,
                volume,
                f"{_what(volume)} is on network-attached SSD ({verdict.why}), which gives no "
                f"fsync latency guarantee: {GUIDANCE}, and cloud disks quote concurrent IOPS "
                f"(often ~10x the sequential, fsync-bound rate etcd sees). Measure it on that "
                f"volume: `{FIO}` and check the 99th percentile of fdatasync is under 10 ms; "
                "prefer local NVMe or a provisioned-IOPS class for busy clusters",
                verdict,
            )


def no_persistent_volume(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for member in _members(ctx):
        for volume in member.volumes:
            verdict = _verdict(ctx, member, volume)
            if verdict is not None and verdict.media == "ephemeral":
                where = f"its storage class is declared ephemeral ({verdict.why})"
            elif volume.kind not in ("empty-dir", "none"):
                continue
            elif volume.kind == "none":
                where = "no volume is mounted there, so it lives in the container's writable layer"
            elif volume.medium_memory:
                where = f"volume {volume.volume_name} is an emptyDir in memory (tmpfs)"
            else:
                where = f"volume {volume.volume_name} is an emptyDir"
            yield _hit(
                member,
                volume,
                f"{_what(volume)} is not on a persistent volume: {where}. A restarted or "
                "rescheduled member loses its data and must rejoin from scratch — lose a "
                "quorum of them and the cluster is gone — and overlay/tmpfs latency is "
                f"unpredictable. {_persist_advice(member)} on local SSD/NVMe or provisioned "
                "network SSD",
                verdict,
            )


def _persist_advice(member: EtcdMember) -> str:
    resource = member.resource
    if resource.kind == "EtcdCluster" and resource.api_version.startswith("operator.etcd.io/"):
        return "Set spec.storageSpec (storageClassName, volumeSizeRequest)"
    if resource.kind == "EtcdCluster":
        return "Set spec.pod.persistentVolumeClaimSpec"
    return "Mount it from a PersistentVolumeClaim (volumeClaimTemplates in a StatefulSet)"


def unknown_storage(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for member in _members(ctx):
        for volume in member.volumes:
            verdict = _verdict(ctx, member, volume)
            if verdict is None or verdict.media != "unknown":
                continue
            yield _hit(
                member,
                volume,
                f"{_what(volume)} is on storage netlint cannot judge ({verdict.why}). {GUIDANCE}. "
                "Declare the class's media in .netlint.yaml (cluster.storage_classes: "
                f"{{{verdict.class_name or '<class>'}: local-nvme | network-ssd | network-hdd | "
                "network-file | ephemeral}), and measure the volume with "
                f"`{FIO}`",
                verdict,
            )


def unsafe_no_fsync(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for member in _members(ctx):
        if member.unsafe_no_fsync is None:
            continue
        place = member.unsafe_no_fsync
        yield Hit(
            f"{member.title}: etcd runs with --unsafe-no-fsync: it acknowledges writes before "
            "they reach the disk, so a node crash or power loss loses committed data and can "
            "corrupt the member. It exists for tests only; remove it (and fix slow storage "
            "instead, see NL301/NL302)",
            resource=place.resource,
            path=place.path,
            related=(member.place.related(f"etcd recognised here ({member.reason})"),),
        )
