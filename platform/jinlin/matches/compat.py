"""Which needs and offers can meet at all: the matcher's unit and item rule (matching.units), applied to rows.

One definition for the manual candidates, manual proposals and allocation runs; the item counts for goods only.
"""

from __future__ import annotations

from typing import Any

from matching.units import canonical_unit, compatible

GOODS_CATEGORIES = frozenset({"materials", "funding", "venue"})


def goods_item(category: str | None, item: str | None) -> str | None:
    """The item as the matcher sees it: named goods only (a service's 'item' is its title, not a rule)."""
    return (item or None) if category in GOODS_CATEGORIES else None


def rows_compatible(need: dict[str, Any], offer: dict[str, Any]) -> bool:
    return need["category"] == offer["category"] and compatible(
        need["unit"] or None,
        goods_item(need["category"], need.get("item")),
        offer["unit"] or None,
        goods_item(offer["category"], offer.get("item")),
    )


def why_incompatible(need: dict[str, Any], offer: dict[str, Any]) -> dict[str, str]:
    """The unit or item that keeps the two apart (for a refused proposal); empty when they fit.

    Categories are not compared here: a proposal by hand may cross them (calls do)."""
    nu, ou = canonical_unit(need["unit"] or None), canonical_unit(offer["unit"] or None)
    if nu is not None and ou is not None and nu != ou:
        return {"offer_id": f"counts in {offer['unit']}, the need in {need['unit']}"}
    if not compatible(
        None, goods_item(need["category"], need.get("item")), None, goods_item(offer["category"], offer.get("item"))
    ):
        return {"offer_id": f"offers {offer.get('item') or 'no named item'}, the need asks for {need.get('item')}"}
    return {}
