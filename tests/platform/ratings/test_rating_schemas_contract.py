"""The rating structs share one family (``jinlin.ratings.schemas``) without changing what the API exposes:
every rating component of the OpenAPI document keeps its name, its properties (with their schemas) and
what it requires, as recorded in ``rating_components.json`` before the family came in (add, never rename)."""

import json
import os
import re
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("rating_components.json")
RATING = re.compile(r"Rating|Dimensions")


def _rating_components(schema: dict) -> dict:
    return {name: body for name, body in schema["components"]["schemas"].items() if RATING.search(name)}


async def test_every_rating_component_keeps_its_name_properties_and_requirements(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    now = _rating_components(response.json())
    if os.environ.get("JINLIN_RECORD_RATING_SCHEMAS"):  # how the snapshot was made (once, before the change)
        SNAPSHOT.write_text(json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    before = json.loads(SNAPSHOT.read_text())
    assert set(before) <= set(now), f"renamed or gone: {sorted(set(before) - set(now))}"
    for name, was in before.items():
        is_ = now[name]
        for prop, spec in was.get("properties", {}).items():
            assert is_.get("properties", {}).get(prop) == spec, f"{name}.{prop} changed"
        assert set(is_.get("required", [])) == set(was.get("required", [])), f"{name} requires other fields"
        assert is_.get("additionalProperties") == was.get("additionalProperties"), f"{name} unknown fields"
