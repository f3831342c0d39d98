"""Run kinds: each kind of run plugs in three functions, load → solve → save.

``load(run)`` reads the rows a run is about and returns ``(problem, summary)``: a ``matching`` problem
and a JSON-able summary of the inputs (kept on the run for the result page). ``solve`` is
``matching.solve`` unless a kind needs otherwise. ``save(run, summary, solution)`` runs inside the
run's finishing transaction, writes the proposals (never twice: keyed by run and pair) and returns
``(proposals, result)``. Other features (activities' roster runs) call ``register`` from their tasks
module, which is imported wherever runs execute.

A kind that is not simply "over an area" brings its own start rule: ``prepare(principal, area_id,
options)`` checks the kind's options and who may start it (raising domain errors) and answers the
area and the options kept on the run; ``exclusive_by`` names the options that make two live runs of
the kind clash (instead of overlapping areas); ``can_view``/``can_manage`` decide who sees and who
cancels a run; ``result_url(run)`` is the page where the kind shows its result, if not ``/runs/{id}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import matching

Load = Callable[[dict[str, Any]], Awaitable[tuple[Any, dict[str, Any]]]]
Solve = Callable[[Any, float | None], Any]
Save = Callable[[dict[str, Any], dict[str, Any], Any], Awaitable[tuple[int, dict[str, Any]]]]
# (principal, area_id or None, options) -> (area_id, options to keep)
Prepare = Callable[[Any, int | None, dict[str, Any]], Awaitable[tuple[int, dict[str, Any]]]]
# (principal, run row) -> allowed?
Access = Callable[[Any, dict[str, Any]], Awaitable[bool]]


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


_KINDS: dict[str, RunKindSpec] = {}


def register(kind: str, load: Load, save: Save, solve: Solve = matching.solve, decomposable: bool = False,
             roles: frozenset[str] | None = None, **hooks: Any) -> None:
    """Register a kind; ``hooks`` are the optional RunKindSpec fields (prepare, exclusive_by, ...)."""
    if roles is not None:
        hooks["roles"] = roles
    _KINDS[kind] = RunKindSpec(kind, load, save, solve, decomposable, **hooks)


def spec_for(kind: str) -> RunKindSpec:
    _ensure_builtin()
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"no run kind {kind!r} is registered") from None


def registered() -> list[str]:
    _ensure_builtin()
    return sorted(_KINDS)


def _ensure_builtin() -> None:
    # The built-in kinds register on import; importing here avoids a cycle at module load.
    import jinlin.activities.roster
    import jinlin.runs.allocation
    import jinlin.twinning.runs  # noqa: F401
