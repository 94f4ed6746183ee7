"""NL1xx on real Calico, Canal and tigera-operator files of ../shared/corpus, one file per run
at the default profile (node MTU 1500): the exact (rule, line) set of each file, and for the
files that matter what the extractor read, so that "no finding" is for the right reason."""

from __future__ import annotations

import datetime as dt

import pytest

from netlint.api import lint
from netlint.checks.mtu import calico
from netlint.config import Config, ConfigModel
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile

DAY = dt.date(2026, 1, 1)

# file -> exact NL1 (rule, line) set, with the reason.
EXPECTED: dict[str, set[tuple[str, int]]] = {
    # calico.yaml: veth_mtu "0" (auto); FELIX_*MTU and CNI_MTU copy it; IPIP Always seeds the
    # default pool. Auto-detection is the right setting: nothing to report.
    "projectcalico__calico/manifests__calico.yaml": set(),
    # the same with Typha, with etcd, and for eBPF (FELIX_BPFENABLED adds NodePort VXLAN, still
    # auto MTU): nothing.
    "projectcalico__calico/manifests__calico-typha.yaml": set(),
    "projectcalico__calico/manifests__calico-etcd.yaml": set(),
    "projectcalico__calico/manifests__calico-bpf.yaml": set(),
    # policy-only: the CNI config hard-codes "mtu": 1500 with no Calico encapsulation (the other
    # CNI routes pods): 1500 fits the 1500-byte default network.
    "projectcalico__calico/manifests__calico-policy-only.yaml": set(),
    # Canal with etcd: veth_mtu "0"; flannel's config lives in etcd (configure-canal Job), so
    # no net-conf.json and no known backend: auto MTU, nothing to judge.
    "projectcalico__calico/manifests__canal-etcd.yaml": set(),
    # operator samples: VXLANCrossSubnet / VXLAN / None pools, no mtu (auto-detected).
    "projectcalico__calico/manifests__custom-resources.yaml": set(),
    "projectcalico__calico/process__testing__aso__OSS__templates__custom-resources.yaml": set(),
    # Enterprise sample: encapsulation None with bgp Enabled is valid; linuxDataplane is an
    # unrendered template ({{...}}), not BPF.
    "projectcalico__calico/process__testing__aso__EE__templates__custom-resources.bgp.yaml": set(),
    # Installation with no spec: the operator's default pool (IP-in-IP), auto MTU.
    "tigera__operator/config__samples__operator_v1_installation.yaml": set(),
    # app-policy demo: CNI "mtu": 1500 literal, FELIX_IPINIPMTU "1440" literal, but IP-in-IP
    # is off (CALICO_IPV4POOL_IPIP "off", FELIX_IPINIPENABLED "false"): no tunnel, so the
    # tunnel MTU configures nothing and 1500 fits the network.
    "projectcalico__calico/app-policy__config__install__05-calico.yaml": set(),
    # standalone IPPools: every pool valid (IPv6 pools with ipipMode Never; LoadBalancer pools):
    # no install, no NL105.
    "projectcalico__calico/confd__tests__mock_data__calicoctl__cluster_routes__ipip-only__input.yaml": set(),  # noqa: E501
    "projectcalico__calico/confd__tests__mock_data__calicoctl__felix_cluster_routing__input.yaml": set(),  # noqa: E501
    "projectcalico__calico/confd__tests__mock_data__calicoctl__mesh__hash__input.yaml": set(),
    "projectcalico__calico/hack__test__kind__infra__calico-lb-pools.yaml": set(),
    # no Calico install objects (CRDs, operator Deployment, RBAC, calicoctl, CSI driver,
    # flannel-migration Job, unrelated ConfigMaps): nothing to read.
    "projectcalico__calico/manifests__alp__istio-inject-configmap-1.15.yaml": set(),
    "projectcalico__calico/manifests__apiserver.yaml": set(),
    "projectcalico__calico/manifests__calicoctl-etcd.yaml": set(),
    "projectcalico__calico/manifests__calicoctl.yaml": set(),
    "projectcalico__calico/manifests__csi-driver.yaml": set(),
    "projectcalico__calico/manifests__flannel-migration__migration-job.yaml": set(),
    "projectcalico__calico/manifests__ocp__01-configmap-kubernetes-services-endpoint.yaml": set(),
    "projectcalico__calico/manifests__ocp__02-tigera-operator.yaml": set(),
    "projectcalico__calico/manifests__operator-crds.yaml": set(),
    "projectcalico__calico/manifests__tigera-operator.yaml": set(),
    "tigera__operator/config__samples__operator_v1_apiserver.yaml": set(),
    "tigera__operator/config__samples__operator_v1_egressgateway.yaml": set(),
    # cluster-api-provider-azure: calico-vxlan.yaml (VXLAN CrossSubnet, auto MTU) and an IPv6
    # policy-only render (CNI "mtu": 1500, no Calico encapsulation): nothing.
    "kubernetes-sigs__cluster-api-provider-azure/templates__addons__calico__calico-vxlan.yaml": set(),  # noqa: E501
    "kubernetes-sigs__cluster-api-provider-azure/templates__addons__calico-ipv6__calico-policy-only.yaml": set(),  # noqa: E501
    # Helm values and a HelmChartProxy carry `mtu: 1350` (Azure: 1400 path - 50) inside Helm
    # values, not in an Installation object: not read (and 1350 is a deliberate Azure value).
    "kubernetes-sigs__cluster-api-provider-azure/templates__addons__calico__values.yaml": set(),
    "kubernetes-sigs__cluster-api-provider-azure/templates__addons__cluster-api-helm__calico.yaml": set(),  # noqa: E501
    # Windows: an IPAMConfig and a static-rules ConfigMap: no install.
    "kubernetes-sigs__cluster-api-provider-azure/templates__addons__windows__calico__calico.yaml": set(),  # noqa: E501
    # copies of calico.yaml (IP-in-IP, veth_mtu "0") vendored by minikube and istio's prow.
    "kubernetes__minikube/pkg__minikube__cni__calico.yaml": set(),
    "istio__istio/prow__config__calico.yaml": set(),
}

# What the extractor reads from the files that hold an install: (title, knobs as
# (label, value, alias_of), encapsulations as (name, family, why)).
READ = {
    "projectcalico__calico/manifests__calico.yaml": [
        (
            "Calico (calico-node DaemonSet kube-system)",
            [
                ("calico-config veth_mtu", 0, None),
                ("env CNI_MTU", 0, "calico-config veth_mtu"),
                ("env FELIX_IPINIPMTU", 0, "calico-config veth_mtu"),
            ],
            [("ipip", "ipv4", "env CALICO_IPV4POOL_IPIP: Always")],
        )
    ],
    "projectcalico__calico/manifests__calico-bpf.yaml": [
        (
            "Calico (calico-node DaemonSet kube-system)",
            [
                ("calico-config veth_mtu", 0, None),
                ("env CNI_MTU", 0, "calico-config veth_mtu"),
                ("env FELIX_VXLANMTU", 0, "calico-config veth_mtu"),
            ],
            [
                (
                    "vxlan",
                    "ipv4",
                    "env FELIX_BPFENABLED: true: the eBPF dataplane forwards NodePort traffic "
                    "over VXLAN",
                )
            ],
        )
    ],
    "projectcalico__calico/manifests__calico-policy-only.yaml": [
        (
            "Calico (calico-node DaemonSet kube-system)",
            [
                ("calico-config veth_mtu", 0, None),
                ("calico-config cni_network_config mtu", 1500, None),
            ],
            [],
        )
    ],
    "projectcalico__calico/manifests__canal-etcd.yaml": [
        (
            "Canal (canal-node DaemonSet kube-system)",
            [("canal-config veth_mtu", 0, None), ("env CNI_MTU", 0, "canal-config veth_mtu")],
            [],
        )
    ],
    "projectcalico__calico/manifests__custom-resources.yaml": [
        (
            "Calico (Installation default)",
            [],
            [
                (
                    "vxlan",
                    "ipv4",
                    "ipPools[0] default-ipv4-ippool encapsulation: VXLANCrossSubnet",
                )
            ],
        )
    ],
    "projectcalico__calico/app-policy__config__install__05-calico.yaml": [
        (
            "Calico (calico-node DaemonSet kube-system)",
            [("calico-config cni_network_config mtu", 1500, None)],
            [],
        )
    ],
    "tigera__operator/config__samples__operator_v1_installation.yaml": [
        (
            "Calico (Installation default)",
            [],
            [
                (
                    "ipip",
                    "ipv4",
                    "ipPools absent: the operator creates one IPv4 pool, with IP-in-IP, its "
                    "default",
                )
            ],
        )
    ],
    "kubernetes-sigs__cluster-api-provider-azure/templates__addons__calico__calico-vxlan.yaml": [
        (
            "Calico (calico-node DaemonSet kube-system)",
            [
                ("calico-config veth_mtu", 0, None),
                ("env CNI_MTU", 0, "calico-config veth_mtu"),
                ("env FELIX_VXLANMTU", 0, "calico-config veth_mtu"),
            ],
            [("vxlan", "ipv4", "env CALICO_IPV4POOL_VXLAN: CrossSubnet")],
        )
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_nl1_findings_per_file(corpus_dir, name):
    corpus = corpus_dir
    path = corpus / name
    report = lint([str(path)], Config(ConfigModel()), select=["NL1"], today=DAY, cwd=corpus)
    got = {(f.rule, f.span.line) for f in report.active}
    assert got == EXPECTED[name], [f"{f.rule}:{f.span.line} {f.message}" for f in report.active]


@pytest.mark.parametrize("name", sorted(READ))
def test_what_the_extractor_reads(corpus_dir, name):
    corpus = corpus_dir
    text = (corpus / name).read_text("utf-8")
    loaded = [load_text(SourceFile(name, None, tuple(text.splitlines())), text)]
    ctx = context(loaded, Config(ConfigModel()), today=DAY)
    got = [
        (
            inst.title,
            [(k.label, k.value, k.alias_of) for k in inst.knobs],
            [(e.name, e.family, e.why) for e in inst.encaps],
        )
        for inst in calico.collect(ctx)
    ]
    assert got == READ[name]


def test_every_calico_file_of_the_corpus_is_judged(corpus_dir):
    corpus = corpus_dir
    found = set()
    for path in corpus.rglob("*"):
        if not path.is_file() or path.suffix not in (".yaml", ".yml", ".json"):
            continue
        name = path.relative_to(corpus).as_posix()
        repo = name.split("/", 1)[0]
        lower = path.name.lower()
        if repo in ("projectcalico__calico", "tigera__operator") or any(
            word in lower for word in ("calico", "canal", "tigera")
        ):
            found.add(name)
    assert found == set(EXPECTED)
