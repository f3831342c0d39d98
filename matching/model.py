"""Problem dataclasses: what the matcher is asked to solve.

需求 needs, 资源 offers, 结对 twinning, 排班 roster.

Every class is a plain, frozen-by-convention record so the platform can build one from database rows
in one line, e.g. ``AllocationProblem(needs=[Need("n1", 4)], offers=[Offer("o1", 10)])``.

The items of an allocation instance (``Location``, ``Need``, ``Offer``, ``Arc``), which come by the
hundred thousand, are ``msgspec.Struct``s rather than dataclasses: built, compared and read the same way
(positional or keyword arguments, same fields and defaults, ``==``, ``repr``), and a JSON instance is
decoded straight into them in C (see load.py). Their annotations carry the contract's per-field rules
(``Meta``) for that decoder; building one in code checks nothing, ``solve`` does (``load.check``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

import msgspec


class InstanceError(ValueError):
    """A malformed instance. ``str(err)`` is one line that starts with the field at fault."""

    def __init__(self, field_path: str, message: str) -> None:
        super().__init__(f"{field_path}: {message}")
        self.field = field_path
        self.message = message


_Id = Annotated[str, msgspec.Meta(min_length=1)]
_Count = Annotated[int, msgspec.Meta(ge=0)]
_NonNeg = Annotated[float, msgspec.Meta(ge=0.0)]


class Location(msgspec.Struct, gc=False):
    lat: Annotated[float, msgspec.Meta(ge=-90.0, le=90.0)]
    lon: Annotated[float, msgspec.Meta(ge=-180.0, le=180.0)]


DEFAULT_COLOUR_WEIGHTS: dict[str, float] = {"red": 4.0, "orange": 3.0, "yellow": 2.0, "green": 1.0}


@dataclass(slots=True)
class Options:
    """Solver options. Unknown keys in an instance's ``options`` object are ignored."""

    time_limit_s: float = 10.0
    # value formula for derived candidates (see matching/README.md)
    distance_scale_km: float = 10.0
    reputation_bonus: float = 0.1
    reputation_max: float = 5.0
    reputation_default: float = 3.0
    unknown_distance_km: float = 10.0
    colour_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_COLOUR_WEIGHTS))
    # twinning value formula
    continuity_bonus: float = 0.5
    # engineering
    decompose: bool = True
    workers: int = 0  # 0 = one process per core when the instance is large, 1 = never fork
    # CP-SAT search workers. 1 (default) is reproducible byte for byte under a time limit (CP-SAT's
    # deterministic time); more workers search wider but are reproducible only when optimality is proven.
    cp_workers: int = 1
    # Groups with unsplittable needs: stop at the seed (the flow relaxation rounded and repaired) when it
    # is within this fraction of the relaxation's bound, instead of searching with CP-SAT. 0 (default):
    # always search. The answer is then ``feasible`` with that bound (``optimal`` only if it meets it).
    relative_gap: float = 0.0


# ---------------------------------------------------------------- allocation


class Need(msgspec.Struct, gc=False):
    """需求: an item of a community's needs list. ``quantity`` is the open quantity still to serve."""

    id: _Id
    quantity: _Count
    splittable: bool = True
    required: bool = False
    category: str | None = None
    weight: _NonNeg | None = None  # None: taken from ``colour`` via Options.colour_weights, else 1.0
    skills: tuple[str, ...] = ()
    location: Location | None = None
    community: str | None = None
    colour: str | None = None  # 分色: red / orange / yellow / green (informational unless weight is None)
    unit: str | None = None  # 单位: offers in another unit (matching.units) are no candidates
    item: str | None = None  # 物品: when set, only offers of the same item are candidates


class Offer(msgspec.Struct, gc=False):
    """资源/服务: an item of a unit's offers list. ``capacity`` is the capacity still left."""

    id: _Id
    capacity: _Count
    category: str | None = None
    skills: tuple[str, ...] = ()
    location: Location | None = None
    radius_km: _NonNeg | None = None  # None: serves any distance
    reputation: float | None = None
    provider: str | None = None
    unit: str | None = None
    item: str | None = None


class Arc(msgspec.Struct, gc=False):
    need: _Id
    offer: _Id
    value: float
    load: _Count = 1


@dataclass(slots=True)
class AllocationProblem:
    needs: list[Need]
    offers: list[Offer]
    arcs: list[Arc] | None = None  # None: candidates and values are derived
    options: Options = field(default_factory=Options)
    # Offers that are no candidates for anything but are consulted to explain unmatched needs
    # (filled by matching.components for the sub-problem that holds needs without candidates).
    reference_offers: list[Offer] = field(default_factory=list)

    kind = "allocation"


# ---------------------------------------------------------------- twinning


@dataclass(slots=True)
class Community:
    """A weaker community to be twinned (结对帮扶)."""

    id: str
    min_helpers: int = 0
    max_helpers: int = 1
    current_helpers: tuple[str, ...] = ()
    weakness: dict[str, float] = field(default_factory=dict)
    location: Location | None = None


@dataclass(slots=True)
class Helper:
    """A strong village, enterprise or agency that helps up to ``capacity`` communities."""

    id: str
    capacity: int = 1
    kind: str | None = None
    strength: dict[str, float] = field(default_factory=dict)
    location: Location | None = None


@dataclass(slots=True)
class TwinArc:
    community: str
    helper: str
    value: float


@dataclass(slots=True)
class TwinningProblem:
    communities: list[Community]
    helpers: list[Helper]
    arcs: list[TwinArc] | None = None
    options: Options = field(default_factory=Options)

    kind = "twinning"


# ---------------------------------------------------------------- roster


@dataclass(slots=True)
class Window:
    start: datetime
    end: datetime


@dataclass(slots=True)
class Shift:
    """班次: a time slot of a volunteer activity."""

    id: str
    start: datetime
    end: datetime
    slots: int
    min_filled: int = 0
    skills: tuple[str, ...] = ()


@dataclass(slots=True)
class Volunteer:
    id: str
    skills: tuple[str, ...] = ()
    max_hours: float | None = None  # None: no limit
    available: list[Window] | None = None  # None: always available; []: never


@dataclass(slots=True)
class RosterArc:
    volunteer: str
    shift: str
    value: float


@dataclass(slots=True)
class RosterProblem:
    shifts: list[Shift]
    volunteers: list[Volunteer]
    arcs: list[RosterArc] | None = None
    options: Options = field(default_factory=Options)

    kind = "roster"


Problem = AllocationProblem | TwinningProblem | RosterProblem
