"""Personal fields at rest: encrypted, searchable by exact ID only, re-encrypted by key rotation."""

import base64
import os
import subprocess
import sys

import pytest

from factories import ID_NUMBER, MARKER, login, make_records_world, principal
from jinlin.core import crypto
from jinlin.core.settings import SettingsError, load_settings
from jinlin.households import service
from jinlin.households.rotation import rotate
from jinlin.households.tables import Resident
from support import ROOT


def _key() -> bytes:
    return os.urandom(32)


async def test_id_numbers_names_and_phones_are_not_stored_in_clear(client):
    await make_records_world()
    raw = await Resident.raw("SELECT name_enc, phone_enc, id_number_enc, id_hash, care_note_enc FROM resident")
    row = raw[0]
    stored = " ".join(str(v) for v in row.values())
    for secret in (ID_NUMBER, MARKER, "13912340000", "独居", "3701", "1234"):
        assert secret not in stored
    assert len(row["id_hash"]) == 64


async def test_exact_id_search_finds_the_resident_and_a_near_miss_finds_nothing(client):
    await make_records_world()
    headers = await login(client, "grid_a")
    r = await client.post(
        "/api/v1/residents/search",
        headers=headers,
        json={"id_number": ID_NUMBER.lower().replace("4", "4 ", 1), "purpose": "核对身份"},
    )
    assert r.status_code == 200 and [x["name"] for x in r.json()] == [MARKER]
    r = await client.post(
        "/api/v1/residents/search", headers=headers, json={"id_number": ID_NUMBER[:-1] + "5", "purpose": "核对身份"}
    )
    assert r.status_code == 200 and r.json() == []
    r = await client.post(
        "/api/v1/residents/search",
        headers=await login(client, "grid_a2"),
        json={"id_number": ID_NUMBER, "purpose": "核对身份"},
    )
    assert r.json() == []


async def test_key_rotation_re_encrypts_every_value_and_search_still_works(client):
    old, new, hash_key = _key(), _key(), _key()
    crypto.use_keyring(crypto.Keyring((old,), hash_key))
    try:
        await make_records_world()
        before = (await Resident.select().first())["id_number_enc"]
        crypto.use_keyring(crypto.Keyring((new, old), hash_key))
        assert await rotate() >= 4
        assert await rotate() == 0  # safe to run twice
        after = await Resident.select().first()
        assert after["id_number_enc"] != before and after["id_number_enc"].startswith(crypto.key_id(new) + ":")
        crypto.use_keyring(crypto.Keyring((new,), hash_key))  # the old key is gone now
        found = await service.search_by_id(await principal("grid_a"), ID_NUMBER, "核对")
        assert [r.name for r in found] == [MARKER]
        revealed = await service.reveal_id(await principal("grid_a"), found[0].id, "轮换后核对")
        assert revealed.id_number == ID_NUMBER
    finally:
        crypto.use_keyring(None)


def test_a_malformed_pii_key_stops_start_up_naming_the_variable(tmp_path):
    with pytest.raises(SettingsError, match="JINLIN_PII_KEY"):
        load_settings({"JINLIN_VAR_DIR": str(tmp_path), "JINLIN_PII_KEY": "too-short"})
    with pytest.raises(SettingsError, match="JINLIN_PII_HASH_KEY"):
        load_settings({"JINLIN_VAR_DIR": str(tmp_path), "JINLIN_PII_HASH_KEY": "!!"})
    good = base64.urlsafe_b64encode(_key()).decode()
    settings = load_settings({"JINLIN_VAR_DIR": str(tmp_path), "JINLIN_PII_KEY": f"{good},{good}"})
    assert len(settings.pii_keys) == 2


def test_the_rotate_key_command_runs_against_a_database(tmp_path):
    db = tmp_path / "rotate.db"
    env = {**os.environ, "JINLIN_DATABASE_URL": f"sqlite:///{db}", "JINLIN_VAR_DIR": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "jinlin", "db", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    out = subprocess.run(
        [sys.executable, "-m", "jinlin", "pii", "rotate-key"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "re-encrypted 0 value(s)" in out.stdout


async def test_id_lookups_are_throttled_per_account(client):
    from jinlin.households.service import LOOKUPS_PER_HOUR

    await make_records_world()
    headers = await login(client, "grid_a")
    body = {"id_number": ID_NUMBER, "purpose": "核对身份"}
    for _ in range(LOOKUPS_PER_HOUR):
        assert (await client.post("/api/v1/residents/search", headers=headers, json=body)).status_code == 200
    r = await client.post("/api/v1/residents/search", headers=headers, json=body)
    assert r.status_code == 429
