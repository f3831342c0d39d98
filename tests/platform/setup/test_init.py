"""`jinlin init`: from an empty database to a county its admin can work in, run as users run it."""

import os
import subprocess
import sys
from pathlib import Path

from factories import login, make_world
from jinlin.accounts.tables import Account, Membership
from jinlin.areas.tables import Area
from jinlin.core.settings import REPO_ROOT
from jinlin.orgs.tables import Organization


def _init(
    database_url: str, tmp_path: Path, *extra: str, password: str = "county-secret-1"
) -> subprocess.CompletedProcess:
    secret = tmp_path / "admin-password"
    secret.write_text(password + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINLIN_")}
    env.update(
        JINLIN_VAR_DIR=str(tmp_path),
        JINLIN_DATABASE_URL=database_url,
        JINLIN_SECRET_KEY="init-test-" + "k" * 40,
        PICCOLO_CONF="jinlin.piccolo_conf",
    )
    args = [
        "--county",
        "清河县",
        "--code",
        "371100",
        "--admin-username",
        "qinghe",
        "--admin-password-file",
        str(secret),
        *extra,
    ]
    return subprocess.run(
        [sys.executable, "-m", "jinlin", "init", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_init_on_an_empty_database_gives_an_admin_who_builds_streets_communities_and_units(
    client, database_url, tmp_path
):
    result = _init(database_url, tmp_path)
    assert result.returncode == 0, result.stderr

    county = await Area.select().where(Area.level == "county").first()
    assert county["name"] == "清河县" and county["code"] == "371100" and county["path"] == f"/{county['id']}/"
    org = await Organization.select().where(Organization.area == county["id"]).first()
    assert org["name"] == "清河县委社会工作部"
    headers = await login(client, "qinghe", "county-secret-1")

    street = await client.post(
        "/api/v1/areas", headers=headers, json={"name": "城关街道", "level": "street", "parent_id": county["id"]}
    )
    assert street.status_code == 201, street.text
    community = await client.post(
        "/api/v1/areas",
        headers=headers,
        json={"name": "河畔社区", "level": "community", "parent_id": street.json()["id"]},
    )
    assert community.status_code == 201, community.text
    unit = await client.post(
        "/api/v1/organizations",
        headers=headers,
        json={"name": "清河供电公司", "kind": "enterprise", "area_id": street.json()["id"]},
    )
    assert unit.status_code == 201, unit.text
    assert (await client.get(f"/api/v1/areas/{community.json()['id']}", headers=headers)).json()["name"] == "河畔社区"


async def test_init_refuses_to_run_twice_and_changes_nothing(client, database_url, tmp_path):
    assert _init(database_url, tmp_path).returncode == 0
    before = (await Area.count(), await Organization.count(), await Account.count(), await Membership.count())

    again = _init(database_url, tmp_path, "--admin-display-name", "second")
    assert again.returncode == 2
    assert "already" in again.stderr
    assert (await Area.count(), await Organization.count(), await Account.count(), await Membership.count()) == before


async def test_init_refuses_a_short_password_and_creates_nothing(client, database_url, tmp_path):
    result = _init(database_url, tmp_path, password="short")
    assert result.returncode == 2 and "password" in result.stderr
    assert await Area.count() == 0 and await Account.count() == 0


async def test_a_county_admin_cannot_create_a_second_county_they_could_not_manage(client):
    await make_world()
    before = await Area.count()
    r = await client.post(
        "/api/v1/areas", headers=await login(client, "county"), json={"name": "另一个县", "level": "county"}
    )
    assert r.status_code == 403
    assert "jinlin init" in r.json()["error"]["message"] and "parent_id" in r.json()["error"]["fields"]
    assert await Area.count() == before
