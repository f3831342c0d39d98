"""Robots' webhook tokens and signing secrets already stored in clear are sealed into the new columns, with the
key residents' records use (``JINLIN_PII_KEY``); the next migration drops the plain columns. Plain SQL with
Piccolo's placeholders, so it runs the same on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T00:35:22:000000"
VERSION = "1.38.0"
DESCRIPTION = "seal existing robots' tokens and secrets"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jinlin", description=DESCRIPTION)

    async def seal():
        from jinlin.core.crypto import keyring

        ring = keyring()
        rows = await RawTable.raw("SELECT id, token, secret FROM robot WHERE token_enc = '' ORDER BY id")
        for row in rows:
            await RawTable.raw(
                "UPDATE robot SET token_enc = {}, secret_enc = {} WHERE id = {}",
                ring.encrypt(row["token"] or ""),
                ring.encrypt(row["secret"] or ""),
                row["id"],
            )

    async def unseal():
        from jinlin.core.crypto import keyring

        ring = keyring()
        rows = await RawTable.raw("SELECT id, token_enc, secret_enc FROM robot ORDER BY id")
        for row in rows:
            await RawTable.raw(
                "UPDATE robot SET token = {}, secret = {} WHERE id = {}",
                ring.decrypt(row["token_enc"]),
                ring.decrypt(row["secret_enc"]),
                row["id"],
            )

    manager.add_raw(seal)
    manager.add_raw_backwards(unseal)
    return manager
