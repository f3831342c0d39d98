"""Notices stored before delivery existed stay in-app only: mark them dispatched (raw SQL, both databases)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T21:56:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "existing notifications are not sent by e-mail, SMS or robots"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jinlin", description=DESCRIPTION)

    async def mark_dispatched():
        await RawTable.raw("UPDATE notification SET dispatched_at = created_at WHERE dispatched_at IS NULL")

    manager.add_raw(mark_dispatched)
    return manager
