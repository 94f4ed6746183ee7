"""The params model of NL103 (mtu-wasted): pydantic, imported only to validate params (at catalog
build, and when a config overrides them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WasteParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_waste: int = Field(
        default=100, ge=1, description="Bytes below the best MTU before a note is given."
    )
