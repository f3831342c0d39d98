"""Run kinds: each kind of run plugs in three functions, load → solve → save.

``load(run)`` reads the rows a run is about and returns ``(problem, summary)``: a ``matching`` problem
and a JSON-able summary of the inputs (kept on the run for the result page). ``solve`` is
``matching.solve`` unless a kind needs otherwise. ``save(run, summary, solution)`` runs inside the
run's finishing transaction, writes the proposals (never twice: keyed by run and pair) and returns
``(proposals, result)``. ``publish(run_id, now)`` tells both sides of each proposal when a run is
published (inside the publishing transaction); ``proposals(run_id)`` reads them for the run's page.

Each feature exports its kinds as ``RUN_KINDS = [RunKindSpec(...)]`` from its ``runkinds.py``; they
are collected like routes (``core.features.collect``) by app assembly, or on first use in a worker.

A kind that is not simply "over an area" brings its own start rule: ``prepare(principal, area_id,
options)`` checks the kind's options and who may start it (raising domain errors) and answers the
area and the options kept on the run; ``exclusive_by`` names the options that make two live runs of
the kind clash (instead of overlapping areas); ``can_view``/``can_manage`` decide who sees and who
cancels a run; ``result_url(run)`` is the page where the kind shows its result, if not ``/runs/{id}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import matching

Load = Callable[[dict[str, Any]], Awaitable[tuple[Any, dict[str, Any]]]]
Solve = Callable[[Any, float | None], Any]
Save = Callable[[dict[str, Any], dict[str, Any], Any], Awaitable[tuple[int, dict[str, Any]]]]
# (principal, area_id or None, options) -> (area_id, options to keep)
Prepare = Callable[[Any, int | None, dict[str, Any]], Awaitable[tuple[int, dict[str, Any]]]]
# (principal, run row) -> allowed?
Access = Callable[[Any, dict[str, Any]], Awaitable[bool]]
# (run id, now) -> None: notify both sides of each proposal (inside the publishing transaction)
Publish = Callable[[int, datetime], Awaitable[None]]
# run id -> the proposals as rows for the run's page
Proposals = Callable[[int], Awaitable[list[dict[str, Any]]]]


@dataclass(frozen=True, slots=True)
class RunKindSpec:
    kind: str
    load: Load
    save: Save
    solve: Solve = matching.solve
    # Whether the kind's problems split into independent components (fan-out, per-part progress).
    decomposable: bool = False
    # Who may start one (over an area they are in charge of).
    roles: frozenset[str] = frozenset({"county_admin", "street_admin", "community_admin"})
    prepare: Prepare | None = None
    exclusive_by: tuple[str, ...] = ()
    can_view: Access | None = None
    can_manage: Access | None = None
    result_url: Callable[[dict[str, Any]], str] | None = None
    # Whether the proposals wait for a "publish" (allocation, twinning) or go out when the run finishes.
    publishable: bool = True
    publish: Publish | None = None
    proposals: Proposals | None = None


# The installed kinds: filled once from the features (app assembly, or the first use in a worker).
_KINDS: dict[str, RunKindSpec] = {}


def install(specs: list[RunKindSpec]) -> None:
    """Install kinds (app assembly passes what the features export); a kind installed again is replaced."""
    for spec in specs:
        _KINDS[spec.kind] = spec


def _kinds() -> dict[str, RunKindSpec]:
    if not _KINDS:
        from jinlin.core.features import collect

        install(collect("runkinds", "RUN_KINDS"))
    return _KINDS


def spec_for(kind: str) -> RunKindSpec:
    try:
        return _kinds()[kind]
    except KeyError:
        raise LookupError(f"no run kind {kind!r} is installed") from None


def registered() -> list[str]:
    return sorted(_kinds())
