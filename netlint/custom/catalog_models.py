"""The models of config `catalogs:` (pydantic; imported only to validate a config file):
entries merged over netlint's data catalogs, see netlint/custom/catalogs.py."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from netlint.custom.catalogs import INGRESS, REGIONS, STORAGE
from netlint.model import Media

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Strings = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_listify)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# ---- storage_media -------------------------------------------------------------------------


class StorageChoice(_Strict):
    media: Media = Field(description="What the storage is.")
    label: str = Field(min_length=1, description="What it is, in messages (Corp NVMe pool).")


class StorageDefault(StorageChoice):
    value: str | None = Field(default=None, description="The value the driver then uses.")


class StorageEntry(_Strict):
    """One provisioner (or several, or a glob) and its media, in the shape of
    rules/data/storage_media.yaml; it replaces a built-in entry of the same provisioner."""

    provisioners: Strings = Field(min_length=1, description="StorageClass provisioner names.")
    media: Media | None = Field(default=None, description="The media, when no parameter decides.")
    label: str | None = Field(default=None, min_length=1, description="What it is, in messages.")
    parameter: Strings = Field(
        default_factory=list, description="The parameter that decides the media, then aliases."
    )
    keys: Literal["exact", "any-case"] = Field(
        default="exact", description="How the driver matches parameter names."
    )
    values: dict[str, StorageChoice] = Field(
        default_factory=dict, description="Parameter value -> media and label."
    )
    default: StorageDefault | None = Field(
        default=None, description="Media when the parameter is absent."
    )
    hints: Strings = Field(default_factory=list, description="Parameters named in messages.")

    @model_validator(mode="after")
    def _shape(self) -> StorageEntry:
        if self.parameter:
            if not self.values or self.default is None:
                raise ValueError("with a parameter, give values: and default:")
            if self.media is not None or self.label is not None:
                raise ValueError("with a parameter, media and label go in values: and default:")
        elif self.media is None or self.label is None:
            raise ValueError("give media: and label: (or a parameter: with values:)")
        elif self.values or self.default is not None:
            raise ValueError("values: and default: need a parameter:")
        return self


# ---- ingress_controllers -------------------------------------------------------------------


class LabelSetEntry(_Strict):
    match: dict[str, str] = Field(min_length=1, description="Labels, all of them; values glob.")
    strong: bool = Field(default=True, description="Enough alone (false: needs a second hint).")
    names: Strings = Field(default_factory=list, description="Restrict to these Service names.")
    not_labels: dict[str, Strings] = Field(default_factory=dict, description="Vetoing labels.")


class ServiceEntry(_Strict):
    names: Strings = Field(min_length=1, description="Service name globs.")
    namespaces: Strings = Field(default_factory=list, description="Their namespaces.")
    strong: bool = Field(default=True, description="Enough alone (false: needs a second hint).")


class ImageEntry(_Strict):
    glob: str = Field(min_length=1, description="Controller image glob (no tag).")
    strong: bool = Field(default=True, description="Enough alone (false: needs a second hint).")


class IngressEntry(_Strict):
    """A controller in the shape of rules/data/ingress_controllers.yaml. An existing `key`
    (traefik, ingress-nginx, ...) is extended with these matchers; a new one is added."""

    key: str = Field(min_length=1, description="Catalog key (traefik), or a new one.")
    display: str | None = Field(default=None, min_length=1, description="Name in messages.")
    labels: list[LabelSetEntry] = Field(default_factory=list)
    services: list[ServiceEntry] = Field(default_factory=list)
    namespaces: Strings = Field(
        default_factory=list, description="Conventional namespaces (corroborating only)."
    )
    images: list[ImageEntry] = Field(default_factory=list)
    not_names: Strings = Field(
        default_factory=list, description="Service names that are never its client-facing one."
    )


# ---- regions -------------------------------------------------------------------------------


class HostEntry(_Strict):
    pattern: str = Field(min_length=1, description="Host regex with a `region` group.")
    note: str | None = Field(default=None, description="Instead: the host carries no region.")


class ProviderEntry(_Strict):
    regions: dict[str, tuple[str, CountryCode]] = Field(
        default_factory=dict, description="Region code -> [city, ISO country]."
    )
    keys: dict[str, str] = Field(default_factory=dict, description="Short code -> region.")
    zones: list[str] = Field(default_factory=list, description="Zone regexes (region group).")
    hosts: list[HostEntry] = Field(default_factory=list)


class DetectEntry(_Strict):
    label_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Label key -> provider; the key's value is a location (read as a pin).",
    )
    key_prefixes: dict[str, str] = Field(
        default_factory=dict, description="Label key prefix -> provider (detection only)."
    )
    provisioners: dict[str, str] = Field(
        default_factory=dict, description="Provisioner or CSI driver -> provider."
    )
    env: dict[str, str] = Field(
        default_factory=dict, description="Environment variable name -> provider."
    )
    aliases: dict[str, str] = Field(default_factory=dict, description="Other name -> provider.")


class RegionsEntry(_Strict):
    """Merged into rules/data/regions.yaml: new providers, regions of existing ones, country
    names, detection. The jurisdictions (EEA, adequacy) are law, not catalog: not here."""

    providers: dict[str, ProviderEntry] = Field(default_factory=dict)
    countries: dict[CountryCode, str] = Field(
        default_factory=dict, description="ISO country code -> name, for regions' countries."
    )
    detect: DetectEntry = Field(default_factory=DetectEntry)


class CatalogOverrides(_Strict):
    storage_media: list[StorageEntry] = Field(
        default_factory=list,
        description="Provisioners and their media (rules/data/storage_media.yaml shape); an "
        "entry replaces the built-in one for its provisioners.",
    )
    ingress_controllers: list[IngressEntry] = Field(
        default_factory=list,
        description="Controllers (rules/data/ingress_controllers.yaml shape): an existing key "
        "gets these matchers too, a new key is a new controller.",
    )
    regions: RegionsEntry = Field(
        default_factory=RegionsEntry,
        description="Providers, regions, countries and detection merged into "
        "rules/data/regions.yaml.",
    )

    def given(self) -> dict[str, Any]:
        """The catalogs this config extends, as plain data."""
        out: dict[str, Any] = {}
        if self.storage_media:
            out[STORAGE] = [e.model_dump(exclude_defaults=True) for e in self.storage_media]
        if self.ingress_controllers:
            out[INGRESS] = [e.model_dump(exclude_defaults=True) for e in self.ingress_controllers]
        regions = self.regions.model_dump(exclude_defaults=True)
        if regions:
            out[REGIONS] = regions
        return out
