"""Shapes of the bulk set-up imports."""

from __future__ import annotations

import msgspec


class NewAccountOut(msgspec.Struct):
    username: str
    display_name: str
    organization: str
    role: str
    one_time_password: str  # returned once, never again


class SetupImportResult(msgspec.Struct):
    imported: int
    ids: list[int] = []
    accounts: list[NewAccountOut] = []
