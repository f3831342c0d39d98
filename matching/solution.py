"""The solution document shared by every kind (see docs/matching-format.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import msgspec

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
        return cls(
            kind=doc["kind"],
            status=doc["status"],
            objective=doc.get("objective"),
            bound=doc.get("bound"),
            assignments=list(doc.get("assignments", [])),
            unmatched=list(doc.get("unmatched", [])),
            stats=dict(doc.get("stats", {})),
        )

    def to_json(self, include_timing: bool = False, indent: int | None = None) -> str:
        """Deterministic JSON: byte-identical for the same instance and options (timing excluded)."""
        return self.to_json_bytes(include_timing, indent).decode("utf-8")

    def to_json_bytes(
        self, include_timing: bool = False, indent: int | None = None, *, rows_as_built: bool = False
    ) -> bytes:
        """``to_json()`` encoded as UTF-8. Compact documents made only of what ``json`` and msgspec
        write alike (see ``_same_in_msgspec``) are encoded by msgspec, ten times faster; the rest by
        ``json``, whose output is the reference (tests/matching/test_matching_fast.py).

        ``rows_as_built``: the assignment rows are untouched since ``solve`` built them (str ids, int
        quantity, float value, a list of str reasons), so only their values need screening (the CLI)."""
        doc = self.to_dict(include_timing)
        if (
            indent is None
            and (_rows_ok(self.assignments) if rows_as_built else _same_in_msgspec(self.assignments))
            and _same_in_msgspec({k: v for k, v in doc.items() if k != "assignments"})
        ):
            try:
                return _ENCODER.encode(doc)
            except (TypeError, ValueError, OverflowError):  # pragma: no cover - _same_in_msgspec screens these
                pass
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(doc, ensure_ascii=False, indent=indent, allow_nan=False, separators=separators).encode(
            "utf-8"
        )


_ENCODER = msgspec.json.Encoder()
_INT64 = 2**63


def _rows_ok(rows: list[dict[str, Any]]) -> bool:
    values = [r["value"] for r in rows]
    return all(type(v) is float for v in values) and all(v == 0.0 or 1e-4 <= abs(v) < 1e16 for v in values)


def _float_ok(v: float) -> bool:
    """``json`` writes floats as ``repr`` does, msgspec the same digits but other exponent forms
    (``1e16`` for ``1e+16``, ``0.00001`` for ``1e-05``); they agree on zero and on 1e-4 <= |v| < 1e16,
    where neither uses an exponent. Non-finite floats make ``json`` raise (``allow_nan=False``)."""
    return v == 0.0 or 1e-4 <= abs(v) < 1e16


def _same_in_msgspec(value: Any) -> bool:
    """Whether msgspec encodes ``value`` to the same bytes as ``json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))``: only str (escaped alike), bool, None, int within 64 bits, floats that
    ``_float_ok``, and lists, tuples and dicts with str keys of these."""
    t = type(value)
    if t is str or t is bool or value is None:
        return True
    if t is int:
        return -_INT64 <= value < _INT64
    if t is float:
        return _float_ok(value)
    if t is dict:
        for k, v in value.items():
            if type(k) is not str:
                return False
            tv = type(v)
            if tv is str or tv is bool or v is None:
                continue
            if tv is int:
                if not -_INT64 <= v < _INT64:
                    return False
            elif tv is float:
                if not (v == 0.0 or 1e-4 <= abs(v) < 1e16):  # _float_ok, inlined
                    return False
            elif not _same_in_msgspec(v):
                return False
        return True
    if t is list or t is tuple:
        return all(type(v) is str or _same_in_msgspec(v) for v in value)
    return False
