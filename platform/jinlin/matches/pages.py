"""供需项目 pages: my matches, proposing from a need or an offer, a match's page with each side's actions
and the two-way blind rating."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.auth.principal import Principal
from jinlin.core.errors import NotFound
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.matches import contact, rating, service
from jinlin.matches.schemas import MatchIn, RatingIn
from jinlin.ratings.service import reputation

MATCH_STATUSES = ["proposed", "accepted", "in_progress", "completed", "declined", "cancelled", "expired"]


@get("/matches", include_in_schema=False)
async def matches_list(
    principal: NamedDependency[Principal], paging: NamedDependency[PageRequest], status: FromQuery[str | None] = None
) -> Template:
    page = await service.list_matches(principal, paging, status=status)
    return render("matches/list.html", principal, page=page, statuses=MATCH_STATUSES, status=status or "")


@post("/matches/new", include_in_schema=False)
async def propose(principal: NamedDependency[Principal], request: Request) -> Redirect:
    form = await form_data(request)
    data = convert_form({k: form.get(k) for k in ("need_id", "offer_id", "quantity")}, MatchIn)
    match = await service.create_match(principal, data.need_id, data.offer_id, data.quantity, "manual")
    return redirect(f"/matches/{match.id}")


@get("/matches/{match_id:int}", include_in_schema=False)
async def match_page(principal: NamedDependency[Principal], match_id: FromPath[int]) -> Template:
    match = await service.get_match(principal, match_id)
    sides = service.sides_of(principal, await service.get_row(match_id))
    ratings = await rating.match_ratings(principal, match_id)
    return render(
        "matches/detail.html",
        principal,
        match=match,
        sides=sides,
        ratings=ratings,
        rated_sides={r.rater_side for r in ratings.items},
        counterparts=await contact.counterparts(principal, match_id),
        timeline=contact.timeline(match),
    )


@post("/matches/{match_id:int}/rate", include_in_schema=False)
async def rate(principal: NamedDependency[Principal], match_id: FromPath[int], request: Request) -> Redirect:
    form = await form_data(request)
    dimensions = {k: form.get(k) for k in ("timeliness", "quality", "communication")}
    data = convert_form(
        {"score": form.get("score"), "comment": form.get("comment"), "dimensions": dimensions}, RatingIn
    )
    await rating.rate_match(principal, match_id, data)
    return redirect(f"/matches/{match_id}")


@post("/matches/{match_id:int}/{action:str}", include_in_schema=False)
async def match_action(
    principal: NamedDependency[Principal], match_id: FromPath[int], action: FromPath[str], request: Request
) -> Redirect:
    form = await form_data(request)
    side = form.get("side") or None
    if action == "complete":
        await service.complete_match(principal, match_id)
    else:
        fn = {
            "accept": service.accept_match,
            "decline": service.decline_match,
            "cancel": service.cancel_match,
            "start": service.start_match,
        }.get(action)
        if fn is None:
            raise NotFound("No such action")
        await fn(principal, match_id, side)
    return redirect(f"/matches/{match_id}")


@get("/organizations/{organization_id:int}/reputation", include_in_schema=False)
async def reputation_fragment(principal: NamedDependency[Principal], organization_id: FromPath[int]) -> Template:
    """A fragment for any organisation page: ``hx-get`` it where the reputation should show."""
    return render("matches/reputation.html", principal, rep=await reputation(organization_id))


@post("/runs/{run_id:int}/accept-mine", include_in_schema=False)
async def accept_run(principal: NamedDependency[Principal], run_id: FromPath[int]) -> Redirect:
    result = await service.accept_run_proposals(principal, run_id)
    return redirect(f"/runs/{run_id}?accepted={result['accepted']}&refused={result['refused']}")


ROUTES = [matches_list, propose, match_page, rate, match_action, reputation_fragment, accept_run]
NAV = [NavItem("Matches", "/matches", frozenset(), order=24)]
PANELS = [("community", "matches/panel.html"), ("unit", "matches/panel.html")]
