"""Shared pieces of the fuzz tests: hypothesis profiles, input strategies and the properties.

Profiles: `NETLINT_FUZZ=long` runs many more examples (see README "Untrusted input"); the
default keeps the fuzz tests well under a minute together. Settings are applied per test
(`@FUZZ`), not loaded globally, so other hypothesis tests keep their own.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

settings.register_profile(
    "netlint-fuzz",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the default run is the same in CI every time
    print_blob=True,
)
settings.register_profile(
    "netlint-fuzz-long",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
LONG = os.environ.get("NETLINT_FUZZ") == "long"
FUZZ = settings.get_profile("netlint-fuzz-long" if LONG else "netlint-fuzz")


def scaled(n: int) -> settings:
    """FUZZ with `n` examples by default (long: 20 times as many)."""
    return settings(FUZZ, max_examples=n * 20 if LONG else n)


# --- strategies -------------------------------------------------------------------------------

# Keys that the rule families read, so random documents reach the checks' code with odd types.
K8S_KEYS = [
    "apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec",
    "template", "containers", "initContainers", "image", "args", "command", "env", "value",
    "valueFrom", "volumes", "volumeMounts", "mountPath", "persistentVolumeClaim", "claimName",
    "volumeClaimTemplates", "storageClassName", "provisioner", "parameters", "type",
    "externalTrafficPolicy", "ports", "selector", "matchLabels", "nodeSelector", "affinity",
    "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms",
    "matchExpressions", "key", "operator", "values", "topologySpreadConstraints", "data",
    "calicoNetwork", "mtu", "ipPools", "encapsulation", "items", "jobTemplate", "hostPath",
    "nfs", "csi", "driver", "volumeAttributes", "externalName", "serviceAccountName",
    "ignore.netlint.io/NL201", "ignore.netlint.io/all", "topology.kubernetes.io/region",
    "app.kubernetes.io/name", "net-conf.json", "cni_network_config", "veth_mtu", "tunnel",
    "replicas", "resources", "hostNetwork", "<<",
]  # fmt: skip
KINDS = [
    "Service", "Deployment", "StatefulSet", "DaemonSet", "Pod", "CronJob", "Job", "ConfigMap",
    "Secret", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "Installation",
    "IPPool", "FelixConfiguration", "List", "Ingress", "Gateway", "NodePool", "EC2NodeClass",
    "Machine", "HelmRelease",
]  # fmt: skip
API_VERSIONS = ["v1", "apps/v1", "batch/v1", "operator.tigera.io/v1", "crd.projectcalico.org/v1",
                "storage.k8s.io/v1", "karpenter.sh/v1", "x/y/z", ""]  # fmt: skip
SCALARS = [
    "", "~", "null", "true", "no", "yes", "0", "-1", "0x1F", "0o17", "1e3", ".inf", "-.nan",
    "1500", "9001", "65536", "Local", "Cluster", "LoadBalancer", "VXLAN", "IPIP", "WireGuard",
    "eu-west-1", "us-east-1", "norwayeast", "--data-dir=/var/lib/etcd", "etcd", "quay.io/etcd",
    "/var/lib/etcd", "{{ .Values.x }}", "2001-12-14", "-", "?", ":", "#", "|", ">", "@", "`",
    "'", '"', "\\", "é", "日本", "\u202e", "\x1b[2J", "::add-mask::x", "%",
    "7" * 4400,  # more digits than int() converts
    '{"Backend": {"Type": "vxlan", "MTU": ' + "[" * 1500 + "]" * 1500 + "}}",  # deep JSON
]  # fmt: skip
TAGS = ["!!str", "!!int", "!!map", "!!seq", "!!binary", "!!set", "!custom",
        "!!python/object/apply:os.system", "!<tag:example.com,2000:x>", "!"]  # fmt: skip
PLAIN = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),  # controls
)


_SAFE_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/=+-]*")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")


@st.composite
def scalar_text(draw: Callable[..., Any], block: bool = True) -> str:
    value = draw(st.one_of(st.sampled_from(SCALARS), PLAIN, st.integers().map(str)))
    styles = ["plain", "plain", "plain", "single", "double"] + (["literal"] if block else [])
    style = draw(st.sampled_from(styles))
    if style == "plain" and not _SAFE_PLAIN.fullmatch(value) and draw(st.floats(0, 1)) < 0.85:
        style = "double"  # mostly valid YAML, so the checks behind the parser run too
    if style in ("plain", "literal") and _CONTROL.search(value):
        style = "double"
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        # raw non-ASCII (YAML has no surrogate-pair escapes), but C1 controls and the BOM
        # escaped: YAML allows only printable characters even in quotes
        text = json.dumps(value, ensure_ascii=False)
        return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if style == "literal":
        return "|\n" + "".join(f"    {line}\n" for line in value.split("\n"))
    return value


class _Emitter:
    """Random YAML text from random decisions: block or flow, anchors, aliases, tags, comments,
    odd indentation, several documents. Often valid, often broken in small ways."""

    def __init__(self, draw: Callable[..., Any]) -> None:
        self.draw = draw
        self.anchors: list[str] = []

    def decide(self, p: float) -> bool:
        return bool(self.draw(st.floats(0, 1)) < p)

    def props(self) -> str:
        out = ""
        if self.decide(0.1):
            out += self.draw(st.sampled_from(TAGS)) + " "
        if self.decide(0.15):
            name = f"a{len(self.anchors)}"
            self.anchors.append(name)
            out += f"&{name} "
        return out

    def leaf(self, block: bool = True) -> str:
        if self.anchors and self.decide(0.15):
            names = self.anchors if self.decide(0.9) else ["nowhere"]
            return "*" + self.draw(st.sampled_from(names))
        return self.props() + self.draw(scalar_text(block))

    def key(self) -> str:
        if self.decide(0.85):
            return self.draw(st.sampled_from(K8S_KEYS))
        return self.draw(scalar_text(False)).split("\n")[0] or "k"

    def flow(self, depth: int) -> str:
        if depth > 4 or self.decide(0.4):
            return self.leaf(block=False).split("\n")[0]
        n = self.draw(st.integers(0, 3))
        if self.decide(0.5):
            return self.props() + "[" + ", ".join(self.flow(depth + 1) for _ in range(n)) + "]"
        items = (f"{self.key()}: {self.flow(depth + 1)}" for _ in range(n))
        return self.props() + "{" + ", ".join(items) + "}"

    def block(self, depth: int, indent: int) -> str:
        """A block node's text starting after `key:` or `-` (a newline first for collections)."""
        if depth > 5 or self.decide(0.3):
            return " " + self.leaf()
        if self.decide(0.2):
            return " " + self.flow(depth)
        step = self.draw(st.sampled_from([2, 2, 2, 1, 4, 3]))
        pad = " " * (indent + step)
        if self.decide(0.01):
            pad = pad[:-1] + "\t"  # a tab where indentation is expected
        lines = []
        for _ in range(self.draw(st.integers(1, 4))):
            if self.decide(0.4):
                lines.append(f"{pad}-{self.block(depth + 1, indent + step)}")
            else:
                lines.append(f"{pad}{self.key()}:{self.block(depth + 1, indent + step)}")
            if self.decide(0.05):
                comment = (_CONTROL.sub("", self.draw(PLAIN)).splitlines() or [""])[0]
                lines.append(f"{pad}# comment {comment}")
        return " " + self.props().rstrip() + "\n" + "\n".join(lines)

    def document(self) -> str:
        self.anchors = [] if self.decide(0.9) else self.anchors  # anchors end with a document
        head = ""
        if self.decide(0.6):  # shaped like a Kubernetes object, so the checks run
            head = (
                f"apiVersion: {self.draw(st.sampled_from(API_VERSIONS))}\n"
                f"kind: {self.draw(st.sampled_from(KINDS))}\n"
                f"metadata:\n  name: {self.draw(scalar_text(False))}\n"
            )
        body = [f"{self.key()}:{self.block(1, 0)}" for _ in range(self.draw(st.integers(0, 4)))]
        return head + "\n".join(body) + "\n"


# Skeletons of the objects the rule families read; each `{}` is filled with a random node.
SKELETONS = [
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-nginx-controller\n  labels:\n"
    "    app.kubernetes.io/name: {}\n  annotations:\n    {}: {}\nspec:\n  type: {}\n"
    "  externalTrafficPolicy: {}\n  selector: {}\n  ports: {}\n",
    "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\nspec:\n"
    "  calicoNetwork:\n    mtu: {}\n    ipPools:\n    - cidr: 10.0.0.0/16\n"
    "      encapsulation: {}\n      name: {}\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n  namespace: kube-system\n"
    "data:\n  mtu: {}\n  tunnel-protocol: {}\n  routing-mode: {}\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-flannel-cfg\ndata:\n"
    "  net-conf.json: {}\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: etcd\nspec:\n  template:\n"
    "    spec:\n      containers:\n      - name: etcd\n        image: quay.io/coreos/etcd:v3.5\n"
    "        command: [etcd, {}, {}]\n        env: [{{name: ETCD_DATA_DIR, value: {}}}]\n"
    "        volumeMounts: [{{name: data, mountPath: {}}}]\n      volumes: {}\n"
    "  volumeClaimTemplates:\n  - metadata: {{name: data}}\n    spec: {{storageClassName: {}}}\n",
    "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {}\n"
    "provisioner: {}\nparameters: {}\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n"
    "    spec:\n      nodeSelector:\n        topology.kubernetes.io/region: {}\n"
    "      affinity: {}\n      containers:\n      - name: app\n        env:\n"
    "        - name: S3_ENDPOINT\n          value: {}\n",
    "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv\nspec:\n  csi: {}\n"
    "  nodeAffinity: {}\n",
    "apiVersion: v1\nkind: List\nitems: {}\n",
]


@st.composite
def k8s_text(draw: Callable[..., Any]) -> str:
    """A skeleton of an object some rule family reads, its holes filled with random flow
    nodes (strings, numbers, lists, mappings, aliases): the checks meet every odd type."""
    skeleton = draw(st.sampled_from(SKELETONS))
    emitter = _Emitter(draw)
    holes = skeleton.count("{}")
    return skeleton.format(*(emitter.flow(2 if draw(st.booleans()) else 0) for _ in range(holes)))


@st.composite
def yaml_text(draw: Callable[..., Any]) -> str:
    emitter = _Emitter(draw)
    docs = [
        draw(k8s_text()) if draw(st.floats(0, 1)) < 0.4 else emitter.document()
        for _ in range(draw(st.integers(1, 3)))
    ]
    sep = draw(st.sampled_from(["---\n", "--- \n", "...\n---\n", "--- # doc\n"]))
    text = sep.join(docs)
    if draw(st.booleans()):
        text = "---\n" + text
    if draw(st.floats(0, 1)) < 0.1:
        text = "%YAML 1.2\n---\n" + text
    if draw(st.floats(0, 1)) < 0.1:
        text = text.replace("\n", "\r\n")
    return text


@functools.cache
def corpus_files(limit: int = 200_000) -> tuple[Path, ...]:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        return ()
    return tuple(
        sorted(
            p
            for p in corpus.rglob("*")
            if p.suffix in (".yaml", ".yml", ".json") and p.stat().st_size <= limit
        )
    )


@functools.cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


def _lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True) or [b""]


@st.composite
def mutated_corpus_file(draw: Callable[..., Any]) -> tuple[str, bytes]:
    """A corpus file with one to three mutations: truncation, byte flips, a duplicated line
    (duplicate keys), swapped indentation, a deleted or moved line, inserted bytes."""
    path = draw(st.sampled_from(corpus_files()))
    raw = _read(path)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(["truncate", "flip", "dup-line", "indent", "delete", "insert", "swap"])
        )
        if not raw:
            break
        if kind == "truncate":
            raw = raw[: draw(st.integers(0, len(raw)))]
        elif kind == "flip":
            data = bytearray(raw)
            for _ in range(draw(st.integers(1, 4))):
                i = draw(st.integers(0, len(data) - 1))
                data[i] = draw(st.integers(0, 255))
            raw = bytes(data)
        elif kind == "insert":
            i = draw(st.integers(0, len(raw)))
            raw = raw[:i] + draw(st.binary(min_size=1, max_size=8)) + raw[i:]
        else:
            lines = _lines(raw)
            i = draw(st.integers(0, len(lines) - 1))
            if kind == "dup-line":
                lines.insert(i, lines[i])
            elif kind == "delete":
                del lines[i]
            elif kind == "swap":
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            else:  # indent: shift a line left or right, or indent it with a tab
                stripped = lines[i].lstrip(b" ")
                width = len(lines[i]) - len(stripped)
                new = draw(st.sampled_from([0, 1, width + 1, max(width - 1, 0), width + 2]))
                lines[i] = (b"\t" if draw(st.booleans()) else b" " * new) + stripped
            raw = b"".join(lines)
    return path.suffix, raw


# --- properties -------------------------------------------------------------------------------


@functools.cache
def _validators() -> tuple[Any, Any]:
    import jsonschema

    from netlint.report import json_report

    def make(schema: dict[str, Any]) -> Any:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        return cls(schema)

    own = json.loads((ROOT / "netlint" / "report" / json_report.SCHEMA_FILE).read_text("utf-8"))
    sarif_path = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    sarif = make(json.loads(sarif_path.read_text("utf-8"))) if sarif_path.is_file() else None
    return make(own), sarif


@functools.cache
def _rules() -> Any:
    from netlint.catalog import load_rules

    return load_rules()


def lint_bytes(raw: bytes, name: str = "fuzz.yaml") -> dict[str, str]:
    """lint() the bytes as stdin and render every format; returns format -> output."""
    from netlint.api import lint
    from netlint.report import RenderOptions, renderer

    report = lint(["-"], stdin=raw, stdin_filename=name, rules=_rules())
    options = RenderOptions(tool_version="0", base_dir=str(ROOT))
    out = {fmt: renderer(fmt)(report, options) for fmt in ("text", "json", "sarif", "github")}
    assert report.errors == [], report.errors
    return out


def line_bound(raw: bytes) -> int:
    """The last line a finding may point at: the file's lines as netlint shows them."""
    from netlint.load import decode

    text, _ = decode(raw)
    if text is None:  # an encoding finding: on the line of the bad byte
        return raw.count(b"\n") + 1
    return max(1, len(text.splitlines()), text.count("\n") + 1)


def assert_properties(raw: bytes, name: str = "fuzz.yaml") -> dict[str, str]:
    """The fuzz properties for one input: no exception escapes (the call itself), JSON and SARIF
    valid against their schemas, every finding on a line of the file, the same output twice."""
    out = lint_bytes(raw, name)
    own, sarif = _validators()
    report = json.loads(out["json"])
    own.validate(report)
    if sarif is not None:
        sarif.validate(json.loads(out["sarif"]))
    bound = line_bound(raw)
    for f in report["findings"]:
        assert 1 <= f["line"] <= f["end_line"] <= bound, (f, bound)
        assert f["column"] >= 1 and f["end_column"] >= 1, f
        for rel in f.get("related") or []:
            if rel["file"] == name:
                assert 1 <= rel["line"] <= bound, (rel, bound)
    assert lint_bytes(raw, name) == out, "the same input gave a different output"
    return out
