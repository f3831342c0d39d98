"""Spreadsheets are a contract: outside tools read the exports and fill in the templates. Every template
(every sheet, cell, drop-down and column width) and every export's header row stays as recorded in
``sheet_layouts.json`` before the spreadsheets moved onto ``core.sheets``."""

import io
import json
import os
from pathlib import Path

from openpyxl import load_workbook

from factories import login, make_need, make_offer, make_world

SNAPSHOT = Path(__file__).with_name("sheet_layouts.json")


def _layout(content: bytes, *, cells: bool) -> list[dict]:
    book = load_workbook(io.BytesIO(content))
    out = []
    for sheet in book.worksheets:
        rows = [
            [c if c is None or isinstance(c, str | int | float) else str(c) for c in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        out.append(
            {
                "title": sheet.title,
                "rows": rows if cells else rows[:1],
                "validations": sorted(
                    [str(v.sqref), v.formula1, v.allow_blank] for v in sheet.data_validations.dataValidation
                ),
                "widths": {k: d.width for k, d in sorted(sheet.column_dimensions.items()) if d.width},
                "freeze": sheet.freeze_panes,
            }
        )
    return out


async def _layouts(client) -> dict:
    from jinlin.households import spreadsheet as households
    from jinlin.posts import importer as posts
    from jinlin.setup import sheets

    w = await make_world()
    await make_need("staff_a", w.orgs["comm_a"], title="助餐", quantity=3)
    await make_offer("liaison", w.orgs["enterprise"], title="建材捐赠", category="materials", capacity=2)
    staff, liaison = await login(client, "staff_a"), await login(client, "liaison")
    needs = await client.get(
        "/api/v1/needs/export.xlsx", headers=staff, params={"community_id": w.orgs["comm_a"]["id"]}
    )
    offers = await client.get(
        "/api/v1/offers/export.xlsx", headers=liaison, params={"organization_id": w.orgs["enterprise"]["id"]}
    )
    out = {
        "needs export": _layout(needs.content, cells=False),
        "offers export": _layout(offers.content, cells=False),
        "households template": _layout(households.template(), cells=True),
        "posts template": _layout(posts.template_xlsx(), cells=True),
    }
    for name, sheet in sheets.SHEETS.items():
        out[f"setup {name} template"] = _layout(sheets.template(sheet), cells=True)
    return out


async def test_every_template_and_export_header_is_as_recorded(client):
    now = json.loads(json.dumps(await _layouts(client), ensure_ascii=False))
    if os.environ.get("JINLIN_RECORD_SHEET_LAYOUTS"):  # how the snapshot was made (once, before the change)
        SNAPSHOT.write_text(json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    before = json.loads(SNAPSHOT.read_text())
    assert set(now) == set(before)
    for name, layout in before.items():
        assert now[name] == layout, name
