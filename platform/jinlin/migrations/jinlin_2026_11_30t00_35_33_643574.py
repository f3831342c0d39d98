from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T00:35:33:643574"
VERSION = "1.38.0"
DESCRIPTION = "drop robots' plain token and secret columns (sealed copies kept)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="jinlin", description=DESCRIPTION
    )

    manager.drop_column(
        table_class_name="Robot",
        tablename="robot",
        column_name="secret",
        db_column_name="secret",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Robot",
        tablename="robot",
        column_name="token",
        db_column_name="token",
        schema=None,
    )

    return manager
