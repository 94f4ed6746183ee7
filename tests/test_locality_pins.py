"""netlint/checks/locality/pins.py: exactly which values of which objects are locality pins.

These tests need no region catalog: they check the pins, not what they resolve to (except the
NL406 run at the end, which needs netlint/checks/locality/regions.py and skips until it can
place us-east-1).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

from netlint.checks.locality.pins import hosts, pins, region_name
from netlint.config import Config, ConfigModel
from netlint.context import RunContext
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile

DAY = dt.date(2026, 1, 1)


def run(text: str, provider: str | None = None) -> RunContext:
    text = textwrap.dedent(text)
    loaded = [load_text(SourceFile("f.yaml", None, tuple(text.splitlines())), text)]
    model = ConfigModel.model_validate({"cluster": {"provider": provider}} if provider else {})
    return context(loaded, Config(model), today=DAY)


def found(text: str, provider: str | None = None) -> list[tuple[Any, ...]]:
    return [
        (
            p.kind,
            p.value,
            p.key,
            p.what,
            p.place.path,
            p.subject,
            p.provider_hint,
            p.is_host,
        )
        for p in pins(run(text, provider))
    ]


def deployment(spec: str, name: str = "web", namespace: str = "shop") -> str:
    return textwrap.dedent(f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {namespace}
        spec:
          template:
            spec:
        """) + textwrap.indent(textwrap.dedent(spec), " " * 6)


T = ("spec", "template", "spec")
REQ = (*T, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
PREF = (*T, "affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
SUBJECT = "Deployment web (shop)"


def test_node_selector_location_keys_only():
    text = deployment("""\
        nodeSelector:
          topology.kubernetes.io/region: us-east-1
          failure-domain.beta.kubernetes.io/zone: us-east-1a
          kubernetes.io/os: linux
          node.kubernetes.io/instance-type: m5.large
          region: us-east-1
        containers: [{name: app, image: nginx}]
        """)
    assert found(text) == [
        (
            "required",
            "us-east-1",
            "topology.kubernetes.io/region",
            "nodeSelector topology.kubernetes.io/region",
            (*T, "nodeSelector", "topology.kubernetes.io/region"),
            SUBJECT,
            None,
            False,
        ),
        (
            "required",
            "us-east-1a",
            "failure-domain.beta.kubernetes.io/zone",
            "nodeSelector failure-domain.beta.kubernetes.io/zone",
            (*T, "nodeSelector", "failure-domain.beta.kubernetes.io/zone"),
            SUBJECT,
            None,
            False,
        ),
    ]


def test_required_affinity_in_one_pin_per_value_notin_exists_none():
    text = deployment("""\
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchExpressions:
                - {key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a, us-east-1a]}
                - {key: topology.kubernetes.io/region, operator: NotIn, values: [us-east-1]}
                - {key: topology.gke.io/zone, operator: Exists}
                - {key: topology.kubernetes.io/zone, operator: DoesNotExist}
                - {key: kubernetes.io/arch, operator: In, values: [amd64]}
              - matchExpressions:
                - {key: topology.k8s.aws/zone-id, operator: In, values: [euc1-az3]}
        containers: [{name: app, image: nginx}]
        """)
    what = "required node affinity topology.kubernetes.io/zone In"
    key = "topology.kubernetes.io/zone"
    term0 = (*REQ, "nodeSelectorTerms", 0, "matchExpressions", 0, "values")
    assert found(text, provider="aws") == [
        ("required", "eu-west-1a", key, what, (*term0, 0), SUBJECT, "aws", False),
        ("required", "us-east-1a", key, what, (*term0, 1), SUBJECT, "aws", False),
        (
            "required",
            "euc1-az3",
            "topology.k8s.aws/zone-id",
            "required node affinity topology.k8s.aws/zone-id In",
            (*REQ, "nodeSelectorTerms", 1, "matchExpressions", 0, "values", 0),
            SUBJECT,
            "aws",
            False,
        ),
    ]


def test_preferred_affinity():
    text = deployment("""\
        affinity:
          nodeAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 10
              preference:
                matchExpressions:
                - {key: topology.kubernetes.io/region, operator: In, values: [us-west-2]}
                - {key: topology.kubernetes.io/region, operator: NotIn, values: [eu-west-2]}
        containers: [{name: app, image: nginx}]
        """)
    assert found(text) == [
        (
            "preferred",
            "us-west-2",
            "topology.kubernetes.io/region",
            "preferred node affinity topology.kubernetes.io/region In",
            (*PREF, 0, "preference", "matchExpressions", 0, "values", 0),
            SUBJECT,
            None,
            False,
        )
    ]


def test_topology_spread_and_pod_affinity_are_not_pins():
    text = deployment("""\
        topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: topology.kubernetes.io/zone
              labelSelector: {matchLabels: {app: web}}
        containers: [{name: app, image: nginx}]
        """)
    assert found(text) == []


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("Pod", ("spec",)),
        ("StatefulSet", T),
        ("DaemonSet", T),
        ("Job", T),
        ("CronJob", ("spec", "jobTemplate", "spec", "template", "spec")),
    ],
)
def test_every_pod_template(kind, path):
    spec = {"nodeSelector": {"topology.gke.io/zone": "europe-west2-b"}}
    data: dict[str, Any] = spec
    for step in reversed(path):
        data = {step: data}
    import json

    text = json.dumps({"apiVersion": "v1", "kind": kind, "metadata": {"name": "x"}, **data})
    assert found(text) == [
        (
            "required",
            "europe-west2-b",
            "topology.gke.io/zone",
            "nodeSelector topology.gke.io/zone",
            (*path, "nodeSelector", "topology.gke.io/zone"),
            f"{kind} x",
            None,
            False,
        )
    ]


def test_storage_class_topologies_and_parameters():
    text = """\
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: ebs}
        provisioner: ebs.csi.aws.com
        allowedTopologies:
        - matchLabelExpressions:
          - key: topology.ebs.csi.aws.com/zone
            values: [us-east-1a]
          - key: kubernetes.io/hostname
            values: [node-1]
        parameters:
          zones: us-east-1a, us-east-1b
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: gce}
        provisioner: kubernetes.io/gce-pd
        parameters: {zone: europe-west1-b, location: ignored}
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: az}
        provisioner: disk.csi.azure.com
        parameters: {location: uksouth}
        """
    key = "topology.ebs.csi.aws.com/zone"
    assert found(text, provider="gcp") == [
        (
            "storage",
            "us-east-1a",
            key,
            f"allowedTopologies {key}",
            ("allowedTopologies", 0, "matchLabelExpressions", 0, "values", 0),
            "StorageClass ebs",
            "ebs.csi.aws.com",
            False,
        ),
        *[
            (
                "storage",
                zone,
                "parameters.zones",
                "parameters.zones",
                ("parameters", "zones"),
                "StorageClass ebs",
                "ebs.csi.aws.com",
                False,
            )
            for zone in ("us-east-1a", "us-east-1b")
        ],
        (
            "storage",
            "europe-west1-b",
            "parameters.zone",
            "parameters.zone",
            ("parameters", "zone"),
            "StorageClass gce",
            "kubernetes.io/gce-pd",
            False,
        ),
        (
            "storage",
            "uksouth",
            "parameters.location",
            "parameters.location",
            ("parameters", "location"),
            "StorageClass az",
            "disk.csi.azure.com",
            False,
        ),
    ]


def test_persistent_volume_affinity_and_labels():
    text = """\
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pv-1
          labels:
            topology.kubernetes.io/zone: us-east-1c
            app: db
        spec:
          csi: {driver: ebs.csi.aws.com, volumeHandle: vol-1}
          nodeAffinity:
            required:
              nodeSelectorTerms:
              - matchExpressions:
                - {key: topology.ebs.csi.aws.com/zone, operator: In, values: [us-east-1c]}
                - {key: kubernetes.io/hostname, operator: In, values: [node-1]}
        """
    assert found(text) == [
        (
            "storage",
            "us-east-1c",
            "topology.ebs.csi.aws.com/zone",
            "volume node affinity topology.ebs.csi.aws.com/zone In",
            (
                "spec",
                "nodeAffinity",
                "required",
                "nodeSelectorTerms",
                0,
                "matchExpressions",
                0,
                "values",
                0,
            ),
            "PersistentVolume pv-1",
            "ebs.csi.aws.com",
            False,
        ),
        (
            "storage",
            "us-east-1c",
            "topology.kubernetes.io/zone",
            "label topology.kubernetes.io/zone",
            ("metadata", "labels", "topology.kubernetes.io/zone"),
            "PersistentVolume pv-1",
            "ebs.csi.aws.com",
            False,
        ),
    ]


def test_env_regions_and_hosts():
    text = deployment("""\
        containers:
        - name: app
          image: app
          env:
          - {name: AWS_REGION, value: us-east-1}
          - {name: S3_REGION, value: eu-north-1}
          - {name: CLOUDSDK_COMPUTE_ZONE, value: europe-west2-b}
          - {name: ARCHIVE_ENDPOINT, value: "https://s3.us-east-1.amazonaws.com/bucket"}
          - {name: DB_HOST, value: mydb.abc123.eu-central-1.rds.amazonaws.com}
          - {name: JDBC, value: "jdbc:postgresql://user@db.example.com:5432/app"}
          - {name: FROM_CM, valueFrom: {configMapKeyRef: {name: cfg, key: AWS_REGION}}}
          - {name: AWS_DEFAULT_REGION, value: "$(REGION)"}
          - {name: CONFIG, value: /etc/app/config.yaml}
          - {name: ADDR, value: "10.0.0.1:8080"}
          - {name: VERSION, value: "1.2.3"}
          - {name: CONTACT, value: ops@example.com}
          - {name: PLAIN, value: hello}
          - {name: R2_REGION, value: auto}
          - {name: CNI_CONF_NAME, value: 10-calico.conflist}
          - {name: CSI_ATTACHER_IMAGE, value: docker.io}
          - {name: TAINT_KEY, value: node.cilium.io}
          - {name: CA_ADDR, value: istiod.istio-system.svc}
          - {name: PEER_URL, value: "http://peer-0.peer.db.svc.cluster.local:2380"}
          - {name: REPORT_TARGET, value: "https://reports.example.org/upload"}
        """)
    env = (*T, "containers", 0, "env")
    assert found(text) == [
        (
            "endpoint",
            "us-east-1",
            "AWS_REGION",
            "env AWS_REGION",
            (*env, 0, "value"),
            SUBJECT,
            None,
            False,
        ),
        (
            "endpoint",
            "eu-north-1",
            "S3_REGION",
            "env S3_REGION",
            (*env, 1, "value"),
            SUBJECT,
            None,
            False,
        ),
        (
            "endpoint",
            "europe-west2-b",
            "CLOUDSDK_COMPUTE_ZONE",
            "env CLOUDSDK_COMPUTE_ZONE",
            (*env, 2, "value"),
            SUBJECT,
            None,
            False,
        ),
        (
            "endpoint",
            "s3.us-east-1.amazonaws.com",
            "hostname",
            "env ARCHIVE_ENDPOINT",
            (*env, 3, "value"),
            SUBJECT,
            None,
            True,
        ),
        (
            "endpoint",
            "mydb.abc123.eu-central-1.rds.amazonaws.com",
            "hostname",
            "env DB_HOST",
            (*env, 4, "value"),
            SUBJECT,
            None,
            True,
        ),
        (
            "endpoint",
            "db.example.com",
            "hostname",
            "env JDBC",
            (*env, 5, "value"),
            SUBJECT,
            None,
            True,
        ),
        # a URL counts under any name; a bare host only under a host-ish name (HOST, ENDPOINT,
        # URL, ADDR, SERVER, ...), and never an in-cluster name
        (
            "endpoint",
            "reports.example.org",
            "hostname",
            "env REPORT_TARGET",
            (*env, 19, "value"),
            SUBJECT,
            None,
            True,
        ),
    ]


def test_config_map_and_external_name():
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg, namespace: billing}
        data:
          s3.region: us-east-1
          ENDPOINT: https://fra1.digitaloceanspaces.com
          app.yaml: |
            endpoint: https://s3.us-east-1.amazonaws.com
          mode: fast
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: archive, namespace: billing}
        spec: {type: ExternalName, externalName: s3.eu-west-2.amazonaws.com}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: plain, namespace: billing}
        spec: {type: ClusterIP, externalName: s3.eu-west-2.amazonaws.com}
        """
    assert found(text, provider="aws") == [
        (
            "endpoint",
            "us-east-1",
            "s3.region",
            "ConfigMap key s3.region",
            ("data", "s3.region"),
            "ConfigMap cfg (billing)",
            "aws",
            False,
        ),
        (
            "endpoint",
            "fra1.digitaloceanspaces.com",
            "hostname",
            "ConfigMap key ENDPOINT",
            ("data", "ENDPOINT"),
            "ConfigMap cfg (billing)",
            "aws",
            True,
        ),
        (
            "endpoint",
            "s3.eu-west-2.amazonaws.com",
            "hostname",
            "ExternalName",
            ("spec", "externalName"),
            "Service archive (billing)",
            "aws",
            True,
        ),
    ]


def test_karpenter_and_cluster_api():
    text = """\
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata: {name: default}
        spec:
          template:
            spec:
              nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
              requirements:
              - {key: topology.kubernetes.io/zone, operator: In, values: [us-west-2a]}
              - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
              - {key: topology.kubernetes.io/zone, operator: NotIn, values: [us-west-2d]}
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
        kind: AWSCluster
        metadata: {name: x}
        spec: {region: us-east-1}
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
        kind: AzureCluster
        metadata: {name: y}
        spec: {location: westeurope}
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
        kind: GCPCluster
        metadata: {name: z}
        spec: {region: europe-west3}
        """
    assert found(text) == [
        (
            "required",
            "us-west-2a",
            "topology.kubernetes.io/zone",
            "NodePool requirement topology.kubernetes.io/zone In",
            ("spec", "template", "spec", "requirements", 0, "values", 0),
            "NodePool default",
            "aws",
            False,
        ),
        (
            "required",
            "us-east-1",
            "AWSCluster spec.region",
            "spec.region",
            ("spec", "region"),
            "AWSCluster x",
            "aws",
            False,
        ),
        (
            "required",
            "westeurope",
            "AzureCluster spec.location",
            "spec.location",
            ("spec", "location"),
            "AzureCluster y",
            "azure",
            False,
        ),
        (
            "required",
            "europe-west3",
            "GCPCluster spec.region",
            "spec.region",
            ("spec", "region"),
            "GCPCluster z",
            "gcp",
            False,
        ),
    ]


def test_odd_shapes_never_crash():
    text = """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: odd}
        spec:
          template:
            spec:
              nodeSelector: [topology.kubernetes.io/zone]
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: {a: 1}}
                  preferredDuringSchedulingIgnoredDuringExecution: [1, {preference: 2}]
              containers: [{name: a, env: [{name: AWS_REGION, value: 7}, {name: X}, 3]}, 4]
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: odd}
        provisioner: [1]
        allowedTopologies: [{matchLabelExpressions: [{key: topology.kubernetes.io/zone}]}, 3]
        parameters: [zone]
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: odd, labels: {topology.kubernetes.io/zone: null}}
        spec: {nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [1]}]}}}
        ---
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata: {name: odd}
        spec: {template: {spec: {requirements: {}}}}
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
        kind: AWSCluster
        metadata: {name: odd}
        spec: {region: {a: b}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: odd}
        data: [1, 2]
        """
    assert found(text) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://s3.us-east-1.amazonaws.com", ["s3.us-east-1.amazonaws.com"]),
        ("s3.amazonaws.com", ["s3.amazonaws.com"]),
        ("http://user:pw@minio.example.org:9000/x?y=1", ["minio.example.org"]),
        (
            "b-1.kafka.eu-west-1.amazonaws.com:9092,b-2.kafka.eu-west-1.amazonaws.com:9092",
            [
                "b-1.kafka.eu-west-1.amazonaws.com",
                "b-2.kafka.eu-west-1.amazonaws.com",
            ],
        ),
        ("localhost", []),
        ("10.0.0.1", []),
        ("1.2.3", []),
        ("config.yaml", []),
        ("ops@example.com", []),
        ("--flag=value.example.com", []),
        ("${ENDPOINT}", []),
        ("a\nb.example.com", []),
        ("peer-0.peer.db.svc.cluster.local:2380", []),
        ("istiod.istio-system.svc", []),
    ],
)
def test_hosts(value, expected):
    assert hosts(value) == expected


def test_bare_hosts_only_when_asked():
    assert hosts("s3.eu-west-1.amazonaws.com", bare=False) == []
    assert hosts("https://s3.eu-west-1.amazonaws.com", bare=False) == ["s3.eu-west-1.amazonaws.com"]


def test_volume_handles_and_templates():
    text = """\
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pd}
        spec:
          csi:
            driver: pd.csi.storage.gke.io
            volumeHandle: projects/PRJCTID/zones/us-central1-a/disks/mysql-recovery
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: ebs}
        spec:
          awsElasticBlockStore: {volumeID: "aws://eu-west-1b/vol-0123", fsType: ext4}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: azure}
        spec:
          csi:
            driver: disk.csi.azure.com
            volumeHandle: /subscriptions/x/resourcegroups/y/providers/microsoft.compute/disks/z
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
        kind: AzureCluster
        metadata: {name: tpl}
        spec: {location: "${AZURE_LOCATION}"}
        """
    assert found(text) == [
        (
            "storage",
            "us-central1-a",
            "PersistentVolume csi.volumeHandle",
            "csi.volumeHandle",
            ("spec", "csi", "volumeHandle"),
            "PersistentVolume pd",
            "pd.csi.storage.gke.io",
            False,
        ),
        (
            "storage",
            "eu-west-1b",
            "PersistentVolume awsElasticBlockStore.volumeID",
            "awsElasticBlockStore.volumeID",
            ("spec", "awsElasticBlockStore", "volumeID"),
            "PersistentVolume ebs",
            "aws",
            False,
        ),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AWS_REGION", True),
        ("AWS_DEFAULT_REGION", True),
        ("OVH_S3_REGION", True),
        ("s3.region", True),
        ("AZURE_LOCATION", True),
        ("CLOUDSDK_COMPUTE_ZONE", True),
        ("REGIONS", False),
        ("STORAGE_LOCATION", False),
        ("ZONE", False),
    ],
)
def test_region_name(name, expected):
    assert region_name(name) is expected


def test_cluster_region_lands_on_the_config_line(tmp_path: Path):
    """NL406 with a real .netlint.yaml: one finding for the run, on its `region:` line."""
    from netlint.api import lint
    from netlint.checks.locality.regions import resolve_region
    from netlint.config import load_config

    if len(resolve_region("us-east-1", "aws").locations) != 1:
        pytest.skip("region catalog (regions.py) cannot place us-east-1 yet")
    config_path = tmp_path / ".netlint.yaml"
    config_path.write_text("cluster:\n  provider: aws\n  region: us-east-1\n")
    manifest = tmp_path / "cm.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    config = load_config(config_path)
    report = lint([str(manifest)], config, select=["NL4"], cwd=tmp_path, today=DAY)
    assert [(f.rule, Path(f.file.path).name, f.span.line) for f in report.active] == [
        ("NL406", ".netlint.yaml", 3)
    ]


def test_unknown_provisioner_falls_back_to_the_cluster_provider():
    text = """\
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: local}
        provisioner: rancher.io/local-path
        allowedTopologies:
        - matchLabelExpressions:
          - {key: topology.kubernetes.io/zone, values: [fsn1-dc14]}
        ---
        apiVersion: karpenter.sh/v1alpha5
        kind: Provisioner
        metadata: {name: old}
        spec:
          requirements:
          - {key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a]}
        """
    assert [(p.subject, p.value, p.provider_hint, p.what) for p in pins(run(text, "hetzner"))] == [
        (
            "StorageClass local",
            "fsn1-dc14",
            "hetzner",
            "allowedTopologies topology.kubernetes.io/zone",
        ),
        (
            "Provisioner old",
            "eu-west-1a",
            "aws",
            "Provisioner requirement topology.kubernetes.io/zone In",
        ),
    ]
