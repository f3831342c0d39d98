"""Unmatched needs are explained with names, not matcher ids, in the viewer's language."""

import pytest

from factories import make_need, make_offer, make_world
from jinlin.core.i18n import current_locale
from jinlin.runs.unmatched import enrich, explain, would_help

pytestmark = pytest.mark.usefixtures("engine")


async def test_a_need_nobody_can_serve_names_the_nearest_offer_and_the_rule_that_rules_it_out():
    w = await make_world()
    need = await make_need("admin_a", w.orgs["comm_a"], title="助浴")
    offer = await make_offer("liaison", w.orgs["enterprise"], title="法律咨询", category="legal_aid")
    row = {
        "need": f"n{need.id}",
        "quantity": 2,
        "reason": "no_candidate",
        "detail": f"no offer qualifies; the nearest, o{offer.id} (0.4 km), is excluded by category",
        "nearest": [{"offer": f"o{offer.id}", "excluded_by": ["category"], "distance_km": 0.4}],
        "would_help": {
            "offer": f"o{offer.id}",
            "constraint": "category",
            "detail": f"o{offer.id} offers legal_aid, not elder_care",
        },
    }
    [enriched] = await enrich([row])
    current_locale.set("zh_CN")
    text = explain(enriched)
    assert "法律咨询（鑫源建材有限公司）" in text and "类别不同" in text and "0.4" in text
    assert f"o{offer.id}" not in text
    assert would_help(enriched) == "法律咨询（鑫源建材有限公司）的服务类别不同"
    current_locale.set("en")
    assert "another category" in explain(enriched)


async def test_a_need_outbid_for_capacity_names_the_needs_that_took_it_and_how_much_more_would_do():
    w = await make_world()
    mine = await make_need("admin_a", w.orgs["comm_a"], title="送餐")
    winner = await make_need("admin_b", w.orgs["comm_b"], title="独居老人助餐")
    offer = await make_offer("liaison", w.orgs["enterprise"], title="爱心餐")
    row = {
        "need": f"n{mine.id}",
        "quantity": 3,
        "reason": "capacity_taken",
        "taken_by": [f"n{winner.id}"],
        "would_help": {"offer": f"o{offer.id}", "constraint": "capacity", "detail": f"3 more capacity at o{offer.id}"},
    }
    [enriched] = await enrich([row])
    current_locale.set("zh_CN")
    assert "独居老人助餐" in explain(enriched)
    assert would_help(enriched) == "爱心餐（鑫源建材有限公司）再增加 3 的容量"
