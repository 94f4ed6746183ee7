"""netlint/checks/storage.py: storage class name -> StorageClass -> provisioner + parameters ->
media, with rules/data/storage_media.yaml (sources in its header and on each entry)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, get_args

import pytest

from netlint.catalog import load_data
from netlint.checks import storage
from netlint.checks.storage import (
    StorageTableError,
    StorageVerdict,
    judge,
    parse_table,
    resolve,
    table,
)
from netlint.config import Config, ConfigModel
from netlint.config import Media as ConfigMedia
from netlint.context import RunContext
from netlint.engine import context
from netlint.load import load_text
from netlint.model import Related, Resource, SourceFile

DEFAULT = "storageclass.kubernetes.io/is-default-class"
BETA = "storageclass.beta.kubernetes.io/is-default-class"
PROV: tuple[str, ...] = ("provisioner",)

# --- building runs ----------------------------------------------------------------------------


def q(value: Any) -> str:
    return json.dumps(value)


def sc(
    name: str,
    provisioner: Any = "ebs.csi.aws.com",
    parameters: Any = None,
    *,
    annotations: dict[str, Any] | None = None,
) -> str:
    lines = ["apiVersion: storage.k8s.io/v1", "kind: StorageClass", "metadata:", f"  name: {name}"]
    if annotations:
        lines.append("  annotations:")
        lines += [f"    {k}: {q(v)}" for k, v in annotations.items()]
    if provisioner is not None:
        lines.append(f"provisioner: {q(provisioner)}")
    if parameters is not None:
        lines.append(f"parameters: {q(parameters)}")
    return "\n".join(lines) + "\n---\n"


def pvc(name: str = "data") -> str:
    return (
        f"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\n"
        "spec:\n  accessModes: [ReadWriteOnce]\n---\n"
    )


def run(files: dict[str, str], cluster: dict[str, Any] | None = None) -> RunContext:
    loaded = [load_text(SourceFile(path, None), text) for path, text in files.items()]
    model = ConfigModel.model_validate({"cluster": cluster or {}})
    return context(loaded, Config(model, ".netlint.yaml"), today=dt.date(2026, 1, 1))


def claim(ctx: RunContext, name: str = "data") -> Resource:
    return next(r for r in ctx.index.of_kind("PersistentVolumeClaim") if r.name == name)


def one(
    provisioner: Any, parameters: Any = None, name: str = "c", **kw: Any
) -> tuple[RunContext, StorageVerdict]:
    ctx = run({"etcd.yaml": sc(name, provisioner, parameters) + pvc()}, **kw)
    return ctx, resolve(ctx, name, claim(ctx))


def shape(v: StorageVerdict) -> tuple[Any, ...]:
    return (v.media, v.class_name, v.why, v.decided_by, v.resolved)


def sc_of(ctx: RunContext, name: str, path: str) -> Resource:
    return next(
        r for r in ctx.index.of_kind("StorageClass") if r.name == name and r.file.path == path
    )


# --- the table ----------------------------------------------------------------------------------


def test_table_parses_and_is_cached() -> None:
    assert parse_table(load_data("storage_media")) == table()
    assert table() is table()


def test_media_is_the_profile_media() -> None:
    assert set(get_args(storage.Media)) == set(get_args(ConfigMedia))


def test_every_entry_names_a_source_and_parameters_have_defaults() -> None:
    for entry in table().entries:
        assert entry.source
        if entry.parameter:
            assert entry.values and entry.default is not None
            assert entry.media is None
        else:
            assert entry.media is not None and entry.label


# (provisioner, parameters, media, what follows "StorageClass c: ", decided_by)
CASES: list[tuple[str, Any, str, str, tuple[str, ...]]] = [
    # AWS EBS CSI: type, default gp3
    (
        "ebs.csi.aws.com",
        None,
        "network-ssd",
        "ebs.csi.aws.com with no type parameter (gp3 by default: network SSD)",
        PROV,
    ),
    (
        "ebs.csi.aws.com",
        {"type": "gp3"},
        "network-ssd",
        "ebs.csi.aws.com type gp3 (EBS gp3, network SSD)",
        ("parameters", "type"),
    ),
    (
        "ebs.csi.aws.com",
        {"type": "io2", "iops": "16000"},
        "network-ssd",
        "ebs.csi.aws.com type io2 (EBS io2, provisioned-IOPS network SSD)",
        ("parameters", "type"),
    ),
    (
        "ebs.csi.aws.com",
        {"type": "st1"},
        "network-hdd",
        "ebs.csi.aws.com type st1 (EBS st1, throughput-optimised HDD)",
        ("parameters", "type"),
    ),
    (
        "ebs.csi.aws.com",
        {"type": "sc1"},
        "network-hdd",
        "ebs.csi.aws.com type sc1 (EBS sc1, cold HDD)",
        ("parameters", "type"),
    ),
    (
        "ebs.csi.aws.com",
        {"type": "standard"},
        "network-hdd",
        "ebs.csi.aws.com type standard (EBS standard, previous-generation magnetic disk)",
        ("parameters", "type"),
    ),
    (
        "ebs.csi.aws.com",
        {"type": "sbg1"},
        "unknown",
        "ebs.csi.aws.com type sbg1 (Snowball Edge sbg1 volume)",
        ("parameters", "type"),
    ),
    # in-tree aws-ebs: default gp2
    (
        "kubernetes.io/aws-ebs",
        None,
        "network-ssd",
        "kubernetes.io/aws-ebs with no type parameter (gp2 by default: network SSD)",
        PROV,
    ),
    (
        "kubernetes.io/aws-ebs",
        {"type": "sc1"},
        "network-hdd",
        "kubernetes.io/aws-ebs type sc1 (EBS sc1, cold HDD)",
        ("parameters", "type"),
    ),
    # GCE PD: default pd-standard
    (
        "pd.csi.storage.gke.io",
        None,
        "network-hdd",
        "pd.csi.storage.gke.io with no type parameter "
        "(pd-standard by default: standard persistent disk, HDD)",
        PROV,
    ),
    (
        "pd.csi.storage.gke.io",
        {"type": "pd-balanced"},
        "network-ssd",
        "pd.csi.storage.gke.io type pd-balanced (pd-balanced: balanced persistent disk, SSD)",
        ("parameters", "type"),
    ),
    (
        "pd.csi.storage.gke.io",
        {"type": "pd-ssd"},
        "network-ssd",
        "pd.csi.storage.gke.io type pd-ssd (pd-ssd: SSD persistent disk)",
        ("parameters", "type"),
    ),
    (
        "pd.csi.storage.gke.io",
        {"type": "pd-extreme"},
        "network-ssd",
        "pd.csi.storage.gke.io type pd-extreme (pd-extreme: extreme persistent disk, SSD)",
        ("parameters", "type"),
    ),
    (
        "pd.csi.storage.gke.io",
        {"type": "hyperdisk-balanced"},
        "network-ssd",
        "pd.csi.storage.gke.io type hyperdisk-balanced (Hyperdisk Balanced, network block storage)",
        ("parameters", "type"),
    ),
    (
        "pd.csi.storage.gke.io",
        {"type": "hyperdisk-extreme"},
        "network-ssd",
        "pd.csi.storage.gke.io type hyperdisk-extreme (Hyperdisk Extreme, network block storage)",
        ("parameters", "type"),
    ),
    (
        "pd.csi.storage.gke.io",
        {"type": "hyperdisk-throughput"},
        "unknown",
        "pd.csi.storage.gke.io type hyperdisk-throughput (Hyperdisk Throughput: "
        "throughput-optimised for analytics; Google does not publish its media)",
        ("parameters", "type"),
    ),
    (
        "pd.csi.storage.gke.io",
        {"type": "pd-standard", "replication-type": "regional-pd"},
        "network-hdd",
        "pd.csi.storage.gke.io type pd-standard (pd-standard: standard persistent disk, HDD)",
        ("parameters", "type"),
    ),
    (
        "kubernetes.io/gce-pd",
        None,
        "network-hdd",
        "kubernetes.io/gce-pd with no type parameter "
        "(pd-standard by default: standard persistent disk, HDD)",
        PROV,
    ),
    (
        "kubernetes.io/gce-pd",
        {"type": "pd-ssd"},
        "network-ssd",
        "kubernetes.io/gce-pd type pd-ssd (pd-ssd: SSD persistent disk)",
        ("parameters", "type"),
    ),
    # Azure Disk CSI: skuName / storageAccountType, default StandardSSD_LRS
    (
        "disk.csi.azure.com",
        {"skuName": "Standard_LRS"},
        "network-hdd",
        "disk.csi.azure.com skuName Standard_LRS (Standard HDD managed disk)",
        ("parameters", "skuName"),
    ),
    (
        "disk.csi.azure.com",
        None,
        "network-ssd",
        "disk.csi.azure.com with no skuName parameter (StandardSSD_LRS by default: Standard "
        "SSD managed disk; Standard_LRS HDD on Azure Stack Hub)",
        PROV,
    ),
    (
        "disk.csi.azure.com",
        {"skuName": "Premium_ZRS", "cachingMode": "None"},
        "network-ssd",
        "disk.csi.azure.com skuName Premium_ZRS (Premium SSD managed disk, zone-redundant)",
        ("parameters", "skuName"),
    ),
    (
        "disk.csi.azure.com",
        {"skuName": "UltraSSD_LRS"},
        "network-ssd",
        "disk.csi.azure.com skuName UltraSSD_LRS (Ultra Disk, SSD)",
        ("parameters", "skuName"),
    ),
    (
        "kubernetes.io/azure-disk",
        {"storageaccounttype": "Standard_LRS", "kind": "Managed"},
        "network-hdd",
        "kubernetes.io/azure-disk storageaccounttype Standard_LRS (Standard HDD managed disk)",
        ("parameters", "storageaccounttype"),
    ),
    (
        "kubernetes.io/azure-disk",
        {"kind": "Managed"},
        "unknown",
        "kubernetes.io/azure-disk with no skuName parameter (Standard_LRS HDD by default in the "
        "old in-tree plugin, StandardSSD_LRS SSD once CSI migration hands the class to "
        "disk.csi.azure.com)",
        PROV,
    ),
    # network file systems
    (
        "file.csi.azure.com",
        {"skuName": "Premium_LRS"},
        "network-file",
        "file.csi.azure.com (Azure Files share, SMB or NFS)",
        PROV,
    ),
    (
        "kubernetes.io/azure-file",
        None,
        "network-file",
        "kubernetes.io/azure-file (Azure Files share, SMB or NFS)",
        PROV,
    ),
    (
        "efs.csi.aws.com",
        {"provisioningMode": "efs-ap"},
        "network-file",
        "efs.csi.aws.com (Amazon EFS, an NFS file system)",
        PROV,
    ),
    ("nfs.csi.k8s.io", {"server": "nfs"}, "network-file", "nfs.csi.k8s.io (an NFS share)", PROV),
    (
        "k8s-sigs.io/nfs-subdir-external-provisioner",
        None,
        "network-file",
        "k8s-sigs.io/nfs-subdir-external-provisioner (an NFS share)",
        PROV,
    ),
    (
        "cluster.local/nfs-subdir-external-provisioner",
        None,
        "network-file",
        "cluster.local/nfs-subdir-external-provisioner (an NFS share)",
        PROV,
    ),
    (
        "cluster.local/release-nfs-subdir-external-provisioner",
        None,
        "network-file",
        "cluster.local/release-nfs-subdir-external-provisioner (an NFS share)",
        PROV,
    ),
    ("fuseim.pri/ifs", None, "network-file", "fuseim.pri/ifs (an NFS share)", PROV),
    (
        "cephfs.csi.ceph.com",
        None,
        "network-file",
        "cephfs.csi.ceph.com (CephFS, a network file system)",
        PROV,
    ),
    (
        "rook-ceph.cephfs.csi.ceph.com",
        {"fsName": "myfs"},
        "network-file",
        "rook-ceph.cephfs.csi.ceph.com (CephFS, a network file system)",
        PROV,
    ),
    (
        "filestore.csi.storage.gke.io",
        {"tier": "standard"},
        "network-file",
        "filestore.csi.storage.gke.io (Google Filestore, an NFS share)",
        PROV,
    ),
    # unknown by design
    (
        "rook-ceph.rbd.csi.ceph.com",
        {"pool": "replicapool"},
        "unknown",
        "rook-ceph.rbd.csi.ceph.com (Ceph RBD: block storage replicated over the network; its "
        "speed depends on the OSD disks)",
        PROV,
    ),
    (
        "rbd.csi.ceph.com",
        None,
        "unknown",
        "rbd.csi.ceph.com (Ceph RBD: block storage replicated over the network; its speed "
        "depends on the OSD disks)",
        PROV,
    ),
    (
        "driver.longhorn.io",
        {"numberOfReplicas": "3"},
        "unknown",
        "driver.longhorn.io (Longhorn: replicas on the nodes' disks, written over the network)",
        PROV,
    ),
    (
        "csi.vsphere.vmware.com",
        None,
        "unknown",
        "csi.vsphere.vmware.com (vSphere: the datastore behind the storage policy decides)",
        PROV,
    ),
    (
        "cinder.csi.openstack.org",
        None,
        "unknown",
        "cinder.csi.openstack.org (OpenStack Cinder: each volume type is whatever the cloud "
        "operator configured)",
        PROV,
    ),
    (
        "pxd.portworx.com",
        {"repl": "3"},
        "unknown",
        "pxd.portworx.com (Portworx: pools on the nodes' disks, replicated over the network)",
        PROV,
    ),
    # node-local
    (
        "rancher.io/local-path",
        None,
        "local",
        "rancher.io/local-path (local-path-provisioner: a directory on the node's own disk)",
        PROV,
    ),
    (
        "openebs.io/local",
        None,
        "local",
        "openebs.io/local (OpenEBS Local PV: a host path or device on the node)",
        PROV,
    ),
    (
        "local.csi.openebs.io",
        {"storage": "lvm", "volgroup": "lvmvg"},
        "local",
        "local.csi.openebs.io (OpenEBS LVM Local PV: an LVM volume on the node)",
        PROV,
    ),
    (
        "kubernetes.io/no-provisioner",
        None,
        "local",
        "kubernetes.io/no-provisioner (pre-created PersistentVolumes, usually local disks)",
        PROV,
    ),
    (
        "topolvm.io",
        None,
        "local",
        "topolvm.io (TopoLVM: an LVM volume on the node's own disks)",
        PROV,
    ),
    (
        "io.openebs.csi-mayastor",
        {"protocol": "nvmf", "repl": "3"},
        "nvme-of",
        "io.openebs.csi-mayastor protocol nvmf (OpenEBS Mayastor over NVMe/TCP)",
        ("parameters", "protocol"),
    ),
    (
        "io.openebs.csi-mayastor",
        {"repl": "1"},
        "unknown",
        "io.openebs.csi-mayastor with no protocol parameter (Mayastor needs protocol nvmf)",
        PROV,
    ),
    # smaller clouds
    (
        "csi.hetzner.cloud",
        None,
        "network-ssd",
        "csi.hetzner.cloud (Hetzner Cloud Volume, network SSD)",
        PROV,
    ),
    (
        "linodebs.csi.linode.com",
        None,
        "network-ssd",
        "linodebs.csi.linode.com (Linode Block Storage, network NVMe SSD except in Fremont)",
        PROV,
    ),
    (
        "csi.scaleway.com",
        None,
        "network-ssd",
        "csi.scaleway.com (Scaleway Block Storage, network SSD; NVMe for the sbs classes)",
        PROV,
    ),
    (
        "dobs.csi.digitalocean.com",
        None,
        "unknown",
        "dobs.csi.digitalocean.com (DigitalOcean Volumes: Ceph-backed network block storage "
        "whose media DigitalOcean does not document)",
        PROV,
    ),
]


@pytest.mark.parametrize(
    ("provisioner", "parameters", "media", "detail", "decided_by"),
    CASES,
    ids=[f"{c[0]}-{json.dumps(c[1])}" for c in CASES],
)
def test_provisioner_families(
    provisioner: str, parameters: Any, media: str, detail: str, decided_by: tuple[str, ...]
) -> None:
    ctx, verdict = one(provisioner, parameters)
    assert shape(verdict) == (media, "c", f"StorageClass c: {detail}", decided_by, True)
    assert verdict.storage_class is sc_of(ctx, "c", "etcd.yaml")
    assert verdict.provisioner == provisioner


# --- parameter names and values as the drivers read them -----------------------------------


@pytest.mark.parametrize(
    ("provisioner", "parameters", "media", "detail", "key"),
    [
        # Azure: storageAccountType is an alias of skuName; keys in any case (strings.ToLower)
        (
            "disk.csi.azure.com",
            {"storageAccountType": "Standard_LRS"},
            "network-hdd",
            "storageAccountType Standard_LRS (Standard HDD managed disk)",
            "storageAccountType",
        ),
        (
            "disk.csi.azure.com",
            {"storageaccounttype": "Premium_LRS"},
            "network-ssd",
            "storageaccounttype Premium_LRS (Premium SSD managed disk)",
            "storageaccounttype",
        ),
        (
            "disk.csi.azure.com",
            {"SKUNAME": "standard_lrs"},
            "network-hdd",
            "SKUNAME standard_lrs (Standard HDD managed disk)",
            "SKUNAME",
        ),
        (
            "kubernetes.io/azure-disk",
            {"skuname": "Premium_LRS"},
            "network-ssd",
            "skuname Premium_LRS (Premium SSD managed disk)",
            "skuname",
        ),
        # EBS and PD lower-case keys (and PD its values)
        (
            "ebs.csi.aws.com",
            {"Type": "ST1"},
            "network-hdd",
            "Type ST1 (EBS st1, throughput-optimised HDD)",
            "Type",
        ),
        (
            "pd.csi.storage.gke.io",
            {"TYPE": "PD-SSD"},
            "network-ssd",
            "TYPE PD-SSD (pd-ssd: SSD persistent disk)",
            "TYPE",
        ),
    ],
)
def test_parameter_aliases_and_case(
    provisioner: str, parameters: dict[str, str], media: str, detail: str, key: str
) -> None:
    _, verdict = one(provisioner, parameters)
    assert shape(verdict) == (
        media,
        "c",
        f"StorageClass c: {provisioner} {detail}",
        ("parameters", key),
        True,
    )


def test_exact_keys_stay_exact() -> None:
    """Mayastor reads `protocol` as spelled; `Protocol` is not it."""
    _, verdict = one("io.openebs.csi-mayastor", {"Protocol": "nvmf"})
    assert verdict.media == "unknown"
    assert verdict.why == (
        "StorageClass c: io.openebs.csi-mayastor with no protocol parameter "
        "(Mayastor needs protocol nvmf)"
    )


def test_aliases_that_agree_and_disagree() -> None:
    _, agree = one(
        "disk.csi.azure.com", {"skuName": "Premium_LRS", "storageAccountType": "Premium_ZRS"}
    )
    assert shape(agree) == (
        "network-ssd",
        "c",
        "StorageClass c: disk.csi.azure.com skuName Premium_LRS (Premium SSD managed disk)",
        ("parameters", "skuName"),
        True,
    )
    _, disagree = one(
        "disk.csi.azure.com", {"skuName": "Premium_LRS", "storageAccountType": "Standard_LRS"}
    )
    assert shape(disagree) == (
        "unknown",
        "c",
        "StorageClass c: disk.csi.azure.com skuName Premium_LRS and storageAccountType "
        "Standard_LRS disagree (the driver takes either)",
        ("parameters", "skuName"),
        True,
    )


def test_value_netlint_does_not_know() -> None:
    _, verdict = one("ebs.csi.aws.com", {"type": "gp9"})
    assert shape(verdict) == (
        "unknown",
        "c",
        "StorageClass c: ebs.csi.aws.com type gp9 (a value netlint does not know)",
        ("parameters", "type"),
        True,
    )


def test_empty_or_null_parameter_keeps_the_default() -> None:
    for params in ({"type": ""}, {"type": None}):
        _, verdict = one("pd.csi.storage.gke.io", params)
        assert (verdict.media, verdict.decided_by) == ("network-hdd", PROV)
        assert "with no type parameter" in verdict.why


def test_hints_are_named_not_trusted() -> None:
    _, topolvm = one(
        "topolvm.io", {"topolvm.io/device-class": "nvme", "csi.storage.k8s.io/fstype": "xfs"}
    )
    assert shape(topolvm) == (
        "local",
        "c",
        "StorageClass c: topolvm.io (TopoLVM: an LVM volume on the node's own disks; "
        "topolvm.io/device-class nvme is only a name, not proof of the media)",
        PROV,
        True,
    )
    _, hdd = one("topolvm.io", {"topolvm.io/device-class": "hdd"})
    assert hdd.media == "local"  # the name says hdd; netlint does not guess from names
    _, longhorn = one("driver.longhorn.io", {"diskSelector": "ssd,fast"})
    assert longhorn.why == (
        "StorageClass c: driver.longhorn.io (Longhorn: replicas on the nodes' disks, written "
        "over the network; diskSelector ssd,fast is only a name, not proof of the media)"
    )
    assert longhorn.media == "unknown"


def test_unknown_provisioner() -> None:
    _, verdict = one("example.com/fancy", {"speed": "ludicrous"})
    assert shape(verdict) == (
        "unknown",
        "c",
        "StorageClass c: provisioner example.com/fancy is not in netlint's storage table",
        PROV,
        True,
    )
    assert verdict.provisioner == "example.com/fancy"


def test_provisioner_names_are_case_sensitive() -> None:
    _, verdict = one("EBS.CSI.AWS.COM", {"type": "gp3"})
    assert verdict.media == "unknown"


# --- odd shapes never crash -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provisioner", "parameters", "media", "detail", "decided_by"),
    [
        (None, None, "unknown", "it names no provisioner", ()),
        (42, None, "unknown", "it names no provisioner", PROV),
        ("", None, "unknown", "it names no provisioner", PROV),
        (
            "ebs.csi.aws.com",
            ["type", "gp3"],
            "unknown",
            "ebs.csi.aws.com with parameters that are not a mapping",
            ("parameters",),
        ),
        (
            "ebs.csi.aws.com",
            "type=gp3",
            "unknown",
            "ebs.csi.aws.com with parameters that are not a mapping",
            ("parameters",),
        ),
        # a parameterless provisioner does not care
        (
            "efs.csi.aws.com",
            ["x"],
            "network-file",
            "efs.csi.aws.com (Amazon EFS, an NFS file system)",
            PROV,
        ),
        (
            "ebs.csi.aws.com",
            {"type": {"a": 1}},
            "unknown",
            "ebs.csi.aws.com type is not a string",
            ("parameters", "type"),
        ),
        (
            "ebs.csi.aws.com",
            {"type": ["gp3"]},
            "unknown",
            "ebs.csi.aws.com type is not a string",
            ("parameters", "type"),
        ),
        (
            "ebs.csi.aws.com",
            {"type": 3},
            "unknown",
            "ebs.csi.aws.com type 3 (a value netlint does not know)",
            ("parameters", "type"),
        ),
        (
            "io.openebs.csi-mayastor",
            {"protocol": True},
            "unknown",
            "io.openebs.csi-mayastor protocol true (a value netlint does not know)",
            ("parameters", "protocol"),
        ),
        (
            "topolvm.io",
            {"topolvm.io/device-class": ["x"], "7": 1},
            "local",
            "topolvm.io (TopoLVM: an LVM volume on the node's own disks)",
            PROV,
        ),
    ],
)
def test_odd_shapes(
    provisioner: Any, parameters: Any, media: str, detail: str, decided_by: tuple[str, ...]
) -> None:
    _, verdict = one(provisioner, parameters)
    assert shape(verdict) == (media, "c", f"StorageClass c: {detail}", decided_by, True)


def test_odd_shapes_straight_from_data() -> None:
    """Keys that are not strings (YAML allows them) and a StorageClass with no data at all."""
    ctx = run({"a.yaml": sc("c") + pvc()})
    real = sc_of(ctx, "c", "a.yaml")
    odd = Resource(
        real.doc,
        real.ref,
        {"provisioner": "ebs.csi.aws.com", "parameters": {1: "x", None: "y"}},
        real.node,
    )
    assert (
        judge(odd).detail == "ebs.csi.aws.com with no type parameter (gp3 by default: network SSD)"
    )
    assert judge(Resource(real.doc, real.ref, {}, real.node)).media == "unknown"


def test_class_name_not_a_string() -> None:
    ctx = run({"a.yaml": pvc()})
    verdict = resolve(ctx, 5, claim(ctx))  # type: ignore[arg-type]
    assert shape(verdict) == ("unknown", None, "storageClassName 5 is not a string", (), False)


# --- the default class ------------------------------------------------------------------------


def test_default_class_annotated_in_the_run() -> None:
    ctx = run(
        {
            "sc.yaml": sc("gp2-legacy", "kubernetes.io/aws-ebs", annotations={DEFAULT: "true"})
            + sc("other", "ebs.csi.aws.com", {"type": "st1"}),
            "etcd.yaml": pvc(),
        }
    )
    verdict = resolve(ctx, None, claim(ctx))
    assert shape(verdict) == (
        "network-ssd",
        "gp2-legacy",
        "default StorageClass gp2-legacy: kubernetes.io/aws-ebs with no type parameter "
        "(gp2 by default: network SSD)",
        PROV,
        True,
    )
    assert verdict.storage_class is sc_of(ctx, "gp2-legacy", "sc.yaml")


def test_default_class_beta_annotation() -> None:
    ctx = run({"a.yaml": sc("old", "kubernetes.io/gce-pd", annotations={BETA: "true"}) + pvc()})
    verdict = resolve(ctx, None, claim(ctx))
    assert (verdict.media, verdict.class_name) == ("network-hdd", "old")
    assert verdict.why.startswith("default StorageClass old: kubernetes.io/gce-pd with no type")


@pytest.mark.parametrize("value", ["false", "True", "yes", False, None])
def test_default_annotation_must_say_true(value: Any) -> None:
    ctx = run({"a.yaml": sc("x", annotations={DEFAULT: value}) + pvc()})
    assert resolve(ctx, None, claim(ctx)).class_name is None


def test_default_annotation_as_yaml_boolean_counts() -> None:
    """`is-default-class: true` unquoted: the API server would refuse a non-string annotation, but
    the intent is plain."""
    ctx = run({"a.yaml": sc("x", annotations={DEFAULT: True}) + pvc()})
    assert resolve(ctx, None, claim(ctx)).class_name == "x"


def test_several_defaults_prefer_the_same_file() -> None:
    ctx = run(
        {
            "a/one.yaml": sc(
                "alpha", "ebs.csi.aws.com", {"type": "sc1"}, annotations={DEFAULT: "true"}
            ),
            "b/etcd.yaml": sc("beta", "disk.csi.azure.com", annotations={DEFAULT: "true"}) + pvc(),
            "c/three.yaml": sc("gamma", "rancher.io/local-path", annotations={BETA: "true"}),
        }
    )
    verdict = resolve(ctx, None, claim(ctx))
    assert shape(verdict) == (
        "network-ssd",
        "beta",
        "default StorageClass beta (3 are annotated default: alpha, beta, gamma; netlint took "
        "the one in the same file): disk.csi.azure.com with no skuName parameter "
        "(StandardSSD_LRS by default: Standard SSD managed disk; Standard_LRS HDD on Azure Stack "
        "Hub)",
        PROV,
        True,
    )


def test_several_defaults_elsewhere_take_the_last() -> None:
    ctx = run(
        {
            "a/one.yaml": sc(
                "alpha", "ebs.csi.aws.com", {"type": "sc1"}, annotations={DEFAULT: "true"}
            ),
            "c/three.yaml": sc("gamma", "rancher.io/local-path", annotations={DEFAULT: "true"}),
            "b/etcd.yaml": pvc(),
        }
    )
    verdict = resolve(ctx, None, claim(ctx))
    assert shape(verdict) == (
        "local",
        "gamma",
        "default StorageClass gamma (2 are annotated default: alpha, gamma; netlint took the "
        "last one read): rancher.io/local-path (local-path-provisioner: a directory on the "
        "node's own disk)",
        PROV,
        True,
    )


def test_profile_default_class_found_in_the_run() -> None:
    ctx = run(
        {"a.yaml": sc("managed-csi", "disk.csi.azure.com", {"skuName": "Standard_LRS"}) + pvc()},
        cluster={"default_storage_class": "managed-csi"},
    )
    verdict = resolve(ctx, None, claim(ctx))
    assert shape(verdict) == (
        "network-hdd",
        "managed-csi",
        "default StorageClass managed-csi (cluster.default_storage_class): disk.csi.azure.com "
        "skuName Standard_LRS (Standard HDD managed disk)",
        ("parameters", "skuName"),
        True,
    )


def test_profile_default_class_declared_in_the_profile() -> None:
    ctx = run(
        {"a.yaml": pvc()},
        cluster={"default_storage_class": "fast", "storage_classes": {"fast": "local-nvme"}},
    )
    verdict = resolve(ctx, None, claim(ctx))
    assert shape(verdict) == (
        "local-nvme",
        "fast",
        "default StorageClass fast (cluster.default_storage_class): local-nvme per "
        "cluster.storage_classes in .netlint.yaml",
        (),
        True,
    )
    assert verdict.storage_class is None and verdict.related() == ()


def test_profile_default_class_nowhere() -> None:
    ctx = run({"a.yaml": pvc()}, cluster={"default_storage_class": "gp3"})
    verdict = resolve(ctx, None, claim(ctx))
    assert shape(verdict) == (
        "unknown",
        "gp3",
        "no StorageClass named gp3 in the run or cluster.storage_classes (the default class per "
        "cluster.default_storage_class in .netlint.yaml)",
        (),
        False,
    )


def test_annotated_default_wins_over_profile_default() -> None:
    ctx = run(
        {"a.yaml": sc("std", "kubernetes.io/aws-ebs", annotations={DEFAULT: "true"}) + pvc()},
        cluster={"default_storage_class": "fast", "storage_classes": {"fast": "local-nvme"}},
    )
    assert resolve(ctx, None, claim(ctx)).class_name == "std"


def test_profile_media_applies_to_the_annotated_default() -> None:
    ctx = run(
        {"a.yaml": sc("std", "kubernetes.io/aws-ebs", annotations={DEFAULT: "true"}) + pvc()},
        cluster={"storage_classes": {"std": "local-ssd"}},
    )
    verdict = resolve(ctx, None, claim(ctx))
    assert shape(verdict) == (
        "local-ssd",
        "std",
        "default StorageClass std: local-ssd per cluster.storage_classes in .netlint.yaml",
        (),
        True,
    )


def test_no_default_anywhere() -> None:
    ctx = run({"a.yaml": sc("x") + pvc()})
    assert shape(resolve(ctx, None, claim(ctx))) == (
        "unknown",
        None,
        "no storageClassName, and no default StorageClass in the run or "
        "cluster.default_storage_class",
        (),
        False,
    )


# --- names, the profile, static binding ----------------------------------------------------------


def test_profile_overrides_the_run() -> None:
    ctx = run(
        {"a.yaml": sc("standard-hdd", "disk.csi.azure.com", {"skuName": "Standard_LRS"}) + pvc()},
        cluster={"storage_classes": {"standard-hdd": "local-nvme"}},
    )
    verdict = resolve(ctx, "standard-hdd", claim(ctx))
    assert shape(verdict) == (
        "local-nvme",
        "standard-hdd",
        "StorageClass standard-hdd: local-nvme per cluster.storage_classes in .netlint.yaml",
        (),
        True,
    )


def test_profile_declares_a_class_not_in_the_run() -> None:
    ctx = run({"a.yaml": pvc()}, cluster={"storage_classes": {"ceph-nvme": "network-ssd"}})
    verdict = resolve(ctx, "ceph-nvme", claim(ctx))
    assert (verdict.media, verdict.resolved, verdict.storage_class) == ("network-ssd", True, None)


def test_profile_ephemeral_passes_through() -> None:
    ctx = run({"a.yaml": pvc()}, cluster={"storage_classes": {"scratch": "ephemeral"}})
    verdict = resolve(ctx, "scratch", claim(ctx))
    assert verdict.media == "ephemeral"
    assert (
        verdict.why
        == "StorageClass scratch: ephemeral per cluster.storage_classes in .netlint.yaml"
    )


def test_config_without_a_file() -> None:
    loaded = [load_text(SourceFile("a.yaml", None), pvc())]
    model = ConfigModel.model_validate({"cluster": {"storage_classes": {"x": "local"}}})
    ctx = context(loaded, Config(model), today=dt.date(2026, 1, 1))
    assert resolve(ctx, "x", claim(ctx)).why == (
        "StorageClass x: local per cluster.storage_classes in the configuration"
    )


def test_static_binding() -> None:
    ctx = run({"a.yaml": sc("x", annotations={DEFAULT: "true"}) + pvc()})
    assert shape(resolve(ctx, "", claim(ctx))) == (
        "unknown",
        "",
        'storageClassName "" binds pre-provisioned volumes only',
        (),
        True,
    )


def test_static_binding_declared_in_the_profile() -> None:
    ctx = run({"a.yaml": pvc()}, cluster={"storage_classes": {"": "local-nvme"}})
    verdict = resolve(ctx, "", claim(ctx))
    assert shape(verdict) == (
        "local-nvme",
        "",
        'storageClassName "" (pre-provisioned volumes): local-nvme per cluster.storage_classes '
        "in .netlint.yaml",
        (),
        True,
    )


def test_unresolved_name() -> None:
    ctx = run({"a.yaml": sc("other") + pvc()})
    assert shape(resolve(ctx, "fast", claim(ctx))) == (
        "unknown",
        "fast",
        "no StorageClass named fast in the run or cluster.storage_classes",
        (),
        False,
    )


def test_storage_class_in_another_file() -> None:
    ctx = run({"etcd/sts.yaml": pvc(), "storage/classes.yaml": sc("fast", "csi.hetzner.cloud")})
    verdict = resolve(ctx, "fast", claim(ctx))
    assert shape(verdict) == (
        "network-ssd",
        "fast",
        "StorageClass fast: csi.hetzner.cloud (Hetzner Cloud Volume, network SSD)",
        PROV,
        True,
    )
    assert verdict.storage_class is sc_of(ctx, "fast", "storage/classes.yaml")
    assert verdict.related() == (
        Related("StorageClass fast: network-ssd", verdict.storage_class, PROV),
    )


def test_same_name_prefers_same_file_then_same_directory_then_last() -> None:
    files = {
        "x/a.yaml": sc("fast", "ebs.csi.aws.com", {"type": "sc1"}),
        "env/prod/classes.yaml": sc("fast", "ebs.csi.aws.com", {"type": "io2"}),
        "env/prod/etcd.yaml": pvc(),
        "y/b.yaml": sc("fast", "ebs.csi.aws.com", {"type": "st1"}),
    }
    ctx = run(files)
    assert resolve(ctx, "fast", claim(ctx)).storage_class is sc_of(
        ctx, "fast", "env/prod/classes.yaml"
    )
    ctx = run({**files, "env/prod/etcd.yaml": sc("fast", "rancher.io/local-path") + pvc()})
    assert resolve(ctx, "fast", claim(ctx)).media == "local"
    del files["env/prod/classes.yaml"]
    ctx = run(files)
    chosen = resolve(ctx, "fast", claim(ctx))
    assert chosen.storage_class is sc_of(ctx, "fast", "y/b.yaml")
    assert chosen.media == "network-hdd"


def test_verdicts_are_cached_per_class_and_file() -> None:
    ctx = run({"a.yaml": sc("c") + pvc() + pvc("other"), "b/b.yaml": pvc("far")})
    first = resolve(ctx, "c", claim(ctx))
    assert resolve(ctx, "c", claim(ctx, "other")) is first
    assert resolve(ctx, "c", claim(ctx, "far")) == first
    assert ("c", "a.yaml") in ctx.cache["storage.verdicts"]


# --- the table's own checks -------------------------------------------------------------------


def _entry(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"provisioners": ["p"], "source": "s", "media": "local", "label": "l"}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


PARAM = {
    "media": None,
    "label": None,
    "parameter": ["type"],
    "values": {"a": {"media": "network-ssd", "label": "A"}},
    "default": {"value": "a", "media": "network-ssd", "label": "a by default"},
}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a mapping with only a `provisioners:` list"),
        ({"provisioners": {}}, "provisioners: expected a list"),
        ({"provisioners": [_entry(extra=1)]}, "provisioners[0]: unknown keys ['extra']"),
        ({"provisioners": [_entry(provisioners=[])]}, "provisioners[0].provisioners"),
        ({"provisioners": [_entry(media="fast")]}, "provisioners[0].media: 'fast' is not one of"),
        ({"provisioners": [_entry(source="")]}, "provisioners[0].source: expected a non-empty"),
        ({"provisioners": [_entry(keys="lower")]}, "provisioners[0].keys: say exact or any-case"),
        ({"provisioners": [_entry(), _entry()]}, "provisioner p is listed twice"),
        ({"provisioners": [_entry(values={})]}, "values and default need a parameter"),
        ({"provisioners": [_entry(parameter=["t"])]}, "media and label go in values/default"),
        (
            {"provisioners": [_entry(**{**PARAM, "values": {}})]},
            "provisioners[0].values: expected a mapping",
        ),
        (
            {"provisioners": [_entry(**{**PARAM, "values": {"a": "ssd"}})]},
            "provisioners[0].values.a: expected {media: ..., label: ...}",
        ),
        (
            {
                "provisioners": [
                    _entry(
                        **{**PARAM, "default": {"value": "b", "media": "network-ssd", "label": "x"}}
                    )
                ]
            },
            "provisioners[0].default: value 'b' is not in values",
        ),
        (
            {
                "provisioners": [
                    _entry(**{**PARAM, "default": {"value": "a", "media": "local", "label": "x"}})
                ]
            },
            "provisioners[0].default: value 'a' is not in values with that media",
        ),
        (
            {
                "provisioners": [
                    _entry(
                        **{
                            **PARAM,
                            "values": {
                                "a": {"media": "local", "label": "A"},
                                "A": {"media": "local", "label": "A"},
                            },
                        }
                    )
                ]
            },
            "is not a new string",
        ),
    ],
)
def test_table_shape_errors(data: Any, message: str) -> None:
    with pytest.raises(StorageTableError) as err:
        parse_table(data)
    assert message in str(err.value)


def test_glob_and_exact_lookup() -> None:
    t = parse_table(
        {
            "provisioners": [
                _entry(provisioners=["*.rbd.example"], media="unknown"),
                _entry(provisioners=["fast.rbd.example"], media="local-nvme"),
            ]
        }
    )
    assert t.lookup("fast.rbd.example") is t.entries[1]
    assert t.lookup("slow.rbd.example") is t.entries[0]
    assert t.lookup("rbd.example") is None
