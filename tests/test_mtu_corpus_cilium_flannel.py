"""The NL1 rules on the real Cilium and Flannel manifests of ../shared/corpus, one file per run
at the default profile (node MTU 1500): the exact (rule, line) set per file, and what the
extractors read from it, each judgment explained.

None of these vendor manifests sets an MTU: Cilium and Flannel detect the MTU of the node's
interface by default, so a correct linter says nothing about them. The raw Helm template
flannel-io__flannel/chart__kube-flannel__templates__config.yaml is not here: it is not YAML
until rendered (NL004 reports it) and its net-conf.json is not JSON.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netlint.api import lint
from netlint.checks.mtu import cilium, flannel
from netlint.config import Config, ConfigModel
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile

KOPS = "kubernetes__kops/tests__integration__update_cluster__"
VXLAN = [("vxlan", "ipv4", 50, "routing-mode: tunnel, tunnel-protocol: vxlan")]
FLANNEL_VXLAN = [("vxlan", "ipv4", 50, "Backend.Type: vxlan")]

# file -> (NL1 findings, installs read: (title, knobs, encapsulations))
CASES = {
    # kops IPv6-only Cilium: routing-mode native, enable-ipv4 false; no `mtu` key (auto-detect),
    # no tunnel, no encryption: nothing to judge.
    KOPS + "minimal-ipv6-cilium__data__aws_s3_object_minimal-ipv6.example.com-addons-"
    "networking.cilium.io-k8s-1.16_content.yaml": (
        set(),
        [("Cilium (cilium-config kube-system)", [], [])],
    ),
    # kops on GCE with an ILB: routing-mode tunnel, tunnel-protocol vxlan, no `mtu` key: Cilium
    # detects the node MTU (GCE 1460) and subtracts 50 itself. Nothing to report.
    KOPS + "minimal_gce_ilb_cilium_etcd__data__aws_s3_object_minimal-gce-ilb-cilium-etcd."
    "example.com-addons-networking.cilium.io-k8s-1.16_content.yaml": (
        set(),
        [("Cilium (cilium-config kube-system)", [], VXLAN)],
    ),
    # kops private topology on AWS: VXLAN tunnel, no `mtu` key: auto-detect (9001 on jumbo
    # instances, 1500 elsewhere), so no value to judge.
    KOPS + "privatecilium2__data__aws_s3_object_privatecilium.example.com-addons-"
    "networking.cilium.io-k8s-1.16_content.yaml": (
        set(),
        [("Cilium (cilium-config kube-system)", [], VXLAN)],
    ),
    # minikube's Cilium render: VXLAN tunnel, no `mtu`; the `{{ .PodSubnet }}` placeholder in
    # cluster-pool-ipv4-cidr is no MTU fact (NL004's business, not selected here).
    "kubernetes__minikube/pkg__minikube__cni__cilium.yaml": (
        set(),
        [("Cilium (cilium-config kube-system)", [], VXLAN)],
    ),
    # kops Flannel: net-conf.json (block scalar `|-`) with Backend.Type vxlan and no MTU: flannel
    # uses the external interface's MTU and subtracts 50. Nothing to report.
    KOPS + "privateflannel__data__aws_s3_object_privateflannel.example.com-addons-"
    "networking.flannel-k8s-1.25_content.yaml": (
        set(),
        [("Flannel (kube-flannel-cfg kube-flannel)", [], FLANNEL_VXLAN)],
    ),
    # minikube's Flannel: the vendor ConfigMap with a "{{ .PodCIDR }}" string in Network (still
    # valid JSON); vxlan, no MTU.
    "kubernetes__minikube/pkg__minikube__cni__flannel.yaml": (
        set(),
        [("Flannel (kube-flannel-cfg kube-flannel)", [], FLANNEL_VXLAN)],
    ),
    # flannel's own kube-flannel.yml: vxlan, no MTU: the default that works everywhere.
    "flannel-io__flannel/Documentation__kube-flannel.yml": (
        set(),
        [("Flannel (kube-flannel-cfg kube-flannel)", [], FLANNEL_VXLAN)],
    ),
    # the kustomization copy of kube-flannel.yml (fewer labels, same net-conf.json).
    "flannel-io__flannel/Documentation__kustomization__kube-flannel__kube-flannel.yml": (
        set(),
        [("Flannel (kube-flannel-cfg kube-flannel)", [], FLANNEL_VXLAN)],
    ),
}


@pytest.fixture(scope="module")
def corpus() -> Path:
    path = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    if not path.is_dir():
        pytest.skip(f"{path} is absent (a plain clone has no ../shared)")
    return path


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n.split("/")[-1][:60])
def test_nl1_findings_per_file(corpus, name):
    path = corpus / name
    report = lint([str(path)], select=["NL1"])
    assert {(f.rule, f.span.line) for f in report.active} == CASES[name][0]


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n.split("/")[-1][:60])
def test_what_the_extractors_read(corpus, name):
    path = corpus / name
    loaded = [load_text(SourceFile(str(path), None), path.read_text("utf-8"))]
    ctx = context(loaded, Config(ConfigModel()), today=dt.date(2026, 1, 1))
    read = [
        (
            inst.title,
            [(k.label, k.value) for k in inst.knobs],
            [(e.name, e.family, e.overhead, e.why) for e in inst.encaps],
        )
        for module in (cilium, flannel)
        for inst in module.collect(ctx)
    ]
    assert read == CASES[name][1]
    assert all(not inst.violations for m in (cilium, flannel) for inst in m.collect(ctx))


def test_every_cilium_and_flannel_file_of_the_corpus_is_covered(corpus):
    found = {
        str(p.relative_to(corpus))
        for p in corpus.rglob("*")
        if p.is_file()
        and p.suffix in (".yaml", ".yml", ".json")
        and any(
            marker in p.read_text("utf-8", errors="replace")
            for marker in ("name: cilium-config", "net-conf.json", "CiliumNodeConfig")
        )
    }
    skipped = {"flannel-io__flannel/chart__kube-flannel__templates__config.yaml"}
    assert found - skipped == set(CASES)
