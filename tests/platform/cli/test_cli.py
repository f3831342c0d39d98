"""The ``jinlin`` command, run as users run it: a subprocess against its own throwaway database."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jinlin.core.settings import REPO_ROOT


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINLIN_")}
    env.update(
        JINLIN_VAR_DIR=str(tmp_path),
        JINLIN_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        JINLIN_SECRET_KEY="cli-test-" + "k" * 40,
        PICCOLO_CONF="jinlin.piccolo_conf",
    )
    return env


def jinlin(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jinlin", *args],
        cwd=REPO_ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    result = jinlin(tmp_path, "db", "migrate")
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_user_create_prints_the_new_accounts_id(migrated):
    result = jinlin(
        migrated, "user", "create", "--username", "ops", "--password", "long-enough-1", "--role", "volunteer"
    )
    assert result.returncode == 0, result.stderr
    account_id = int(result.stdout.strip())
    with sqlite3.connect(migrated / "cli.db") as conn:
        assert conn.execute("SELECT username FROM account WHERE id = ?", (account_id,)).fetchone() == ("ops",)


def test_user_create_refuses_a_short_password_by_field(migrated):
    result = jinlin(migrated, "user", "create", "--username", "ops", "--password", "short", "--role", "volunteer")
    assert result.returncode == 2 and "password" in result.stderr


def test_a_malformed_setting_stops_the_command_naming_the_variable(tmp_path):
    env = {**_env(tmp_path), "JINLIN_LOCALE": "fr"}
    result = subprocess.run(
        [sys.executable, "-m", "jinlin", "db", "migrate"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "JINLIN_LOCALE" in result.stderr


def test_seed_demo_small_builds_the_demo_county(migrated):
    result = jinlin(migrated, "seed", "demo", "--size", "small")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(migrated / "cli.db") as conn:

        def count(sql: str) -> int:
            return conn.execute(sql).fetchone()[0]

        assert count("SELECT count(*) FROM area WHERE level = 'street'") >= 3
        assert count("SELECT count(*) FROM area WHERE level = 'community'") == 10
        assert count("SELECT count(*) FROM organization WHERE kind = 'community'") == 10
        for kind in ("enterprise", "agency", "village", "social_org", "volunteer_team"):
            assert count(f"SELECT count(*) FROM organization WHERE kind = '{kind}'") >= 6, kind
        assert (
            count(
                "SELECT count(*) FROM organization WHERE kind IN "
                "('enterprise', 'agency', 'village', 'social_org', 'volunteer_team')"
            )
            >= 30
        )
        roles = {r[0] for r in conn.execute("SELECT DISTINCT role FROM membership")}
        assert roles >= {
            "county_admin",
            "street_admin",
            "community_admin",
            "community_staff",
            "grid_worker",
            "unit_liaison",
            "team_leader",
            "volunteer",
        }
    again = jinlin(migrated, "seed", "demo", "--size", "small", "--if-empty")
    assert again.returncode == 0 and "nothing done" in again.stdout


def test_the_demo_county_is_the_same_for_the_same_seed(tmp_path):
    snapshots = []
    for run in ("a", "b"):
        folder = tmp_path / run
        folder.mkdir()
        assert jinlin(folder, "db", "migrate").returncode == 0
        assert jinlin(folder, "seed", "demo", "--size", "small", "--seed", "11").returncode == 0
        with sqlite3.connect(folder / "cli.db") as conn:
            snapshots.append(
                (
                    conn.execute("SELECT name, level, code, lat, lon, population FROM area ORDER BY id").fetchall(),
                    conn.execute("SELECT name, kind, contact_phone FROM organization ORDER BY id").fetchall(),
                )
            )
    assert snapshots[0] == snapshots[1]
