"""Config `catalogs:` merged over rules/data (storage media, ingress controllers, regions): the
verdicts they change, that they hold for one run only, `netlint explain`, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from test_config import invoke

from netlint.api import lint
from netlint.checks.ingress.recognise import catalog as ingress_catalog
from netlint.checks.locality.regions import catalog as region_catalog
from netlint.checks.storage import table
from netlint.config import Config, ConfigModel, load_config
from netlint.custom import catalogs

HERE = ROOT / "tests/fixtures/custom_rules/catalogs"
FILES = [str(HERE / name) for name in ("etcd.yaml", "ingress.yaml", "regions.yaml")]

# (rule, file, line, start of the message)
WITH_OVERRIDES = [
    (
        "NL301",
        "etcd.yaml",
        49,
        "StatefulSet etcd (registry): etcd data (/var/lib/etcd, --data-dir=/var/lib/etcd) is on "
        "network-attached spinning disk (StorageClass corp-archive: csi.corp.example TIER archive "
        "(Corp archive tier, network HDD)).",
    ),
    (
        "NL201",
        "ingress.yaml",
        8,
        "LoadBalancer Service edge fronts Corp edge gateway (label app: corp-edge) and "
        "externalTrafficPolicy is not set",
    ),
    (
        "NL201",
        "ingress.yaml",
        22,
        "LoadBalancer Service proxy fronts Traefik (label corp.example/proxy: traefik) and "
        "externalTrafficPolicy is not set",
    ),
    (
        "NL401",
        "regions.yaml",
        14,
        "Deployment billing (billing) must run in ash-1 (nodeSelector "
        "topology.corp.example/region): ash-1 is Ashburn, United States (corpcloud): not in "
        "the EEA",
    ),
]
BUILT_IN_ONLY = [
    (
        "NL304",
        "etcd.yaml",
        49,
        "StatefulSet etcd (registry): etcd data (/var/lib/etcd, --data-dir=/var/lib/etcd) is on "
        "storage netlint cannot judge (StorageClass corp-archive: provisioner csi.corp.example "
        "is not in netlint's storage table).",
    ),
    (
        "NL304",
        "etcd.yaml",
        80,
        "StatefulSet etcd-fast (registry): etcd data (/var/lib/etcd, --data-dir=/var/lib/etcd) "
        "is on storage netlint cannot judge (StorageClass corp-fast: provisioner "
        "csi.corp.example is not in netlint's storage table).",
    ),
    (
        "NL302",
        "etcd.yaml",
        111,
        "StatefulSet etcd-outposts (registry): etcd data (/var/lib/etcd, "
        "--data-dir=/var/lib/etcd) is on network-attached SSD (StorageClass outposts: "
        "ebs.csi.aws.com type gp3 (EBS gp3, network SSD))",
    ),
    (
        "NL405",
        "regions.yaml",
        32,
        "Deployment archive (billing): netlint cannot place osl-1 (nodeSelector "
        "topology.kubernetes.io/region): osl-1 is not a region or zone netlint knows at any "
        "provider",
    ),
]


def _run(config: Config) -> list[tuple[str, str, int, str]]:
    report = lint(FILES, config, cwd=HERE)
    return [(f.rule, f.file.path, f.span.line, f.message) for f in report.active]


def _same(
    found: list[tuple[str, str, int, str]], expected: list[tuple[str, str, int, str]]
) -> bool:
    """The same findings, in order, each message starting as expected."""
    assert [f[:3] for f in found] == [e[:3] for e in expected]
    for got, want in zip(found, expected, strict=True):
        assert got[3].startswith(want[3]), got[3]
    return True


def test_overrides_of_each_catalog_change_the_verdicts():
    """corp-archive is network HDD (NL301) and corp-fast local NVMe (nothing) by the in-house
    provisioner's entry; ebs.csi.aws.com is replaced (Outposts NVMe: no NL302); a new
    controller and a new Traefik label are recognised; corpcloud's ash-1 is in the US, read
    from the label key the override adds, and its osl-1 in Norway."""
    assert _same(_run(load_config(HERE / ".netlint.yaml")), WITH_OVERRIDES)
    assert _same(_run(Config(ConfigModel())), BUILT_IN_ONLY)


def test_overrides_hold_for_one_run_only():
    """Two configs in one process, alternating: each run sees its own catalogs, and nothing is
    left in force after a run."""
    config = load_config(HERE / ".netlint.yaml")
    plain = Config(ConfigModel())
    for _ in range(2):
        assert _same(_run(config), WITH_OVERRIDES)
        assert catalogs.key(catalogs.STORAGE) == ""
        assert _same(_run(plain), BUILT_IN_ONLY)
    # outside a run the readers give the built-in catalogs
    assert table().lookup("csi.corp.example") is None
    assert "edge-gateway" not in {e.key for e in ingress_catalog()}
    assert "corpcloud" not in region_catalog().providers


def test_in_force_builds_the_merged_tables_once_per_override():
    config = load_config(HERE / ".netlint.yaml")
    with catalogs.in_force(config):
        entry = table().lookup("csi.corp.example")
        assert entry is not None and entry.source == "catalogs in " + str(HERE / ".netlint.yaml")
        assert table() is table()
        ebs = table().lookup("ebs.csi.aws.com")
        assert ebs is not None and (ebs.media, ebs.label) == (
            "local-nvme",
            "EBS on our Outposts racks, local NVMe",
        )
        traefik = next(e for e in ingress_catalog() if e.key == "traefik")
        assert traefik.labels[0].match == (("corp.example/proxy", "traefik"),)
        assert len(traefik.labels) > 1  # the built-in label sets are kept after the new one
        assert region_catalog().providers["corpcloud"].regions["ash-1"].country == "US"
    assert table().lookup("csi.corp.example") is None


def test_explain_lists_the_config_entries_of_the_catalog_a_rule_reads():
    page = invoke("explain", "--format", "markdown", "NL301", cwd=HERE)
    assert page.returncode == 0, page.describe()
    tail = page.stdout.split("## Catalog entries from .netlint.yaml\n", 1)[1]
    assert tail.splitlines() == [
        "",
        "`catalogs.storage_media` of .netlint.yaml, merged over the built-in "
        "rules/data/storage_media.yaml:",
        "",
        "- csi.corp.example: by parameter tier: nvme: local-nvme (Corp local NVMe tier); "
        "archive: network-hdd (Corp archive tier, network HDD); default local-nvme (nvme tier "
        "by default) (from the config)",
        "- ebs.csi.aws.com: local-nvme (EBS on our Outposts racks, local NVMe) (from the config)",
    ]
    ingress = invoke("explain", "--format", "markdown", "NL201", cwd=HERE).stdout
    assert ingress.split("merged over the built-in rules/data/ingress_controllers.yaml:\n\n")[
        1
    ].splitlines() == [
        "- edge-gateway (Corp edge gateway): labels {app: corp-edge} (from the config)",
        "- traefik: labels {corp.example/proxy: traefik} (from the config)",
    ]
    regions = invoke("explain", "--format", "markdown", "NL401", cwd=HERE).stdout
    assert regions.split("merged over the built-in rules/data/regions.yaml:\n\n")[
        1
    ].splitlines() == [
        "- corpcloud region osl-1: Oslo, NO (from the config)",
        "- corpcloud region ash-1: Ashburn, US (from the config)",
        "- detect.label_keys topology.corp.example/region -> corpcloud (from the config)",
    ]
    for rule in ("NL101", "NL002", "NL305"):
        assert "Catalog entries" not in invoke("explain", rule, cwd=HERE).stdout


BAD = {
    "unknown-media": (
        "catalogs:\n  storage_media:\n    - provisioners: [csi.corp.example]\n"
        "      media: spinning-rust\n      label: Corp disks\n",
        [
            ".netlint.yaml:4: catalogs.storage_media[0].media: expected one of: local-nvme, "
            "nvme-of, local-ssd, local, network-ssd, network-hdd, network-file, ephemeral, "
            "unknown; got 'spinning-rust'"
        ],
    ),
    "storage-shape": (
        "catalogs:\n  storage_media:\n    - provisioners: [csi.corp.example]\n"
        "      parameter: tier\n",
        [".netlint.yaml:3: catalogs.storage_media[0]: with a parameter, give values: and default:"],
    ),
    "storage-default-not-in-values": (
        "catalogs:\n  storage_media:\n    - provisioners: [csi.corp.example]\n"
        "      parameter: [tier]\n      values:\n        fast: {media: local-nvme, label: F}\n"
        "      default: {value: slow, media: network-hdd, label: S}\n",
        [
            ".netlint.yaml:7: catalogs.storage_media[0].default: value 'slow' is not in values "
            "with that media"
        ],
    ),
    "storage-listed-twice": (
        "catalogs:\n  storage_media:\n    - provisioners: [csi.corp.example]\n"
        "      media: local-nvme\n      label: A\n    - provisioners: [csi.corp.example]\n"
        "      media: network-hdd\n      label: B\n",
        [
            ".netlint.yaml:6: catalogs.storage_media[1]: provisioner csi.corp.example is "
            "listed twice"
        ],
    ),
    "ingress-empty-match": (
        "catalogs:\n  ingress_controllers:\n    - key: edge\n      labels:\n        - match: {}\n",
        [
            ".netlint.yaml:5: catalogs.ingress_controllers[0].labels[0].match: must have at "
            "least 1 item(s)"
        ],
    ),
    "region-country": (
        "catalogs:\n  regions:\n    providers:\n      corp:\n        regions:\n"
        "          osl-1: [Oslo, Norway]\n",
        [
            ".netlint.yaml:6: catalogs.regions.providers.corp.regions.osl-1[1]: 'Norway' does "
            "not match the pattern ^[A-Z]{2}$"
        ],
    ),
    "region-bad-regex": (
        "catalogs:\n  regions:\n    providers:\n      corp:\n        regions:\n"
        '          osl-1: [Oslo, "NO"]\n        zones:\n          - "(?P<region>osl-1"\n',
        [
            ".netlint.yaml:8: catalogs.regions.providers.corp.zones[0]: bad pattern "
            "'(?P<region>osl-1': missing ), unterminated subpattern at position 0"
        ],
    ),
    "region-unknown-provider": (
        "catalogs:\n  regions:\n    detect:\n      label_keys:\n"
        "        topology.corp.example/region: corpcloud\n",
        [
            '.netlint.yaml:5: catalogs.regions.detect.label_keys["topology.corp.example/region"]: '
            "unknown provider 'corpcloud'"
        ],
    ),
    "no-jurisdictions": (
        "catalogs:\n  regions:\n    jurisdictions: {eea: {US: United States}}\n",
        [
            ".netlint.yaml:3: catalogs.regions.jurisdictions: unknown key; expected one of: "
            "providers, countries, detect"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_broken_overrides_are_exit_2_on_their_line(tmp_path: Path, case: str):
    text, expected = BAD[case]
    (tmp_path / ".netlint.yaml").write_text(text, "utf-8")
    (tmp_path / "x.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    result = invoke("check", "x.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr.splitlines()) == (2, "", expected)
