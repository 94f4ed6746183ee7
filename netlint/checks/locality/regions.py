"""Region catalog lookups: where a region, zone or endpoint host is, and whether that is allowed.

The facts are in rules/data/regions.yaml (loaded once, checked, patterns precompiled). A value
resolves to one Location (resolved), several (the same code at several providers and nothing
says which: ambiguous) or none (unknown, with a note saying why, or with an empty note when the
value carries no location at all: "", "*", an Azure fault-domain number, an ordinary host name).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from netlint.checks.locality.model import Location, Pin, Resolution
from netlint.checks.patterns import LazyPattern, lazy

CATALOG = "regions"
_COUNTRY = lazy(r"[A-Z]{2}")


class RegionCatalogError(ValueError):
    """rules/data/regions.yaml does not have the expected shape."""


# a pattern of the catalog: compiled at once when the catalog is checked, on first use in a run
# over the shipped data (checked by the tests; its 40-odd patterns take 10 ms to compile, and a
# run needs few of them: most values are region codes, looked up without any pattern)
Pattern = re.Pattern[str] | LazyPattern


@dataclass(frozen=True)
class _Host:
    pattern: Pattern
    note: str  # set: the host names no region (unknown locality, not foreign)


@dataclass(frozen=True)
class _Provider:
    name: str
    regions: Mapping[str, Location]  # lower-case code -> location
    keys: Mapping[str, str]  # lower-case short code -> lower-case region code
    zones: tuple[Pattern, ...]
    hosts: tuple[_Host, ...]


@dataclass(frozen=True)
class Catalog:
    eea: Mapping[str, str]
    adequacy: Mapping[str, str]
    conditional: Mapping[str, tuple[str, str]]  # code -> (name, why it does not count)
    names: Mapping[str, str]  # every country code -> name
    providers: Mapping[str, _Provider]
    label_keys: Mapping[str, str]
    key_prefixes: tuple[tuple[str, str], ...]
    provisioners: Mapping[str, str]
    env: Mapping[str, str]
    aliases: Mapping[str, str]
    headquarters: Mapping[str, tuple[str, str]]


def _map(data: Any, where: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RegionCatalogError(f"{where}: expected a mapping")
    return {str(k): v for k, v in data.items()}


def _compile(pattern: Any, where: str, checked: bool) -> Pattern:
    if not checked:
        return lazy(str(pattern), re.IGNORECASE)
    try:
        return re.compile(str(pattern), re.IGNORECASE)
    except re.error as error:
        raise RegionCatalogError(f"{where}: bad pattern {pattern!r}: {error}") from None


def _provider_names(data: Any, where: str, providers: Iterable[str]) -> dict[str, str]:
    known = set(providers)
    result = {}
    for key, value in _map(data, where).items():
        if str(value) not in known:
            raise RegionCatalogError(f"{where}.{key}: unknown provider {value!r}")
        result[key] = str(value)
    return result


def parse_catalog(data: Any, *, check_patterns: bool = True) -> Catalog:
    """Check the shape of regions.yaml and build the lookup tables. Without `check_patterns`
    the patterns are compiled on first use and not checked (for data checked before)."""
    top = _map(data, "regions.yaml")
    jur = _map(top.get("jurisdictions"), "jurisdictions")
    eea = {str(k): str(v) for k, v in _map(jur.get("eea"), "jurisdictions.eea").items()}
    adequacy = {
        str(k): str(v) for k, v in _map(jur.get("adequacy"), "jurisdictions.adequacy").items()
    }
    if len(eea) != 30:
        raise RegionCatalogError(f"jurisdictions.eea: expected 30 states, got {len(eea)}")
    conditional = {}
    for code, raw in _map(jur.get("conditional"), "jurisdictions.conditional").items():
        entry = _map(raw, f"jurisdictions.conditional.{code}")
        conditional[code] = (str(entry.get("name", code)), str(entry.get("note", "")))
    names = {str(k): str(v) for k, v in _map(top.get("countries"), "countries").items()}
    names.update(eea)
    names.update(adequacy)
    names.update({code: name for code, (name, _) in conditional.items()})
    for code in names:
        if not _COUNTRY.fullmatch(code):
            raise RegionCatalogError(f"country code {code!r} is not ISO 3166-1 alpha-2")
    if set(eea) & set(adequacy):
        raise RegionCatalogError("jurisdictions: a country is both EEA and adequacy")

    providers = {}
    for name, raw in _map(top.get("providers"), "providers").items():
        where = f"providers.{name}"
        entry = _map(raw, where)
        regions = {}
        for code, value in _map(entry.get("regions"), f"{where}.regions").items():
            if not isinstance(value, list) or len(value) != 2:
                raise RegionCatalogError(f"{where}.regions.{code}: expected [city, country]")
            city, country = str(value[0]), str(value[1])
            if country not in names:
                raise RegionCatalogError(f"{where}.regions.{code}: no name for country {country}")
            if code.lower() in regions:
                raise RegionCatalogError(f"{where}.regions.{code}: listed twice")
            regions[code.lower()] = Location(name, code, city, country, names[country])
        if not regions:
            raise RegionCatalogError(f"{where}: no regions")
        keys = {}
        for short, region in _map(entry.get("keys"), f"{where}.keys").items():
            if str(region).lower() not in regions:
                raise RegionCatalogError(f"{where}.keys.{short}: unknown region {region}")
            keys[short.lower()] = str(region).lower()
        zones = tuple(
            _compile(p, f"{where}.zones[{i}]", check_patterns)
            for i, p in enumerate(entry.get("zones") or [])
        )
        hosts = []
        for i, host in enumerate(entry.get("hosts") or []):
            spec = _map(host, f"{where}.hosts[{i}]")
            pattern = _compile(spec.get("pattern"), f"{where}.hosts[{i}]", check_patterns)
            note = str(spec.get("note") or "")
            if check_patterns and not note and not ({"region", "key"} & set(pattern.groupindex)):
                raise RegionCatalogError(f"{where}.hosts[{i}]: needs a region group or a note")
            hosts.append(_Host(pattern, note))
        for i, zone in enumerate(zones if check_patterns else ()):
            if not ({"region", "key"} & set(zone.groupindex)):
                raise RegionCatalogError(f"{where}.zones[{i}]: needs a region or key group")
        providers[name] = _Provider(name, regions, keys, zones, tuple(hosts))

    detect = _map(top.get("detect"), "detect")
    prefixes = _provider_names(detect.get("key_prefixes"), "detect.key_prefixes", providers)
    headquarters = {}
    for name, raw in _map(top.get("headquarters"), "headquarters").items():
        if name not in providers:
            raise RegionCatalogError(f"headquarters.{name}: unknown provider")
        if not isinstance(raw, list) or len(raw) != 2:
            raise RegionCatalogError(f"headquarters.{name}: expected [country, law]")
        headquarters[name] = (str(raw[0]), str(raw[1]))
    return Catalog(
        eea=eea,
        adequacy=adequacy,
        conditional=conditional,
        names=names,
        providers=providers,
        label_keys=_provider_names(detect.get("label_keys"), "detect.label_keys", providers),
        key_prefixes=tuple(sorted(prefixes.items(), key=lambda kv: -len(kv[0]))),
        provisioners=_provider_names(detect.get("provisioners"), "detect.provisioners", providers),
        env=_provider_names(detect.get("env"), "detect.env", providers),
        aliases=_provider_names(detect.get("aliases"), "detect.aliases", providers),
        headquarters=headquarters,
    )


def catalog() -> Catalog:
    """The catalog as the run in force sees it: built-in data, with the config's `catalogs:`
    entries merged in (netlint/custom/catalogs.py)."""
    from netlint.custom.catalogs import key

    return _catalog(key(CATALOG))


@functools.lru_cache(maxsize=8)
def _catalog(override: str) -> Catalog:
    from netlint.custom.catalogs import merged

    # the shipped catalog is checked by the tests (test_regions); a config's entries are
    # checked here as at config load
    return parse_catalog(merged(CATALOG, override), check_patterns=bool(override))


# ---------------------------------------------------------------------------------------------
# Providers


def provider_of(name: str | None) -> str | None:
    """The provider a name points at: a provider id or alias ("aws", "eks", "akamai"), a label
    key (topology.gke.io/zone), a provisioner/CSI driver (disk.csi.azure.com) or an environment
    variable name ("AWS_REGION" or "env AWS_REGION"). None when it names no single provider."""
    if not name:
        return None
    cat = catalog()
    text = name.strip()
    if text.startswith("env "):
        text = text[4:].strip()
    lower = text.lower()
    if lower in cat.providers:
        return lower
    for table in (cat.aliases, cat.label_keys, cat.provisioners):
        if lower in table:
            return table[lower]
    if text in cat.env:
        return cat.env[text]
    for prefix, provider in cat.key_prefixes:
        if lower.startswith(prefix):
            return provider
    return None


# ---------------------------------------------------------------------------------------------
# Resolving


def _carries_nothing(value: str) -> bool:
    """Empty, "*" and bare fault-domain numbers ("0", "1") carry no location."""
    return not value or value == "*" or value.isdigit()


def _in_provider(provider: _Provider, code: str) -> Location | None:
    """A region code, or a zone/datacenter/zone id decoded to its region, at one provider."""
    lower = code.lower()
    if lower in provider.regions:
        return provider.regions[lower]
    for zone in provider.zones:
        match = zone.fullmatch(lower)
        if match is None:
            continue
        found = _group(provider, match)
        if found is not None:
            return found
    return None


def _group(provider: _Provider, match: re.Match[str]) -> Location | None:
    groups = match.groupdict()
    region = groups.get("region")
    if region is None and groups.get("key") is not None:
        region = provider.keys.get(str(groups["key"]).lower())
    if region is None:
        return None
    return provider.regions.get(region.lower())


def _everywhere(value: str) -> Resolution:
    cat = catalog()
    lower = value.lower()
    exact = [p.regions[lower] for p in cat.providers.values() if lower in p.regions]
    found = exact or [
        loc for p in cat.providers.values() if (loc := _in_provider(p, value)) is not None
    ]
    if not found:
        return Resolution((), f"{value} is not a region or zone netlint knows at any provider")
    if len(found) == 1:
        return Resolution((found[0],))
    providers = ", ".join(loc.provider for loc in found[:-1]) + " and " + found[-1].provider
    return Resolution(tuple(found), f"{value} names a region at {providers}")


def resolve_region(region: str, provider: str | None) -> Resolution:
    """A bare region or zone code; with a provider (id, alias, label key, provisioner, env
    name) it is looked up there only, else at every provider."""
    value = region.strip()
    if _carries_nothing(value):
        return Resolution((), "")
    name = provider_of(provider)
    if name is None:
        return _everywhere(value)
    found = _in_provider(catalog().providers[name], value)
    if found is None:
        return Resolution((), f"{value} is not a region or zone netlint knows at {name}")
    return Resolution((found,))


_SCHEME = lazy(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_PATH_START = lazy(r"[/?#]")


def host_name(value: str) -> str:
    """The bare lower-case host of a URL or host:port: no scheme, userinfo, port, path."""
    text = _SCHEME.sub("", value.strip())
    text = _PATH_START.split(text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]
    if text.startswith("["):  # IPv6 literal
        return text.split("]", 1)[0].lstrip("[").lower()
    return text.split(":", 1)[0].rstrip(".").lower()


def resolve_host(value: str) -> Resolution:
    """An endpoint host (or URL): the region its name carries, a note when it is a provider
    host without a region, or nothing for an ordinary host."""
    host = host_name(value)
    if not host:
        return Resolution((), "")
    for provider in catalog().providers.values():
        for spec in provider.hosts:
            match = spec.pattern.fullmatch(host)
            if match is None:
                continue
            if spec.note:
                return Resolution((), spec.note)
            found = _group(provider, match)
            if found is None:
                groups = match.groupdict()
                code = groups.get("region") or groups.get("key") or host
                found = _in_provider(provider, str(code))
            if found is None:
                return Resolution(
                    (),
                    f"{code} is not a region netlint knows at {provider.name}",
                )
            return Resolution((found,))
    return Resolution((), "")


def resolve(pin: Pin) -> Resolution:
    """Where a pin's value is: host patterns for hosts (the name says the provider). For codes
    the provider named by the key that carries the value (AWS_REGION, topology.gke.io/zone) wins:
    it is about this very value, while the hint may only be the cluster profile's provider (an
    app on GKE can well set AWS_REGION). Then the hint (provisioner, CSI driver, profile), else
    every provider. A code the hinted provider does not know is looked up at every provider: a
    hint is a guess (clusters span clouds, and node pools carry other clouds' region labels),
    while a key that names its provider is not."""
    if pin.is_host:
        return resolve_host(pin.value)
    strong = provider_of(pin.key)
    if strong is not None:
        return resolve_region(pin.value, strong)
    hinted = resolve_region(pin.value, provider_of(pin.provider_hint))
    if hinted.locations or provider_of(pin.provider_hint) is None:
        return hinted
    anywhere = resolve_region(pin.value, None)
    return anywhere if anywhere.locations else hinted


# ---------------------------------------------------------------------------------------------
# Jurisdictions


def status(country: str, allowed: list[str]) -> tuple[bool, str]:
    """Whether a country is allowed by `allowed` (EEA, adequacy, ISO codes), and why, worded to
    follow "eu-west-2 is London, United Kingdom (aws): ". "adequacy" includes the EEA (transfers
    inside the EEA need no adequacy decision)."""
    cat = catalog()
    code = country.upper()
    allow = set(allowed)
    in_eea = code in cat.eea
    adequate = code in cat.adequacy
    if in_eea and allow & {"EEA", "adequacy"}:
        return True, "in the EEA"
    if code in allow:
        return True, f"allowed explicitly ({code})"
    if adequate and "adequacy" in allow:
        return True, "not in the EEA, but covered by an EU adequacy decision"
    if in_eea:
        return False, "in the EEA, but not among the allowed jurisdictions"
    if adequate:
        return False, "not in the EEA (adequacy decision only)"
    if code in cat.conditional:
        return False, f"not in the EEA, no adequacy decision ({cat.conditional[code][1]})"
    return False, "not in the EEA, no adequacy decision"


def shared_country(resolution: Resolution) -> str | None:
    """The country every location of a resolution is in (eu-central-1: Frankfurt at AWS and at
    Alibaba), else None: an ambiguous code can still have one jurisdictional verdict."""
    countries = {location.country for location in resolution.locations}
    return countries.pop() if len(countries) == 1 else None


def country_name(country: str) -> str:
    return catalog().names.get(country.upper(), country)


def headquarters(provider: str) -> tuple[str, str] | None:
    """(country, law) for a provider headquartered outside the EEA, else None."""
    name = provider_of(provider)
    if name is None:
        return None
    return catalog().headquarters.get(name)
