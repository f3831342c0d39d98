"""Feature discovery: app assembly (and the workers) collect what each feature exports (``ROUTES``,
``NAV``, ``PANELS``, ``RUN_KINDS`` ...) from its modules by name, so no shared module imports features."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import jinlin

# Feature folders, in the order their navigation appears; a feature contributes api.py and/or pages.py.
FEATURES = ["auth", "home", "areas", "orgs", "accounts", "audit"]


def discover_features() -> list[str]:
    """FEATURES first, then any other feature folder with an api.py or pages.py (sorted)."""
    root = Path(jinlin.__file__).parent
    found = sorted(
        p.name for p in root.iterdir() if p.is_dir() and ((p / "api.py").exists() or (p / "pages.py").exists())
    )
    return [f for f in FEATURES if f in found] + [f for f in found if f not in FEATURES]


def collect(module_name: str, attribute: str) -> list[Any]:
    items: list[Any] = []
    for feature in discover_features():
        path = Path(jinlin.__file__).parent / feature / f"{module_name}.py"
        if path.exists():
            module = importlib.import_module(f"jinlin.{feature}.{module_name}")
            items.extend(getattr(module, attribute, []))
    return items
