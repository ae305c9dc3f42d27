"""The JSON Schema of the dashboard format, generated from the models (`reportgen schema`)."""

from __future__ import annotations

import json
from typing import Any

from reportgen.dashboard.model import DashboardSpec

SCHEMA_ID = "https://reportgen.invalid/dashboard.schema.json"


def dashboard_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dashboard file, keys as written in YAML."""
    schema = DashboardSpec.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def schema_json() -> str:
    """The schema as indented JSON with sorted keys and a final newline."""
    return json.dumps(dashboard_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
