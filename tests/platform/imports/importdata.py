"""Files for the import-job tests."""

from __future__ import annotations

import csv
import io

BACKGROUND_ROWS = 100  # files with more data rows than this become jobs in these tests
REAPER_BOUND_S = 3  # JINLIN_RUN_REAPER_BOUND_S of the kill test's workers

NEEDS_HEADER = ["标题", "类别", "数量", "单位", "紧急程度", "地点", "受益群体"]


def needs_csv(rows: int, bad: dict[int, list[object]] | None = None, title: str = "助餐") -> bytes:
    """``rows`` needs of 社区A (row n+2 of the sheet is need n); ``bad`` replaces some rows."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(NEEDS_HEADER)
    for n in range(rows):
        out.writerow((bad or {}).get(n) or [f"{title}{n}", "助老服务", 1, "人次", 2, "网格A1", "空巢老人"])
    return buf.getvalue().encode()
