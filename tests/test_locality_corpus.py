"""NL4xx on the real manifests of ../shared/corpus, one file per run (as a user checks them) with
`select: [NL4]` (which selects the opt-in NL407 too) and the default policy (EEA, no provider):
the exact NL4 (rule, line) set of every file that carries a region or zone, or looks as if it
did, and no NL4 finding anywhere else in the corpus.

The corpus is thin on real pins: the CSI drivers' examples pin nothing (their StorageClasses have
no allowedTopologies, their workloads select on kubernetes.io/os only), Karpenter's examples
require instance families and spread over zones without naming one. The judgments below say why
each candidate is or is not a pin. They need the region catalog (netlint/checks/locality/
regions.py, rules/data/regions.yaml) for the one real finding.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netlint.api import lint

DAY = dt.date(2026, 1, 1)

GKE = "GoogleCloudPlatform__kubernetes-engine-samples"
EBS = "kubernetes-sigs__aws-ebs-csi-driver"
PD = "kubernetes-sigs__gcp-compute-persistent-disk-csi-driver"
AZD = "kubernetes-sigs__azuredisk-csi-driver"
KARPENTER = "aws__karpenter-provider-aws"

# file -> exact NL4 (rule, line) set, with the judgment.
EXPECTED: dict[str, set[tuple[str, int]]] = {
    # A statically provisioned Hyperdisk PV restored from a snapshot: the GCE PD volume handle
    # `projects/PRJCTID/zones/us-central1-a/disks/mysql-recovery` says where the disk is:
    # us-central1-a, Iowa, United States (gcp, from the pd.csi.storage.gke.io driver). Data at
    # rest outside the EEA: NL403 on the volumeHandle; and NL407 (selected by NL4): Google is
    # headquartered in the US.
    f"{GKE}/databases__offline-hyperdisk-migration__manifests__02-mysql__restore_pv.yaml": {
        ("NL403", 31),
        ("NL407", 31),
    },
    # The same pattern (volumeHandle zones/us-central1-a, and a PV node affinity
    # topology.gke.io/zone In [us-central1-a]) in the Model Armor sample -- but the file is not
    # valid YAML (NL001 at line 38: `operator:` is indented less than `key:`), kubectl rejects it
    # and nothing after the error is read: no NL4.
    f"{GKE}/ai-ml__gke-model-armor__preparing-the-model__hdml-static-pv-pvc.yaml": set(),
    # The producer Job's required node affinity topology.kubernetes.io/zone In [us-central1-a]
    # sits in a file that is invalid YAML as well (NL001 at line 28): no NL4.
    f"{GKE}/ai-ml__gke-model-armor__preparing-the-model__producer-job.yaml": set(),
    # topologySpreadConstraints / pod anti-affinity topologyKey topology.kubernetes.io/zone: a
    # key, no place. MYSQL_HOST is an in-cluster name (*.svc.cluster.local).
    f"{GKE}/databases__gke-stateful-mysql__kubernetes__c1-router.yaml": set(),
    f"{GKE}/databases__gke-stateful-mysql__kubernetes__c1-mysql.yaml": set(),
    f"{GKE}/databases__redis-spotahome__manifests__01-basic-cluster__my-cluster.yaml": set(),
    f"{GKE}/databases__postgresql-cloudnativepg__manifests__01-basic-cluster__postgreSQL_cluster.yaml": set(),  # noqa: E501
    # The EBS CSI driver: controller and node select `kubernetes.io/os: linux` and keep off
    # Fargate with `eks.amazonaws.com/compute-type NotIn [fargate]` (NotIn excludes, and the key
    # is no location); the example StorageClasses set type/encryption but no allowedTopologies,
    # so EBS creates the volume in whatever zone the pod lands: nothing pins a place.
    f"{EBS}/deploy__kubernetes__base__controller.yaml": set(),
    f"{EBS}/deploy__kubernetes__base__node.yaml": set(),
    f"{EBS}/examples__kubernetes__block-volume__manifests__storageclass.yaml": set(),
    f"{EBS}/examples__kubernetes__dynamic-provisioning__manifests__pod.yaml": set(),
    f"{EBS}/examples__kubernetes__dynamic-provisioning__manifests__storageclass.yaml": set(),
    f"{EBS}/examples__kubernetes__node-local-volumes__manifests__pv-pvc.yaml": set(),
    f"{EBS}/examples__kubernetes__resizing__manifests__storageclass.yaml": set(),
    f"{EBS}/examples__kubernetes__windows__manifests__windows.yaml": set(),
    # GCE PD CSI: zonal and regional (`replication-type: regional-pd`) classes without
    # allowedTopologies or zone parameters: the region follows the nodes, unpinned.
    f"{PD}/examples__kubernetes__demo-zonal-sc.yaml": set(),
    f"{PD}/examples__kubernetes__demo-regional-sc.yaml": set(),
    f"{PD}/examples__kubernetes__demo-labeled-sc.yaml": set(),
    f"{PD}/examples__kubernetes__demo-windows.yaml": set(),
    # Azure Disk CSI: the PV's volumeHandle is an ARM resource id without a location; the
    # StorageClass sets skuName only.
    f"{AZD}/deploy__example__pv-azuredisk-csi.yaml": set(),
    f"{AZD}/deploy__example__storageclass-azuredisk-csi.yaml": set(),
    f"{AZD}/deploy__example__deployment.yaml": set(),
    # A Node object (apimachinery test data) labelled topology.kubernetes.io/region us-central1:
    # Nodes are cluster state, not something a manifest places; where the cluster runs is
    # `cluster.region` (NL406). Not a pin.
    f"{AZD}/vendor__k8s.io__apimachinery__pkg__util__managedfields__node.yaml": set(),
    # Karpenter's v1 NodePools require architecture, capacity type and instance families, no
    # zone; the workload examples spread over zones (topologySpreadConstraints): no place.
    f"{KARPENTER}/examples__v1__general-purpose.yaml": set(),
    f"{KARPENTER}/examples__v1__spot.yaml": set(),
    f"{KARPENTER}/examples__workloads__spread-zone.yaml": set(),
    f"{KARPENTER}/examples__workloads__spread-hostname-zone.yaml": set(),
    # Cluster API Azure's template: `location: ${AZURE_LOCATION}` is an unrendered variable,
    # not a place.
    "kubernetes-sigs__cluster-api-provider-azure/templates__cluster-template.yaml": set(),
    # A LoadBalancer Service's status hostname abc123.us-west-2.elb.amazonaws.com: status, written
    # by the cloud, not a data endpoint the manifest configures.
    "argoproj__argo-cd/gitops-engine__pkg__health__testdata__svc-loadbalancer.yaml": set(),
    # ExternalName Services to ordinary hosts (domain.com, wp.example.com): no region, no note.
    "traefik__traefik/integration__fixtures__k8s__02-services.yml": set(),
    "zegl__kube-score/score__testdata__service-externalname.yaml": set(),
    # kind's cluster config labels nodes `topology.kubernetes.io/zone: zone-1`: not a
    # Kubernetes object, and zone-1 is no provider's zone.
    "kubernetes__ingress-nginx/test__e2e__kind.yaml": set(),
}


def nl4(path: Path, corpus: Path) -> set[tuple[str, int]]:
    report = lint([str(path)], select=["NL4"], today=DAY, cwd=corpus)
    return {(f.rule, f.span.line) for f in report.active}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(corpus_dir: Path, name: str) -> None:
    corpus = corpus_dir
    path = corpus / name
    assert path.is_file(), f"corpus file missing: {name}"
    assert nl4(path, corpus) == EXPECTED[name]


def test_no_nl4_elsewhere(corpus_dir: Path) -> None:
    """Every other corpus manifest (CNI installs, ingress controllers, operators' CRDs, ...) gives
    no NL4 finding: their env values and ConfigMaps hold in-cluster names, file names and
    annotation keys, not places."""
    corpus = corpus_dir
    unexpected = {}
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml", ".json"):
            continue
        name = path.relative_to(corpus).as_posix()
        if name in EXPECTED:
            continue
        found = nl4(path, corpus)
        if found:
            unexpected[name] = found
    assert unexpected == {}
