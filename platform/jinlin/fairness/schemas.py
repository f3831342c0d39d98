"""Response shapes of the fairness figures (以强帮弱)."""

from __future__ import annotations

import msgspec


class CommunityHelpOut(msgspec.Struct):
    id: int
    name: str
    weakness_index: float
    population: int | None
    needs: int
    help: float
    help_per_1000: float | None
    met_share: float | None
    red_orange: int
    red_orange_met: float
    twinned: bool
    weakest: bool


class FairnessOut(msgspec.Struct):
    area_id: int
    area_name: str
    period: str
    weakest_share: float | None
    average_share: float | None
    gini: float | None
    weakest_count: int
    weakest_twinned: int
    least_helped: list[CommunityHelpOut]
    communities: list[CommunityHelpOut]


class FairnessSummary(msgspec.Struct):
    weakest_share: float | None
    average_share: float | None
    gini: float | None


class RunFairnessOut(msgspec.Struct):
    run_id: int
    area_id: int
    before: FairnessSummary
    after: FairnessSummary
