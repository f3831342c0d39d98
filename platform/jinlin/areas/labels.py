"""Areas named by their path ("第2网格 › 3号楼"), so a picker never offers ten indistinguishable "1号楼"."""

from __future__ import annotations

from typing import Any

from jinlin.areas.tables import Area

SEPARATOR = " › "


async def path_labels(rows: list[dict[str, Any]], below: str = "") -> list[tuple[int, str]]:
    """(id, label) for area rows having ``id``, ``name`` and ``path``: the names from under the area whose path is
    ``below`` (excluded) down to the row itself; that area itself by its name; any other by its whole path."""
    ids = {int(i) for r in rows for i in r["path"].strip("/").split("/") if i}
    names = (
        {a["id"]: a["name"] for a in await Area.select(Area.id, Area.name).where(Area.id.is_in(sorted(ids)))}
        if ids
        else {}
    )
    out = []
    for r in rows:
        if below and r["path"] == below:
            out.append((r["id"], r["name"]))
            continue
        path = r["path"][len(below) :] if below and r["path"].startswith(below) and r["path"] != below else r["path"]
        chain = [names.get(int(i), "") for i in path.strip("/").split("/") if i]
        out.append((r["id"], SEPARATOR.join(chain) or r["name"]))
    return out
