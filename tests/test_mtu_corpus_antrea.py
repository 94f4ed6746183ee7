"""NL1xx on the real Antrea manifests of ../shared/corpus (antrea-io/antrea@fc70f2bb7, see
SOURCES.tsv), one file per run at the default profile (node MTU 1500, IPv4).

No Weave Net, OVN-Kubernetes or kube-ovn manifest is in the corpus (grep for WEAVE_MTU,
ovnkube, kube-ovn, OVN_MTU finds none), so only Antrea files are here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netlint.api import lint, read_file
from netlint.checks.mtu import antrea
from netlint.config import Config, ConfigModel
from netlint.engine import context
from netlint.inputs import discover
from netlint.load import Limits

ANTREA = "corpus/antrea-io__antrea"

# file -> the exact set of NL1 (rule, line), with the reason
EXPECTED: dict[str, set[tuple[str, int]]] = {
    # antrea.yml ships `defaultMTU: 0` (auto-detect: the agent subtracts the Geneve overhead
    # itself) with trafficEncapMode encap and tunnelType geneve: nothing to report
    "build__yamls__antrea.yml": set(),
    # AKS and EKS: trafficEncapMode networkPolicyOnly (chained behind the cloud CNI, which sets
    # the Pod MTU) and defaultMTU 0: nothing to report
    "build__yamls__antrea-aks.yml": set(),
    "build__yamls__antrea-eks.yml": set(),
    # GKE: trafficEncapMode noEncap, defaultMTU 0: nothing to report
    "build__yamls__antrea-gke.yml": set(),
    # Windows: antrea-windows-config has every setting commented out (#defaultMTU: 1450,
    # #tunnelType: geneve): the defaults apply, which auto-detect
    "build__yamls__antrea-windows.yml": set(),
    "build__yamls__antrea-windows-with-ovs.yml": set(),
    # no antrea-agent.conf at all: the EKS node-init DaemonSet, the Prometheus and
    # flow-aggregator manifests, the Helm values file, a Multus NetworkAttachmentDefinition
    "build__yamls__antrea-eks-node-init.yml": set(),
    "build__yamls__antrea-prometheus.yml": set(),
    "build__yamls__flow-aggregator.yml": set(),
    "build__yamls__chart-values__antrea.yml": set(),
    "docs__cookbooks__multus__resources__netattachdef-ippool.yml": set(),
}

# what the extractor reads from each file that has an antrea-agent.conf: title, knobs as
# (value, line), encaps as (name, overhead)
INSTALLS = {
    "build__yamls__antrea.yml": [
        ("Antrea (antrea-config kube-system)", [(0, 4582)], [("geneve", 50)])
    ],
    # networkPolicyOnly: neither the knob nor an encapsulation is judged
    "build__yamls__antrea-aks.yml": [("Antrea (antrea-config kube-system)", [], [])],
    "build__yamls__antrea-eks.yml": [("Antrea (antrea-config kube-system)", [], [])],
    # noEncap: the knob (0 = auto) with no encapsulation
    "build__yamls__antrea-gke.yml": [("Antrea (antrea-config kube-system)", [(0, 4582)], [])],
    "build__yamls__antrea-windows.yml": [("Antrea (antrea-windows-config kube-system)", [], [])],
    "build__yamls__antrea-windows-with-ovs.yml": [
        ("Antrea (antrea-windows-config kube-system)", [], [])
    ],
}


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    folder = shared_dir / ANTREA
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return folder


def test_every_corpus_file_is_judged(corpus):
    assert sorted(p.name for p in corpus.iterdir() if p.is_file()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(corpus, name):
    report = lint([str(corpus / name)], select=["NL1"])
    assert report.errors == []
    assert {(f.rule, f.span.line) for f in report.active} == EXPECTED[name]


def _installs(path: Path) -> list[tuple[str, list[tuple[int, int]], list[tuple[str, int]]]]:
    found = discover([str(path)], None, "-")
    loaded = [read_file(item, None, Limits()) for item in found.files]
    ctx = context(loaded, Config(ConfigModel()), today=dt.date(2026, 1, 1))
    out = []
    for inst in antrea.collect(ctx):
        knobs = [(k.value, k.where.span.line if k.where.span else 0) for k in inst.knobs]
        out.append((inst.title, knobs, [(e.name, e.overhead) for e in inst.encaps]))
        assert inst.violations == []
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_installs(corpus, name):
    assert _installs(corpus / name) == INSTALLS.get(name, [])


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        # antrea.yml with defaultMTU raised to the node MTU: Geneve no longer fits
        ("build__yamls__antrea.yml", 1500, {("NL101", 4582)}),
        ("build__yamls__antrea.yml", 1450, set()),
        # noEncap routes Pod traffic: 1500 fits a 1500-byte network
        ("build__yamls__antrea-gke.yml", 1500, set()),
        # networkPolicyOnly: the primary CNI decides the Pod MTU
        ("build__yamls__antrea-eks.yml", 9001, set()),
    ],
)
def test_corpus_file_with_an_explicit_mtu(corpus, tmp_path, name, value, expected):
    text = (corpus / name).read_text("utf-8")
    assert text.count("    defaultMTU: 0\n") == 1
    edited = tmp_path / name
    edited.write_text(text.replace("    defaultMTU: 0\n", f"    defaultMTU: {value}\n"), "utf-8")
    report = lint([str(edited)], select=["NL1"])
    assert {(f.rule, f.span.line) for f in report.active} == expected
