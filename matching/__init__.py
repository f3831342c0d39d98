"""Jinlin's matcher (近邻匹配): needs -> offers allocation, twinning and rostering with OR-Tools.

Pure: data in, solution out. See matching/README.md and docs/matching-format.md.
"""

from .api import components, merge, solve
from .dump import dump
from .load import load
from .model import (
    AllocationProblem,
    Arc,
    Community,
    Helper,
    InstanceError,
    Location,
    Need,
    Offer,
    Options,
    Problem,
    RosterArc,
    RosterProblem,
    Shift,
    TwinArc,
    TwinningProblem,
    Volunteer,
    Window,
)
from .solution import Solution

__all__ = [
    "AllocationProblem",
    "Arc",
    "Community",
    "Helper",
    "InstanceError",
    "Location",
    "Need",
    "Offer",
    "Options",
    "Problem",
    "RosterArc",
    "RosterProblem",
    "Shift",
    "Solution",
    "TwinArc",
    "TwinningProblem",
    "Volunteer",
    "Window",
    "components",
    "dump",
    "load",
    "merge",
    "solve",
]
