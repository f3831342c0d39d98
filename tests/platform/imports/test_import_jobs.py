"""Large imports run as background jobs (embedded shape: a task of the web process), small ones as before."""

from __future__ import annotations

import dataclasses

import pytest
from importdata import needs_csv

from factories import login, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.core import tabular
from jinlin.core.settings import get_settings
from jinlin.imports import service
from jinlin.imports.tables import ImportJob, ImportUpload
from jinlin.needs.tables import Need


async def _start(client, headers, content, community_id=None, name="needs.csv"):
    return await client.post(
        "/api/v1/needs/import",
        headers=headers,
        files={"file": (name, content)},
        params={"community_id": community_id} if community_id else {},
    )


async def test_a_large_file_answers_202_and_its_job_imports_every_row_exactly_once(
    client, small_threshold, monkeypatch
):
    w = await make_world()
    staff = await login(client, "staff_a")
    seen: list[int] = []
    real_yield = tabular.yield_to_writers

    async def watch() -> None:  # between batches: what the progress API says right then
        seen.append(job_row["rows_done"] if (job_row := await _job_row()) else -1)
        await real_yield()

    async def _job_row():
        return await ImportJob.select(ImportJob.rows_done).order_by(ImportJob.id, ascending=False).first()

    monkeypatch.setattr(tabular, "yield_to_writers", watch)
    r = await _start(client, staff, needs_csv(230))
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "queued" and r.headers["location"] == body["status_url"]
    assert body["page_url"] == f"/imports/{body['job_id']}"
    job = await service.wait_for(body["job_id"])
    assert job.status == "done" and job.imported == 230
    assert seen == [50, 100, 150, 200]  # progress moved batch by batch (the last batch needs no pause)
    r = await client.get(body["status_url"], headers=staff)
    assert r.status_code == 200
    shown = r.json()
    assert (shown["status"], shown["rows_total"], shown["rows_done"], shown["imported"]) == ("done", 230, 230, 230)
    assert await Need.count().where(Need.community_id == w.orgs["comm_a"]["id"]) == 230
    assert await Need.count().where(Need.title == "助餐7") == 1
    r = await client.get("/api/v1/imports", headers=staff)
    assert [j["id"] for j in r.json()["items"]] == [body["job_id"]]
    page = await client.get(body["page_url"], headers=staff)
    assert page.status_code == 200 and "230" in page.text and 'data-status="done"' in page.text


async def test_a_small_file_is_still_imported_in_the_request_with_the_same_answer(client, small_threshold):
    await make_world()
    staff = await login(client, "staff_a")
    r = await _start(client, staff, needs_csv(small_threshold))
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"imported", "ids"} and r.json()["imported"] == small_threshold
    assert len(r.json()["ids"]) == small_threshold
    assert await ImportJob.count() == 0


async def test_bad_rows_in_a_background_job_are_reported_in_chinese_and_nothing_is_written(client, small_threshold):
    await make_world()
    staff = await login(client, "staff_a")
    bad = {5: ["", "天上的", "三", "", 9, "网格B1", ""], 180: ["修水管", "家居维修", 0, "次", 2, "", ""]}
    r = await _start(client, staff, needs_csv(200, bad))
    assert r.status_code == 202, r.text
    job = await service.wait_for(r.json()["job_id"])
    assert job.status == "failed" and job.rows_done == 0 and job.imported == 0
    assert {(e.row, e.column) for e in job.errors} >= {(7, "标题"), (7, "类别"), (7, "数量"), (182, "数量")}
    assert any("1 到 1000000" in e.reason or "整数" in e.reason for e in job.errors if e.row == 182), job.errors
    assert "未导入" in job.error or "没有导入" in job.error, job.error
    assert await Need.count() == 0
    assert await ImportUpload.count() == 0  # the stored file is gone
    page = await client.get(job.page_url, headers=staff)
    assert page.status_code == 200 and "182" in page.text and 'data-status="failed"' in page.text


async def test_only_the_account_that_started_a_job_sees_it(client, small_threshold):
    await make_world()
    staff = await login(client, "staff_a")
    r = await _start(client, staff, needs_csv(150))
    job_id = r.json()["job_id"]
    await service.wait_for(job_id)
    for other in ("admin_a", "county", "grid_a"):
        headers = await login(client, other)
        assert (await client.get(f"/api/v1/imports/{job_id}", headers=headers)).status_code == 404
        assert (await client.get("/api/v1/imports", headers=headers)).json()["items"] == []
    client.cookies.clear()


async def test_the_stored_upload_is_encrypted_and_removed_when_the_job_ends(client, small_threshold, monkeypatch):
    await make_world()
    staff = await login(client, "staff_a")
    queued: list[int] = []

    async def hold(job_id: int) -> None:  # keep the job queued so its stored upload can be read
        queued.append(job_id)

    monkeypatch.setattr(service, "launch", hold)
    content = needs_csv(150, title="张三家助餐")
    r = await _start(client, staff, content)
    assert r.status_code == 202
    raw = (await ImportJob.raw('SELECT content FROM import_upload WHERE "job" = {}', queued[0]))[0]["content"]
    assert raw and "张三" not in raw and "助老服务" not in raw
    assert raw.split(":", 1)[0] and service.unseal(raw) == content
    await service.execute(queued[0])
    row = await ImportJob.select().where(ImportJob.id == queued[0]).first()
    assert row["status"] == "done" and await ImportUpload.count() == 0
    assert await Need.count() == 150


async def test_imports_have_their_own_bucket_and_an_empty_one_answers_429(client, small_threshold, monkeypatch):
    await make_world()
    staff = await login(client, "staff_a")
    monkeypatch.setattr(service, "get_settings", lambda: dataclasses.replace(get_settings(), imports_per_hour=2))
    for _ in range(2):
        assert (await _start(client, staff, needs_csv(3))).status_code == 201
    r = await _start(client, staff, needs_csv(3, title="第三次"))
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) == 1800
    assert await Need.count().where(Need.title.like("第三次%")) == 0
    # the bucket is the account's own: another community's staff still imports
    other = await login(client, "admin_a")
    assert (await _start(client, other, needs_csv(3, title="别人的"))).status_code == 201


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("liaison", "/api/v1/needs/import"),
        ("volunteer", "/api/v1/areas/import"),
        ("staff_a", "/api/v1/setup/import/organizations"),
        ("liaison", "/api/v1/households/import"),
        ("volunteer", "/api/v1/offers/import"),
    ],
)
async def test_a_refused_import_is_403_before_its_file_is_read(client, monkeypatch, username, url):
    await make_world()
    headers = await login(client, username)

    def never(*_args):
        raise AssertionError("the file was read for a caller who may not import")

    monkeypatch.setattr(service, "count_rows", never)
    monkeypatch.setattr(tabular, "read_table", never)
    r = await client.post(url, headers=headers, files={"file": ("x.xlsx", b"PK\x03\x04 not a workbook \x00\xff")})
    assert r.status_code == 403, r.text
    assert await ImportJob.count() == 0


async def test_a_large_page_upload_redirects_to_its_progress_page(client, small_threshold):
    await make_world()
    staff = await login(client, "staff_a")
    token = staff["Authorization"].split()[1]
    page = await client.get("/login")
    csrf = page.cookies.get("jinlin_csrf")
    r = await client.post(
        "/needs/import",
        headers={"x-csrftoken": csrf, "cookie": f"jinlin_csrf={csrf}; jinlin_session={token}"},
        files={"file": ("needs.csv", needs_csv(150))},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert r.headers["location"] == f"/imports/{job_id}"
    await service.wait_for(job_id)
    cookie = {"cookie": f"jinlin_session={token}"}
    page = await client.get(f"/imports/{job_id}", headers=cookie)
    assert "已导入 150 行" in page.text, page.text
    client.cookies.clear()


async def test_a_job_retried_after_its_worker_died_writes_each_row_once(client, small_threshold, monkeypatch):
    """The first attempt dies after two batches (as a SIGKILL would: no cleanup); the reaper sends it
    again and the second attempt writes only the rows the first had not committed."""
    await make_world()
    staff = await login(client, "staff_a")
    queued: list[int] = []

    async def hold(job_id: int) -> None:
        queued.append(job_id)

    monkeypatch.setattr(service, "launch", hold)
    assert (await _start(client, staff, needs_csv(230))).status_code == 202
    job_id = queued[0]

    class Killed(BaseException):  # not an Exception: nothing in the job catches it, as with SIGKILL
        pass

    batches = {"n": 0}
    real_yield = tabular.yield_to_writers

    async def die_after_two() -> None:
        batches["n"] += 1
        if batches["n"] == 2:
            raise Killed
        await real_yield()

    monkeypatch.setattr(tabular, "yield_to_writers", die_after_two)
    with pytest.raises(Killed):
        await service.execute(job_id)
    row = await ImportJob.select().where(ImportJob.id == job_id).first()
    assert (row["status"], row["rows_done"], row["attempts"]) == ("writing", 100, 1)
    assert await Need.count() == 100
    monkeypatch.setattr(tabular, "yield_to_writers", real_yield)
    # A late message of the first attempt's task finds the job taken: it writes nothing.
    await service.execute(job_id)
    assert await service.reap(bound_s=3600) == []  # not quiet for the bound yet
    assert await service.reap(bound_s=0) == [job_id]
    assert queued == [job_id, job_id]
    await service.execute(job_id)
    job = await service.wait_for(job_id)
    assert (job.status, job.imported, job.rows_done) == ("done", 230, 230)
    assert await Need.count() == 230
    titles = [r["title"] for r in await Need.select(Need.title)]
    assert len(set(titles)) == 230
    retries = await AuditEvent.count().where((AuditEvent.object_type == "import_job") & (AuditEvent.action == "retry"))
    assert retries == 1


async def test_a_worker_taken_for_dead_cannot_write_after_another_took_over(client, small_threshold, monkeypatch):
    await make_world()
    staff = await login(client, "staff_a")
    queued: list[int] = []

    async def hold(job_id: int) -> None:
        queued.append(job_id)

    monkeypatch.setattr(service, "launch", hold)
    await _start(client, staff, needs_csv(150))
    job_id = queued[0]
    await ImportJob.update({ImportJob.status: "writing", ImportJob.attempts: 2}).where(ImportJob.id == job_id)
    stale = service._Progress(job_id, attempt=1, written=0)
    with pytest.raises(service.JobLost):
        await stale.wrote(50)
    assert (await ImportJob.select(ImportJob.rows_done).first())["rows_done"] == 0


async def test_the_reaper_fails_a_job_whose_workers_keep_dying(client, small_threshold, monkeypatch):
    await make_world()
    staff = await login(client, "staff_a")
    monkeypatch.setattr(service, "launch", lambda job_id: _nothing())
    await _start(client, staff, needs_csv(150))
    await ImportJob.update({ImportJob.status: "writing", ImportJob.attempts: service.MAX_ATTEMPTS}, force=True)
    job_id = (await ImportJob.select(ImportJob.id).first())["id"]
    assert await service.reap(bound_s=0) == [job_id]
    row = await ImportJob.select().where(ImportJob.id == job_id).first()
    assert row["status"] == "failed" and await ImportUpload.count() == 0 and "3" in row["error"]
    assert await Need.count() == 0


async def _nothing() -> None:
    return None


async def test_a_large_households_file_is_stored_encrypted_and_imported_by_its_job(
    client, small_threshold, monkeypatch
):
    """Residents' names travel to the worker only encrypted, and the stored file is gone once imported."""
    import csv
    import io

    from factories import make_records_world
    from jinlin.households.spreadsheet import H
    from jinlin.households.tables import Resident

    await make_records_world()
    headers = await login(client, "admin_a")
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(list(H.values()))
    for n in range(120):
        out.writerow(["网格A1", "7号楼", f"{n}室", f"王秀英{n}", "女", 1950, "户主", "", "", "空巢老人", "", "", "是"])
    queued: list[int] = []

    async def hold(job_id: int) -> None:
        queued.append(job_id)

    monkeypatch.setattr(service, "launch", hold)
    before = await Resident.count()
    r = await client.post("/api/v1/households/import", headers=headers, files={"file": ("h.csv", buf.getvalue())})
    assert r.status_code == 202, r.text
    raw = (await ImportJob.raw('SELECT content FROM import_upload WHERE "job" = {}', queued[0]))[0]["content"]
    assert "王秀英" not in raw and "网格A1" not in raw
    await service.execute(queued[0])
    job = await service.wait_for(queued[0])
    assert (job.status, job.imported) == ("done", 120), job
    assert await Resident.count() == before + 120
    assert await ImportUpload.count() == 0
