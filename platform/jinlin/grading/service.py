"""双向定级考核 rules: the county opens a round for a year, communities and co-building units grade each
other (suggested scores from the year's evidence; overriding needs a reason), the county closes the round
and every graded organisation gets a grade and a rank within its kind; opinions reach the graded side
(without the grader's name unless the county chooses otherwise) and get one reply each."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.grading import evidence
from jinlin.grading.config import COMPONENTS, Config, closed_years, config_for
from jinlin.grading.schemas import (
    AssignmentOut,
    GradeIn,
    OpinionOut,
    OrganizationGradingOut,
    ResultOut,
    RoundIn,
    RoundOut,
    SettingsIn,
    SettingsOut,
)
from jinlin.grading.tables import GradeResult, GradingAssignment, GradingRound, GradingSettings, OpinionReply
from jinlin.notifications.service import notify
from jinlin.orgs.tables import Organization

CHINA = timezone(timedelta(hours=8))
GRADING_STAFF = frozenset({"county_admin", "street_admin"})  # see every grade and opinion in their area
GRADER_ROLES = frozenset({"community_admin", "community_staff", "unit_liaison", "team_leader"})
INSERT_BATCH = 500  # rows per INSERT: both databases cap the parameters of one statement


def year_span(year: int) -> tuple[datetime, datetime]:
    """A calendar year in China time."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)


# ------------------------------------------------------------------ scope helpers


async def county_area(principal: Principal, county_id: int | None = None) -> dict[str, Any]:
    """The county the caller administers (the given one, or their own); 404 outside it."""
    if county_id is None:
        m = next((m for m in principal.memberships if m.role == "county_admin"), None)
        if m is None:
            raise Forbidden("Only county admins manage grading")
        county_id = m.area_id
    area = await Area.select().where((Area.id == county_id) & (Area.level == "county")).first()
    if area is None or not principal.covers_area(area["path"], frozenset({"county_admin"})):
        raise NotFound("County not found")
    return area


def _in_county(principal: Principal, county_path: str) -> bool:
    return any(m.area_path.startswith(county_path) for m in principal.memberships)


async def _round(principal: Principal, round_id: int) -> dict[str, Any]:
    row = (
        await GradingRound.select(*GradingRound.all_columns(), GradingRound.county.path.as_alias("county_path"))
        .where(GradingRound.id == round_id)
        .first()
    )
    if row is None or not _in_county(principal, row["county_path"]):
        raise NotFound("Grading round not found")
    return row


def _assignments():
    return GradingAssignment.select(
        *GradingAssignment.all_columns(),
        GradingAssignment.grader.name.as_alias("grader_name"),
        GradingAssignment.gradee.name.as_alias("gradee_name"),
        GradingAssignment.grader.area.path.as_alias("grader_path"),
        GradingAssignment.gradee.area.path.as_alias("gradee_path"),
        GradingAssignment.round.year.as_alias("year"),
        GradingAssignment.round.status.as_alias("round_status"),
        GradingAssignment.round.county.as_alias("county_id"),
    ).output(load_json=True)


def _staff_sees(principal: Principal, row: dict[str, Any]) -> bool:
    return principal.covers_area(row["grader_path"], GRADING_STAFF) or principal.covers_area(
        row["gradee_path"], GRADING_STAFF
    )


def _assignment_out(r: dict[str, Any]) -> AssignmentOut:
    return AssignmentOut(
        id=r["id"],
        round_id=r["round"],
        year=r["year"],
        grader_id=r["grader"],
        grader_name=r["grader_name"],
        gradee_id=r["gradee"],
        gradee_name=r["gradee_name"],
        direction=r["direction"],
        basis=r["basis"] or [],
        evidence=r["evidence"] or {},
        suggested=r["suggested"] or {},
        suggested_score=r["suggested_score"],
        status=r["status"],
        scores=r["scores"] or {},
        score=r["score"],
        opinion=r["opinion"],
        override_reason=r["override_reason"],
        graded_at=r["graded_at"],
    )


async def _round_out(row: dict[str, Any]) -> RoundOut:
    total = await GradingAssignment.count().where(GradingAssignment.round == row["id"])
    graded = await GradingAssignment.count().where(
        (GradingAssignment.round == row["id"]) & (GradingAssignment.status == "graded")
    )
    return RoundOut(
        id=row["id"],
        county_id=row["county"],
        year=row["year"],
        status=row["status"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        assignments=total,
        graded=graded,
    )


# ------------------------------------------------------------------ rounds


async def open_round(principal: Principal, data: RoundIn) -> RoundOut:
    county = await county_area(principal, data.county_id)
    key = f"{county['id']}:{data.year}"
    if await GradingRound.exists().where(GradingRound.round_key == key):
        raise Conflict(
            "A round for this year exists already", {"year": "a round for this year exists"}, code="round_exists"
        )
    config = await config_for(county["id"], data.year)
    start, end = year_span(data.year)
    found = await evidence.collect(county["path"], start, end, data.year)
    now = clock.now()
    async with write_transaction():
        rows = await GradingRound.insert(
            GradingRound(
                county=county["id"],
                year=data.year,
                round_key=key,
                status="open",
                opened_by=principal.account_id,
                opened_at=now,
            )
        ).returning(GradingRound.id)
        round_id = rows[0]["id"]
        assignments = []
        for (community, unit), e in sorted(found.items()):
            for grader, gradee, direction in (
                (community, unit, "community_to_unit"),
                (unit, community, "unit_to_community"),
            ):
                comps = evidence.components(e, direction)
                items, overall = evidence.suggest(config, comps)
                assignments.append(
                    GradingAssignment(
                        round=round_id,
                        grader=grader,
                        gradee=gradee,
                        direction=direction,
                        assignment_key=f"{round_id}:{grader}:{gradee}",
                        basis=sorted(e.basis),
                        evidence=evidence.evidence_view(e, direction),
                        suggested=items,
                        suggested_score=overall,
                    )
                )
        for i in range(0, len(assignments), INSERT_BATCH):
            await GradingAssignment.insert(*assignments[i : i + INSERT_BATCH])
        await record(
            principal,
            "open",
            "grading_round",
            round_id,
            {"year": [None, data.year], "assignments": [None, len(assignments)]},
            summary=f"{county['name']} {data.year}",
        )
        for grader in sorted({a.grader for a in assignments}):
            await notify(
                kind="grading_open",
                title="The {year} two-way grading is open: please grade your partners",
                organization_id=grader,
                params={"year": data.year},
                link=f"/grading/rounds/{round_id}",
                object_type="grading_round",
                object_id=round_id,
            )
    return await _round_out(await _round(principal, round_id))


async def list_rounds(principal: Principal) -> list[RoundOut]:
    rows = await GradingRound.select(
        *GradingRound.all_columns(), GradingRound.county.path.as_alias("county_path")
    ).order_by(GradingRound.year, ascending=False)
    return [await _round_out(r) for r in rows if _in_county(principal, r["county_path"])]


async def get_round(principal: Principal, round_id: int) -> RoundOut:
    return await _round_out(await _round(principal, round_id))


def _may_manage(principal: Principal, round_row: dict[str, Any]) -> bool:
    return principal.covers_area(round_row["county_path"], frozenset({"county_admin"}))


async def compute_results(round_row: dict[str, Any]) -> list[dict[str, Any]]:
    """Each graded organisation's mean score, grade and rank in its kind, with the round year's settings."""
    config = await config_for(round_row["county"], round_row["year"])
    rows = (
        await GradingAssignment.select(
            GradingAssignment.gradee,
            GradingAssignment.scores,
            GradingAssignment.gradee.name.as_alias("name"),
            GradingAssignment.gradee.kind.as_alias("kind"),
        )
        .where((GradingAssignment.round == round_row["id"]) & (GradingAssignment.status == "graded"))
        .output(load_json=True)
    )
    per: dict[int, dict[str, Any]] = {}
    for r in rows:
        p = per.setdefault(
            r["gradee"],
            {"organization_id": r["gradee"], "organization_name": r["name"], "kind": r["kind"], "scores": []},
        )
        p["scores"].append(config.weighted(r["scores"]))
    results = []
    for p in per.values():
        score = round(sum(p["scores"]) / len(p["scores"]), 2)
        results.append({**p, "score": score, "grade": config.grade(score), "gradings": len(p["scores"])})
    for kind in {r["kind"] for r in results}:
        same = sorted((r for r in results if r["kind"] == kind), key=lambda r: -r["score"])
        for r in same:  # competition ranking: equal scores share a rank
            r["rank"] = 1 + sum(1 for o in same if o["score"] > r["score"])
            r["rank_of"] = len(same)
    return sorted(results, key=lambda r: (r["kind"], r["rank"], r["organization_name"]))


async def close_round(principal: Principal, round_id: int) -> RoundOut:
    row = await _round(principal, round_id)
    if not _may_manage(principal, row):
        raise Forbidden("Only the county admin closes a round")
    now = clock.now()
    async with write_transaction():
        done = (
            await GradingRound.update(
                {
                    GradingRound.status: "closed",
                    GradingRound.closed_at: now,
                    GradingRound.closed_by: principal.account_id,
                }
            )
            .where((GradingRound.id == round_id) & (GradingRound.status == "open"))
            .returning(GradingRound.id)
        )
        if not done:
            raise WrongStatus("The round", row["status"], "close")
        results = await compute_results(row)
        rows = [
            GradeResult(
                round=round_id,
                organization=r["organization_id"],
                result_key=f"{round_id}:{r['organization_id']}",
                kind=r["kind"],
                score=r["score"],
                grade=r["grade"],
                rank=r["rank"],
                rank_of=r["rank_of"],
                gradings=r["gradings"],
            )
            for r in results
        ]
        for i in range(0, len(rows), INSERT_BATCH):
            await GradeResult.insert(*rows[i : i + INSERT_BATCH])
        await record(
            principal,
            "close",
            "grading_round",
            round_id,
            {"status": ["open", "closed"], "graded": [None, len(results)]},
            summary=f"{row['year']}",
        )
        for r in results:
            await notify(
                kind="grading_result",
                title="Your {year} grading result is out",
                organization_id=r["organization_id"],
                params={"year": row["year"]},
                link=f"/grading/organizations/{r['organization_id']}?round_id={round_id}",
                object_type="grading_round",
                object_id=round_id,
            )
    return await _round_out(await _round(principal, round_id))


# ------------------------------------------------------------------ assignments and grades


async def list_assignments(principal: Principal, round_id: int) -> list[AssignmentOut]:
    """The caller's organisations' assignments to grade; grading staff see every one in their area."""
    await _round(principal, round_id)
    rows = await _assignments().where(GradingAssignment.round == round_id).order_by(GradingAssignment.id)
    mine = principal.org_ids(GRADER_ROLES)
    return [_assignment_out(r) for r in rows if r["grader"] in mine or _staff_sees(principal, r)]


async def _assignment(principal: Principal, assignment_id: int) -> dict[str, Any]:
    r = await _assignments().where(GradingAssignment.id == assignment_id).first()
    if r is None or not (principal.acts_for(r["grader"], GRADER_ROLES) or _staff_sees(principal, r)):
        raise NotFound("Assignment not found")
    return r


async def get_assignment(principal: Principal, assignment_id: int) -> tuple[AssignmentOut, Config, bool]:
    """The assignment, the rubric of its year, and whether the caller may grade it now."""
    r = await _assignment(principal, assignment_id)
    config = await config_for(r["county_id"], r["year"])
    may = (
        r["status"] == "pending"
        and r["round_status"] == "open"
        and principal.acts_for(r["grader"], GRADER_ROLES)
        and not principal.acts_for(r["gradee"])
    )
    return _assignment_out(r), config, may


async def grade(principal: Principal, assignment_id: int, data: GradeIn) -> AssignmentOut:
    r = await _assignment(principal, assignment_id)
    if not principal.acts_for(r["grader"], GRADER_ROLES):
        raise Forbidden("Only the grading organisation's staff or liaison grade")
    if principal.acts_for(r["gradee"]):
        raise Forbidden("Nobody grades their own organisation")
    if r["round_status"] != "open":
        raise WrongStatus("The round", r["round_status"], "grade")
    config = await config_for(r["county_id"], r["year"])
    keys = [i["key"] for i in config.rubric]
    errors = {f"scores.{k}": "required" for k in keys if k not in data.scores}
    errors.update({f"scores.{k}": "not an item of the rubric" for k in data.scores if k not in keys})
    if errors:
        raise Invalid("Check the highlighted fields", errors)
    reason = data.override_reason.strip()
    overridden = {k: [r["suggested"].get(k), v] for k, v in data.scores.items() if r["suggested"].get(k) != v}
    if overridden and len(reason) < 2:
        raise Invalid(
            "Say why you differ from the suggested score",
            {"override_reason": "a reason is needed when a score differs from the suggested one"},
        )
    score = config.weighted(data.scores)
    now = clock.now()
    async with write_transaction():
        done = (
            await GradingAssignment.update(
                {
                    GradingAssignment.status: "graded",
                    GradingAssignment.scores: dict(data.scores),
                    GradingAssignment.score: score,
                    GradingAssignment.opinion: data.opinion.strip(),
                    GradingAssignment.override_reason: reason if overridden else "",
                    GradingAssignment.graded_by: principal.account_id,
                    GradingAssignment.graded_at: now,
                }
            )
            .where((GradingAssignment.id == assignment_id) & (GradingAssignment.status == "pending"))
            .returning(GradingAssignment.id)
        )
        if not done:
            raise WrongStatus("The assignment", r["status"], "grade")
        changes: dict[str, Any] = {"status": ["pending", "graded"], "score": [r["suggested_score"], score]}
        if overridden:
            changes["overridden"] = overridden
            changes["override_reason"] = [None, reason]
        await record(
            principal,
            "grade_override" if overridden else "grade",
            "grading_assignment",
            assignment_id,
            changes,
            summary=f"{r['grader_name']} → {r['gradee_name']} {r['year']}",
        )
    return _assignment_out(await _assignments().where(GradingAssignment.id == assignment_id).first())


# ------------------------------------------------------------------ results, opinions, replies


def _result_out(r: dict[str, Any]) -> ResultOut:
    return ResultOut(
        organization_id=r["organization"],
        organization_name=r["name"],
        kind=r["kind"],
        score=r["score"],
        grade=r["grade"],
        rank=r["rank"],
        rank_of=r["rank_of"],
        gradings=r["gradings"],
    )


def _results_query():
    return GradeResult.select(
        *GradeResult.all_columns(),
        GradeResult.organization.name.as_alias("name"),
        GradeResult.organization.area.path.as_alias("path"),
    )


async def round_results(principal: Principal, round_id: int) -> list[ResultOut]:
    """Grading staff: every result in their area. Others: their own organisations' results only."""
    await _round(principal, round_id)
    rows = (
        await _results_query()
        .where(GradeResult.round == round_id)
        .order_by(GradeResult.kind)
        .order_by(GradeResult.rank)
        .order_by(GradeResult.id)
    )
    return [
        _result_out(r)
        for r in rows
        if principal.covers_area(r["path"], GRADING_STAFF) or principal.acts_for(r["organization"])
    ]


async def organization_grading(
    principal: Principal, organization_id: int, round_id: int | None = None
) -> OrganizationGradingOut:
    """An organisation's grade and the opinions addressed to it (the graded side sees them once the
    round has closed, without the grader's name unless the county chose otherwise)."""
    org = (
        await Organization.select(Organization.id, Organization.name, Organization.area.path.as_alias("path"))
        .where(Organization.id == organization_id)
        .first()
    )
    staff = org is not None and principal.covers_area(org["path"], GRADING_STAFF)
    if org is None or not (staff or principal.acts_for(organization_id)):
        raise NotFound("Organisation not found")
    query = GradingRound.select(*GradingRound.all_columns(), GradingRound.county.path.as_alias("county_path"))
    if round_id is not None:
        query = query.where(GradingRound.id == round_id)
    rounds = [
        r for r in await query.order_by(GradingRound.year, ascending=False) if org["path"].startswith(r["county_path"])
    ]
    if not rounds:
        raise NotFound("No grading round for this organisation")
    rnd = rounds[0]
    result = (
        await _results_query()
        .where((GradeResult.round == rnd["id"]) & (GradeResult.organization == organization_id))
        .first()
    )
    config = await config_for(rnd["county"], rnd["year"])
    opinions: list[OpinionOut] = []
    if staff or rnd["status"] == "closed":
        rows = (
            await _assignments()
            .where(
                (GradingAssignment.round == rnd["id"])
                & (GradingAssignment.gradee == organization_id)
                & (GradingAssignment.status == "graded")
            )
            .order_by(GradingAssignment.id)
        )
        replies = {
            x["assignment"]: x
            for x in await OpinionReply.select().where(OpinionReply.assignment.is_in([r["id"] for r in rows] or [0]))
        }
        named = staff or config.show_grader
        for r in rows:
            reply = replies.get(r["id"])
            opinions.append(
                OpinionOut(
                    assignment_id=r["id"],
                    grader_id=r["grader"] if named else None,
                    grader_name=r["grader_name"] if named else None,
                    scores=r["scores"] or {},
                    score=r["score"],
                    opinion=r["opinion"],
                    reply=reply["body"] if reply else None,
                    replied_at=reply["created_at"] if reply else None,
                )
            )
    return OrganizationGradingOut(
        organization_id=organization_id,
        organization_name=org["name"],
        round_id=rnd["id"],
        year=rnd["year"],
        round_status=rnd["status"],
        result=_result_out(result) if result else None,
        opinions=opinions,
        can_reply=principal.acts_for(organization_id, GRADER_ROLES) and rnd["status"] == "closed",
    )


async def reply(principal: Principal, assignment_id: int, body: str) -> OpinionOut:
    r = await _assignments().where(GradingAssignment.id == assignment_id).first()
    if r is None or not (
        principal.acts_for(r["gradee"]) or principal.acts_for(r["grader"]) or _staff_sees(principal, r)
    ):
        raise NotFound("Opinion not found")
    if not principal.acts_for(r["gradee"], GRADER_ROLES):
        raise Forbidden("Only the graded organisation replies to its opinions")
    if r["status"] != "graded" or r["round_status"] != "closed":
        raise WrongStatus("The round", r["round_status"], "reply")
    text = body.strip()
    if not text:
        raise Invalid("Write a reply", {"body": "required"})
    if await OpinionReply.exists().where(OpinionReply.assignment == assignment_id):
        raise Conflict("This opinion has a reply already", {"body": "already replied"}, code="already_replied")
    now = clock.now()
    async with write_transaction():
        # The unique assignment column stops a concurrent second reply.
        await OpinionReply.insert(
            OpinionReply(
                assignment=assignment_id,
                organization=r["gradee"],
                body=text,
                author=principal.account_id,
                created_at=now,
            )
        )
        await record(
            principal,
            "reply",
            "grading_assignment",
            assignment_id,
            {"reply": [None, text[:200]]},
            summary=f"{r['gradee_name']} {r['year']}",
        )
        await notify(
            kind="grading_reply",
            title="{organization} replied to your grading opinion",
            organization_id=r["grader"],
            params={"organization": r["gradee_name"]},
            link=f"/grading/assignments/{assignment_id}",
            object_type="grading_assignment",
            object_id=assignment_id,
        )
    return next(
        o
        for o in (await organization_grading(principal, r["gradee"], r["round"])).opinions
        if o.assignment_id == assignment_id
    )


async def reply_for(principal: Principal, assignment_id: int) -> dict[str, Any] | None:
    """The reply to an assignment's opinion, for its grader's view."""
    await _assignment(principal, assignment_id)
    return await OpinionReply.select().where(OpinionReply.assignment == assignment_id).first()


# ------------------------------------------------------------------ settings with history


def _settings_out(county_id: int, c: Config) -> SettingsOut:
    return SettingsOut(
        id=c.version_id,
        county_id=county_id,
        year_from=c.year_from,
        rubric=c.rubric,
        thresholds=c.thresholds,
        scorecard_weights=c.scorecard_weights,
        show_grader=c.show_grader,
    )


async def get_settings(principal: Principal, county_id: int, year: int | None = None) -> SettingsOut:
    area = await Area.select().where((Area.id == county_id) & (Area.level == "county")).first()
    if area is None or (
        not principal.covers_area(area["path"], GRADING_STAFF) and not _in_county(principal, area["path"])
    ):
        raise NotFound("County not found")
    return _settings_out(county_id, await config_for(county_id, year or clock.now().astimezone(CHINA).year))


async def put_settings(principal: Principal, county_id: int, data: SettingsIn) -> SettingsOut:
    county = await county_area(principal, county_id)
    if data.year_from in await closed_years(county_id) or any(
        y >= data.year_from for y in await closed_years(county_id)
    ):
        raise Conflict(
            "Grades of a closed year cannot change",
            {"year_from": "a round of this year or later is closed"},
            code="year_closed",
        )
    current = await config_for(county_id, data.year_from)
    errors: dict[str, str] = {}
    thresholds = {**current.thresholds, **(data.thresholds or {})}
    if set(thresholds) != {"excellent", "good", "fair"}:
        errors["thresholds"] = "use excellent, good and fair"
    elif not thresholds["excellent"] > thresholds["good"] > thresholds["fair"]:
        errors["thresholds"] = "excellent > good > fair"
    rubric: list[dict[str, Any]] = (
        [{"key": i.key, "label": i.label, "weight": i.weight, "sources": i.sources} for i in data.rubric]
        if data.rubric is not None
        else current.rubric
    )
    if not rubric:
        errors["rubric"] = "at least one item"
    if len({i["key"] for i in rubric}) != len(rubric):
        errors["rubric"] = "item keys must differ"
    bad = sorted({s for i in rubric for s in i.get("sources", []) if s not in COMPONENTS})
    if bad:
        errors["rubric"] = f"unknown sources: {', '.join(bad)}"
    if any(not 1 <= v <= 5 for v in thresholds.values()):
        errors["thresholds"] = "between 1 and 5"
    if any(not 0 < i["weight"] <= 100 for i in rubric):
        errors["rubric"] = "weights between 0 and 100"
    weights = dict(data.scorecard_weights) if data.scorecard_weights is not None else current.scorecard_weights
    if errors:
        raise Invalid("Check the highlighted fields", errors)
    async with write_transaction():
        rows = await GradingSettings.insert(
            GradingSettings(
                county=county_id,
                year_from=data.year_from,
                rubric=rubric,
                thresholds=thresholds,
                scorecard_weights=weights,
                show_grader=data.show_grader,
                created_by=principal.account_id,
                created_at=clock.now(),
            )
        ).returning(GradingSettings.id)
        await record(
            principal,
            "update",
            "grading_settings",
            rows[0]["id"],
            {
                "year_from": [current.year_from, data.year_from],
                "thresholds": [current.thresholds, thresholds],
                "rubric": [current.rubric, rubric],
                "scorecard_weights": [current.scorecard_weights, weights],
                "show_grader": [current.show_grader, data.show_grader],
            },
            summary=county["name"],
        )
    return _settings_out(county_id, await config_for(county_id, data.year_from))
