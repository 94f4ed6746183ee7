"""NL3xx on the real manifests of ../shared/corpus, one file per run (as a user checks them): the
exact NL3 (rule, line) set of every file that mentions etcd, what the recogniser made of each etcd
server (so that "no finding" is for the right reason), no NL3 finding anywhere else, and the
corpus's real StorageClasses (CSI driver examples) under an etcd StatefulSet.

The expectations below need no storage class resolution except `test_corpus_storage_classes`,
which runs the resolver (netlint/checks/storage.py, rules/data/storage_media.yaml) on the
StorageClasses the CSI drivers ship as examples.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import corpus_manifests

from netlint.api import lint
from netlint.checks.etcd.recognise import members
from netlint.config import Config, ConfigModel
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile

DAY = dt.date(2026, 1, 1)

# file -> exact NL3 (rule, line) set, with the reason.
EXPECTED: dict[str, set[tuple[str, int]]] = {
    # etcd's own hack/kubernetes-deploy: three bare Pods running quay.io/coreos/etcd:latest with
    # `/usr/local/bin/etcd --name etcdN` and no --data-dir: etcd's default etcdN.etcd in the
    # release image's WORKDIR /var/lib/etcd, and no volume at all, so every member keeps its data
    # in the container's writable layer. NL303 on each container (`- command:`).
    "etcd-io__etcd/hack__kubernetes-deploy__etcd.yml": {
        ("NL303", 24),
        ("NL303", 79),
        ("NL303", 134),
    },
    # vulcand (a client: --etcd=http://etcd-client:2379) and a docker-compose file (not
    # Kubernetes objects): no etcd server.
    "etcd-io__etcd/hack__kubernetes-deploy__vulcand.yml": set(),
    "etcd-io__etcd/tests__antithesis__config__docker-compose-3-node.yml": set(),
    # etcd-operator's samples: EtcdCluster without spec.storageSpec, whose members "just use the
    # temporary storage inside the container" (EtcdClusterSpec): NL303 at `spec:`.
    "etcd-io__etcd-operator/config__samples__operator_v1alpha1_etcdcluster.yaml": {("NL303", 8)},
    "etcd-io__etcd-operator/config__samples__sample_certmanager_etcdcluster.yaml": {("NL303", 17)},
    # the operator's install bundle: CRDs, RBAC and the controller Deployment (/manager of
    # gcr.io/etcd-development/etcd-operator), which is not an etcd server.
    "etcd-io__etcd-operator/dist__install-v0.2.0.yaml": set(),
    # the archived OpenShift example: a 3-replica Deployment of openshift/etcd-20-centos7 whose
    # start script runs etcd from ETCD_* variables (ETCD_INITIAL_CLUSTER_STATE ... are etcd
    # server settings), without any volume: the data dies with each pod. NL303 on the container.
    "kubernetes__examples/_archived__openshift-origin__etcd-controller.yaml": {("NL303", 21)},
    # ... and its discovery service (args etcd-discovery.sh, no server settings): not recognised.
    "kubernetes__examples/_archived__openshift-origin__etcd-discovery-controller.yaml": set(),
    # Vitess's archived ReplicationController template (vitess/etcd, `bash -c "... etcd -name
    # $HOSTNAME ..."`, no -data-dir): its only volume is a read-only certificates hostPath, so the
    # data is in the container whatever the working directory. NL303 on the container.
    "kubernetes__examples/_archived__storage__vitess__etcd-controller-template.yaml": {
        ("NL303", 18)
    },
    # checkov's kubeadm-shaped static pods (k8s.gcr.io/etcd-amd64:3.2.18, command `etcd` plus one
    # flag under test, no --data-dir): etcd writes its default /default.etcd (the Kubernetes etcd
    # image's working directory is /), outside the etcd-data hostPath mounted at /var/lib/etcd.
    # Real kubeadm manifests pass --data-dir=/var/lib/etcd; these would lose their data on every
    # restart. NL303 on the container (`- command:`, line 14).
    **{
        f"bridgecrewio__checkov/tests__kubernetes__checks__example_{name}.yaml": {("NL303", 14)}
        for name in (
            "EtcdAutoTls__Etcd-FAILED",
            "EtcdAutoTls__Etcd-PASSED",
            "EtcdAutoTls__Etcd-PASSED-2",
            "EtcdCertAndKey__Etcd-FAILED",
            "EtcdCertAndKey__Etcd-FAILED-2",
            "EtcdCertAndKey__Etcd-PASSED",
            "EtcdClientCertAuth__Etcd-FAILED",
            "EtcdClientCertAuth__Etcd-FAILED-2",
            "EtcdClientCertAuth__Etcd-PASSED",
        )
    },
    # a kube-apiserver static pod: not etcd.
    "bridgecrewio__checkov/tests__kubernetes__checks__example_ApiServerEtcdCaFile__example_ApiServerEtcdCaFile-FAILED.yaml": set(),  # noqa: E501
    "bridgecrewio__checkov/tests__kubernetes__checks__example_ApiServerEtcdCaFile__example_ApiServerEtcdCaFile-PASSED.yaml": set(),  # noqa: E501
    # the kube-apiserver image with `command: [etcd, ...]`: an etcd server by its command, but the
    # image's working directory (so etcd's default data dir) is unknown, no mount names etcd, and
    # it has writable hostPath mounts that could hold it: nothing said.
    "bridgecrewio__checkov/tests__kubernetes__checks__example_EtcdPeerFiles__EtcdPeerFiles-FAILED.yaml": set(),  # noqa: E501
    # b.gcr.io/kuar/etcd with --data-dir and --wal-dir on two inline awsElasticBlockStore
    # volumes: network block storage whose EBS type the Pod does not say; no rule judges inline
    # volumes of unknown media.
    **{
        f"bridgecrewio__checkov/tests__kubernetes__checks__example_PeerClientCertAuthTrue__PeerClientCertAuthTrue-{name}.yaml": set()  # noqa: E501
        for name in ("FAILED", "FAILED2", "PASSED", "UNKNOWN")
    },
    # Kubernetes' StatefulSet e2e "etcd" tester (registry.k8s.io/etcd-statefulset-e2e-test, a test
    # HTTP server) and the headless Service: no etcd server.
    "kubernetes-sigs__azuredisk-csi-driver/vendor__k8s.io__kubernetes__test__e2e__testing-manifests__statefulset__etcd__tester.yaml": set(),  # noqa: E501
    "kubernetes-sigs__azuredisk-csi-driver/vendor__k8s.io__kubernetes__test__e2e__testing-manifests__statefulset__etcd__service.yaml": set(),  # noqa: E501
    # etcd clients: Calico / Canal in etcd mode (ETCD_ENDPOINTS, calico-etcd-secrets), Cilium's
    # kvstore config, kube-prometheus' etcd scrape settings, a CAPZ cluster template (kubeadm's
    # etcd settings in a KubeadmControlPlane, not a Pod).
    "projectcalico__calico/manifests__canal-etcd.yaml": set(),
    "projectcalico__calico/manifests__calico-etcd.yaml": set(),
    "projectcalico__calico/manifests__calicoctl-etcd.yaml": set(),
    "kubernetes__kops/tests__integration__update_cluster__minimal_gce_ilb_cilium_etcd__data__aws_s3_object_minimal-gce-ilb-cilium-etcd.example.com-addons-networking.cilium.io-k8s-1.16_content.yaml": set(),  # noqa: E501
    "prometheus-operator__kube-prometheus/manifests__kubernetesControlPlane-serviceMonitorKubelet.yaml": set(),  # noqa: E501
    "kubernetes-sigs__cluster-api-provider-azure/templates__cluster-template.yaml": set(),
}

# What the recogniser makes of every etcd server of these files: title -> (reason, volumes as
# (purpose, kind, directory)).
READ: dict[str, dict[str, tuple[str, list[tuple[str, str, str]]]]] = {
    "etcd-io__etcd/hack__kubernetes-deploy__etcd.yml": {
        f"Pod etcd{i}": (
            "image quay.io/coreos/etcd:latest",
            [("data", "none", f"/var/lib/etcd/etcd{i}.etcd")],
        )
        for i in range(3)
    },
    "etcd-io__etcd-operator/config__samples__operator_v1alpha1_etcdcluster.yaml": {
        "EtcdCluster etcdcluster-sample": (
            "EtcdCluster of etcd-io/etcd-operator (operator.etcd.io/v1alpha1)",
            [("data", "none", "/var/lib/etcd")],
        )
    },
    "etcd-io__etcd-operator/dist__install-v0.2.0.yaml": {},
    "kubernetes__examples/_archived__openshift-origin__etcd-controller.yaml": {
        "Deployment etcd": (
            "env ETCD_INITIAL_CLUSTER_STATE (an etcd server setting)",
            [("data", "none", "default.etcd")],
        )
    },
    "kubernetes__examples/_archived__openshift-origin__etcd-discovery-controller.yaml": {},
    "kubernetes__examples/_archived__storage__vitess__etcd-controller-template.yaml": {
        "ReplicationController etcd-{{cell}}": (
            "image vitess/etcd:v2.0.13-lite",
            [("data", "none", "$HOSTNAME.etcd")],
        )
    },
    "bridgecrewio__checkov/tests__kubernetes__checks__example_EtcdAutoTls__Etcd-FAILED.yaml": {
        "Pod etcd-enabled (kube-system)": (
            "image k8s.gcr.io/etcd-amd64:3.2.18",
            [("data", "none", "/default.etcd")],
        )
    },
    "bridgecrewio__checkov/tests__kubernetes__checks__example_EtcdPeerFiles__EtcdPeerFiles-FAILED.yaml": {  # noqa: E501
        "Pod kube-apiserver (kube-system)": ("command etcd", [])
    },
    "bridgecrewio__checkov/tests__kubernetes__checks__example_PeerClientCertAuthTrue__PeerClientCertAuthTrue-FAILED.yaml": {  # noqa: E501
        "Pod etcd (should-fail)": (
            "image b.gcr.io/kuar/etcd:2.2.0",
            [("data", "other", "/var/lib/etcd/data"), ("wal", "other", "/var/lib/etcd/wal")],
        )
    },
    "kubernetes-sigs__azuredisk-csi-driver/vendor__k8s.io__kubernetes__test__e2e__testing-manifests__statefulset__etcd__tester.yaml": {},  # noqa: E501
    "projectcalico__calico/manifests__calico-etcd.yaml": {},
}


def _nl3(corpus: Path, *names: str) -> list[tuple[str, str, int]]:
    report = lint(
        [str(corpus / name) for name in names],
        Config(ConfigModel()),
        select=["NL3"],
        today=DAY,
        cwd=corpus,
    )
    return sorted((f.rule, f.file.path, f.span.line) for f in report.active)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_nl3_findings_per_file(corpus_dir, name):
    corpus = corpus_dir
    got = {(rule, line) for rule, _, line in _nl3(corpus, name)}
    assert got == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(READ))
def test_what_the_recogniser_reads(corpus_dir, name):
    corpus = corpus_dir
    text = (corpus / name).read_text("utf-8")
    loaded = [load_text(SourceFile(name, None, tuple(text.splitlines())), text)]
    ctx = context(loaded, Config(ConfigModel()), today=DAY)
    got = {
        m.title: (m.reason, [(v.purpose, v.kind, v.directory) for v in m.volumes])
        for m in members(ctx)
    }
    assert got == READ[name]


def _servers(corpus: Path, name: str) -> list[str]:
    text = (corpus / name).read_text("utf-8", "replace")
    loaded = [load_text(SourceFile(name, None, tuple(text.splitlines())), text)]
    return [m.title for m in members(context(loaded, Config(ConfigModel()), today=DAY))]


def test_every_etcd_server_of_the_corpus_is_judged(corpus_dir):
    # every file where the recogniser finds an etcd server, and every file of etcd's own
    # repositories, has its expectation above
    corpus = corpus_dir
    names = corpus_manifests(corpus)
    with_servers = {name for name in names if _servers(corpus, name)}
    etcd_repos = {name for name in names if name.startswith("etcd-io__")}
    assert with_servers | etcd_repos <= set(EXPECTED)
    assert len(with_servers) == 19


def test_no_nl3_finding_anywhere_else(corpus_dir):
    # the other files (CNI installs, ingress controllers, CSI drivers, databases on slow classes,
    # linters' fixtures): no etcd server, so no NL3 finding; one file per run
    corpus = corpus_dir
    others = [name for name in corpus_manifests(corpus) if name not in EXPECTED]
    assert len(others) > 300
    noisy = {name: got for name in others if (got := _nl3(corpus, name))}
    assert noisy == {}


# ---------------------------------------------------------------------------------------------
# The CSI drivers' example StorageClasses under an etcd StatefulSet (bitnami chart shape) in the
# same run: the rule each class earns per the storage media table (REFERENCE C.2).

ETCD = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: etcd
spec:
  serviceName: etcd-headless
  selector:
    matchLabels: {app.kubernetes.io/name: etcd}
  template:
    metadata:
      labels: {app.kubernetes.io/name: etcd}
    spec:
      containers:
        - name: etcd
          image: docker.io/bitnami/etcd:3.5.16-debian-12-r2
          env:
            - {name: ETCD_DATA_DIR, value: /bitnami/etcd/data}
          volumeMounts:
            - {name: data, mountPath: /bitnami/etcd}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: CLASS
        resources: {requests: {storage: 8Gi}}
"""
CLASS_LINE = 25

CLASSES = [
    # ebs.csi.aws.com without `type`: gp3, network SSD
    (
        "kubernetes-sigs__aws-ebs-csi-driver/examples__kubernetes__dynamic-provisioning__manifests__storageclass.yaml",
        "ebs-sc",
        "NL302",
    ),
    # disk.csi.azure.com skuName StandardSSD_LRS and PremiumV2_LRS: network SSD
    (
        "kubernetes-sigs__azuredisk-csi-driver/deploy__example__storageclass-azuredisk-csi.yaml",
        "managed-csi",
        "NL302",
    ),
    (
        "kubernetes-sigs__azuredisk-csi-driver/deploy__example__modifyvolume__storageclass-azuredisk-csi-premiumv2.yaml",
        "managed-csi-pv2",
        "NL302",
    ),
    # pd.csi.storage.gke.io type pd-standard (zonal and regional): network HDD
    (
        "kubernetes-sigs__gcp-compute-persistent-disk-csi-driver/examples__kubernetes__demo-zonal-sc.yaml",
        "csi-gce-pd",
        "NL301",
    ),
    (
        "kubernetes-sigs__gcp-compute-persistent-disk-csi-driver/examples__kubernetes__demo-regional-sc.yaml",
        "csi-gce-pd",
        "NL301",
    ),
    # rancher.io/local-path: node-local, accepted
    ("rancher__local-path-provisioner/deploy__local-path-storage.yaml", "local-path", None),
    # in-tree Ceph RBD and Longhorn: network-replicated, media unknown
    (
        "kubernetes__examples/_archived__persistent-volume-provisioning__rbd__rbd-storage-class.yaml",
        "slow",
        "NL304",
    ),
    ("longhorn__longhorn/examples__storageclass.yaml", "longhorn-test", "NL304"),
]


@pytest.mark.parametrize(("name", "class_name", "rule"), CLASSES, ids=[c[1] for c in CLASSES])
def test_corpus_storage_classes(corpus_dir, tmp_path, name, class_name, rule):
    corpus = corpus_dir
    etcd = tmp_path / "etcd.yaml"
    etcd.write_text(textwrap.dedent(ETCD).replace("CLASS", class_name), "utf-8")
    report = lint(
        [str(etcd), str(corpus / name)],
        Config(ConfigModel()),
        select=["NL3"],
        today=DAY,
        cwd=tmp_path,
    )
    got = [(f.rule, f.file.path, f.span.line) for f in report.active]
    assert got == ([] if rule is None else [(rule, "etcd.yaml", CLASS_LINE)]), [
        f.message for f in report.active
    ]
