"""One live proposal per need/offer pair, enforced by the database (a partial unique index, which Piccolo's
auto migrations can't express; the same SQL runs on SQLite and PostgreSQL).

Pairs that already have several live matches keep the oldest; the others are cancelled first, or the
index could not be built."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one live match per need/offer pair"

LIVE = "('proposed', 'accepted', 'in_progress')"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jinlin", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        await engine.run_ddl(
            f"UPDATE match SET status = 'cancelled', ended_at = updated_at WHERE status IN {LIVE} AND id NOT IN "
            f"(SELECT min(id) FROM match WHERE status IN {LIVE} GROUP BY need_id, offer_id)"
        )
        await engine.run_ddl(
            f"CREATE UNIQUE INDEX IF NOT EXISTS match_one_live_pair ON match (need_id, offer_id) WHERE status IN {LIVE}"
        )

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS match_one_live_pair")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
