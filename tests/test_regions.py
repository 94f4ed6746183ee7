"""Region catalog (rules/data/regions.yaml) and lookups (netlint/checks/locality/regions.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netlint.catalog import load_data
from netlint.checks.locality.model import Location, Pin, Place, Resolution
from netlint.checks.locality.regions import (
    RegionCatalogError,
    catalog,
    headquarters,
    host_name,
    parse_catalog,
    provider_of,
    resolve,
    resolve_host,
    resolve_region,
    shared_country,
    status,
)

IE = Location("aws", "eu-west-1", "Dublin", "IE", "Ireland")
ALI_LONDON = Location("alibaba", "eu-west-1", "London", "GB", "United Kingdom")
LONDON = Location("aws", "eu-west-2", "London", "GB", "United Kingdom")
ZURICH = Location("aws", "eu-central-2", "Zurich", "CH", "Switzerland")
VIRGINIA = Location("aws", "us-east-1", "N. Virginia", "US", "United States")
FRANKFURT = Location("aws", "eu-central-1", "Frankfurt", "DE", "Germany")


def pin(
    value: str,
    key: str = "topology.kubernetes.io/zone",
    hint: str | None = None,
    host: bool = False,
) -> Pin:
    place = Place(None, ())  # type: ignore[arg-type]  # not used by resolve()
    return Pin("required", value, key, key, place, "Deployment x (y)", hint, host)


def one(resolution: Resolution) -> Location:
    assert len(resolution.locations) == 1, resolution
    return resolution.locations[0]


# ---------------------------------------------------------------------------------------------
# The catalog


def test_catalog_loads_and_has_every_provider() -> None:
    cat = catalog()
    assert set(cat.providers) == {
        "aws",
        "gcp",
        "azure",
        "oracle",
        "ibm",
        "alibaba",
        "hetzner",
        "digitalocean",
        "scaleway",
        "ovhcloud",
        "upcloud",
        "exoscale",
        "linode",
        "vultr",
    }
    assert len(cat.eea) == 30
    assert {"IS", "LI", "NO"} <= set(cat.eea)
    assert not {"GB", "CH", "RS", "US"} & set(cat.eea)
    assert set(cat.adequacy) == {
        "AD", "AR", "BR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"
    }  # fmt: skip
    assert "US" not in cat.adequacy
    assert "Data Privacy Framework" in cat.conditional["US"][1]


def test_catalog_shape_errors() -> None:
    good = load_data("regions")
    parse_catalog(good)

    def broken(change: Any) -> None:
        data = copy.deepcopy(good)
        change(data)
        with pytest.raises(RegionCatalogError):
            parse_catalog(data)

    broken(lambda d: d["jurisdictions"]["eea"].pop("AT"))
    broken(lambda d: d["providers"]["aws"]["regions"].update({"xx-1": ["X", "ZZ"]}))
    broken(lambda d: d["providers"]["aws"]["regions"].update({"xx-1": "X"}))
    broken(lambda d: d["providers"]["aws"]["zones"].append("(unclosed"))
    broken(lambda d: d["providers"]["aws"]["zones"].append("no-group"))
    broken(lambda d: d["providers"]["aws"]["hosts"].append({"pattern": "x"}))
    broken(lambda d: d["providers"]["aws"]["keys"].update({"zzz1": "nowhere-1"}))
    broken(lambda d: d["detect"]["env"].update({"X_REGION": "nobody"}))
    broken(lambda d: d["headquarters"].update({"nobody": ["X", "Y"]}))
    broken(lambda d: d.update({"providers": []}))


# ---------------------------------------------------------------------------------------------
# D.3 pitfalls


def test_eu_west_1_is_ambiguous_without_provider() -> None:
    assert resolve_region("eu-west-1", None) == Resolution(
        (IE, ALI_LONDON), "eu-west-1 names a region at aws and alibaba"
    )
    assert resolve(pin("eu-west-1a")).locations == (IE, ALI_LONDON)


def test_eu_west_1_with_provider() -> None:
    assert resolve_region("eu-west-1", "aws") == Resolution((IE,))
    assert resolve_region("eu-west-1", "alibaba") == Resolution((ALI_LONDON,))
    assert resolve(pin("eu-west-1a", "topology.ebs.csi.aws.com/zone")) == Resolution((IE,))
    assert resolve(pin("eu-west-1", "env AWS_REGION")) == Resolution((IE,))
    assert resolve(pin("eu-west-1a", hint="alicloud")) == Resolution((ALI_LONDON,))


def test_eu_prefix_is_not_eea() -> None:
    assert resolve_region("eu-west-2", "aws") == Resolution((LONDON,))
    assert resolve_region("eu-west-2", None) == Resolution((LONDON,))
    assert resolve_region("eu-central-2", None) == Resolution((ZURICH,))
    assert one(resolve_region("eu-isoe-west-1", "aws")).country == "GB"
    assert one(resolve_region("europe-west2", None)) == Location(
        "gcp", "europe-west2", "London", "GB", "United Kingdom"
    )
    assert one(resolve_region("europe-west6-a", "gcp")) == Location(
        "gcp", "europe-west6", "Zurich", "CH", "Switzerland"
    )
    assert one(resolve_region("eu-zurich-1", None)) == Location(
        "oracle", "eu-zurich-1", "Zurich", "CH", "Switzerland"
    )
    assert one(resolve_region("eu-crissier-1", "oracle")).country == "CH"
    assert one(resolve_region("eu-jovanovac-1", None)) == Location(
        "oracle", "eu-jovanovac-1", "Jovanovac", "RS", "Serbia"
    )
    assert one(resolve_region("eu-west", None)) == Location(
        "linode", "eu-west", "London", "GB", "United Kingdom"
    )
    assert one(resolve_region("eu-gb", None)) == Location(
        "ibm", "eu-gb", "London", "GB", "United Kingdom"
    )


def test_same_code_other_country() -> None:
    for code, aws, alibaba in [
        ("ap-southeast-3", "ID", "MY"),
        ("ap-southeast-5", "MY", "ID"),
        ("me-central-1", "AE", "SA"),
    ]:
        locations = resolve_region(code, None).locations
        assert [(loc.provider, loc.country) for loc in locations] == [
            ("aws", aws),
            ("alibaba", alibaba),
        ]
        assert one(resolve_region(code, "aws")).country == aws
        assert one(resolve_region(code, "alibaba")).country == alibaba


def test_azure_europe_names() -> None:
    assert resolve_region("westeurope", None) == Resolution(
        (Location("azure", "westeurope", "", "NL", "Netherlands"),)
    )
    assert one(resolve_region("northeurope", "azure")).country == "IE"
    assert one(resolve_region("uksouth", None)) == Location(
        "azure", "uksouth", "London", "GB", "United Kingdom"
    )
    assert one(resolve_region("switzerlandnorth", "azure")).country == "CH"


def test_regionless_hosts_are_unknown_not_foreign() -> None:
    for host in [
        "s3.amazonaws.com",
        "https://my-bucket.s3.amazonaws.com/key",
        "s3-external-1.amazonaws.com",
        "storage.googleapis.com",
        "bucket.storage.googleapis.com",
        "account.blob.core.windows.net",
        "myregistry.azurecr.io",
        "server.database.windows.net",
        "db.postgres.database.azure.com",
    ]:
        resolution = resolve_host(host)
        assert resolution.locations == (), host
        assert resolution.note, host
    assert resolve_host("s3.amazonaws.com") == Resolution(
        (),
        "the global S3 endpoint names no region; the bucket can be in any region",
    )


def test_local_zone_and_wavelength_decode_to_parent() -> None:
    assert resolve_region("us-east-1-bos-1a", "aws") == Resolution((VIRGINIA,))
    assert resolve_region("us-east-1-wl1-bos-wlz-1", "aws") == Resolution((VIRGINIA,))
    assert resolve_region("eu-central-1-ham-1a", None).locations[0] == FRANKFURT


# ---------------------------------------------------------------------------------------------
# Zone decoding per provider


@pytest.mark.parametrize(
    ("value", "provider", "region", "country"),
    [
        ("eu-west-1a", "aws", "eu-west-1", "IE"),
        ("eu-central-1c", "aws", "eu-central-1", "DE"),
        ("euc1-az3", "aws", "eu-central-1", "DE"),
        ("euw2-az1", None, "eu-west-2", "GB"),
        ("europe-west1-b", "gcp", "europe-west1", "BE"),
        ("us-west3-a", "gcp", "us-west3", "US"),
        ("westeurope-1", "azure", "westeurope", "NL"),
        ("uksouth-3", None, "uksouth", "GB"),
        ("fr-par-1", "scaleway", "fr-par", "FR"),
        ("pl-waw-3", None, "pl-waw", "PL"),
        ("fsn1-dc14", "hetzner", "fsn1", "DE"),
        ("hel1-dc2", None, "hel1", "FI"),
        ("fsn1", None, "fsn1", "DE"),
        ("Uocm:EU-FRANKFURT-1-AD-1", "oracle", "eu-frankfurt-1", "DE"),
        ("eu-de-2", "ibm", "eu-de", "DE"),
        ("cn-hangzhou-h", "alibaba", "cn-hangzhou", "CN"),
        ("eu-central-1a", "alibaba", "eu-central-1", "DE"),
        ("GRA7", "ovhcloud", "GRA7", "FR"),
        ("gra3", "ovhcloud", "GRA", "FR"),
        ("eu-west-par-a", "ovhcloud", "EU-WEST-PAR", "FR"),
        ("UK1", None, "UK1", "GB"),
        ("de-fra1", "upcloud", "de-fra1", "DE"),
        ("ch-gva-2", None, "ch-gva-2", "CH"),
        ("at-vie-1", "exoscale", "at-vie-1", "AT"),
        ("nl-ams", "linode", "nl-ams", "NL"),
        ("ams3", None, "ams3", "NL"),
        ("lhr", "vultr", "lhr", "GB"),
    ],
)
def test_decode(value: str, provider: str | None, region: str, country: str) -> None:
    location = one(resolve_region(value, provider))
    assert (location.region, location.country) == (region, country)


def test_values_without_location() -> None:
    for value in ["", " ", "*", "0", "1"]:
        assert resolve_region(value, "azure") == Resolution((), "")
        assert resolve_region(value, None) == Resolution((), "")
        assert resolve(pin(value)) == Resolution((), "")


def test_unknown_codes() -> None:
    assert resolve_region("eu-mars-1", "aws") == Resolution(
        (), "eu-mars-1 is not a region or zone netlint knows at aws"
    )
    assert resolve_region("fsn1", "aws") == Resolution(
        (), "fsn1 is not a region or zone netlint knows at aws"
    )
    assert resolve_region("RegionOne", None) == Resolution(
        (), "RegionOne is not a region or zone netlint knows at any provider"
    )


# ---------------------------------------------------------------------------------------------
# Provider detection


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("aws", "aws"),
        ("AWS", "aws"),
        ("eks", "aws"),
        ("gke", "gcp"),
        ("akamai", "linode"),
        ("ovh", "ovhcloud"),
        ("topology.ebs.csi.aws.com/zone", "aws"),
        ("topology.k8s.aws/zone-id", "aws"),
        ("topology.gke.io/zone", "gcp"),
        ("topology.disk.csi.azure.com/zone", "azure"),
        ("csi.hetzner.cloud/location", "hetzner"),
        ("ebs.csi.aws.com", "aws"),
        ("kubernetes.io/aws-ebs", "aws"),
        ("pd.csi.storage.gke.io", "gcp"),
        ("disk.csi.azure.com", "azure"),
        ("csi.hetzner.cloud", "hetzner"),
        ("AWS_REGION", "aws"),
        ("env AWS_DEFAULT_REGION", "aws"),
        ("env AZURE_LOCATION", "azure"),
        ("env CLOUDSDK_COMPUTE_REGION", "gcp"),
        ("eks.amazonaws.com/nodegroup", "aws"),
        ("cloud.google.com/gke-nodepool", "gcp"),
        ("kubernetes.azure.com/agentpool", "azure"),
        ("topology.kubernetes.io/zone", None),
        ("failure-domain.beta.kubernetes.io/region", None),
        ("env S3_REGION", None),
        ("openstack", None),
        ("", None),
        (None, None),
    ],
)
def test_provider_of(name: str | None, provider: str | None) -> None:
    assert provider_of(name) == provider


def test_key_wins_over_hint_and_unknown_hint_is_ignored() -> None:
    # a hint from the provisioner (or the profile) places a value under a generic key
    assert one(resolve(pin("eu-west-1", hint="ebs.csi.aws.com"))) == IE
    assert one(resolve(pin("eu-west-1a", hint="alicloud"))) == ALI_LONDON
    # a key that names a provider is about this very value: AWS_REGION on a GKE cluster
    assert one(resolve(pin("eu-west-1", "AWS_REGION", hint="gcp"))) == IE
    assert one(resolve(pin("europe-west2-a", "topology.gke.io/zone", hint="aws"))).country == "GB"
    # an unknown hint falls back to the key, then to every provider
    assert one(resolve(pin("eu-west-1", "env AWS_REGION", hint="openstack"))) == IE
    assert len(resolve(pin("eu-west-1", hint="openstack")).locations) == 2
    # CAPI-style keys name no provider: the hint decides
    assert one(resolve(pin("eu-west-2", "AWSCluster spec.region", hint="aws"))) == LONDON


# ---------------------------------------------------------------------------------------------
# Host patterns


@pytest.mark.parametrize(
    ("value", "provider", "region"),
    [
        ("s3.eu-west-2.amazonaws.com", "aws", "eu-west-2"),
        ("https://user:pw@My-Bucket.S3.EU-WEST-2.amazonaws.com:443/a/b?c", "aws", "eu-west-2"),
        ("bucket.s3.us-east-1.amazonaws.com", "aws", "us-east-1"),
        ("s3.dualstack.eu-central-2.amazonaws.com", "aws", "eu-central-2"),
        ("s3-fips.us-gov-west-1.amazonaws.com", "aws", "us-gov-west-1"),
        ("s3-eu-west-1.amazonaws.com", "aws", "eu-west-1"),
        ("sqs.eu-north-1.amazonaws.com", "aws", "eu-north-1"),
        ("mydb.abc123.eu-west-2.rds.amazonaws.com", "aws", "eu-west-2"),
        ("123456789012.dkr.ecr.us-east-2.amazonaws.com", "aws", "us-east-2"),
        ("bucket.vpce-0abc-xyz.s3.eu-west-3.vpce.amazonaws.com", "aws", "eu-west-3"),
        ("ec2-1-2-3-4.ap-south-1.compute.amazonaws.com", "aws", "ap-south-1"),
        ("s3.cn-north-1.amazonaws.com.cn", "aws", "cn-north-1"),
        ("s3.eusc-de-east-1.amazonaws.eu", "aws", "eusc-de-east-1"),
        ("europe-west2-docker.pkg.dev", "gcp", "europe-west2"),
        ("objectstorage.eu-jovanovac-1.oraclecloud.com", "oracle", "eu-jovanovac-1"),
        ("ns.compat.objectstorage.eu-frankfurt-1.oraclecloud.com", "oracle", "eu-frankfurt-1"),
        ("fra.ocir.io", "oracle", "eu-frankfurt-1"),
        ("nbg1.your-objectstorage.com", "hetzner", "nbg1"),
        ("bucket.fsn1.your-objectstorage.com", "hetzner", "fsn1"),
        ("s3.gra.io.cloud.ovh.net", "ovhcloud", "GRA"),
        ("s3.uk.io.cloud.ovh.net", "ovhcloud", "UK"),
        ("sos-ch-gva-2.exo.io", "exoscale", "ch-gva-2"),
        ("s3.nl-ams.scw.cloud", "scaleway", "nl-ams"),
        ("space.fra1.digitaloceanspaces.com", "digitalocean", "fra1"),
        ("eu-central-1.linodeobjects.com", "linode", "eu-central"),
        ("oss-eu-west-1.aliyuncs.com", "alibaba", "eu-west-1"),
        ("oss-cn-hangzhou-internal.aliyuncs.com", "alibaba", "cn-hangzhou"),
        ("s3.eu-de.cloud-object-storage.appdomain.cloud", "ibm", "eu-de"),
        ("s3.private.eu-gb.cloud-object-storage.appdomain.cloud", "ibm", "eu-gb"),
        ("app.westeurope.cloudapp.azure.com", "azure", "westeurope"),
    ],
)
def test_host_patterns(value: str, provider: str, region: str) -> None:
    location = one(resolve(pin(value, "hostname", host=True)))
    assert (location.provider, location.region) == (provider, region)


def test_hosts_without_provider_pattern_are_not_pins() -> None:
    for host in ["example.com", "db.internal:5432", "sts.amazonaws.com", "", "10.0.0.1"]:
        assert resolve_host(host) == Resolution((), "")


def test_host_with_unknown_region() -> None:
    assert resolve_host("s3.eu-mars-1.amazonaws.com") == Resolution(
        (), "eu-mars-1 is not a region netlint knows at aws"
    )


def test_host_name() -> None:
    assert host_name("HTTPS://u:p@Host.Example.COM.:8443/x?y#z") == "host.example.com"
    assert host_name("s3.eu-west-1.amazonaws.com") == "s3.eu-west-1.amazonaws.com"
    assert host_name("[::1]:80") == "::1"


# ---------------------------------------------------------------------------------------------
# Jurisdictions


def test_status_eea_only() -> None:
    assert status("IE", ["EEA"]) == (True, "in the EEA")
    assert status("NO", ["EEA"]) == (True, "in the EEA")
    assert status("GB", ["EEA"]) == (False, "not in the EEA (adequacy decision only)")
    assert status("CH", ["EEA"]) == (False, "not in the EEA (adequacy decision only)")
    assert status("RS", ["EEA"]) == (False, "not in the EEA, no adequacy decision")
    assert status("US", ["EEA"]) == (
        False,
        "not in the EEA, no adequacy decision (the US only under the Data Privacy Framework, "
        "which a manifest cannot show)",
    )


def test_status_adequacy() -> None:
    assert status("JP", ["EEA", "adequacy"]) == (
        True,
        "not in the EEA, but covered by an EU adequacy decision",
    )
    assert status("DE", ["adequacy"]) == (True, "in the EEA")
    assert status("US", ["EEA", "adequacy"])[0] is False
    assert status("SG", ["EEA", "adequacy"]) == (False, "not in the EEA, no adequacy decision")


def test_status_iso_codes() -> None:
    zurich = one(resolve_region("eu-central-2", "aws"))
    assert status(zurich.country, ["EEA", "CH"]) == (True, "allowed explicitly (CH)")
    assert status("GB", ["EEA", "CH"])[0] is False
    assert status("DE", ["DE"]) == (True, "allowed explicitly (DE)")
    assert status("FR", ["DE"]) == (False, "in the EEA, but not among the allowed jurisdictions")
    assert status("de", ["DE"])[0] is True


def test_status_reads_after_describe() -> None:
    from netlint.checks.locality.rules import describe

    location = one(resolve_region("eu-west-2", "aws"))
    _, why = status(location.country, ["EEA"])
    assert f"{describe(location)} ({location.provider}): {why}" == (
        "eu-west-2 is London, United Kingdom (aws): not in the EEA (adequacy decision only)"
    )


def test_headquarters() -> None:
    for provider in ["aws", "gcp", "azure", "oracle", "ibm", "digitalocean", "linode", "vultr"]:
        assert headquarters(provider) == ("the United States", "the US CLOUD Act")
    assert headquarters("akamai") == ("the United States", "the US CLOUD Act")
    hq = headquarters("alibaba")
    assert hq is not None and hq[0] == "China"
    for provider in ["hetzner", "scaleway", "ovhcloud", "upcloud", "exoscale", "openstack"]:
        assert headquarters(provider) is None


def test_shared_country() -> None:
    assert shared_country(resolve_region("eu-central-1", None)) == "DE"
    assert shared_country(resolve_region("us-east-1", None)) == "US"
    assert shared_country(resolve_region("eu-west-1", None)) is None
    assert shared_country(resolve_region("eu-west-2", "aws")) == "GB"
    assert shared_country(Resolution(())) is None


def test_a_code_the_hinted_provider_does_not_know_is_looked_up_everywhere():
    """An Azure cluster (hint from the profile) with a node pool labelled with an AWS region:
    the hint is a guess; us-east-1 is Virginia at both AWS and Alibaba."""
    from netlint.checks.locality.model import Pin, Place
    from netlint.checks.locality.regions import resolve, shared_country

    place = Place(None, ())  # type: ignore[arg-type]
    pin = Pin(
        "required",
        "us-east-1",
        "topology.kubernetes.io/region",
        "nodeSelector",
        place,
        "x",
        "azure",
    )
    found = resolve(pin)
    assert {loc.provider for loc in found.locations} == {"aws", "alibaba"}
    assert shared_country(found) == "US"
    unknown = Pin(
        "required", "mars-1", "topology.kubernetes.io/region", "nodeSelector", place, "x", "azure"
    )
    assert resolve(unknown).note == "mars-1 is not a region or zone netlint knows at azure"
    strong = Pin("endpoint", "westeurope", "AWS_REGION", "env AWS_REGION", place, "x", "azure")
    assert resolve(strong).locations == ()  # AWS_REGION names its provider: no fallback
