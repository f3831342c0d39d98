"""The solution document shared by every kind (see docs/matching-format.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

OPTIMAL = "optimal"
FEASIBLE = "feasible"
INFEASIBLE = "infeasible"
NO_SOLUTION = "no_solution"

# stats keys that depend on the wall clock; left out of the document unless asked for
TIMING_KEYS = ("wall_s",)


@dataclass(slots=True)
class Solution:
    kind: str
    status: str
    objective: float | None = None
    bound: float | None = None
    assignments: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        return self.status in (OPTIMAL, FEASIBLE)

    def to_dict(self, include_timing: bool = False) -> dict[str, Any]:
        doc: dict[str, Any] = {"kind": self.kind, "status": self.status}
        if self.has_solution:
            doc["objective"] = self.objective
        if self.bound is not None:
            doc["bound"] = self.bound
        if self.has_solution:
            doc["assignments"] = self.assignments
        doc["unmatched"] = self.unmatched
        doc["stats"] = {k: v for k, v in self.stats.items() if include_timing or k not in TIMING_KEYS}
        return doc

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Solution:
        """Rebuild a solution from ``to_dict()``/``to_json()`` output (e.g. a worker's result)."""
        return cls(kind=doc["kind"], status=doc["status"], objective=doc.get("objective"), bound=doc.get("bound"),
                   assignments=list(doc.get("assignments", [])), unmatched=list(doc.get("unmatched", [])),
                   stats=dict(doc.get("stats", {})))

    def to_json(self, include_timing: bool = False, indent: int | None = None) -> str:
        """Deterministic JSON: byte-identical for the same instance and options (timing excluded)."""
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.to_dict(include_timing), ensure_ascii=False, indent=indent, allow_nan=False,
                          separators=separators)
