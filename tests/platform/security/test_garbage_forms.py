"""No page form can make the server fail: every page POST route, sent letters, huge numbers and NUL in
each of its fields, answers below 500 (a refusal names the field; nothing breaks)."""

import pytest
from authz_rules import MATRIX
from authz_world import build
from test_authorization_matrix import _csrf, app_routes, fill

GARBAGE = ["abc", "99999999999999999999999", "1e400", "a\x00b", "9999-12-31T23:59", "-1"]
# The fields page forms send beside each rule's own body: lists, dates, numbers, choices.
EXTRA_FIELDS = [
    "service_area_ids",
    "area_ids",
    "signup_ids",
    "need_ids",
    "free_days",
    "community_id",
    "hours",
    "served_on",
    "respond_by",
    "available_from",
    "quantity",
    "capacity",
    "slots",
    "start",
    "end",
    "score",
]


@pytest.mark.parametrize("role", ["county", "admin_a"])
async def test_garbage_in_every_page_form_never_answers_5xx(app, client, frozen_clock, backend, role):
    if backend != "sqlite":
        pytest.skip("form decoding doesn't depend on the database (NUL on PostgreSQL: test_hardening)")
    ids, headers = await build(client)
    client.cookies.clear()
    csrf = await _csrf(client)
    cookie = f"{csrf['cookie']}; jinlin_session={headers[role]['Authorization'].split()[1]}"
    failures = []
    for key in app_routes(app):
        method, path = key.split(" ", 1)
        if method != "POST" or path.startswith("/api/") or path in ("/logout", "/login", "/locale"):
            continue
        rule = MATRIX[key]
        url = fill(path, ids, "inside", rule)
        fields = [k for k in rule.body if k != "__file__"] + EXTRA_FIELDS
        for junk in GARBAGE:
            data = {**{k: junk for k in fields}, "_csrf_token": csrf["x-csrftoken"]}
            r = await client.post(url, data=data, headers={"x-csrftoken": csrf["x-csrftoken"], "cookie": cookie})
            if r.status_code >= 500:
                failures.append(f"{key} with {junk!r}: {r.status_code}")
    assert not failures, "\n".join(failures)
