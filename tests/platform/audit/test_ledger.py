"""The audit log reads like a ledger: Chinese action names, object names with links, labelled fields, China time."""

from factories import make_need, make_world, page_login
from jinlin.audit.tables import AuditEvent
from jinlin.core import clock


async def test_the_ledger_names_actions_objects_and_fields_in_chinese_with_china_time(client):
    w = await make_world()
    need = await make_need("admin_a", w.orgs["comm_a"], title="楼道灯维修", quantity=3)
    event = (
        await AuditEvent.select().where((AuditEvent.object_type == "need") & (AuditEvent.action == "create")).first()
    )
    await page_login(client, "county")
    html = (await client.get("/audit")).text
    assert "<td>新建</td>" in html
    assert f'需求\n        <a href="/needs/{need.id}">楼道灯维修</a>' in html
    assert "<strong>数量</strong>" in html
    assert clock.local(event["at"], "%Y-%m-%d %H:%M") in html and "时间均为北京时间" in html
    assert '<select name="object_type"' in html and '<option value="need"' in html
    assert '<select name="action"' in html
    filtered = (await client.get("/audit?object_type=need&action=create")).text
    assert "楼道灯维修" in filtered and "<td>登录</td>" not in filtered
