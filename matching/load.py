"""Parse and validate an instance (a path, '-', a JSON string's dict) into problem dataclasses.

Every error is an ``InstanceError`` whose message starts with the field at fault, for example
``needs[3].quantity: must be a non-negative integer``.

An allocation instance is first decoded by msgspec straight into ``Need``/``Offer``/``Arc`` structs (the
per-field rules are in their annotations): one pass in C instead of a Python reader per field. Anything
that decoder refuses (a malformed instance, or a form it is stricter about, such as ``4.0`` for a
quantity) goes through the field-by-field readers below, which accept exactly what the contract
allows and name the field at fault. Both give equal problems (tests/matching/test_matching_fast.py).
"""

from __future__ import annotations

import json
import math
import numbers
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import msgspec

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

KINDS = ("allocation", "twinning", "roster")


def load(source: str | Path | dict[str, Any] | Any) -> Problem:
    """Read an instance from a dict, a file path, or '-' (standard input) and validate it."""
    if not isinstance(source, str | Path):
        return parse(source)
    try:
        data = sys.stdin.buffer.read() if str(source) == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise InstanceError("instance", f"cannot be read ({exc.strerror or exc})") from None
    fast = _fast_allocation(data)
    if fast is not None:
        return fast
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InstanceError("instance", f"cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InstanceError("instance", f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return parse(doc)


# ---------------------------------------------------------------- fast path (msgspec)


class _AllocationDoc(msgspec.Struct, gc=False):
    kind: Literal["allocation"]
    needs: list[Need]
    offers: list[Offer]
    arcs: list[Arc] | None = None
    reference_offers: list[Offer] | None = None
    options: Any = None


_DECODER = msgspec.json.Decoder(_AllocationDoc)


def _fast_allocation(data: bytes) -> AllocationProblem | None:
    """The allocation instance decoded by msgspec, or None when the field-by-field readers must decide
    (another kind, a malformed instance, or a form the decoder is stricter about than the contract).
    JSON text cannot hold inf or nan, and msgspec refuses numbers beyond float range, so every number
    that gets through is finite, as the readers require."""
    if b'"allocation"' not in data:
        return None
    try:
        doc = _DECODER.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    options = _options(doc.options)
    problem = AllocationProblem(doc.needs, doc.offers, doc.arcs, options, doc.reference_offers or [])
    check(problem)
    return problem


def parse(doc: Any) -> Problem:
    if not isinstance(doc, dict):
        raise InstanceError("instance", "must be a JSON object")
    kind = doc.get("kind")
    if kind not in KINDS:
        raise InstanceError("kind", f"must be one of {', '.join(KINDS)}")
    options = _options(doc.get("options"))
    if kind == "allocation":
        problem: Problem = _allocation(doc, options)
    elif kind == "twinning":
        problem = _twinning(doc, options)
    else:
        problem = _roster(doc, options)
    check(problem)
    return problem


# ---------------------------------------------------------------- field readers


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstanceError(path, "must be an object")
    return value


def _list(doc: dict[str, Any], key: str, path: str, required: bool = True) -> list[Any] | None:
    if key not in doc or doc[key] is None:
        if required:
            raise InstanceError(path, "is required")
        return None
    value = doc[key]
    if not isinstance(value, list):
        raise InstanceError(path, "must be a list")
    return value


def _id(doc: dict[str, Any], key: str, prefix: str) -> str:
    value = doc.get(key)
    if type(value) is not str or not value:
        raise InstanceError(f"{prefix}.{key}", "must be a non-empty string")
    return value


def _opt_str(doc: dict[str, Any], key: str, prefix: str) -> str | None:
    value = doc.get(key)
    if value is None or type(value) is str:
        return value
    raise InstanceError(f"{prefix}.{key}", "must be a string")


def _int(doc: dict[str, Any], key: str, prefix: str, default: int | None = None) -> int:
    value = doc.get(key)
    if type(value) is int and value >= 0:
        return value
    if value is None:
        if default is None:
            raise InstanceError(f"{prefix}.{key}", "must be a non-negative integer")
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InstanceError(f"{prefix}.{key}", "must be a non-negative integer")
    return value


def _num(
    doc: dict[str, Any],
    key: str,
    prefix: str,
    default: float | None = None,
    minimum: float | None = None,
    optional: bool = False,
) -> float | None:
    value = doc.get(key)
    if value is None:
        if optional:
            return default
        if default is None:
            raise InstanceError(f"{prefix}.{key}", "must be a number")
        return default
    t = type(value)
    if (t is not float and t is not int) or not math.isfinite(value):
        raise InstanceError(f"{prefix}.{key}", "must be a finite number")
    if minimum is not None and value < minimum:
        raise InstanceError(f"{prefix}.{key}", f"must be a number >= {minimum:g}")
    return float(value)


def _bool(doc: dict[str, Any], key: str, prefix: str, default: bool) -> bool:
    value = doc.get(key)
    if value is None:
        return default
    if type(value) is not bool:
        raise InstanceError(f"{prefix}.{key}", "must be true or false")
    return value


def _strings(doc: dict[str, Any], key: str, prefix: str) -> tuple[str, ...]:
    value = doc.get(key)
    if value is None:
        return ()
    if type(value) is not list or not all(type(s) is str for s in value):
        raise InstanceError(f"{prefix}.{key}", "must be a list of strings")
    return tuple(value)


def _location(doc: dict[str, Any], prefix: str) -> Location | None:
    value = doc.get("location")
    if value is None:
        return None
    path = f"{prefix}.location"
    loc = _obj(value, path)
    lat = _num(loc, "lat", path)
    lon = _num(loc, "lon", path)
    assert lat is not None and lon is not None
    if not -90.0 <= lat <= 90.0:
        raise InstanceError(f"{path}.lat", "must be a number between -90 and 90")
    if not -180.0 <= lon <= 180.0:
        raise InstanceError(f"{path}.lon", "must be a number between -180 and 180")
    return Location(lat, lon)


def _profile(doc: dict[str, Any], key: str, path: str) -> dict[str, float]:
    value = doc.get(key)
    if value is None:
        return {}
    prof = _obj(value, path)
    out: dict[str, float] = {}
    for name in sorted(prof):
        num = _num(prof, name, f"{path}.{name}")
        assert num is not None
        out[name] = num
    return out


def _time(doc: dict[str, Any], key: str, path: str) -> datetime:
    value = doc.get(key)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment
    raise InstanceError(path, "must be an ISO 8601 date-time with a UTC offset")


def _options(value: Any) -> Options:
    opts = Options()
    if value is None:
        return opts
    doc = _obj(value, "options")
    t = _num(doc, "time_limit_s", "options", optional=True)
    if t is not None:
        if t <= 0:
            raise InstanceError("options.time_limit_s", "must be a positive number")
        opts.time_limit_s = t
    for name in ("distance_scale_km", "unknown_distance_km", "reputation_max"):
        num = _num(doc, name, "options", optional=True)
        if num is not None:
            if num <= 0:
                raise InstanceError(f"options.{name}", "must be a positive number")
            setattr(opts, name, num)
    for name in ("reputation_bonus", "reputation_default", "continuity_bonus"):
        num = _num(doc, name, "options", optional=True)
        if num is not None:
            setattr(opts, name, num)
    if doc.get("colour_weights") is not None:
        opts.colour_weights = _profile(doc, "colour_weights", "options.colour_weights")
    opts.decompose = _bool(doc, "decompose", "options", True)
    opts.workers = _int(doc, "workers", "options", 0)
    opts.cp_workers = max(1, _int(doc, "cp_workers", "options", 1))
    gap = _num(doc, "relative_gap", "options", optional=True)
    if gap is not None:
        if not 0 <= gap < 1:
            raise InstanceError("options.relative_gap", "must be a number from 0 to less than 1")
        opts.relative_gap = gap
    return opts


# ---------------------------------------------------------------- kinds


def _allocation(doc: dict[str, Any], options: Options) -> AllocationProblem:
    needs = []
    for i, raw in enumerate(_list(doc, "needs", "needs") or []):
        p = f"needs[{i}]"
        d = _obj(raw, p)
        needs.append(
            Need(
                id=_id(d, "id", p),
                quantity=_int(d, "quantity", p),
                splittable=_bool(d, "splittable", p, True),
                required=_bool(d, "required", p, False),
                category=_opt_str(d, "category", p),
                weight=_num(d, "weight", p, optional=True, minimum=0.0),
                skills=_strings(d, "skills", p),
                location=_location(d, p),
                community=_opt_str(d, "community", p),
                colour=_opt_str(d, "colour", p),
                unit=_opt_str(d, "unit", p),
                item=_opt_str(d, "item", p),
            )
        )
    offers = [_offer(raw, f"offers[{j}]") for j, raw in enumerate(_list(doc, "offers", "offers") or [])]
    refs = [
        _offer(raw, f"reference_offers[{j}]")
        for j, raw in enumerate(_list(doc, "reference_offers", "reference_offers", False) or [])
    ]
    arcs = None
    raw_arcs = _list(doc, "arcs", "arcs", required=False)
    if raw_arcs is not None:
        arcs = []
        for k, raw in enumerate(raw_arcs):
            p = f"arcs[{k}]"
            d = _obj(raw, p)
            value = _num(d, "value", p)
            assert value is not None
            arcs.append(Arc(_id(d, "need", p), _id(d, "offer", p), value, _int(d, "load", p, 1)))
    return AllocationProblem(needs, offers, arcs, options, refs)


def _offer(raw: Any, p: str) -> Offer:
    d = _obj(raw, p)
    return Offer(
        id=_id(d, "id", p),
        capacity=_int(d, "capacity", p),
        category=_opt_str(d, "category", p),
        skills=_strings(d, "skills", p),
        location=_location(d, p),
        radius_km=_num(d, "radius_km", p, optional=True, minimum=0.0),
        reputation=_num(d, "reputation", p, optional=True),
        provider=_opt_str(d, "provider", p),
        unit=_opt_str(d, "unit", p),
        item=_opt_str(d, "item", p),
    )


def _twinning(doc: dict[str, Any], options: Options) -> TwinningProblem:
    communities = []
    for i, raw in enumerate(_list(doc, "communities", "communities") or []):
        p = f"communities[{i}]"
        d = _obj(raw, p)
        communities.append(
            Community(
                id=_id(d, "id", p),
                min_helpers=_int(d, "min_helpers", p, 0),
                max_helpers=_int(d, "max_helpers", p, 1),
                current_helpers=_strings(d, "current_helpers", p),
                weakness=_profile(d, "weakness", f"{p}.weakness"),
                location=_location(d, p),
            )
        )
    helpers = []
    for j, raw in enumerate(_list(doc, "helpers", "helpers") or []):
        p = f"helpers[{j}]"
        d = _obj(raw, p)
        helpers.append(
            Helper(
                id=_id(d, "id", p),
                capacity=_int(d, "capacity", p, 1),
                kind=_opt_str(d, "kind", p),
                strength=_profile(d, "strength", f"{p}.strength"),
                location=_location(d, p),
            )
        )
    arcs = None
    raw_arcs = _list(doc, "arcs", "arcs", required=False)
    if raw_arcs is not None:
        arcs = []
        for k, raw in enumerate(raw_arcs):
            p = f"arcs[{k}]"
            d = _obj(raw, p)
            value = _num(d, "value", p)
            assert value is not None
            community = _id(d, "community", p)
            arcs.append(TwinArc(community, _id(d, "helper", p), value))
    return TwinningProblem(communities, helpers, arcs, options)


def _roster(doc: dict[str, Any], options: Options) -> RosterProblem:
    shifts = []
    for i, raw in enumerate(_list(doc, "shifts", "shifts") or []):
        p = f"shifts[{i}]"
        d = _obj(raw, p)
        shifts.append(
            Shift(
                id=_id(d, "id", p),
                start=_time(d, "start", f"{p}.start"),
                end=_time(d, "end", f"{p}.end"),
                slots=_int(d, "slots", p),
                min_filled=_int(d, "min_filled", p, 0),
                skills=_strings(d, "skills", p),
            )
        )
    volunteers = []
    for j, raw in enumerate(_list(doc, "volunteers", "volunteers") or []):
        p = f"volunteers[{j}]"
        d = _obj(raw, p)
        windows = None
        raw_windows = _list(d, "available", f"{p}.available", required=False)
        if raw_windows is not None:
            windows = []
            for w, rw in enumerate(raw_windows):
                wp = f"{p}.available[{w}]"
                wd = _obj(rw, wp)
                windows.append(Window(_time(wd, "start", f"{wp}.start"), _time(wd, "end", f"{wp}.end")))
        volunteers.append(
            Volunteer(
                id=_id(d, "id", p),
                skills=_strings(d, "skills", p),
                max_hours=_num(d, "max_hours", p, optional=True, minimum=0.0),
                available=windows,
            )
        )
    arcs = None
    raw_arcs = _list(doc, "arcs", "arcs", required=False)
    if raw_arcs is not None:
        arcs = []
        for k, raw in enumerate(raw_arcs):
            p = f"arcs[{k}]"
            d = _obj(raw, p)
            value = _num(d, "value", p)
            assert value is not None
            volunteer = _id(d, "volunteer", p)
            arcs.append(RosterArc(volunteer, _id(d, "shift", p), value))
    return RosterProblem(shifts, volunteers, arcs, options)


# ---------------------------------------------------------------- cross-field checks


def _index(items: list[Any], path: str) -> dict[str, int]:
    ids = [item.id for item in items]
    seen = dict(zip(ids, range(len(ids)), strict=True))
    if len(seen) == len(ids):
        return seen
    seen = {}
    for i, key in enumerate(ids):
        if key in seen:
            raise InstanceError(f"{path}[{i}].id", f"duplicate id {key!r}")
        seen[key] = i
    raise AssertionError("unreachable")  # pragma: no cover


def _counts_ok(values: list[Any]) -> bool:
    """Plain non-negative ints (the common case, checked fast); anything else gets ``_nonneg_int``."""
    return all(type(v) is int and v >= 0 for v in values)


def _nonneg_int(value: Any) -> bool:
    """Also accepts NumPy integers, which rows read into arrays often are."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= 0


def check(problem: Problem) -> None:
    """Cross-field rules (ids unique, arcs name known items, loads, windows). Also run by ``solve``."""
    if isinstance(problem, AllocationProblem):
        needs = _index(problem.needs, "needs")
        offers = _index(problem.offers, "offers")
        if not _counts_ok([n.quantity for n in problem.needs]):
            for i, n in enumerate(problem.needs):
                if not _nonneg_int(n.quantity):
                    raise InstanceError(f"needs[{i}].quantity", "must be a non-negative integer")
        if not _counts_ok([o.capacity for o in problem.offers]):
            for j, o in enumerate(problem.offers):
                if not _nonneg_int(o.capacity):
                    raise InstanceError(f"offers[{j}].capacity", "must be a non-negative integer")
        if problem.arcs is not None:
            seen: set[tuple[str, str]] = set()
            for k, a in enumerate(problem.arcs):
                if a.need not in needs:
                    raise InstanceError(f"arcs[{k}].need", f"unknown need {a.need!r}")
                if a.offer not in offers:
                    raise InstanceError(f"arcs[{k}].offer", f"unknown offer {a.offer!r}")
                if (a.need, a.offer) in seen:
                    raise InstanceError(f"arcs[{k}]", f"duplicate arc {a.need!r} -> {a.offer!r}")
                seen.add((a.need, a.offer))
                if not _nonneg_int(a.load):
                    raise InstanceError(f"arcs[{k}].load", "must be a non-negative integer")
                if a.load != 1 and problem.needs[needs[a.need]].splittable:
                    raise InstanceError(f"arcs[{k}].load", "must be 1 for a splittable need")
                if not math.isfinite(a.value):
                    raise InstanceError(f"arcs[{k}].value", "must be a finite number")
    elif isinstance(problem, TwinningProblem):
        comms = _index(problem.communities, "communities")
        helpers = _index(problem.helpers, "helpers")
        for i, c in enumerate(problem.communities):
            if c.max_helpers < c.min_helpers:
                raise InstanceError(f"communities[{i}].max_helpers", "must be at least min_helpers")
        if problem.arcs is not None:
            seen = set()
            for k, ta in enumerate(problem.arcs):
                if ta.community not in comms:
                    raise InstanceError(f"arcs[{k}].community", f"unknown community {ta.community!r}")
                if ta.helper not in helpers:
                    raise InstanceError(f"arcs[{k}].helper", f"unknown helper {ta.helper!r}")
                if (ta.community, ta.helper) in seen:
                    raise InstanceError(f"arcs[{k}]", f"duplicate arc {ta.community!r} -> {ta.helper!r}")
                seen.add((ta.community, ta.helper))
    elif isinstance(problem, RosterProblem):
        shifts = _index(problem.shifts, "shifts")
        vols = _index(problem.volunteers, "volunteers")
        for i, s in enumerate(problem.shifts):
            if s.end <= s.start:
                raise InstanceError(f"shifts[{i}].end", "must be after start")
            if s.min_filled > s.slots:
                raise InstanceError(f"shifts[{i}].min_filled", "must be at most slots")
        for j, v in enumerate(problem.volunteers):
            for w, win in enumerate(v.available or []):
                if win.end <= win.start:
                    raise InstanceError(f"volunteers[{j}].available[{w}].end", "must be after start")
        if problem.arcs is not None:
            seen = set()
            for k, ra in enumerate(problem.arcs):
                if ra.volunteer not in vols:
                    raise InstanceError(f"arcs[{k}].volunteer", f"unknown volunteer {ra.volunteer!r}")
                if ra.shift not in shifts:
                    raise InstanceError(f"arcs[{k}].shift", f"unknown shift {ra.shift!r}")
                if (ra.volunteer, ra.shift) in seen:
                    raise InstanceError(f"arcs[{k}]", f"duplicate arc {ra.volunteer!r} -> {ra.shift!r}")
                seen.add((ra.volunteer, ra.shift))
    else:
        raise InstanceError("kind", "must be one of allocation, twinning, roster")
