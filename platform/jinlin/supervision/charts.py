"""Static charts for the PDF, drawn server-side with matplotlib (Agg) in a CJK font from Debian's
fonts-noto-cjk (fonts-wqy-microhei as a fallback); PNG bytes."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@cache
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    families = []
    for path in FONT_FILES:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            families.append(font_manager.FontProperties(fname=path).get_name())
    plt.rcParams["font.family"] = [*families, "sans-serif"]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def grouped_bars(
    categories: list[str], series: dict[str, list[float | None]], title: str, percent: bool = True
) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        xs = [j + i * width for j in range(len(categories))]
        ax.bar(xs, [(v or 0) * (100 if percent else 1) for v in values], width=width, label=name)
    ax.set_xticks([j + width * (len(series) - 1) / 2 for j in range(len(categories))], categories, fontsize=8)
    if percent:
        ax.set_ylim(0, 100)
        ax.set_ylabel("%")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return _png(fig)


def bars(labels: list[str], values: list[float], title: str) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.bar(labels, values, color="#c0392b")
    ax.set_title(title)
    return _png(fig)
