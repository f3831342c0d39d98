"""Navigation entries that features contribute (``NAV`` in their pages module), filtered by role."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str  # an English msgid; templates translate it
    href: str
    roles: frozenset[str]  # empty: every logged-in user
    order: int = 50

    def visible_to(self, roles: frozenset[str]) -> bool:
        return not self.roles or bool(self.roles & roles)
