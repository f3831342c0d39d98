"""The metrics a performance scorecard (年度绩效) is made of, and where features add theirs.

A metric gives, for a list of areas and a period, a value from 0 to 1 per area (None: nothing to measure
there, and the metric then does not count for that area). The built-in ones (jinlin.scorecards.metrics)
read needs, calls, twinning and grading; another feature adds its own by having a module
``jinlin.<feature>.scorecard`` with ``METRICS = [Metric(...)]`` (for example residents' reports' on-time
rate, visit coverage, meeting regularity). The county's weights name metrics by key; a metric the weights
do not name counts with its ``default_weight``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

import jinlin
from jinlin.scorecards.metric import Metric


@cache
def metrics() -> tuple[Metric, ...]:
    """Every metric: the built-in ones first, then each feature's ``scorecard`` module, by feature name."""
    from jinlin.scorecards import metrics as builtin

    found: list[Metric] = list(builtin.METRICS)
    root = Path(jinlin.__path__[0])
    for info in sorted(pkgutil.iter_modules(jinlin.__path__), key=lambda m: m.name):
        if info.ispkg and (root / info.name / "scorecard.py").exists():
            found.extend(importlib.import_module(f"jinlin.{info.name}.scorecard").METRICS)
    keys = [m.key for m in found]
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        raise RuntimeError(f"scorecard metrics registered twice: {sorted(duplicated)}")
    return tuple(found)
