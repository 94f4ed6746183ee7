"""Generated files are committed; each test fails when its file is stale.

Regenerate: `netlint config schema > docs/netlint-config.schema.json`."""

from __future__ import annotations

import json
from pathlib import Path

from netlint.config import config_json_schema

ROOT = Path(__file__).resolve().parents[1]


def test_config_schema_is_current():
    committed = json.loads((ROOT / "docs" / "netlint-config.schema.json").read_text("utf-8"))
    assert committed == config_json_schema(), (
        "docs/netlint-config.schema.json is stale: "
        "run `netlint config schema > docs/netlint-config.schema.json`"
    )
