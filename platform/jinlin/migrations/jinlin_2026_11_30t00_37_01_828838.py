from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T00:37:01:828838"
VERSION = "1.38.0"
DESCRIPTION = "drop the unused login_failure table (the login limit is the token bucket)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="jinlin", description=DESCRIPTION
    )

    manager.drop_table(
        class_name="LoginFailure", tablename="login_failure", schema=None
    )

    return manager
