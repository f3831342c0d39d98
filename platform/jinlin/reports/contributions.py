"""KPI blocks other features add to the 三率 report: a feature with ``jinlin.<feature>.kpis.summary(path,
period)`` contributes its figures under its own name (residents' reports do), found at run time so this
feature imports none of them (no import cycle back to features that use ``reports.period``)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path
from typing import Any

import jinlin
from jinlin.reports.period import Period


@cache
def _providers() -> tuple[tuple[str, Any], ...]:
    found = []
    root = Path(jinlin.__path__[0])
    for info in sorted(pkgutil.iter_modules(jinlin.__path__), key=lambda m: m.name):
        if info.ispkg and info.name not in ("core", "reports") and (root / info.name / "kpis.py").exists():
            module = importlib.import_module(f"jinlin.{info.name}.kpis")
            if hasattr(module, "summary"):
                found.append((info.name, module.summary))
    return tuple(found)


async def feature_kpis(path: str, period: Period) -> dict[str, dict[str, Any]]:
    """Each contributing feature's figures for the area subtree at ``path`` and ``period``."""
    return {name: await summary(path, period) for name, summary in _providers()}
