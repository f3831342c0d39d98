"""The arrays of one group of independent components, and what solving it gives (shared by the
solver, the local search and the decomposition without an import cycle)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class Group:
    """Local arrays of a group: arcs index into this group's needs and offers."""

    qty: np.ndarray
    splittable: np.ndarray
    required: np.ndarray
    cap: np.ndarray
    arc_need: np.ndarray
    arc_offer: np.ndarray
    value: np.ndarray
    load: np.ndarray
    time_limit: float
    cp_workers: int = 1
    relative_gap: float = 0.0  # Options.relative_gap


@dataclass(slots=True)
class GroupResult:
    status: str
    x: np.ndarray  # quantity served on each arc
    bound: float | None  # None when optimal (the bound is then the objective)
    solver: str
