"""A report's figures as a PDF (HTML → PDF with WeasyPrint: a cover with the period and issuing office, one
section per page, page numbers, charts as images) and as XLSX. Both read only the figures."""

from __future__ import annotations

import base64
from typing import Any

import jinja2

from jinlin.core.i18n import gettext, translate
from jinlin.core.settings import REPO_ROOT
from jinlin.core.tabular import write_xlsx_book
from jinlin.supervision import charts
from jinlin.supervision.figures import extra_sections

GRADES = ("excellent", "good", "fair", "poor")
GRADE_MSGIDS = {
    "excellent": "excellent (grade)",
    "good": "good (grade)",
    "fair": "fair (grade)",
    "poor": "poor (grade)",
}


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _grade_label(grade: str, locale: str) -> str:
    return gettext(GRADE_MSGIDS.get(grade, grade), locale)


def _env(locale: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO_ROOT / "frontend" / "templates"), autoescape=True)
    env.globals["_"] = lambda m: gettext(m, locale)
    env.filters["pct"] = _pct
    env.filters["grade_label"] = lambda g: _grade_label(g, locale)
    return env


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def chart_images(figures: dict[str, Any], locale: str) -> dict[str, str]:
    _ = lambda m: gettext(m, locale)  # noqa: E731
    out = {}
    rows = figures["overview"]["by_child"]
    if rows:
        out["kpis"] = _data_uri(
            charts.grouped_bars(
                [r["name"] for r in rows],
                {
                    _("Response rate"): [r["response_rate"] for r in rows],
                    _("Resolution rate"): [r["resolution_rate"] for r in rows],
                    _("On-time rate"): [r["on_time_rate"] for r in rows],
                },
                _("KPIs by area"),
            )
        )
    dist = figures["grading"]["distribution"]
    out["grades"] = _data_uri(
        charts.bars([gettext(GRADE_MSGIDS[g], locale) for g in GRADES], [dist[g] for g in GRADES], _("Grades"))
    )
    f = figures["fairness"]
    out["fairness"] = _data_uri(
        charts.grouped_bars(
            [_("Red and orange needs met")],
            {_("weakest quarter"): [f["weakest_share"]], _("all communities"): [f["average_share"]]},
            _("Fairness to weak communities"),
        )
    )
    return out


def pdf(figures: dict[str, Any], *, issuing_office: str, locale: str = "zh_CN") -> tuple[bytes, int]:
    """The PDF and its page count."""
    from weasyprint import HTML

    extra = [
        (key, gettext(title, locale), figures.get(key) or {"headers": [], "rows": []})
        for key, (title, _) in extra_sections().items()
    ]
    html = (
        _env(locale)
        .get_template("supervision/report_pdf.html")
        .render(f=figures, office=issuing_office, charts=chart_images(figures, locale), extra=extra, grades=GRADES)
    )
    document = HTML(string=html, base_url=str(REPO_ROOT)).render()
    return document.write_pdf(), len(document.pages)


def xlsx(figures: dict[str, Any], locale: str = "zh_CN") -> bytes:
    t = lambda m: translate(m, locale)  # noqa: E731
    o = figures["overview"]
    kpi_headers = [
        t(h)
        for h in (
            "Area",
            "Needs published",
            "responded",
            "resolved",
            "resolved on time",
            "Response rate",
            "Resolution rate",
            "On-time rate",
        )
    ]

    def kpi_row(name: str, k: dict[str, Any]) -> list[Any]:
        return [
            name,
            k["published"],
            k["responded"],
            k["resolved"],
            k["on_time"],
            k["response_rate"],
            k["resolution_rate"],
            k["on_time_rate"],
        ]

    r = figures["responders"]
    g = figures["grading"]
    f = figures["fairness"]
    sheets = [
        (
            t("Overview"),
            kpi_headers,
            [kpi_row(figures["area"]["name"], o["total"]), *(kpi_row(c["name"], c) for c in o["by_child"])],
        ),
        (
            t("Overdue items"),
            [t(h) for h in ("Need", "Community", "Colour", "Resolve by", "Resolved at")],
            [
                [i["title"], i["community"], t(i["colour"]), i["due"], i["resolved_at"] or ""]
                for i in figures["overdue"]["needs"]
            ],
        ),
        (
            t("Responders"),
            [t(h) for h in ("Unit", "Pledges", "Mean delay (hours)", "Ranking")],
            [
                *([u["name"], u["pledges"], u["mean_delay_h"], t("fastest")] for u in r["best"]),
                *([u["name"], u["pledges"], u["mean_delay_h"], t("slowest")] for u in r["slowest"]),
            ],
        ),
        (
            t("Unanswered calls"),
            [t(h) for h in ("Call for help", "Issuer", "Issued at", "Respond by")],
            [[c["title"], c["issuer"], c["created_at"], c["respond_by"] or ""] for c in r["unanswered_calls"]],
        ),
        (
            t("Grading results"),
            [t(h) for h in ("Organisation", "Kind", "Score", "Grade", "Rank", "Out of")],
            [
                [x["name"], t(x["kind"]), x["score"], t(GRADE_MSGIDS[x["grade"]]), x["rank"], x["rank_of"]]
                for x in g["results"]
            ],
        ),
        (
            t("Twinning"),
            [t("Status"), t("Pairs")],
            [[t(f"twinning {s}"), n] for s, n in figures["twinning"]["by_status"].items()],
        ),
        (
            t("Fairness"),
            [t("Figure"), t("Value")],
            [
                [t("Red and orange needs met, weakest quarter"), f["weakest_share"]],
                [t("Red and orange needs met, all communities"), f["average_share"]],
                [t("Gini of help per resident"), f["gini"]],
                [t("Weakest communities with a twinning pair"), f["weakest_twinned"]],
                [t("Weakest communities"), f["weakest_count"]],
            ],
        ),
    ]
    for key, (title, _) in extra_sections().items():
        section = figures.get(key) or {"headers": [], "rows": []}
        sheets.append((t(title), [t(h) for h in section["headers"]], section["rows"]))
    return write_xlsx_book(sheets)
