"""Bulk set-up from Excel: templates, all-or-nothing imports, every bad row answered in Chinese."""

import io

from openpyxl import load_workbook

from factories import csrf_token, login, make_world, page_login
from jinlin.accounts.tables import Account, Membership
from jinlin.audit.tables import AuditEvent
from jinlin.orgs.tables import Organization, Registration


async def _template(client, headers, name):
    r = await client.get(f"/api/v1/setup/templates/{name}.xlsx", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(r.content))


async def _filled(client, headers, name, rows) -> bytes:
    """The downloaded template with rows typed into its first sheet, as a county office would."""
    book = await _template(client, headers, name)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _upload(client, headers, name, content):
    return await client.post(
        f"/api/v1/setup/import/{name}",
        headers=headers,
        files={"file": (f"{name}.xlsx", content, "application/octet-stream")},
    )


async def test_each_template_has_chinese_headers_an_instructions_sheet_and_drop_downs(client):
    await make_world()
    headers = await login(client, "county")
    for name, first, listed in (
        ("organizations", "名称", "企业"),
        ("accounts", "用户名", "网格员"),
        ("registrations", "单位名称", "党员报到"),
    ):
        book = await _template(client, headers, name)
        assert book.sheetnames[1] == "填写说明"
        assert book.active.cell(1, 1).value == first and book.active.max_row == 1
        assert any(listed in v.formula1 for v in book.active.data_validations.dataValidation)


async def test_a_good_organisation_file_imports_every_row_with_an_audit_row_each(client):
    w = await make_world()
    headers = await login(client, "county")
    content = await _filled(
        client,
        headers,
        "organizations",
        [
            ["清河供电公司", "企业", "东街道", "王建国", "13800001111", ""],
            ["夕阳红志愿队", "志愿队伍", "测试县 › 西街道", "", "", "老年志愿者"],
        ],
    )
    r = await _upload(client, headers, "organizations", content)
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 2
    power = await Organization.select().where(Organization.name == "清河供电公司").first()
    assert power["kind"] == "enterprise" and power["area"] == w.areas["east"]["id"]
    team = await Organization.select().where(Organization.name == "夕阳红志愿队").first()
    assert team["kind"] == "volunteer_team" and team["area"] == w.areas["west"]["id"]
    assert (
        await AuditEvent.count().where(
            (AuditEvent.object_type == "organization") & AuditEvent.object_id.is_in(r.json()["ids"])
        )
        == 2
    )


async def test_a_bad_organisation_file_lists_every_error_in_chinese_and_imports_nothing(client):
    await make_world()
    headers = await login(client, "street_east")
    before = await Organization.count()
    content = await _filled(
        client,
        headers,
        "organizations",
        [
            ["好单位", "企业", "东街道", "", "", ""],
            ["", "外星组织", "火星", "", "call-me", ""],
            ["越界单位", "企业", "西街道", "", "", ""],
            ["好单位", "企业", "东街道", "", "", ""],
        ],
    )
    r = await _upload(client, headers, "organizations", content)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "import_rejected" and "未导入任何数据" in error["message"]
    fields = error["fields"]
    assert set(fields) == {"row 3", "row 4", "row 5"}
    assert fields["row 3"] == (
        "名称: 必填，最多 120 个字; 类型: 请从下拉列表中选择; 所在区域: 没有名为“火星”的区域; "
        "联系电话: 只能包含数字、空格、+ 和 -"
    )
    assert fields["row 4"] == "所在区域: 超出您的管理范围"
    assert fields["row 5"] == "名称: 与第 2 行重复"
    assert await Organization.count() == before


async def test_a_bad_file_answers_every_problem_of_a_row_on_the_page(client):
    await make_world()
    await page_login(client, "county")
    token = await csrf_token(client, "/setup")
    content = await _filled(
        client, await login(client, "county"), "organizations", [["", "外星组织", "火星", "", "call-me", ""]]
    )
    r = await client.post(
        "/setup/import/organizations",
        data={"_csrf_token": token},
        files={"file": ("orgs.xlsx", content, "application/octet-stream")},
    )
    assert r.status_code == 400
    html = r.text
    for column, reason in (
        ("名称", "必填，最多 120 个字"),
        ("类型", "请从下拉列表中选择"),
        ("所在区域", "没有名为“火星”的区域"),
        ("联系电话", "只能包含数字、空格、+ 和 -"),
    ):
        assert f"<td>2</td><td>{column}</td><td>{reason}</td>" in html


async def test_imported_accounts_get_a_one_time_password_shown_once_and_must_change_it(client):
    w = await make_world()
    headers = await login(client, "county")
    content = await _filled(
        client,
        headers,
        "accounts",
        [
            ["wangjg", "王建国", "13800001111", "鑫源建材有限公司", "单位联络员"],
            ["lixia", "李霞", "", "社区A居委会", "grid_worker"],
        ],
    )
    r = await _upload(client, headers, "accounts", content)
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    made = {a["username"]: a for a in r.json()["accounts"]}
    assert set(made) == {"wangjg", "lixia"} and len(made["wangjg"]["one_time_password"]) >= 12
    row = await Account.select().where(Account.username == "lixia").first()
    assert row["must_change_password"] and made["lixia"]["one_time_password"] not in row["password_hash"]
    assert await Membership.exists().where(
        (Membership.account == row["id"])
        & (Membership.role == "grid_worker")
        & (Membership.organization == w.orgs["comm_a"]["id"])
    )
    # First login: every page sends them to choose a password, until they do.
    await page_login(client, "lixia", made["lixia"]["one_time_password"])
    r = await client.get("/needs")
    assert r.status_code in (302, 303) and r.headers["location"] == "/accounts/me"
    token = await csrf_token(client, f"/accounts/{row['id']}")
    r = await client.post(
        f"/accounts/{row['id']}",
        data={
            "_csrf_token": token,
            "display_name": "李霞",
            "phone": "",
            "locale": "zh_CN",
            "current_password": made["lixia"]["one_time_password"],
            "password": "my-own-password-1",
        },
    )
    assert r.status_code in (200, 302, 303), r.text
    assert not (await Account.select().where(Account.username == "lixia").first())["must_change_password"]
    assert (await client.get("/needs")).status_code == 200


async def test_a_bad_accounts_file_names_each_problem_and_creates_no_account(client):
    await make_world()
    headers = await login(client, "admin_a")
    before = await Account.count()
    content = await _filled(
        client,
        headers,
        "accounts",
        [
            ["x", "某人", "", "社区A居委会", "网格员"],
            ["staff_a", "重名", "", "社区A居委会", "网格员"],
            ["newboss", "新书记", "", "社区A居委会", "县级管理员"],
            ["ent", "企业人", "", "鑫源建材有限公司", "网格员"],
            ["nobody", "无名", "", "不存在的组织", "网格员"],
        ],
    )
    r = await _upload(client, headers, "accounts", content)
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert fields == {
        "row 2": "用户名: 3–60 位字母、数字、_ . 或 -",
        "row 3": "用户名: 已被占用",
        "row 4": "角色: 社区不能有县级管理员",
        "row 5": "角色: 企业不能有网格员",
        "row 6": "所属组织: 没有名为“不存在的组织”的组织",
    }
    assert await Account.count() == before


async def test_registrations_import_units_and_party_members_and_refuses_bad_rows(client):
    w = await make_world()
    headers = await login(client, "street_east")
    good = await _filled(
        client,
        headers,
        "registrations",
        [
            ["鑫源建材有限公司", "社区A居委会", "单位报到", "", "双报到"],
            ["鑫源建材有限公司", "社区B居委会", "unit", "", ""],
            ["鑫源建材有限公司", "社区A居委会", "党员报到", "liaison", "在职党员"],
        ],
    )
    r = await _upload(client, headers, "registrations", good)
    assert r.status_code == 201, r.text
    assert await Registration.count().where(Registration.organization == w.orgs["enterprise"]["id"]) == 3
    again = await _filled(
        client,
        headers,
        "registrations",
        [
            ["鑫源建材有限公司", "社区A居委会", "单位报到", "", ""],
            ["社区B居委会", "社区A居委会", "单位报到", "", ""],
            ["鑫源建材有限公司", "东街道办事处", "单位报到", "", ""],
            ["鑫源建材有限公司", "社区A居委会", "党员报到", "", ""],
        ],
    )
    before = await Registration.count()
    r = await _upload(client, headers, "registrations", again)
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert fields["row 2"] == "报到社区: 已在该社区报到"
    assert fields["row 3"] == "单位名称: 社区不是共建单位"
    assert fields["row 4"] == "报到社区: 不是社区"
    assert fields["row 5"] == "党员用户名: 党员报到必填"
    assert await Registration.count() == before


async def test_a_unit_liaison_may_not_use_bulk_set_up(client):
    await make_world()
    r = await client.post(
        "/api/v1/setup/import/organizations",
        headers=await login(client, "liaison"),
        files={"file": ("o.csv", "名称,类型,所在区域\n甲,企业,东街道\n".encode(), "text/csv")},
    )
    assert r.status_code == 403
    assert await Organization.count().where(Organization.name == "甲") == 0
