"""NL3xx: which workloads run an etcd server, and which volume holds its data and WAL."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

from netlint.api import lint
from netlint.checks.etcd.model import EtcdMember, EtcdVolume
from netlint.checks.etcd.recognise import (
    Token,
    _script_runs_etcd,
    covering_mount,
    etcd_image_family,
    image_repository,
    launch,
    members,
    parse_flags,
)
from netlint.config import Config, ConfigModel
from netlint.context import RunContext
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile

DAY = dt.date(2026, 1, 1)
POD = ("spec", "template", "spec")
C0 = (*POD, "containers", 0)
VCT0 = ("spec", "volumeClaimTemplates", 0)


def run(*texts: str) -> RunContext:
    """One run over one file per text."""
    loaded = []
    for i, text in enumerate(texts):
        text = textwrap.dedent(text)
        loaded.append(load_text(SourceFile(f"f{i}.yaml", None, tuple(text.splitlines())), text))
    return context(loaded, Config(ConfigModel()), today=DAY)


def vol(v: EtcdVolume) -> tuple[Any, ...]:
    """(purpose, directory, source, kind, volume, class, class set, hint, memory, where)."""
    return (
        v.purpose,
        v.directory,
        v.directory_source,
        v.kind,
        v.volume_name,
        v.class_name,
        v.class_set,
        v.media_hint,
        v.medium_memory,
        (v.place.resource.kind, v.place.path),
    )


def read(*texts: str) -> list[EtcdMember]:
    return members(run(*texts))


def one(*texts: str) -> EtcdMember:
    found = read(*texts)
    assert len(found) == 1, [m.title for m in found]
    return found[0]


def sts(container: str, extra: str = "", templates: str = "", name: str = "etcd") -> str:
    """A StatefulSet in namespace kv with one container (YAML at 8 spaces) and pod-level
    `extra` (at 6 spaces) and claim templates (at 4 spaces)."""
    body = f"""\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  namespace: kv
spec:
  serviceName: {name}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
{textwrap.indent(textwrap.dedent(container), " " * 8)}"""
    if extra:
        body += "\n" + textwrap.indent(textwrap.dedent(extra), " " * 6)
    if templates:
        body += "\n  volumeClaimTemplates:\n" + textwrap.indent(textwrap.dedent(templates), "    ")
    return body + "\n"


def deploy(container: str, extra: str = "", kind: str = "Deployment") -> str:
    body = f"""\
apiVersion: apps/v1
kind: {kind}
metadata:
  name: etcd
spec:
  selector:
    matchLabels:
      app: etcd
  template:
    metadata:
      labels:
        app: etcd
    spec:
      containers:
{textwrap.indent(textwrap.dedent(container), " " * 8)}"""
    if extra:
        body += "\n" + textwrap.indent(textwrap.dedent(extra), " " * 6)
    return body + "\n"


DATA_TEMPLATE = """\
- metadata:
    name: data
  spec:
    accessModes: [ReadWriteOnce]
    storageClassName: fast
    resources: {requests: {storage: 8Gi}}
"""


# ---------------------------------------------------------------------------------------------
# images


@pytest.mark.parametrize(
    ("image", "family"),
    [
        ("registry.k8s.io/etcd:3.5.15-0", "kubernetes"),
        (
            "registry.k8s.io/etcd@sha256:a6dc63e6e8cfa0307d7851762fa6b629afb18f28d8aa3fab5a6e91b4af60026a",
            "kubernetes",
        ),
        ("k8s.gcr.io/etcd:3.4.13-0", "kubernetes"),
        ("k8s.gcr.io/etcd-amd64:3.2.18", "kubernetes"),
        ("gcr.io/google_containers/etcd-arm64:3.0.17", "kubernetes"),
        ("harbor.example.com/registry.k8s.io/etcd:3.5.15-0", "kubernetes"),
        ("quay.io/coreos/etcd:v3.5.17", "upstream"),
        ("gcr.io/etcd-development/etcd:v3.6.0", "upstream"),
        ("bitnami/etcd", "bitnami"),
        ("docker.io/bitnami/etcd:3.5.16-debian-12-r2", "bitnami"),
        ("docker.io/bitnamilegacy/etcd:3.5.10-debian-11-r2", "bitnami"),
        ("bitnamisecure/etcd:latest", "bitnami"),
        ("mirror.internal:5000/bitnami/etcd:3.5", "bitnami"),
        ("b.gcr.io/kuar/etcd:2.2.0", "other"),
        ("vitess/etcd:v2.0.13-lite", "other"),
        ("rancher/mirrored-coreos-etcd:v3.5.12", "other"),
        ("rancher/hardened-etcd:v3.5.13-k3s1-build20240531", "other"),
        ("gcr.io/etcd-development/etcd-operator:v0.2.0", None),
        ("registry.k8s.io/etcd-statefulset-e2e-test:0.0", None),
        ("europe-docker.pkg.dev/gardener-project/releases/gardener/etcd-druid:v0.22.0", None),
        ("openshift/etcd-20-centos7", None),
        ("docker.io/bitnami/postgresql:16", None),
        ("", None),
    ],
)
def test_image_family(image, family):
    assert etcd_image_family(image) == family


def test_image_repository():
    assert image_repository("Registry.K8s.io/etcd:3.5.15-0@sha256:abc") == (
        "registry.k8s.io",
        "etcd",
    )
    assert image_repository("localhost:5000/etcd") == ("localhost:5000", "etcd")


# ---------------------------------------------------------------------------------------------
# what a container runs


@pytest.mark.parametrize(
    ("script", "runs", "words"),
    [
        ("exec etcd --data-dir=/d", True, ["--data-dir=/d"]),
        (
            "sleep 5; /usr/local/bin/etcd --data-dir /var/etcd/data --name x",
            True,
            ["--data-dir", "/var/etcd/data", "--name", "x"],
        ),
        (
            "set -e\nHOME=/x exec /usr/local/bin/etcd \\\n  --wal-dir=/w\necho done",
            True,
            ["--wal-dir=/w"],
        ),
        ("until etcdctl endpoint health; do sleep 1; done\netcd -name a", True, ["-name", "a"]),
        ("etcdctl snapshot save /backup/db", False, []),
        ("while true; do etcdctl defrag; sleep 3600; done", False, []),
        ("echo etcd is great", False, []),
        ("exec /opt/bitnami/scripts/etcd/run.sh", True, []),
        ("etcd --name 'unterminated", True, ["--name", "'unterminated"]),
    ],
)
def test_script_runs_etcd(script, runs, words):
    assert _script_runs_etcd(script) == (runs, words)


def _launch(container: dict[str, Any]) -> tuple[str, str | None, list[str], bool]:
    found = launch(("c",), container)
    return (
        found.runs,
        found.program.text if found.program else None,
        [t.text for t in found.flags],
        found.shell,
    )


@pytest.mark.parametrize(
    ("container", "expected"),
    [
        ({}, ("default", None, [], False)),
        ({"args": ["--name=a"]}, ("default", None, ["--name=a"], False)),
        ({"command": ["etcd", "--name=a"]}, ("etcd", "etcd", ["--name=a"], False)),
        (
            {"command": ["/usr/local/bin/etcd"], "args": ["--x"]},
            ("etcd", "/usr/local/bin/etcd", ["--x"], False),
        ),
        ({"args": ["etcd", "--x"]}, ("etcd", "etcd", ["--x"], False)),
        ({"command": ["etcdctl", "get", "a"]}, ("other", "etcdctl", [], False)),
        (
            {"command": ["/usr/local/bin/etcdutl", "snapshot", "restore"]},
            ("other", "/usr/local/bin/etcdutl", [], False),
        ),
        ({"command": ["sleep", "infinity"]}, ("other", "sleep", [], False)),
        (
            {"command": ["/bin/sh", "-ec", "exec etcd --x"]},
            ("etcd", "exec etcd --x", ["--x"], True),
        ),
        (
            {"command": ["sh", "-c"], "args": ["etcdctl snapshot save x"]},
            ("other", "sh", [], False),
        ),
        ({"command": ["sh", "/start.sh"]}, ("unknown", "sh", [], False)),
        ({"command": ["/usr/bin/tini", "--", "etcd", "--x"]}, ("etcd", "etcd", ["--x"], False)),
        ({"command": ["/docker-entrypoint.sh"]}, ("unknown", "/docker-entrypoint.sh", [], False)),
        (
            {
                "command": ["/opt/bitnami/scripts/etcd/entrypoint.sh"],
                "args": ["/opt/bitnami/scripts/etcd/run.sh"],
            },
            (
                "etcd",
                "/opt/bitnami/scripts/etcd/entrypoint.sh",
                ["/opt/bitnami/scripts/etcd/run.sh"],
                False,
            ),
        ),
        ({"command": "etcd"}, ("default", None, [], False)),  # not a list: ignored
        ({"command": [1, {"a": 1}, None, "etcd"]}, ("unknown", "1", [], False)),
    ],
)
def test_launch(container, expected):
    assert _launch(container) == expected


def test_parse_flags():
    def flags(*words: str) -> dict[str, tuple[str | None, str]]:
        tokens = [Token(w, ("args", i)) for i, w in enumerate(words)]
        return {k: (s.value, s.source) for k, s in parse_flags(tokens).items()}

    assert flags("--data-dir=/a", "-data-dir", "/b") == {"data-dir": ("/b", "--data-dir=/b")}
    assert flags("--name", "x", "--wal-dir=/w") == {
        "name": ("x", "--name=x"),
        "wal-dir": ("/w", "--wal-dir=/w"),
    }
    assert flags("--unsafe-no-fsync") == {"unsafe-no-fsync": ("true", "--unsafe-no-fsync")}
    assert flags("--unsafe-no-fsync=1") == {"unsafe-no-fsync": ("true", "--unsafe-no-fsync=1")}
    assert flags("--unsafe-no-fsync=True") == {
        "unsafe-no-fsync": ("true", "--unsafe-no-fsync=True")
    }
    assert flags("--unsafe-no-fsync", "--unsafe-no-fsync=false") == {}
    assert flags("--", "--data-dir=/x") == {}
    assert flags("--data-dir") == {"data-dir": ("", "--data-dir=")}


def test_covering_mount_is_path_wise_and_longest():
    from netlint.checks.etcd.recognise import Mount

    mounts = [
        Mount("root", "/var", ("m", 0), False),
        Mount("etcd", "/var/lib/etcd", ("m", 1), False),
        Mount("etcd2", "/var/lib/etcd2", ("m", 2), False),
    ]
    assert covering_mount(mounts, "/var/lib/etcd/data")[0] == mounts[1]
    assert covering_mount(mounts, "/var/lib/etcd")[0] == mounts[1]
    assert covering_mount(mounts, "/var/lib/etcd2x")[0] == mounts[0]
    assert covering_mount(mounts, "/srv/etcd") == (None, True)
    # a variable: only the literal part decides, and no mount there leaves it open
    assert covering_mount(mounts, "/var/lib/etcd/$(POD_NAME)")[0] == mounts[1]
    assert covering_mount(mounts, "/$(DIR)/data") == (None, False)


# ---------------------------------------------------------------------------------------------
# vendor shapes

BITNAMI = """\
- name: etcd
  image: docker.io/bitnami/etcd:3.5.16-debian-12-r2
  env:
    - name: MY_POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: ETCD_NAME
      value: "$(MY_POD_NAME)"
    - name: ETCD_DATA_DIR
      value: "/bitnami/etcd/data"
  volumeMounts:
    - name: empty-dir
      mountPath: /tmp
      subPath: tmp-dir
    - name: empty-dir
      mountPath: /opt/bitnami/etcd/conf/
      subPath: app-conf-dir
    - name: data
      mountPath: /bitnami/etcd
"""


def test_bitnami_chart_claim_template():
    member = one(sts(BITNAMI, "volumes:\n  - name: empty-dir\n    emptyDir: {}\n", DATA_TEMPLATE))
    assert member.title == "StatefulSet etcd (kv)"
    assert member.reason == "image docker.io/bitnami/etcd:3.5.16-debian-12-r2"
    assert member.place.path == (*C0, "image")
    assert member.unsafe_no_fsync is None
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/bitnami/etcd/data",
            "env ETCD_DATA_DIR=/bitnami/etcd/data",
            "claim-template",
            "data",
            "fast",
            True,
            None,
            False,
            ("StatefulSet", (*VCT0, "spec", "storageClassName")),
        )
    ]


def test_bitnami_persistence_disabled_is_an_empty_dir():
    member = one(
        sts(
            BITNAMI,
            "volumes:\n  - name: empty-dir\n    emptyDir: {}\n  - name: data\n    emptyDir: {}\n",
        )
    )
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/bitnami/etcd/data",
            "env ETCD_DATA_DIR=/bitnami/etcd/data",
            "empty-dir",
            "data",
            None,
            False,
            None,
            False,
            ("StatefulSet", (*POD, "volumes", 1, "emptyDir")),
        )
    ]


def test_bitnami_image_default_and_default_class():
    container = """\
- name: etcd
  image: bitnamilegacy/etcd:3.5.10
  volumeMounts:
    - name: data
      mountPath: /bitnami/etcd
"""
    template = "- metadata:\n    name: data\n  spec:\n    accessModes: [ReadWriteOnce]\n"
    member = one(sts(container, templates=template))
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/bitnami/etcd/data",
            "image default of bitnami/etcd (ETCD_DATA_DIR=/bitnami/etcd/data)",
            "claim-template",
            "data",
            None,
            False,
            None,
            False,
            ("StatefulSet", VCT0),
        )
    ]


KUBEADM = """\
apiVersion: v1
kind: Pod
metadata:
  labels: {component: etcd, tier: control-plane}
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://10.0.0.10:2379
    - --data-dir=/var/lib/etcd
    - --name=cp-1
    image: registry.k8s.io/etcd:3.5.15-0
    name: etcd
    volumeMounts:
    - mountPath: /var/lib/etcd
      name: etcd-data
    - mountPath: /etc/kubernetes/pki/etcd
      name: etcd-certs
  hostNetwork: true
  volumes:
  - hostPath: {path: /etc/kubernetes/pki/etcd, type: DirectoryOrCreate}
    name: etcd-certs
  - hostPath: {path: /var/lib/etcd, type: DirectoryOrCreate}
    name: etcd-data
"""


def test_kubeadm_static_pod_is_host_path():
    member = one(KUBEADM)
    assert (member.title, member.reason, member.place.path) == (
        "Pod etcd (kube-system)",
        "image registry.k8s.io/etcd:3.5.15-0",
        ("spec", "containers", 0, "image"),
    )
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/var/lib/etcd",
            "--data-dir=/var/lib/etcd",
            "host-path",
            "etcd-data",
            None,
            False,
            None,
            False,
            ("Pod", ("spec", "volumes", 1, "hostPath")),
        )
    ]


def test_kubernetes_image_without_data_dir_writes_to_its_working_directory():
    # registry.k8s.io/etcd has WORKDIR /: without --data-dir etcd writes /default.etcd, outside
    # the volume mounted at /var/lib/etcd
    member = one(KUBEADM.replace("    - --data-dir=/var/lib/etcd\n", "").replace("cp-1", "a"))
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/a.etcd",
            "etcd's default <name>.etcd in the image's working directory /",
            "none",
            None,
            None,
            False,
            None,
            False,
            ("Pod", ("spec", "containers", 0)),
        )
    ]


def test_release_image_default_directory_and_working_dir():
    container = """\
- name: etcd
  image: quay.io/coreos/etcd:v3.5.17
  command: [/usr/local/bin/etcd, --name, m0]
  volumeMounts:
    - {name: data, mountPath: /var/lib/etcd}
"""
    member = one(sts(container, templates=DATA_TEMPLATE))
    assert [(v.directory, v.directory_source, v.kind) for v in member.volumes] == [
        (
            "/var/lib/etcd/m0.etcd",
            "etcd's default <name>.etcd in the image's working directory /var/lib/etcd",
            "claim-template",
        )
    ]
    # the container's workingDir wins, and a relative --data-dir is relative to it
    moved = container.replace("command: [/usr/local/bin/etcd, --name, m0]", "workingDir: /srv")
    member = one(sts(moved + "  args: [--data-dir=db]\n", templates=DATA_TEMPLATE))
    assert [(v.directory, v.directory_source, v.kind) for v in member.volumes] == [
        ("/srv/db", "--data-dir=db", "none")
    ]


def test_shell_started_etcd_in_another_image():
    container = """\
- name: etcd
  image: alpine:3.20
  command:
    - /bin/sh
    - -ec
    - |
      apk add etcd
      exec /usr/bin/etcd --name "$HOSTNAME" --data-dir="${DATA}/member" --wal-dir /wal
  env:
    - {name: DATA, value: /var/lib/etcd}
  volumeMounts:
    - {name: data, mountPath: /var/lib/etcd}
    - {name: wal, mountPath: /wal}
"""
    wal = '- metadata: {name: wal}\n  spec: {storageClassName: ""}\n'
    member = one(sts(container, templates=DATA_TEMPLATE + wal))
    assert (member.reason, member.place.path) == (
        "shell command runs etcd",
        (*C0, "command", 2),
    )
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/var/lib/etcd/member",
            "--data-dir=/var/lib/etcd/member",
            "claim-template",
            "data",
            "fast",
            True,
            None,
            False,
            ("StatefulSet", (*VCT0, "spec", "storageClassName")),
        ),
        (
            "wal",
            "/wal",
            "--wal-dir=/wal",
            "claim-template",
            "wal",
            "",
            True,
            None,
            False,
            ("StatefulSet", ("spec", "volumeClaimTemplates", 1, "spec", "storageClassName")),
        ),
    ]


def test_coreos_operator_pod_shape():
    # the pods the CoreOS etcd-operator created: /bin/sh -ec "sleep 5; etcd ..." on etcd-data
    pod = """\
apiVersion: v1
kind: Pod
metadata: {name: example-0000, namespace: default}
spec:
  containers:
  - name: etcd
    image: quay.io/coreos/etcd:v3.2.13
    command:
    - /bin/sh
    - -ec
    - "sleep 5; /usr/local/bin/etcd --data-dir=/var/etcd/data --name=example-0000"
    volumeMounts:
    - {name: etcd-data, mountPath: /var/etcd}
  volumes:
  - name: etcd-data
    persistentVolumeClaim: {claimName: example-0000}
"""
    member = one(pod)
    assert member.reason == "image quay.io/coreos/etcd:v3.2.13"
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/var/etcd/data",
            "--data-dir=/var/etcd/data",
            "claim",
            "etcd-data",
            None,
            False,
            None,
            False,
            ("Pod", ("spec", "volumes", 0, "persistentVolumeClaim", "claimName")),
        )
    ]


def test_kubelet_variable_expansion_and_config_map_values():
    container = """\
- name: etcd
  image: gcr.io/etcd-development/etcd:v3.5.17
  command: [/usr/local/bin/etcd]
  args: ["--data-dir=$(BASE)/data", "--wal-dir=$(WAL)"]
  envFrom:
    - configMapRef: {name: etcd-env}
  env:
    - name: BASE
      value: /var/lib/etcd
    - name: WAL
      valueFrom: {configMapKeyRef: {name: etcd-conf, key: wal}}
  volumeMounts:
    - {name: data, mountPath: /var/lib/etcd}
    - {name: wal, mountPath: /var/lib/etcd-wal}
"""
    maps = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: etcd-conf, namespace: kv}
data: {wal: /var/lib/etcd-wal/member}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: etcd-env, namespace: kv}
data: {ETCD_UNSAFE_NO_FSYNC: "true"}
"""
    wal = "- metadata: {name: wal}\n  spec: {}\n"
    member = one(sts(container, templates=DATA_TEMPLATE + wal), maps)
    assert [
        (v.purpose, v.directory, v.directory_source, v.volume_name) for v in member.volumes
    ] == [
        ("data", "/var/lib/etcd/data", "--data-dir=/var/lib/etcd/data", "data"),
        ("wal", "/var/lib/etcd-wal/member", "--wal-dir=/var/lib/etcd-wal/member", "wal"),
    ]
    assert member.unsafe_no_fsync is not None
    assert member.unsafe_no_fsync.path == (*C0, "envFrom", 0)


def test_flags_win_over_variables_and_wal_on_the_data_volume_is_not_repeated():
    container = """\
- name: etcd
  image: quay.io/coreos/etcd:v3.5.17
  args: [--data-dir=/var/lib/etcd/data, --wal-dir=/var/lib/etcd/wal]
  env:
    - {name: ETCD_DATA_DIR, value: /elsewhere}
  volumeMounts:
    - {name: data, mountPath: /var/lib/etcd}
"""
    member = one(sts(container, templates=DATA_TEMPLATE))
    assert [(v.purpose, v.directory, v.directory_source) for v in member.volumes] == [
        ("data", "/var/lib/etcd/data", "--data-dir=/var/lib/etcd/data")
    ]


@pytest.mark.parametrize(
    ("setting", "where"),
    [
        ("  args: [--unsafe-no-fsync]\n", (*C0, "args", 0)),
        ("  args: [--name=a, --unsafe-no-fsync=true]\n", (*C0, "args", 1)),
        ("  command: [etcd, -unsafe-no-fsync=1]\n", (*C0, "command", 1)),
        ("  command: [sh, -c, 'exec etcd --unsafe-no-fsync']\n", (*C0, "command", 2)),
        ("  env: [{name: ETCD_UNSAFE_NO_FSYNC, value: 'TRUE'}]\n", (*C0, "env", 0, "value")),
        ("  args: [--unsafe-no-fsync=false]\n", None),
        ("  env: [{name: ETCD_UNSAFE_NO_FSYNC, value: 'false'}]\n", None),
        ("  args: [--unsafe-no-fsync]\n  env: [{name: ETCD_CONFIG_FILE, value: /c.yaml}]\n", None),
    ],
)
def test_unsafe_no_fsync(setting, where):
    container = "- name: etcd\n  image: registry.k8s.io/etcd:3.5.15-0\n" + setting
    member = one(deploy(container))
    assert (member.unsafe_no_fsync.path if member.unsafe_no_fsync else None) == where


# ---------------------------------------------------------------------------------------------
# volumes


def _data(container_extra: str, volumes: str, *others: str, kind: str = "Deployment") -> Any:
    container = f"""\
- name: etcd
  image: registry.k8s.io/etcd:3.5.15-0
  command: [etcd, --data-dir=/var/lib/etcd/data]
{container_extra}"""
    return [vol(v) for v in one(deploy(container, volumes, kind=kind), *others).volumes]


MOUNT = "  volumeMounts: [{name: data, mountPath: /var/lib/etcd}]\n"
SOURCE = "--data-dir=/var/lib/etcd/data"


def test_claim_in_the_run():
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: etcd-data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: gp3
"""
    volumes = "volumes: [{name: data, persistentVolumeClaim: {claimName: etcd-data}}]\n"
    got = _data(MOUNT, volumes, claim)
    assert got == [
        (
            "data",
            "/var/lib/etcd/data",
            SOURCE,
            "claim",
            "data",
            "gp3",
            True,
            None,
            False,
            ("PersistentVolumeClaim", ("spec", "storageClassName")),
        )
    ]
    # without storageClassName: the default class, pointed at the claim's spec
    got = _data(MOUNT, volumes, claim.replace("  storageClassName: gp3\n", ""))
    assert got[0][5:7] == (None, False)
    assert got[0][9] == ("PersistentVolumeClaim", ("spec",))
    # the beta annotation wins over the field, as in Kubernetes
    annotated = claim.replace(
        "metadata: {name: etcd-data}",
        "metadata:\n  name: etcd-data\n  annotations:\n"
        "    volume.beta.kubernetes.io/storage-class: slow",
    )
    got = _data(MOUNT, volumes, annotated)
    assert got[0][5:7] == ("slow", True)
    assert got[0][9] == (
        "PersistentVolumeClaim",
        ("metadata", "annotations", "volume.beta.kubernetes.io/storage-class"),
    )


def test_claim_not_in_the_run_points_at_the_claim_name():
    volumes = "volumes: [{name: data, persistentVolumeClaim: {claimName: etcd-data}}]\n"
    assert _data(MOUNT, volumes)[0][3:] == (
        "claim",
        "data",
        None,
        False,
        None,
        False,
        ("Deployment", (*POD, "volumes", 0, "persistentVolumeClaim", "claimName")),
    )


def test_generic_ephemeral_volume():
    volumes = """\
volumes:
  - name: data
    ephemeral:
      volumeClaimTemplate:
        spec: {accessModes: [ReadWriteOnce], storageClassName: premium}
"""
    assert _data(MOUNT, volumes)[0][3:] == (
        "ephemeral-claim",
        "data",
        "premium",
        True,
        None,
        False,
        (
            "Deployment",
            (*POD, "volumes", 0, "ephemeral", "volumeClaimTemplate", "spec", "storageClassName"),
        ),
    )


@pytest.mark.parametrize(
    ("source", "kind", "hint", "memory", "key"),
    [
        ("emptyDir: {}", "empty-dir", None, False, "emptyDir"),
        ("emptyDir: {medium: Memory}", "empty-dir", None, True, "emptyDir"),
        ("hostPath: {path: /mnt/nvme/etcd}", "host-path", None, False, "hostPath"),
        ("nfs: {server: filer, path: /etcd}", "other", "network-file", False, "nfs"),
        ("cephfs: {monitors: [m1]}", "other", "network-file", False, "cephfs"),
        (
            "azureFile: {secretName: s, shareName: etcd}",
            "other",
            "network-file",
            False,
            "azureFile",
        ),
        ("glusterfs: {endpoints: g, path: etcd}", "other", "network-file", False, "glusterfs"),
        ("awsElasticBlockStore: {volumeID: vol-1}", "other", None, False, None),
        ("csi: {driver: x}", "other", None, False, None),
    ],
)
def test_inline_volume_kinds(source, kind, hint, memory, key):
    got = _data(MOUNT, f"volumes:\n  - name: data\n    {source}\n")
    where = (*POD, "volumes", 0) if key is None else (*POD, "volumes", 0, key)
    assert got == [
        (
            "data",
            "/var/lib/etcd/data",
            SOURCE,
            kind,
            "data",
            None,
            False,
            hint,
            memory,
            ("Deployment", where),
        ),
    ]


def test_no_covering_mount_is_the_container_layer():
    mounts = "  volumeMounts: [{name: scratch, mountPath: /tmp}]\n"
    assert _data(mounts, "volumes: [{name: scratch, emptyDir: {}}]\n") == [
        (
            "data",
            "/var/lib/etcd/data",
            SOURCE,
            "none",
            None,
            None,
            False,
            None,
            False,
            ("Deployment", C0),
        ),
    ]


def test_mount_of_a_missing_volume_is_not_judged():
    assert _data(MOUNT, "") == []


def test_unknown_directory_takes_the_conventional_mount():
    container = """\
- name: etcd
  image: example.com/tools/etcd-wrapper:1.0
  command: [etcd, --data-dir=$(DIR)]
  env: [{name: DIR, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
  volumeMounts:
    - {name: certs, mountPath: /etc/etcd/pki, readOnly: true}
    - {name: scratch, mountPath: /tmp}
    - {name: data, mountPath: /var/lib/etcd}
"""
    volumes = """\
volumes:
  - {name: certs, secret: {secretName: etcd-certs}}
  - {name: scratch, emptyDir: {}}
  - {name: data, hostPath: {path: /var/lib/etcd}}
"""
    member = one(deploy(container, volumes))
    assert member.reason == "command etcd"
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/var/lib/etcd",
            "--data-dir=$(DIR): data dir from a variable netlint cannot read; assumed the volume "
            "mounted at /var/lib/etcd (its path names etcd)",
            "host-path",
            "data",
            None,
            False,
            None,
            False,
            ("Deployment", (*POD, "volumes", 2, "hostPath")),
        )
    ]


def test_unknown_directory_without_a_conventional_mount():
    container = """\
- name: etcd
  image: example.com/tools/etcd-wrapper:1.0
  env: [{name: ETCD_DATA_DIR, valueFrom: {secretKeyRef: {name: s, key: dir}}}]
  volumeMounts: [{name: data, mountPath: /data}]
"""
    # another writable volume could hold it: say nothing
    member = one(deploy(container, "volumes: [{name: data, emptyDir: {}}]\n"))
    assert member.reason == "env ETCD_DATA_DIR (an etcd server setting)"
    assert member.place.path == (*C0, "env", 0)
    assert member.volumes == []
    # no writable volume at all: wherever it is, it is in the container
    ro = container.replace("mountPath: /data}", "mountPath: /data, readOnly: true}")
    member = one(deploy(ro, "volumes: [{name: data, emptyDir: {}}]\n"))
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "unknown",
            "env ETCD_DATA_DIR (from a reference): data dir unknown; the container mounts no "
            "writable volume",
            "none",
            None,
            None,
            False,
            None,
            False,
            ("Deployment", C0),
        )
    ]


def test_config_file_hides_the_data_dir():
    container = """\
- name: etcd
  image: quay.io/coreos/etcd:v3.5.17
  command: [etcd, --config-file=/etc/etcd/etcd.yaml, --data-dir=/ignored]
  volumeMounts:
    - {name: conf, mountPath: /etc/etcd}
    - {name: data, mountPath: /var/lib/etcd}
"""
    volumes = "volumes: [{name: conf, configMap: {name: c}}, {name: data, emptyDir: {}}]\n"
    member = one(deploy(container, volumes))
    assert [(v.directory, v.directory_source, v.kind) for v in member.volumes] == [
        (
            "/var/lib/etcd",
            "--config-file=/etc/etcd/etcd.yaml: etcd reads its data dir from that file; "
            "assumed the volume mounted at /var/lib/etcd (its path names etcd)",
            "empty-dir",
        )
    ]


# ---------------------------------------------------------------------------------------------
# EtcdCluster


def _cluster(spec: str, *others: str) -> EtcdMember:
    return one(
        "apiVersion: operator.etcd.io/v1alpha1\nkind: EtcdCluster\n"
        "metadata: {name: etcd, namespace: kv}\n" + textwrap.dedent(spec),
        *others,
    )


def test_etcd_operator_without_storage_spec():
    member = _cluster("spec:\n  size: 3\n  version: v3.5.21\n")
    assert (member.title, member.reason, member.place.path) == (
        "EtcdCluster etcd (kv)",
        "EtcdCluster of etcd-io/etcd-operator (operator.etcd.io/v1alpha1)",
        ("kind",),
    )
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/var/lib/etcd",
            "etcd-operator sets ETCD_DATA_DIR=/var/lib/etcd; without spec.storageSpec no volume "
            "is mounted",
            "none",
            None,
            None,
            False,
            None,
            False,
            ("EtcdCluster", ("spec",)),
        )
    ]


@pytest.mark.parametrize(
    ("storage", "class_name", "class_set", "where"),
    [
        (
            "{storageClassName: gp3, volumeSizeRequest: 10Gi}",
            "gp3",
            True,
            ("spec", "storageSpec", "storageClassName"),
        ),
        ("{storageClassName: '', volumeSizeRequest: 10Gi}", None, False, ("spec", "storageSpec")),
        ("{volumeSizeRequest: 10Gi}", None, False, ("spec", "storageSpec")),
    ],
)
def test_etcd_operator_storage_spec(storage, class_name, class_set, where):
    member = _cluster(f"spec:\n  size: 3\n  storageSpec: {storage}\n")
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/var/lib/etcd",
            "etcd-operator sets ETCD_DATA_DIR=/var/lib/etcd",
            "operator",
            "etcd-data",
            class_name,
            class_set,
            None,
            False,
            ("EtcdCluster", where),
        )
    ]


def test_etcd_operator_shared_claim_and_options():
    claim = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared, namespace: kv}
spec: {accessModes: [ReadWriteMany], storageClassName: nfs-client}
"""
    spec = """\
spec:
  size: 3
  storageSpec: {accessModes: ReadWriteMany, pvcName: shared, volumeSizeRequest: 1Gi}
  etcdOptions: [--unsafe-no-fsync, --wal-dir=/wal]
"""
    member = _cluster(spec, claim)
    assert member.unsafe_no_fsync is not None
    assert member.unsafe_no_fsync.path == ("spec", "etcdOptions", 0)
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/var/lib/etcd",
            "etcd-operator sets ETCD_DATA_DIR=/var/lib/etcd",
            "claim",
            "etcd-data",
            "nfs-client",
            True,
            None,
            False,
            ("PersistentVolumeClaim", ("spec", "storageClassName")),
        ),
        (
            "wal",
            "/wal",
            "--wal-dir=/wal",
            "none",
            None,
            None,
            False,
            None,
            False,
            ("EtcdCluster", ("spec",)),
        ),
    ]


def test_coreos_etcd_operator():
    base = "apiVersion: etcd.database.coreos.com/v1beta2\nkind: EtcdCluster\nmetadata: {name: e}\n"
    member = one(base + "spec: {size: 3}\n")
    assert (
        member.reason
        == "EtcdCluster of the CoreOS etcd-operator (etcd.database.coreos.com/v1beta2)"
    )
    assert [vol(v) for v in member.volumes] == [
        (
            "data",
            "/var/etcd/data",
            "CoreOS etcd-operator data dir /var/etcd/data; no spec.pod.persistentVolumeClaimSpec, "
            "so the operator mounts an emptyDir",
            "empty-dir",
            "etcd-data",
            None,
            False,
            None,
            False,
            ("EtcdCluster", ("spec",)),
        )
    ]
    spec = "spec:\n  pod:\n    persistentVolumeClaimSpec: {storageClassName: ssd}\n"
    spec += "    etcdEnv: [{name: ETCD_UNSAFE_NO_FSYNC, value: 'true'}]\n"
    member = one(base + spec)
    assert [(v.kind, v.class_name, v.class_set, v.place.path) for v in member.volumes] == [
        ("operator", "ssd", True, ("spec", "pod", "persistentVolumeClaimSpec", "storageClassName"))
    ]
    assert member.unsafe_no_fsync is not None
    assert member.unsafe_no_fsync.path == ("spec", "pod", "etcdEnv", 0, "value")


def test_other_etcd_cluster_groups_are_not_read():
    assert (
        read("apiVersion: etcd.aenix.io/v1alpha1\nkind: EtcdCluster\nmetadata: {name: e}\n") == []
    )


# ---------------------------------------------------------------------------------------------
# not etcd servers

NOT_SERVERS = {
    "postgres": sts(
        "- name: postgresql\n  image: docker.io/bitnami/postgresql:16\n"
        "  volumeMounts: [{name: data, mountPath: /bitnami/postgresql}]\n",
        templates=DATA_TEMPLATE,
        name="postgresql",
    ),
    "etcdctl with the etcd image": deploy(
        "- name: backup\n  image: bitnami/etcd:3.5\n  command: [etcdctl, snapshot, save, /b/db]\n"
    ),
    "etcdctl in a shell": deploy(
        "- name: backup\n  image: registry.k8s.io/etcd:3.5.15-0\n"
        "  command: [/bin/sh, -c, 'etcdctl snapshot save /b/db && sleep 60']\n"
    ),
    "etcdutl in args": deploy(
        "- name: restore\n  image: quay.io/coreos/etcd:v3.5.17\n  args: [etcdutl, snapshot]\n"
    ),
    "etcd gateway": deploy(
        "- name: gw\n  image: quay.io/coreos/etcd:v3.5.17\n  command: [etcd, gateway, start]\n"
    ),
    "etcd grpc-proxy": deploy(
        "- name: p\n  image: alpine\n  command: [/usr/local/bin/etcd, grpc-proxy, start]\n"
    ),
    "etcd-operator controller": deploy(
        "- name: manager\n  image: gcr.io/etcd-development/etcd-operator:v0.2.0\n"
        "  command: [/manager]\n  args: [--leader-elect]\n"
    ),
    "etcd-druid controller": deploy(
        "- name: etcd-druid\n"
        "  image: europe-docker.pkg.dev/gardener-project/releases/gardener/etcd-druid:v0.22.0\n"
        "  command: [/etcd-druid]\n  args: [--etcd-workers=3]\n"
    ),
    "etcd client settings": deploy(
        "- name: calico-kube-controllers\n  image: docker.io/calico/kube-controllers:v3.28.0\n"
        "  env: [{name: ETCD_ENDPOINTS, value: 'http://10.0.0.1:2379'}]\n"
    ),
    "statefulset e2e test server": deploy(
        "- name: test-server\n  image: registry.k8s.io/etcd-statefulset-e2e-test:0.0\n"
    ),
    "backup CronJob": """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: etcd-backup}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: etcd
              image: registry.k8s.io/etcd:3.5.15-0
              command: [etcd]
""",
}


@pytest.mark.parametrize("name", sorted(NOT_SERVERS))
def test_not_an_etcd_server(name):
    assert read(NOT_SERVERS[name]) == []


def test_several_servers_in_one_pod_are_told_apart():
    containers = """\
- name: main
  image: registry.k8s.io/etcd:3.5.15-0
  command: [etcd, --data-dir=/var/lib/etcd]
- name: events
  image: registry.k8s.io/etcd:3.5.15-0
  command: [etcd, --data-dir=/var/lib/etcd-events]
- name: backup
  image: registry.k8s.io/etcd:3.5.15-0
  command: [etcdctl, snapshot, save, /x]
"""
    found = read(deploy(containers))
    assert [m.title for m in found] == [
        "Deployment etcd container main",
        "Deployment etcd container events",
    ]


def test_sidecar_init_containers_only():
    pod = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - {name: init, image: 'registry.k8s.io/etcd:3.5.15-0', command: [etcd, --data-dir=/a]}
    - name: side
      image: registry.k8s.io/etcd:3.5.15-0
      restartPolicy: Always
      command: [etcd, --data-dir=/b]
  containers:
    - {name: app, image: nginx}
"""
    assert [(m.place.path, m.volumes[0].directory) for m in read(pod)] == [
        (("spec", "initContainers", 1, "image"), "/b")
    ]


def test_owned_objects_are_left_to_their_owner():
    owned_pod = """\
apiVersion: v1
kind: Pod
metadata:
  name: etcd-0
  namespace: kv
  ownerReferences:
    - {apiVersion: apps/v1, kind: StatefulSet, name: etcd, uid: 1, controller: true}
spec:
  containers:
    - {name: etcd, image: 'registry.k8s.io/etcd:3.5.15-0', command: [etcd, --data-dir=/x]}
"""
    statefulset = sts(
        "- {name: etcd, image: 'registry.k8s.io/etcd:3.5.15-0', command: [etcd, --data-dir=/x]}\n"
    )
    assert [m.title for m in read(statefulset, owned_pod)] == ["StatefulSet etcd (kv)"]
    # the owner is not in the run: the Pod is judged
    assert [m.title for m in read(owned_pod)] == ["Pod etcd-0 (kv)"]
    # a mirror pod (owned by its Node) is the static pod itself
    mirror = owned_pod.replace("apps/v1, kind: StatefulSet, name: etcd", "v1, kind: Node, name: cp")
    node = "apiVersion: v1\nkind: Node\nmetadata: {name: cp}\n"
    assert [m.title for m in read(mirror, node)] == ["Pod etcd-0 (kv)"]
    # the StatefulSet an EtcdCluster made, dumped with it
    made = statefulset.replace(
        "  namespace: kv\n",
        "  namespace: kv\n  ownerReferences: [{kind: EtcdCluster, name: etcd, apiVersion: "
        "operator.etcd.io/v1alpha1}]\n",
        1,
    )
    cluster = "apiVersion: operator.etcd.io/v1alpha1\nkind: EtcdCluster\n"
    cluster += "metadata: {name: etcd, namespace: kv}\nspec: {size: 3}\n"
    assert [m.title for m in read(made, cluster)] == ["EtcdCluster etcd (kv)"]


ODD = [
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\nspec: []\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\nspec: {template: {spec: "
    "{containers: {a: 1}}}}\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - 3\n"
    "    - {image: [registry.k8s.io/etcd], command: {a: b}}\n"
    "    - {image: registry.k8s.io/etcd, volumeMounts: [1, {name: 2}, {name: a, mountPath: 3}],"
    " env: [1, {name: ETCD_DATA_DIR, value: [1]}, {value: x}], envFrom: [1, {configMapRef: 2}]}\n"
    "  volumes: [1, {name: a}]\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: a, ownerReferences: [1, {kind: 2}]}\nspec:\n"
    "  containers: [{image: registry.k8s.io/etcd, args: [--data-dir], "
    "volumeMounts: [{name: d, mountPath: ''}]}]\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\nspec:\n  volumeClaimTemplates: "
    "[1, {metadata: 2}, {metadata: {name: d}, spec: 3}]\n  template:\n    spec:\n      containers:"
    "\n        - {image: bitnami/etcd, volumeMounts: [{name: d, mountPath: /bitnami/etcd}]}\n",
    "apiVersion: operator.etcd.io/v1alpha1\nkind: EtcdCluster\nmetadata: {name: a}\nspec: 1\n",
    "apiVersion: operator.etcd.io/v1alpha1\nkind: EtcdCluster\nmetadata: {name: a}\n"
    "spec: {storageSpec: {accessModes: ReadWriteMany, pvcName: [x]}, etcdOptions: [1, true, {}]}\n",
    "apiVersion: etcd.database.coreos.com/v1beta2\nkind: EtcdCluster\nmetadata: {name: a}\n"
    "spec: {pod: {persistentVolumeClaimSpec: {storageClassName: null}, etcdEnv: [1, {name: 2}]}}\n",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_shapes_do_not_crash(text):
    members(run(text))


@pytest.mark.parametrize("text", ODD)
def test_odd_shapes_through_the_rules(tmp_path, text):
    (tmp_path / "odd.yaml").write_text(text, "utf-8")
    lint([str(tmp_path)], Config(ConfigModel()), select=["NL3"], today=DAY, cwd=tmp_path)


# ---------------------------------------------------------------------------------------------
# end to end: a StatefulSet whose StorageClass sits in another file of the same run
# (needs the storage resolver, netlint/checks/storage.py)

HDD_CLASS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: managed-hdd
provisioner: disk.csi.azure.com
parameters:
  skuName: Standard_LRS
"""


def _write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def _statefulset_on(class_name: str) -> str:
    template = DATA_TEMPLATE.replace("storageClassName: fast", f"storageClassName: {class_name}")
    return sts(BITNAMI, templates=template)


def _class_line(text: str, class_name: str) -> int:
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, 1) if f"storageClassName: {class_name}" in line)


def test_storage_class_in_another_file_of_the_run(tmp_path):
    workload = _statefulset_on("managed-hdd")
    etcd = _write(tmp_path, "apps/etcd.yaml", workload)
    _write(tmp_path, "cluster/storageclasses.yaml", HDD_CLASS)
    report = lint([str(tmp_path)], Config(ConfigModel()), select=["NL3"], today=DAY, cwd=tmp_path)
    got = [(f.rule, f.file.path, f.span.line) for f in report.active]
    assert got == [("NL301", "apps/etcd.yaml", _class_line(workload, "managed-hdd"))]
    finding = report.active[0]
    assert "Standard_LRS" in finding.message
    assert any(r.file.path == "cluster/storageclasses.yaml" for r in finding.related)
    # the same StatefulSet alone: the class is not in the run
    alone = lint([str(etcd)], Config(ConfigModel()), select=["NL3"], today=DAY, cwd=tmp_path)
    assert [(f.rule, f.span.line) for f in alone.active] == [
        ("NL304", _class_line(workload, "managed-hdd"))
    ]


def test_storage_class_declared_in_the_profile_wins(tmp_path):
    workload = _statefulset_on("managed-hdd")
    _write(tmp_path, "etcd.yaml", workload)
    _write(tmp_path, "classes.yaml", HDD_CLASS)
    config = Config(
        ConfigModel.model_validate({"cluster": {"storage_classes": {"managed-hdd": "local-nvme"}}})
    )
    report = lint([str(tmp_path)], config, select=["NL3"], today=DAY, cwd=tmp_path)
    assert report.active == []
