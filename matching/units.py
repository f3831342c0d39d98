"""Units of measure that name the same thing: a need and an offer are compatible only in one unit.

Only synonyms (factor 1) are listed: quantities stay whole numbers in each side's own unit, so 斤 (0.5 kg)
is a unit of its own rather than a fraction of 公斤.
"""

from __future__ import annotations

SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"公斤", "千克", "kg"}),
    frozenset({"次", "人次"}),
    frozenset({"元", "人民币", "rmb"}),
    frozenset({"小时", "时", "h"}),
    frozenset({"人", "名", "位"}),
    frozenset({"个", "只"}),
    frozenset({"箱", "件"}),
    frozenset({"平方米", "㎡", "m2"}),
)
_CANONICAL = {u: min(group) for group in SYNONYMS for u in group}


def canonical_unit(unit: str | None) -> str | None:
    """The unit's one name among its synonyms; None for no unit (compatible with any)."""
    if unit is None:
        return None
    text = unit.strip().lower()
    if not text:
        return None
    return _CANONICAL.get(text, text)


def canonical_item(item: str | None) -> str | None:
    """Items are compared by name, ignoring case and surrounding spaces; None for no item."""
    if item is None:
        return None
    text = " ".join(item.split()).lower()
    return text or None


def compatible(need_unit: str | None, need_item: str | None, offer_unit: str | None, offer_item: str | None) -> bool:
    """The unit rule and the item rule of matching/README.md for one pair (categories compared elsewhere)."""
    nu, ou = canonical_unit(need_unit), canonical_unit(offer_unit)
    if nu is not None and ou is not None and nu != ou:
        return False
    ni = canonical_item(need_item)
    return ni is None or ni == canonical_item(offer_item)
