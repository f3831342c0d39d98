"""The expected answers of every route (see test_authorization_matrix.py)."""

from authz_world import (
    ADMIN_A,
    ALL,
    COMMUNITY_A,
    COMMUNITY_STAFF_A,
    COUNTY,
    LEADER,
    LIAISON,
    NONE,
    PUBLIC,
    STREET,
    UNITS,
    VOLUNTEER,
    R,
)

# Who may fill in a form is who may send it (test_a_form_page_answers_exactly_those_who_may_send_it).
ORGANISERS_A = frozenset({"admin_a", "staff_a"})  # the organisers of 社区A's activities
ORGANISERS = ORGANISERS_A | UNITS
ISSUERS = frozenset({"street_east", "admin_a", "staff_a"})  # calls come from a community or street office
# 报到 (orgs.service.can_register): the offices over the community and its admins and staff (not its grid
# workers) keep its roster, a unit's liaison or leader its own unit's registrations, a party member their own.
ROSTER_KEEPERS_A = STREET | {"admin_a", "staff_a"}
# Calls: issued in a community's name by its admins and staff (the body names 社区A), kept by them and the
# offices above (close, turn a pledge into a match).
CALL_ISSUERS_A = frozenset({"admin_a", "staff_a"})
CALL_KEEPERS_A = STREET | CALL_ISSUERS_A

MATRIX = {
    "DELETE /api/v1/areas/{area_id:int}": R(STREET),
    "GET /": R(ALL),
    "GET /accounts": R(ALL),
    "GET /accounts/me": R(ALL),
    "GET /accounts/new": R(ADMIN_A | LIAISON),  # a liaison adds their own unit's liaisons
    "GET /accounts/{account_id:int}": R(ADMIN_A | {"grid_a"}, COUNTY),
    "GET /activities": R(ALL),
    "GET /activities/new": R(ORGANISERS),
    "GET /activities/{activity_id:int}": R(ALL, ALL),
    "GET /api/v1/accounts": R(ALL),
    "GET /api/v1/accounts/{account_id:int}": R(ADMIN_A | {"grid_a"}, COUNTY),
    "GET /api/v1/activities": R(ALL),
    "GET /api/v1/activities/{activity_id:int}": R(ALL, ALL),
    "GET /api/v1/areas": R(ALL),
    "GET /api/v1/areas/{area_id:int}": R(ALL, ALL),
    "GET /api/v1/audit-events": R(COUNTY),
    "GET /api/v1/auth/me": R(ALL),
    "GET /api/v1/calls": R(ALL),
    "GET /api/v1/calls/{call_id:int}": R(COMMUNITY_A | {"liaison", "leader"}, COUNTY),
    "GET /api/v1/calls/{call_id:int}/responses": R(COMMUNITY_A | {"liaison", "leader"}, COUNTY),
    "GET /api/v1/categories": R(ALL),
    "GET /api/v1/colour-policies/{county_id:int}": R(ALL, ALL),
    "GET /api/v1/communities/{community_id:int}/profile": R(COMMUNITY_A, COUNTY),
    "GET /api/v1/helpers/{organization_id:int}/profile": R(STREET | {"liaison"}, COUNTY),
    "GET /api/v1/match-runs": R(ALL),
    # Import jobs: only the account that started one sees it (the inside job is admin_a's, the outside admin_c's).
    "GET /api/v1/imports": R(ALL),
    "GET /api/v1/imports/{job_id:int}": R(frozenset({"admin_a"}), NONE),
    "GET /imports/{job_id:int}": R(frozenset({"admin_a"}), NONE),
    "GET /imports/{job_id:int}/progress": R(frozenset({"admin_a"}), NONE),
    # Match runs (docs/runs.md): the inside run is 社区A's, the outside one 社区C's. Staff covering a run's area read
    # it (and its fairness, shown on its page); those in charge of the area (county, street, its community's
    # admin) cancel and publish it; whoever acts for a side of its proposals accepts their side ("accept mine").
    "GET /api/v1/match-runs/{run_id:int}": R(COMMUNITY_A),
    "GET /api/v1/match-runs/{run_id:int}/result": R(COMMUNITY_A),
    "GET /api/v1/matches": R(ALL),
    "GET /api/v1/matches/{match_id:int}": R(COMMUNITY_A | {"liaison"}, COUNTY),
    "GET /api/v1/matches/{match_id:int}/ratings": R(COMMUNITY_A | {"liaison"}, COUNTY),
    "GET /api/v1/me": R(ALL),
    "GET /api/v1/needs": R(ALL),
    "GET /api/v1/needs/export.xlsx": R(ALL),
    "GET /api/v1/needs/{need_id:int}": R(ALL, ALL),
    "GET /api/v1/notifications": R(ALL),
    "GET /api/v1/notifications/unread-count": R(ALL),
    "GET /api/v1/notifications/contacts": R(ALL),
    "GET /api/v1/notifications/deliveries": R(ALL),
    "GET /api/v1/notifications/delivery-stats": R(COUNTY),
    "GET /api/v1/notifications/preferences": R(ALL),
    "PUT /api/v1/notifications/preferences": R(ALL),
    "POST /api/v1/notifications/contacts": R(ALL, body={"channel": "email", "address": "x@example.com"}),
    "POST /api/v1/notifications/contacts/verify": R(ALL, body={"channel": "email", "code": "123456"}),
    "POST /api/v1/notifications/unsubscribe": R(PUBLIC),
    "GET /api/v1/organizations/{organization_id:int}/robots": R(LIAISON, NONE),
    "POST /api/v1/organizations/{organization_id:int}/robots": R(LIAISON, NONE, body={"kind": "wecom", "token": "abc"}),
    "DELETE /api/v1/organizations/{organization_id:int}/robots/{robot_id:int}": R(NONE, NONE),
    "GET /notifications/deliveries": R(ALL),
    "GET /notifications/delivery-stats": R(COUNTY),
    "GET /notifications/preferences": R(ALL),
    "GET /notifications/unsubscribe": R(PUBLIC),
    "GET /notifications/{notification_id:int}/open": R(NONE, NONE),
    "GET /organizations/{organization_id:int}/robots": R(LIAISON, NONE),
    "POST /notifications/preferences": R(ALL),
    "POST /notifications/contacts": R(ALL, body={"channel": "email", "address": "x@example.com"}),
    "POST /notifications/contacts/verify": R(ALL, body={"channel": "email", "code": "1"}),
    "POST /notifications/unsubscribe": R(PUBLIC),
    "POST /organizations/{organization_id:int}/robots": R(LIAISON, NONE, body={"kind": "wecom", "token": "abc"}),
    "POST /organizations/{organization_id:int}/robots/{robot_id:int}/remove": R(NONE, NONE),
    "GET /api/v1/offers": R(ALL),
    "GET /api/v1/offers/export.xlsx": R(ALL),
    "GET /api/v1/offers/{offer_id:int}": R(ALL, ALL),
    "GET /api/v1/organizations": R(ALL),
    "GET /api/v1/registrations/mine": R(ALL),  # the caller's own 报到 only
    "GET /api/v1/organizations/{org_id:int}": R(COMMUNITY_A | {"liaison", "leader"}, COUNTY | {"liaison", "leader"}),
    "GET /api/v1/organizations/{org_id:int}/registrations": R(
        COMMUNITY_A | {"liaison", "leader"}, COUNTY | {"liaison", "leader"}
    ),
    "GET /api/v1/reports/kpis": R(COMMUNITY_A),
    "GET /api/v1/roster/invitations": R(ALL),
    # a roster run is its activity's organisers' (docs/volunteers.md): 社区A's activity inside, 社区C's outside
    "GET /api/v1/roster/runs/{run_id:int}": R(ORGANISERS_A, NONE, params={"run_id": "roster_run_id"}),
    "GET /api/v1/shifts/{shift_id:int}/qr.svg": R(frozenset({"admin_a", "staff_a"}), NONE),
    "GET /api/v1/shifts/{shift_id:int}/signups": R(ALL, ALL),
    "GET /api/v1/signups/{signup_id:int}": R(frozenset({"admin_a", "staff_a", "volunteer"}), NONE),
    "GET /api/v1/signups/{signup_id:int}/ratings": R(frozenset({"admin_a", "staff_a", "volunteer"}), NONE),
    "GET /api/v1/twinnings": R(ALL),
    # Twinnings (docs/twinning.md): 社区A with the enterprise inside, 社区C with the village outside. Staff covering
    # the community and both organisations read a pair; county and street admins accept, decline and end it;
    # the two sides rate each other (the helper's liaison, the community's admin and staff).
    "GET /api/v1/twinnings/{twinning_id:int}": R(COMMUNITY_A | LIAISON),
    "GET /api/v1/twinnings/{twinning_id:int}/ratings": R(COMMUNITY_A | LIAISON),
    "GET /api/v1/volunteers/hours.xlsx": R(
        frozenset({"admin_a", "staff_a"}), query={"organization_id": "@community_id"}
    ),
    "GET /api/v1/volunteers/team-requests": R(ALL),
    "GET /api/v1/volunteers/{volunteer_id:int}": R(COMMUNITY_A | {"leader", "volunteer"}),
    "GET /api/v1/volunteers/{volunteer_id:int}/hours": R(COMMUNITY_A | {"leader", "volunteer"}),
    "GET /api/v1/volunteers/{volunteer_id:int}/hours.xlsx": R(COMMUNITY_A | {"leader", "volunteer"}),
    "GET /areas": R(ALL),
    "GET /areas/import": R(ADMIN_A),
    "GET /areas/{area_id:int}": R(ALL, ALL),
    "GET /areas/{area_id:int}/edit": R(STREET),  # a community admin manages what lies below it
    "GET /audit": R(COUNTY),
    "GET /calls": R(ALL),
    "GET /calls/new": R(ISSUERS),
    "GET /calls/panel": R(ALL),
    "GET /calls/{call_id:int}": R(COMMUNITY_A | {"liaison", "leader"}, COUNTY),
    "GET /calls/{call_id:int}/responses": R(COMMUNITY_A | {"liaison", "leader"}, COUNTY),
    "GET /colour-policy": R(COUNTY),
    "GET /communities/{community_id:int}/profile": R(COMMUNITY_A, COUNTY),
    "GET /healthz": R(PUBLIC),
    "GET /livez": R(PUBLIC),
    "GET /helpers/{org_id:int}/profile": R(COMMUNITY_A, COUNTY),
    "GET /login": R(PUBLIC),
    "GET /matches": R(ALL),
    "GET /matches/{match_id:int}": R(COMMUNITY_A | {"liaison"}, COUNTY),
    "GET /my/shifts": R(ALL),
    "GET /needs": R(ALL),
    "GET /needs/export.xlsx": R(ALL),
    "GET /needs/new": R(COMMUNITY_STAFF_A),
    "GET /needs/{need_id:int}": R(ALL, ALL),
    "GET /notifications": R(ALL),
    "GET /notifications/count": R(PUBLIC),
    "GET /offers": R(ALL),
    "GET /offers/export.xlsx": R(ALL),
    "GET /offers/new": R(UNITS),
    "GET /offers/{offer_id:int}": R(ALL, ALL),
    "GET /organizations": R(ALL),
    "GET /organizations/new": R(ADMIN_A),
    "GET /organizations/{org_id:int}": R(COMMUNITY_A | {"liaison", "leader"}, COUNTY | {"liaison", "leader"}),
    "GET /organizations/{org_id:int}/edit": R(ADMIN_A),
    "GET /organizations/{org_id:int}/twinnings": R(ALL, ALL),
    "GET /organizations/{organization_id:int}/reputation": R(ALL, ALL),
    "GET /reports": R(COMMUNITY_A),
    "GET /runs": R(ALL),
    "GET /runs/{run_id:int}": R(COMMUNITY_A),
    "GET /runs/{run_id:int}/progress": R(COMMUNITY_A),
    "GET /shifts/{shift_id:int}/check-in": R(ALL, ALL),
    "GET /shifts/{shift_id:int}/edit": R(frozenset({"admin_a", "staff_a"}), NONE),
    "GET /shifts/{shift_id:int}/manage": R(frozenset({"admin_a", "staff_a"}), NONE),
    "GET /twinning/profiles": R(ALL),
    "GET /twinnings": R(ALL),
    "GET /twinnings/{twinning_id:int}": R(COMMUNITY_A | LIAISON),
    "GET /volunteers/register": R(PUBLIC),
    "GET /volunteers/teams": R(ALL),
    "GET /volunteers/{volunteer_id:int}/certificate": R(COMMUNITY_A | {"leader", "volunteer"}),
    "GET /volunteers/{volunteer_id:int}/hours": R(COMMUNITY_A | {"leader", "volunteer"}),
    "PATCH /api/v1/accounts/{account_id:int}": R(ADMIN_A | {"grid_a"}, body={"display_name": "改名"}),
    # An activity is managed by its organisers only (activities.service.can_manage): not the offices above.
    "PATCH /api/v1/activities/{activity_id:int}": R(ORGANISERS_A, NONE, body={"title": "改名"}),
    "PATCH /api/v1/areas/{area_id:int}": R(STREET, body={"name": "改名"}),
    "PATCH /api/v1/needs/{need_id:int}": R(COMMUNITY_STAFF_A, NONE, body={"title": "改名"}),
    "PATCH /api/v1/offers/{offer_id:int}": R(LIAISON, body={"title": "改名"}),
    "PATCH /api/v1/organizations/{org_id:int}": R(ADMIN_A, body={"description": "改"}),
    "PATCH /api/v1/shifts/{shift_id:int}": R(ORGANISERS_A, NONE, body={"slots": 6}),
    "POST /accounts/new": R(
        ADMIN_A,
        body={"username": "px1", "password": "long-enough-1", "organization_id": "@org_id", "role": "grid_worker"},
    ),
    "POST /accounts/{account_id:int}": R(ADMIN_A | {"grid_a"}, body={"display_name": "改名"}),
    "POST /activities/new": R(
        ORGANISERS_A,
        body={
            "organizer_id": "@org_id",
            "title": "新活动",
            "category": "other",
            "area_id": "@area_id",
            "start_0": "2026-12-01T09:00",
            "end_0": "2026-12-01T11:00",
            "slots_0": "3",
        },
    ),
    "POST /activities/{activity_id:int}/{action:str}": R(ORGANISERS_A, NONE, params={"action": "cancel"}),
    "POST /api/v1/accounts": R(
        ADMIN_A,
        body={
            "username": "mx1",
            "password": "long-enough-1",
            "memberships": [{"organization_id": "@org_id", "role": "grid_worker"}],
        },
    ),
    "POST /api/v1/activities": R(
        ORGANISERS_A,
        body={
            "organizer_id": "@org_id",
            "title": "新活动",
            "category": "other",
            "area_id": "@area_id",
            "address": "路1号",
            "shifts": [{"start": "2026-12-01T09:00:00+08:00", "end": "2026-12-01T11:00:00+08:00", "slots": 2}],
        },
    ),
    "POST /api/v1/activities/{activity_id:int}/cancel": R(ORGANISERS_A, NONE),
    "POST /api/v1/activities/{activity_id:int}/finish": R(ORGANISERS_A, NONE),
    "POST /api/v1/activities/{activity_id:int}/publish": R(ORGANISERS_A, NONE),
    "POST /api/v1/activities/{activity_id:int}/roster-runs": R(ORGANISERS_A, NONE),  # the activity's organisers
    "POST /api/v1/areas": R(ADMIN_A, body={"name": "新网格", "level": "grid", "parent_id": "@area_id"}),
    "POST /api/v1/areas/import": R(ADMIN_A, body={"__file__": "名称,级别\n"}),
    "POST /api/v1/auth/login": R(PUBLIC),
    "POST /api/v1/auth/logout": R(ALL),
    "POST /api/v1/calls": R(
        CALL_ISSUERS_A, body={"issuer_id": "@org_id", "title": "号召", "categories": ["other"], "quantity": 1}
    ),
    "POST /api/v1/calls/{call_id:int}/close": R(CALL_KEEPERS_A),
    "POST /api/v1/calls/{call_id:int}/responses": R(
        LIAISON, body={"organization_id": "@organization_id", "quantity": 1}
    ),
    "POST /api/v1/calls/{call_id:int}/responses/{response_id:int}/match": R(
        CALL_KEEPERS_A, body={"need_id": "@need_id", "quantity": 1}
    ),
    # county and street admins, and a community's admin for their own community, start runs (docs/runs.md)
    "POST /api/v1/match-runs": R(ADMIN_A, body={"kind": "allocation", "area_id": "@area_id"}),
    "POST /api/v1/match-runs/{run_id:int}/cancel": R(ADMIN_A),
    "POST /api/v1/match-runs/{run_id:int}/publish": R(ADMIN_A),
    "POST /api/v1/matches": R(
        COMMUNITY_STAFF_A | LIAISON, body={"need_id": "@need_id", "offer_id": "@offer_id", "quantity": 1}
    ),
    "POST /api/v1/matches/{match_id:int}/accept": R(COMMUNITY_STAFF_A | LIAISON),
    "POST /api/v1/matches/{match_id:int}/cancel": R(COMMUNITY_STAFF_A | LIAISON),
    "POST /api/v1/matches/{match_id:int}/complete": R(COMMUNITY_STAFF_A),
    "POST /api/v1/matches/{match_id:int}/decline": R(COMMUNITY_STAFF_A | LIAISON),
    "POST /api/v1/matches/{match_id:int}/ratings": R(
        COMMUNITY_STAFF_A | LIAISON,
        body={"score": 5, "dimensions": {"timeliness": 5, "quality": 5, "communication": 5}},
    ),
    "POST /api/v1/matches/{match_id:int}/start": R(COMMUNITY_STAFF_A | LIAISON),
    "POST /api/v1/needs": R(
        COMMUNITY_STAFF_A, body={"community_id": "@org_id", "title": "新需求", "category": "other", "quantity": 1}
    ),
    "POST /api/v1/needs/import": R(COMMUNITY_STAFF_A, body={"__file__": "标题\n"}),
    "POST /api/v1/needs/{need_id:int}/cancel": R(COMMUNITY_STAFF_A),
    "POST /api/v1/needs/{need_id:int}/close": R(COMMUNITY_STAFF_A),
    "POST /api/v1/needs/{need_id:int}/publish": R(COMMUNITY_STAFF_A),
    "POST /api/v1/needs/{need_id:int}/resolve": R(COMMUNITY_STAFF_A),
    "POST /api/v1/notifications/read-all": R(ALL),
    "POST /api/v1/offers": R(
        LIAISON, body={"organization_id": "@organization_id", "title": "新资源", "category": "other", "capacity": 1}
    ),
    "POST /api/v1/offers/import": R(UNITS, body={"__file__": "标题\n"}),
    "POST /api/v1/offers/{offer_id:int}/pause": R(LIAISON),
    "POST /api/v1/offers/{offer_id:int}/publish": R(LIAISON),
    "POST /api/v1/offers/{offer_id:int}/withdraw": R(LIAISON),
    "POST /api/v1/organizations": R(ADMIN_A, body={"name": "新单位", "kind": "enterprise", "area_id": "@area_id"}),
    "POST /api/v1/organizations/{org_id:int}/registrations": R(
        ROSTER_KEEPERS_A | LIAISON, params={"org_id": "organization_id"}, body={"community_id": "@community_id"}
    ),
    # A party member's 报到 (the team's volunteer with 社区A; outside, a volunteer who reported to 社区C): its
    # community's keepers, the member's team leader and the member; the page route below tries units' 报到.
    "POST /api/v1/registrations/{registration_id:int}/end": R(ROSTER_KEEPERS_A | LEADER | VOLUNTEER),
    # Only the invited volunteer answers a roster invitation: nobody answers for someone else.
    "POST /api/v1/roster/invitations/{invitation_id:int}/accept": R(VOLUNTEER, NONE),
    "POST /api/v1/roster/invitations/{invitation_id:int}/decline": R(VOLUNTEER, NONE),
    "POST /api/v1/shifts/{shift_id:int}/check-in": R(ALL, ALL, body={"code": "000000"}),
    "POST /api/v1/shifts/{shift_id:int}/check-out": R(ALL, ALL, body={"code": "000000"}),
    "POST /api/v1/shifts/{shift_id:int}/no-shows": R(ORGANISERS_A, NONE, body={"signup_ids": ["@signup_id"]}),
    "POST /api/v1/shifts/{shift_id:int}/signups": R(ALL - ORGANISERS_A, ALL),
    "POST /api/v1/shifts/{shift_id:int}/verify": R(ORGANISERS_A, NONE, body={"all": True}),
    "POST /api/v1/signups/{signup_id:int}/cancel": R(ORGANISERS_A | VOLUNTEER, NONE),
    # The two sides of a shift rate each other: its organisers and the volunteer who served.
    "POST /api/v1/signups/{signup_id:int}/ratings": R(
        ORGANISERS_A | VOLUNTEER, NONE, body={"score": 5, "timeliness": 5, "quality": 5, "communication": 5}
    ),
    "POST /api/v1/twinnings/{twinning_id:int}/accept": R(STREET),
    "POST /api/v1/twinnings/{twinning_id:int}/decline": R(STREET),
    "POST /api/v1/twinnings/{twinning_id:int}/end": R(STREET),
    "POST /api/v1/twinnings/{twinning_id:int}/ratings": R(
        frozenset({"admin_a", "staff_a", "liaison"}),
        NONE,
        body={"score": 5, "timeliness": 5, "quality": 5, "communication": 5},
    ),
    "POST /api/v1/volunteers/register": R(PUBLIC),
    # The team leader decides (docs/volunteers.md): not the team's other members, not the one who asked.
    "POST /api/v1/volunteers/team-requests/{request_id:int}/approve": R(LEADER, NONE),
    "POST /api/v1/volunteers/team-requests/{request_id:int}/reject": R(LEADER, NONE),
    "POST /api/v1/volunteers/teams/{team_id:int}/join": R(ALL, ALL),  # anyone may ask to join any team
    "POST /api/v1/volunteers/{volunteer_id:int}/hours": R(ADMIN_A | LEADER, body={"hours": 2, "reason": "抢险"}),
    "POST /areas/import": R(ADMIN_A, body={"__file__": "名称,级别\n"}),
    "POST /areas/{area_id:int}/children": R(ADMIN_A, body={"name": "新网格", "level": "grid"}),
    "POST /areas/{area_id:int}/delete": R(STREET),
    "POST /areas/{area_id:int}/edit": R(STREET, body={"name": "改名"}),
    "POST /calls/new": R(
        CALL_ISSUERS_A, body={"issuer_id": "@org_id", "title": "号召", "categories": "other", "quantity": "1"}
    ),
    "POST /calls/{call_id:int}/close": R(CALL_KEEPERS_A),
    "POST /calls/{call_id:int}/pledge": R(LIAISON, body={"organization_id": "@organization_id", "quantity": "1"}),
    "POST /calls/{call_id:int}/responses/{response_id:int}/match": R(
        CALL_KEEPERS_A, body={"need_id": "@need_id", "quantity": "1"}
    ),
    "POST /colour-policy": R(
        COUNTY,
        body={
            k: str(v)
            for k, v in {
                "red_respond_hours": 2,
                "red_resolve_hours": 24,
                "orange_respond_hours": 2,
                "orange_resolve_hours": 24,
                "yellow_respond_hours": 2,
                "yellow_resolve_hours": 24,
                "green_respond_hours": 2,
                "green_resolve_hours": 24,
            }.items()
        },
    ),
    "POST /communities/{community_id:int}/profile": R(STREET, body={"population": "100", "grid_workers": "2"}),
    "POST /helpers/{org_id:int}/profile": R(
        STREET | LIAISON, params={"org_id": "organization_id"}, body={"capacity": "2"}
    ),
    "POST /locale": R(PUBLIC),
    "POST /login": R(PUBLIC),
    "POST /logout": R(ALL),
    "POST /matches/new": R(
        COMMUNITY_STAFF_A | LIAISON, body={"need_id": "@need_id", "offer_id": "@offer_id", "quantity": "1"}
    ),
    "POST /matches/{match_id:int}/rate": R(
        COMMUNITY_STAFF_A | LIAISON, body={"score": "5", "timeliness": "5", "quality": "5", "communication": "5"}
    ),
    "POST /matches/{match_id:int}/{action:str}": R(COMMUNITY_STAFF_A | LIAISON, params={"action": "cancel"}),
    "POST /my/signups/{signup_id:int}/rating": R(
        VOLUNTEER, NONE, body={"score": "5", "timeliness": "5", "quality": "5", "communication": "5"}
    ),
    "POST /needs/import": R(COMMUNITY_STAFF_A, body={"__file__": "标题\n"}),
    "POST /needs/new": R(
        COMMUNITY_STAFF_A, body={"community_id": "@org_id", "title": "新需求", "category": "other", "quantity": "1"}
    ),
    "POST /needs/{need_id:int}/{action:str}": R(COMMUNITY_STAFF_A, params={"action": "cancel"}),
    "POST /notifications/read": R(ALL),
    "POST /offers/import": R(UNITS, body={"__file__": "标题\n"}),
    "POST /offers/new": R(
        LIAISON, body={"organization_id": "@organization_id", "title": "新资源", "category": "other", "capacity": "1"}
    ),
    "POST /offers/{offer_id:int}/{action:str}": R(LIAISON, params={"action": "withdraw"}),
    "POST /organizations/new": R(ADMIN_A, body={"name": "新单位", "kind": "enterprise", "area_id": "@area_id"}),
    "POST /organizations/{org_id:int}/edit": R(ADMIN_A, body={"name": "改名"}),
    "POST /organizations/{org_id:int}/register": R(
        ROSTER_KEEPERS_A | LIAISON, params={"org_id": "organization_id"}, body={"community_id": "@community_id"}
    ),
    # A unit's 报到 (the enterprise with 社区B, the east street's other community; outside, the village with
    # 社区C): the offices over the community and the unit's liaison; 社区A's people keep only their own roster.
    "POST /registrations/{registration_id:int}/end": R(
        STREET | LIAISON, params={"registration_id": "unit_registration_id"}
    ),
    "POST /roster/invitations/{invitation_id:int}/{answer:str}": R(VOLUNTEER, NONE, params={"answer": "accept"}),
    "POST /runs": R(ADMIN_A, body={"kind": "allocation", "area_id": "@area_id"}),
    "POST /runs/{run_id:int}/cancel": R(ADMIN_A),
    "POST /runs/{run_id:int}/publish": R(ADMIN_A),
    "POST /shifts/{shift_id:int}/attendance": R(
        ORGANISERS_A, NONE, body={"action": "no_show", "signup_ids": "@signup_id"}
    ),
    "POST /shifts/{shift_id:int}/check-in": R(ALL, ALL, body={"code": "000000"}),
    "POST /shifts/{shift_id:int}/edit": R(
        ORGANISERS_A, NONE, body={"start": "2026-12-01T09:00", "end": "2026-12-01T11:00", "slots": "5"}
    ),
    "POST /shifts/{shift_id:int}/ratings/{signup_id:int}": R(
        ORGANISERS_A, NONE, body={"score": "5", "timeliness": "5", "quality": "5", "communication": "5"}
    ),
    "POST /shifts/{shift_id:int}/signups": R(ALL - ORGANISERS_A, ALL),
    "POST /signups/{signup_id:int}/cancel": R(ORGANISERS_A | VOLUNTEER, NONE),
    "POST /twinnings/{twinning_id:int}/rate": R(
        frozenset({"admin_a", "staff_a", "liaison"}),
        NONE,
        body={"score": "5", "timeliness": "5", "quality": "5", "communication": "5"},
    ),
    "POST /twinnings/{twinning_id:int}/{action:str}": R(STREET, params={"action": "end"}),
    "POST /volunteers/register": R(PUBLIC),
    "POST /volunteers/team-requests/{request_id:int}/{decision:str}": R(LEADER, NONE, params={"decision": "approve"}),
    "POST /volunteers/teams/{team_id:int}/join": R(ALL, ALL),
    "POST /volunteers/{volunteer_id:int}/hours": R(ADMIN_A | LEADER, body={"hours": "2", "reason": "抢险"}),
    "PUT /api/v1/colour-policies/{county_id:int}": R(
        COUNTY,
        NONE,  # a county's admins, not another county's
        body={
            "red_respond_hours": 2,
            "red_resolve_hours": 24,
            "orange_respond_hours": 2,
            "orange_resolve_hours": 24,
            "yellow_respond_hours": 2,
            "yellow_resolve_hours": 24,
            "green_respond_hours": 2,
            "green_resolve_hours": 24,
        },
    ),
    "PUT /api/v1/communities/{community_id:int}/profile": R(STREET, body={"population": 100, "grid_workers": 2}),
    "PUT /api/v1/helpers/{organization_id:int}/profile": R(STREET | LIAISON, body={"capacity": 2}),
    # 岗位, 挂牌上岗, workload and 报到 (docs/posts.md)
    "GET /api/v1/areas/{area_id:int}/posts": R(COMMUNITY_A),
    "GET /api/v1/areas/{area_id:int}/workload": R(COMMUNITY_A),
    # A unit's 报到 record names its party members: staff where it is located or registered, not every street.
    "GET /api/v1/organizations/{org_id:int}/service-record": R(STREET | LIAISON, params={"org_id": "organization_id"}),
    "GET /api/v1/organizations/{org_id:int}/service-report.xlsx": R(
        STREET | LIAISON, params={"org_id": "organization_id"}, query={"year": 2026}
    ),
    "GET /api/v1/post-policies/{county_id:int}": R(COMMUNITY_A, NONE),
    "GET /api/v1/posts": R(ALL),
    # a post on 网格A1 inside, on 社区C outside: staff covering its area read it, those who staff it end it
    "GET /api/v1/posts/{post_id:int}": R(COMMUNITY_A),
    "GET /areas/{area_id:int}/posts": R(COMMUNITY_A),
    "GET /cards/{area_id:int}": R(PUBLIC, params={"area_id": "grid_id"}),
    "GET /cards/{area_id:int}/print": R(PUBLIC, params={"area_id": "grid_id"}),
    "GET /cards/{area_id:int}/qr.png": R(PUBLIC, params={"area_id": "grid_id"}),
    "GET /organizations/{org_id:int}/service-record": R(STREET | LIAISON, params={"org_id": "organization_id"}),
    "GET /organizations/{org_id:int}/service-report.xlsx": R(
        STREET | LIAISON, params={"org_id": "organization_id"}, query={"year": "2026"}
    ),
    "GET /posts": R(ALL),
    "GET /posts/import": R(ADMIN_A),
    "GET /posts/import/template.xlsx": R(ALL),
    "GET /posts/panel": R(ALL),
    "GET /posts/policy/{county_id:int}": R(COMMUNITY_A, NONE),
    "GET /posts/workload": R(COMMUNITY_A),
    "POST /api/v1/areas/{area_id:int}/posts": R(ADMIN_A, body={"kind": "grid_chief", "contact_name": "甲"}),
    "POST /api/v1/posts": R(ADMIN_A, body={"area_id": "@area_id", "kind": "grid_chief", "contact_name": "甲"}),
    "POST /api/v1/posts/{post_id:int}/end": R(ADMIN_A),
    "POST /areas/{area_id:int}/duty-card": R(
        ADMIN_A, STREET, params={"area_id": "grid_id"}, body={"service_hours": "8-17"}
    ),
    "POST /areas/{area_id:int}/posts": R(ADMIN_A, body={"kind": "grid_chief", "contact_name": "甲"}),
    "POST /posts/import": R(ADMIN_A, body={"__file__": "区域编码,岗位\n"}),
    "POST /posts/policy/{county_id:int}": R(
        COUNTY,
        NONE,
        body={"departments": "water 水务 Water", "split_population": "8000", "split_residents_per_worker": "1200"},
    ),
    "POST /posts/{post_id:int}/end": R(ADMIN_A),
    "PUT /api/v1/areas/{area_id:int}/duty-card": R(
        ADMIN_A, STREET, params={"area_id": "grid_id"}, body={"service_hours": "8-17"}
    ),
    "PUT /api/v1/post-policies/{county_id:int}": R(COUNTY, NONE, body={"split_population": 8000}),
    # Residents' reports (接诉即办): the public side, and staff by scope (see docs/resident-reports.md).
    "GET /report/{area_id:int}": R(PUBLIC),
    "POST /report/{area_id:int}": R(PUBLIC),
    "GET /track": R(PUBLIC),
    "GET /track/{code:str}": R(PUBLIC, params={"code": "@report_code"}),
    "POST /track/{code:str}/rating": R(PUBLIC, params={"code": "@report_code"}),
    "POST /api/v1/resident-reports": R(PUBLIC),
    "GET /api/v1/resident-reports/track/{code:str}": R(PUBLIC, params={"code": "@report_code"}),
    "POST /api/v1/resident-reports/track/{code:str}/rating": R(PUBLIC, params={"code": "@report_code"}),
    "GET /api/v1/resident-reports": R(ALL),
    "GET /api/v1/resident-reports/kpis": R(COMMUNITY_A),
    "GET /api/v1/resident-reports/{report_id:int}": R(COMMUNITY_A),
    "GET /api/v1/resident-reports/{report_id:int}/photos/{photo_id:int}": R(NONE, NONE),
    "POST /api/v1/resident-reports/{report_id:int}/accept": R(frozenset({"admin_a", "staff_a", "grid_a"}), NONE),
    "POST /api/v1/resident-reports/{report_id:int}/triage": R(NONE, NONE, body={"urgency": 3, "importance": 3}),
    "POST /api/v1/resident-reports/{report_id:int}/resolve": R(NONE, NONE, body={"note": "已处理"}),
    "POST /api/v1/resident-reports/{report_id:int}/refer": R(NONE, NONE, body={"title": "外部维修"}),
    "POST /api/v1/resident-reports/{report_id:int}/transfer": R(
        NONE, NONE, body={"account_id": "@account_id", "reason": "换人处理"}
    ),
    "POST /api/v1/resident-reports/{report_id:int}/reassign": R(
        frozenset({"admin_a"}), NONE, body={"account_id": "@account_id", "reason": "换人处理"}
    ),
    "POST /api/v1/resident-reports/{report_id:int}/chase": R(frozenset({"admin_a"}), NONE, body={"note": "请尽快"}),
    "GET /resident-reports": R(ALL),
    "GET /resident-reports/kpis": R(COMMUNITY_A),
    "GET /resident-reports/kpis/section": R(COMMUNITY_A),
    "GET /resident-reports/{report_id:int}": R(COMMUNITY_A),
    "GET /resident-reports/{report_id:int}/photos/{photo_id:int}": R(NONE, NONE),
    "POST /resident-reports/{report_id:int}/{action:str}": R(
        frozenset({"admin_a", "staff_a", "grid_a"}), NONE, params={"action": "accept"}
    ),
    # 双向定级考核, 年度绩效, 以强帮弱, 督查通报 (issue 15). No round or report exists in this world: their ids are
    # objects nobody may see; an organisation's grading answers 404 to all while it has no round.
    "GET /api/v1/grading-rounds": R(ALL),
    "POST /api/v1/grading-rounds": R(COUNTY, body={"year": 2026}),
    "GET /api/v1/grading-rounds/{round_id:int}": R(NONE, NONE),
    "POST /api/v1/grading-rounds/{round_id:int}/close": R(NONE, NONE),
    "GET /api/v1/grading-rounds/{round_id:int}/assignments": R(NONE, NONE),
    "GET /api/v1/grading-rounds/{round_id:int}/results": R(NONE, NONE),
    "GET /api/v1/grading-rounds/{round_id:int}/export.xlsx": R(NONE, NONE),
    "GET /api/v1/grading-assignments/{assignment_id:int}": R(NONE, NONE),
    "POST /api/v1/grading-assignments/{assignment_id:int}/grade": R(NONE, NONE, body={"scores": {"quality": 3}}),
    "POST /api/v1/grading-assignments/{assignment_id:int}/reply": R(NONE, NONE, body={"body": "收到"}),
    "GET /api/v1/organizations/{organization_id:int}/grading": R(NONE, NONE),
    "GET /api/v1/grading-settings/{county_id:int}": R(ALL, NONE),
    "PUT /api/v1/grading-settings/{county_id:int}": R(COUNTY, NONE, body={"year_from": 2026}),
    "GET /api/v1/scorecards": R(COMMUNITY_A),
    "GET /api/v1/fairness": R(STREET),
    "GET /api/v1/match-runs/{run_id:int}/fairness": R(COMMUNITY_A),
    "GET /api/v1/supervision-reports": R(ALL),
    "POST /api/v1/supervision-reports": R(STREET, body={"area_id": "@area_id"}),
    "GET /api/v1/supervision-reports/{report_id:int}": R(NONE, NONE),
    "GET /api/v1/supervision-reports/{report_id:int}/report.pdf": R(NONE, NONE),
    "GET /api/v1/supervision-reports/{report_id:int}/report.xlsx": R(NONE, NONE),
    "POST /api/v1/supervision-reports/{report_id:int}/publish": R(NONE, NONE),
    "GET /api/v1/supervision-schedules/{area_id:int}": R(STREET),
    "PUT /api/v1/supervision-schedules/{area_id:int}": R(STREET, body={"enabled": True}),
    "GET /grading": R(ALL),
    "POST /grading/rounds": R(COUNTY, body={"year": "2026"}),
    "GET /grading/rounds/{round_id:int}": R(NONE, NONE),
    "POST /grading/rounds/{round_id:int}/close": R(NONE, NONE),
    "GET /grading/rounds/{round_id:int}/export.xlsx": R(NONE, NONE),
    "GET /grading/assignments/{assignment_id:int}": R(NONE, NONE),
    "POST /grading/assignments/{assignment_id:int}/grade": R(NONE, NONE, body={"score_quality": "3"}),
    "POST /grading/assignments/{assignment_id:int}/reply": R(
        NONE, NONE, body={"organization_id": "@organization_id", "body": "收到"}
    ),
    "GET /grading/organizations/{org_id:int}": R(NONE, NONE),
    "GET /grading/organizations/{org_id:int}/panel": R(NONE, NONE),
    "GET /grading/settings": R(COUNTY),
    "POST /grading/settings": R(
        COUNTY,
        body={"year_from": "2026", "threshold_excellent": "4.5", "threshold_good": "3.5", "threshold_fair": "2.5"},
    ),
    "GET /scorecards": R(COMMUNITY_A),
    "GET /fairness": R(STREET),
    "GET /runs/{run_id:int}/fairness": R(COMMUNITY_A),
    "GET /supervision": R(ALL),
    "POST /supervision/reports": R(STREET, body={"area_id": "@area_id"}),
    "POST /supervision/schedules/{area_id:int}": R(STREET, body={"enabled": "on"}),
    "GET /supervision/reports/{report_id:int}": R(NONE, NONE),
    "GET /supervision/reports/{report_id:int}/progress": R(NONE, NONE),
    "GET /supervision/reports/{report_id:int}/report.pdf": R(NONE, NONE),
    "GET /supervision/reports/{report_id:int}/report.xlsx": R(NONE, NONE),
    "POST /supervision/reports/{report_id:int}/publish": R(NONE, NONE),
    # Issue 11: set-up from Excel (county, street and community admins only; no object scope),
    # need corrections (the community's own staff: can_manage, not the offices above it), page downloads of hours, a run's "accept mine".
    "GET /setup": R(ADMIN_A),
    "GET /setup/templates/{name:str}": R(ADMIN_A, ADMIN_A, params={"name": "organizations.xlsx"}),
    "GET /api/v1/setup/templates/{name:str}": R(ADMIN_A, ADMIN_A, params={"name": "organizations.xlsx"}),
    "POST /setup/import/{name:str}": R(ADMIN_A, ADMIN_A, params={"name": "organizations"}, body={"__file__": "名称\n"}),
    "POST /api/v1/setup/import/{name:str}": R(
        ADMIN_A, ADMIN_A, params={"name": "organizations"}, body={"__file__": "名称\n"}
    ),
    "GET /needs/{need_id:int}/edit": R(COMMUNITY_STAFF_A, NONE),
    # offer edits: the unit's own liaison (can_manage), as PATCH /api/v1/offers/{offer_id} decides
    "GET /offers/{offer_id:int}/edit": R(LIAISON, NONE),
    "POST /offers/{offer_id:int}/edit": R(LIAISON, NONE, body={"title": "改名"}),
    "POST /needs/{need_id:int}/edit": R(COMMUNITY_STAFF_A, NONE, body={"title": "改名"}),
    "GET /volunteers/hours.xlsx": R(frozenset({"admin_a", "staff_a"}), query={"organization_id": "@community_id"}),
    "GET /volunteers/{volunteer_id:int}/hours.xlsx": R(COMMUNITY_A | {"leader", "volunteer"}),
    # the sides of the inside run's proposal: 社区A's own people and the enterprise's liaison (docs/trust.md)
    "POST /runs/{run_id:int}/accept-mine": R(COMMUNITY_STAFF_A | LIAISON, NONE),
    "POST /api/v1/match-runs/{run_id:int}/accept-mine": R(COMMUNITY_STAFF_A | LIAISON, NONE),
}

# The grid's own records (households, visits, meetings; docs/households.md). Residents' records are read by the
# posts of the household's grid (grid_a on 网格A1), the community's admins and an account the community granted
# (street_east, read only); kept (written) by the posts and the admins only. Street and county offices see
# counts, never records; the community's staff without a post or grant (staff_a) nothing. Minutes are read by
# the community's own people and the grid's posts, meetings held by the posts and the admins.
A_ONLY = frozenset({"admin_a"})
KEEPERS = frozenset({"admin_a", "grid_a"})  # the community's admin and the post on the household's grid
READERS = KEEPERS | {"street_east"}  # and the account granted 网格A1's records
GRANT = {"account_id": "@account_id", "area_id": "@area_id", "purpose": "核对", "ends_at": "2026-11-25T00:00:00+08:00"}
HOUSEHOLD = {"grid_id": "@grid_id", "building": "1号楼", "door": "102"}
MATRIX.update(
    {
        "GET /api/v1/access-grants": R(A_ONLY, query={"community_id": "@community_id"}),
        "POST /api/v1/access-grants": R(A_ONLY, body=GRANT),
        "POST /api/v1/access-grants/{grant_id:int}/revoke": R(A_ONLY, NONE),
        "GET /api/v1/households": R(ALL),
        "POST /api/v1/households": R(KEEPERS, body=HOUSEHOLD),
        "GET /api/v1/households/counts": R(COMMUNITY_A, query={"area_id": "@area_id"}),
        "GET /api/v1/households/export.xlsx": R(KEEPERS, audited=True, query={"community_id": "@community_id"}),
        "GET /api/v1/households/template.xlsx": R(ALL),
        "POST /api/v1/households/import": R(
            KEEPERS, body={"__file__": "网格,门牌,姓名\n"}, query={"community_id": "@community_id"}
        ),
        "GET /api/v1/households/{household_id:int}": R(READERS, NONE, audited=True),
        "PATCH /api/v1/households/{household_id:int}": R(KEEPERS, NONE, body={"door": "102"}),
        "POST /api/v1/households/{household_id:int}/move-out": R(KEEPERS, NONE),
        "POST /api/v1/households/{household_id:int}/residents": R(KEEPERS, NONE, body={"name": "甲"}),
        "GET /api/v1/residents/{resident_id:int}": R(READERS, NONE, audited=True),
        "PATCH /api/v1/residents/{resident_id:int}": R(KEEPERS, NONE, body={"relation": "户主"}),
        "POST /api/v1/residents/{resident_id:int}/move-out": R(KEEPERS, NONE),
        "POST /api/v1/residents/{resident_id:int}/reveal-id": R(READERS, NONE, body={"reason": "核对"}),
        "POST /api/v1/residents/search": R(ALL, body={"id_number": "370102195001011234", "purpose": "核对"}),
        "GET /api/v1/record-access": R(A_ONLY | COUNTY, query={"community_id": "@community_id"}),
        "PUT /api/v1/resident-tags/{county_id:int}": R(COUNTY, NONE, body={"tags": ["独居"]}),
        "GET /api/v1/visit-plans/{community_id:int}": R(COUNTY | {"admin_a", "staff_a", "grid_a"}, COUNTY),
        "PUT /api/v1/visit-plans/{community_id:int}": R(A_ONLY, NONE, body={"plans": {"empty_nest_elderly": 7}}),
        "GET /api/v1/visits": R(READERS, audited=True, query={"household_id": "@household_id"}),
        "POST /api/v1/visits": R(KEEPERS, body={"household_id": "@household_id"}),
        # a visit's follow-up: its visitor (grid_a) and the keepers of the household; a grant only reads
        "POST /api/v1/visits/{visit_id:int}/report": R(KEEPERS, NONE, body={"description": "楼道灯坏了"}),
        "GET /api/v1/visits/coverage": R(COMMUNITY_A, query={"area_id": "@area_id"}),
        "GET /api/v1/visits/due": R(ALL),
        "GET /api/v1/meetings": R(COMMUNITY_STAFF_A, query={"grid_id": "@grid_id"}),
        "POST /api/v1/meetings": R(KEEPERS, body={"grid_id": "@grid_id", "held_on": "2026-11-19"}),
        "GET /api/v1/meetings/by-month": R(COMMUNITY_A, query={"community_id": "@community_id", "month": "2026-11"}),
        "GET /api/v1/meetings/open-items": R(COMMUNITY_STAFF_A, query={"grid_id": "@grid_id"}),
        "GET /api/v1/meetings/{meeting_id:int}": R(COMMUNITY_STAFF_A, NONE),
        "POST /api/v1/action-items/{item_id:int}/done": R(KEEPERS, NONE),
        "POST /api/v1/action-items/{item_id:int}/need": R(KEEPERS, NONE, body={"category": "other"}),
        "GET /households": R(ALL),
        "POST /households/new": R(KEEPERS, body=HOUSEHOLD),
        "GET /households/{household_id:int}": R(READERS, NONE, audited=True),
        "POST /households/{household_id:int}/residents": R(KEEPERS, NONE, body={"name": "甲"}),
        "GET /households/{household_id:int}/residents/{resident_id:int}/edit": R(KEEPERS, NONE, audited=True),
        "POST /households/{household_id:int}/residents/{resident_id:int}/edit": R(KEEPERS, NONE, body={"name": "甲"}),
        "POST /households/{household_id:int}/residents/{resident_id:int}/reveal": R(
            READERS, NONE, body={"reason": "核对"}
        ),
        "POST /households/{household_id:int}/residents/{resident_id:int}/move-out": R(KEEPERS, NONE),
        "POST /households/{household_id:int}/move-out": R(KEEPERS, NONE),
        "GET /households/export.xlsx": R(KEEPERS, audited=True),
        "GET /households/template.xlsx": R(ALL),
        "POST /households/import": R(KEEPERS, body={"__file__": "网格,门牌,姓名\n"}),
        "GET /households/grants": R(A_ONLY),
        "POST /households/grants": R(A_ONLY, body={**GRANT, "ends_at": None, "ends_on": "2026-11-25"}),
        "POST /households/grants/{grant_id:int}/revoke": R(A_ONLY, NONE),
        "GET /visits": R(ALL),
        "GET /visits/new/{household_id:int}": R(KEEPERS, NONE),
        "POST /visits/new/{household_id:int}": R(KEEPERS, NONE, body={"method": "home"}),
        "GET /visits/{visit_id:int}/report": R(KEEPERS, NONE, audited=True),
        "POST /visits/{visit_id:int}/report": R(KEEPERS, NONE, body={"description": "楼道灯坏了"}),
        "GET /visits/coverage": R(COMMUNITY_A),
        "GET /visits/plans": R(A_ONLY),
        "POST /visits/plans": R(A_ONLY, body={"empty_nest_elderly": "7"}),
        "GET /meetings": R(COMMUNITY_A, query={"community_id": "@community_id"}),
        "GET /meetings/new": R(KEEPERS, query={"grid_id": "@grid_id"}),
        "POST /meetings/new": R(KEEPERS, body={"grid_id": "@grid_id", "held_on": "2026-11-19"}),
        "GET /meetings/{meeting_id:int}": R(COMMUNITY_STAFF_A, NONE),
        "POST /meetings/{meeting_id:int}/items/{item_id:int}/done": R(KEEPERS, NONE),
        "POST /meetings/{meeting_id:int}/items/{item_id:int}/need": R(KEEPERS, NONE, body={"category": "other"}),
    }
)
