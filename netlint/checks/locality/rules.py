"""The NL4xx rules: pins to places outside the allowed jurisdictions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from netlint.checks.locality.model import Location, Pin, Resolution
from netlint.context import RunContext
from netlint.model import Hit, SourceFile, Span


def _pins(ctx: RunContext) -> list[tuple[Pin, Resolution]]:
    from netlint.checks.locality.pins import pins
    from netlint.checks.locality.regions import resolve

    found = ctx.cache.get("locality.pins")
    if found is None:
        # a resolution depends on these fields only (and the catalog, fixed for the run): the
        # same region in many workloads is looked up once
        seen: dict[tuple[bool, str, str, str | None], Resolution] = {}
        found = []
        for pin in pins(ctx):
            fact = (pin.is_host, pin.value, pin.key, pin.provider_hint)
            resolution = seen.get(fact)
            if resolution is None:
                resolution = seen[fact] = resolve(pin)
            found.append((pin, resolution))
        ctx.cache["locality.pins"] = found
    result: list[tuple[Pin, Resolution]] = found
    return result


def _allowed(ctx: RunContext) -> list[str]:
    return list(ctx.config.model.cluster.allowed_jurisdictions)


def describe(location: Location) -> str:
    where = f"{location.city}, {location.country_name}" if location.city else location.country_name
    return f"{location.region} is {where}"


def single(resolution: Resolution) -> Location | None:
    """The one place a pin means: resolved, or several providers that agree on the country
    (eu-central-1 is Frankfurt at AWS and at Alibaba)."""
    from netlint.checks.locality.regions import shared_country

    locations = resolution.locations
    if len(locations) == 1:
        return locations[0]
    if len(locations) > 1 and shared_country(resolution):
        first = locations[0]
        providers = " or ".join(dict.fromkeys(loc.provider for loc in locations))
        cities = {loc.city for loc in locations}
        city = first.city if len(cities) == 1 else ""
        return Location(providers, first.region, city, first.country, first.country_name)
    return None


def _placed(ctx: RunContext) -> list[tuple[Pin, Resolution, Location | None]]:
    """Every pin with its resolution and the one place it means (`single`), for the run: the
    five NL40x rules read them all, and many pins share one resolution (`_pins`)."""
    found = ctx.cache.get("locality.placed")
    if found is None:
        places: dict[int, Location | None] = {}
        found = []
        for pin, resolution in _pins(ctx):
            key = id(resolution)
            if key in places:
                location = places[key]
            else:
                location = places[key] = single(resolution)
            found.append((pin, resolution, location))
        ctx.cache["locality.placed"] = found
    result: list[tuple[Pin, Resolution, Location | None]] = found
    return result


def _outside(ctx: RunContext, kinds: tuple[str, ...]) -> Iterator[tuple[Pin, Location, str]]:
    from netlint.checks.locality.regions import status

    allowed = _allowed(ctx)
    verdicts: dict[str, tuple[bool, str]] = {}  # by country: the same few in every run
    for pin, _, location in _placed(ctx):
        if pin.kind not in kinds or location is None:
            continue
        verdict = verdicts.get(location.country)
        if verdict is None:
            verdict = verdicts[location.country] = status(location.country, allowed)
        ok, why = verdict
        if not ok:
            yield pin, location, why


def _hit(pin: Pin, message: str) -> Hit:
    return Hit(
        message, resource=pin.place.resource, path=pin.place.path, fingerprint_extra=pin.value
    )


def _policy(ctx: RunContext) -> str:
    return ", ".join(_allowed(ctx))


# What a pin outside the allowed jurisdictions means, per kind of pin: how the subject is placed
# there, and what follows. {policy} is the allowed list.
_OUTSIDE: dict[str, tuple[str, str]] = {
    "required": (
        "must run in",
        "Personal data it processes leaves the allowed jurisdictions ({policy}), a transfer that "
        "needs its own legal basis since Schrems II. Pin it to an allowed region instead",
    ),
    "preferred": (
        "prefers to run in",
        "When such nodes exist the scheduler puts it there and its data leaves the allowed "
        "jurisdictions ({policy}); prefer an allowed region, or make the allowed regions required",
    ),
    "storage": (
        "provisions or keeps volumes in",
        "Data at rest outside the allowed jurisdictions ({policy}) is a transfer under GDPR "
        "chapter V; restrict the topology to allowed zones",
    ),
    "endpoint": (
        "sends data to",
        "Data stored or processed there leaves the allowed jurisdictions ({policy}); use the "
        "provider's endpoint in an allowed region",
    ),
}


def _outside_hits(ctx: RunContext, kind: str) -> Iterator[Hit]:
    verb, consequence = _OUTSIDE[kind]
    said = consequence.format(policy=_policy(ctx))  # the config's: one text for the run
    for pin, location, why in _outside(ctx, (kind,)):
        yield _hit(
            pin,
            f"{pin.subject} {verb} {pin.value} ({pin.what}): {describe(location)} "
            f"({location.provider}): {why}. {said}",
        )


def workload_required(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _outside_hits(ctx, "required")


def workload_preferred(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _outside_hits(ctx, "preferred")


def storage_outside(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _outside_hits(ctx, "storage")


def endpoint_outside(ctx: RunContext, params: Any) -> Iterator[Hit]:
    return _outside_hits(ctx, "endpoint")


def region_unknown(ctx: RunContext, params: Any) -> Iterator[Hit]:
    for pin, resolution, location in _placed(ctx):
        if location is not None:
            continue
        if len(resolution.locations) > 1:
            places = "; ".join(
                f"{loc.provider}: {loc.city + ', ' if loc.city else ''}{loc.country_name}"
                for loc in resolution.locations
            )
            message = (
                f"{pin.subject}: {pin.value} ({pin.what}) means different places at different "
                f"providers ({places}) and nothing in the manifests says which provider this "
                "is; declare cluster.provider in .netlint.yaml so netlint can judge it"
            )
        else:
            if not resolution.note:
                continue  # a value that carries no place ("*", a fault-domain digit, a host)
            message = (
                f"{pin.subject}: netlint cannot place {pin.value} ({pin.what})"
                f"{': ' + resolution.note if resolution.note else ''}; check where it is, and "
                "extend the region catalog if it is a provider region netlint does not know"
            )
        yield _hit(pin, message)


def cluster_region(ctx: RunContext, params: Any) -> Iterator[Hit]:
    """The cluster itself runs outside: one finding for the run, on the config line."""
    from netlint.checks.locality.regions import resolve_region, status

    cluster = ctx.config.model.cluster
    if not cluster.region or ctx.config.path is None:
        return
    location = single(resolve_region(cluster.region, cluster.provider))
    if location is None:
        return
    ok, why = status(location.country, _allowed(ctx))
    if ok:
        return
    file = SourceFile(ctx.config.path, ctx.config.abspath)
    line = _config_line(ctx.config.abspath, "region")
    yield Hit(
        f"the cluster runs in {describe(location)} ({location.provider}; cluster.region): {why}. "
        f"Every workload on it processes data outside the allowed jurisdictions "
        f"({_policy(ctx)}); this is reported once for the run",
        file=file,
        span=Span(line, 1, line, 2),
        fingerprint_extra=cluster.region,
    )


def _config_line(path: str | None, key: str) -> int:
    if path is None:
        return 1
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if re.match(rf"\s*{key}\s*[:=]", line):
                    return number
    except OSError:
        pass
    return 1


def provider_outside(ctx: RunContext, params: Any) -> Iterator[Hit]:
    """Opt-in: a provider headquartered outside the EEA (US CLOUD Act exposure)."""
    from netlint.checks.locality.regions import headquarters

    seen: set[tuple[str, str]] = set()
    for pin, resolution in _pins(ctx):
        if len(resolution.locations) != 1:
            continue  # the provider itself must be known
        location = resolution.locations[0]
        hq = headquarters(location.provider)
        if hq is None or (pin.subject, location.provider) in seen:
            continue
        country, law = hq
        seen.add((pin.subject, location.provider))
        yield _hit(
            pin,
            f"{pin.subject} uses {location.provider} ({describe(location)}), a provider "
            f"headquartered in {country}: {law} can compel access to data even in an EEA "
            "region. Reported because this rule was enabled for a stricter policy",
        )
