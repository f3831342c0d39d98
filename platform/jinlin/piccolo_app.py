"""The one Piccolo app holding every table of every feature, with one migrations folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from jinlin.core.db import all_tables

APP_CONFIG = AppConfig(
    app_name="jinlin",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=all_tables(),
    migration_dependencies=[],
    commands=[],
)
