"""Piccolo's configuration (``PICCOLO_CONF=jinlin.piccolo_conf``): the engine comes from settings."""

from piccolo.conf.apps import AppRegistry

from jinlin.core.db import get_engine

DB = get_engine()

APP_REGISTRY = AppRegistry(apps=["jinlin.piccolo_app"])
