"""A round as XLSX: the results (grade, rank) and, for grading staff, every grading with its opinion."""

from __future__ import annotations

from collections.abc import Sequence

from jinlin.auth.principal import Principal
from jinlin.core.i18n import translate
from jinlin.core.tabular import write_xlsx_book
from jinlin.grading import service
from jinlin.grading.tables import OpinionReply

GRADE_LABELS = {
    "excellent": "excellent (grade)",
    "good": "good (grade)",
    "fair": "fair (grade)",
    "poor": "poor (grade)",
}


def grade_label(grade: str) -> str:
    return translate(GRADE_LABELS.get(grade, grade))


async def round_xlsx(principal: Principal, round_id: int) -> tuple[str, bytes]:
    rnd = await service.get_round(principal, round_id)
    results = await service.round_results(principal, round_id)
    # Each sheet's rows have their own shape: (title, headers, rows).
    sheets: list[tuple[str, list[str], list[Sequence[object]]]] = [
        (
            translate("Results"),
            [translate(h) for h in ("Organisation", "Kind", "Score", "Grade", "Rank", "Out of", "Grades received")],
            [
                (r.organization_name, translate(r.kind), r.score, grade_label(r.grade), r.rank, r.rank_of, r.gradings)
                for r in results
            ],
        )
    ]
    assignments = [
        a for a in await service.list_assignments(principal, round_id) if service.GRADING_STAFF & principal.roles
    ]
    if assignments:
        replies = {
            r["assignment"]: r["body"]
            for r in await OpinionReply.select().where(OpinionReply.assignment.is_in([a.id for a in assignments]))
        }
        sheets.append(
            (
                translate("Gradings"),
                [
                    translate(h)
                    for h in (
                        "Grader",
                        "Graded organisation",
                        "Status",
                        "Suggested score",
                        "Score",
                        "Opinion",
                        "Reason for differing",
                        "Reply",
                    )
                ],
                [
                    (
                        a.grader_name,
                        a.gradee_name,
                        translate(f"assignment {a.status}"),
                        a.suggested_score,
                        a.score,
                        a.opinion,
                        a.override_reason,
                        replies.get(a.id, ""),
                    )
                    for a in assignments
                ],
            )
        )
    return f"grading-{rnd.year}.xlsx", write_xlsx_book(sheets)
