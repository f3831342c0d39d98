"""The demo county: deterministic for a given seed, in Chinese.

``seed_demo`` runs the steps in ``STEPS`` in order; each feature adds its own step module here
(``seeds/<feature>.py`` with ``async def seed(ctx)``), reading what earlier steps put in ``ctx``.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from typing import Any

from jinlin.core import db

SIZES = {
    # streets, communities per street, grids per community, units
    "small": {"streets": 3, "communities": 10, "grids": 3, "compounds": 2, "buildings": 2, "units": 30},
    "county": {"streets": 12, "communities": 240, "grids": 4, "compounds": 2, "buildings": 1, "units": 1500},
    "city": {"streets": 60, "communities": 1200, "grids": 4, "compounds": 1, "buildings": 1, "units": 6000},
}

# Order matters: later steps use what earlier ones made.
STEPS = [
    "seeds.county",
    "seeds.posts",
    "seeds.marketplace",
    "seeds.twinning",
    "seeds.calls",
    "seeds.activities",
    "seeds.resident_reports",
    "seeds.grading",
    "seeds.households",
    "seeds.city",
]

DEMO_PASSWORD = "jinlin-demo"


@dataclass
class SeedContext:
    size: str
    rng: random.Random
    params: dict[str, int]
    ids: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


async def seed_demo(size: str = "small", seed: int = 7, if_empty: bool = False) -> str:
    async with db.lifespan_db():
        from jinlin.areas.tables import Area

        if await Area.count() > 0:
            if if_empty:
                return "demo data already loaded; nothing done"
            raise SystemExit("jinlin: the database already has data; seed an empty database")
        ctx = SeedContext(size=size, rng=random.Random(seed), params=SIZES[size])
        for step in STEPS:
            await importlib.import_module(step).seed(ctx)
    parts = ", ".join(f"{k}: {v}" for k, v in ctx.counts.items())
    return f"demo county loaded ({size}, seed {seed}): {parts}"
