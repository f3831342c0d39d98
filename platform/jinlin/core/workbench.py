"""今日待办: the items a person should act on today, gathered from every feature.

A feature contributes by having a module ``jinlin.<feature>.workbench`` with
``async def items(principal) -> list[WorkItem]``; the home page (``jinlin.home``) collects them all, so
a new feature adds to everyone's workbench without editing the home page.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinlin

if TYPE_CHECKING:
    from jinlin.auth.principal import Principal


@dataclass(frozen=True, slots=True)
class WorkItem:
    group: str  # English msgid of the section it belongs to ("Overdue needs", "督办" items use "Escalated to you")
    title: str  # what the item is (user text, shown as is)
    href: str  # one tap from the action
    due_at: datetime | None = None  # the absolute deadline, when there is one
    colour: str | None = None  # red/orange/yellow/green, when the item has one
    detail: str = ""  # a short second line (already translated)
    priority: int = 50  # lower first within the whole list


@cache
def _providers() -> tuple[Any, ...]:
    found = []
    for info in sorted(pkgutil.iter_modules(jinlin.__path__), key=lambda m: m.name):
        if info.ispkg and info.name != "core" and (Path(jinlin.__path__[0]) / info.name / "workbench.py").exists():
            found.append(importlib.import_module(f"jinlin.{info.name}.workbench").items)
    return tuple(found)


async def collect(principal: Principal) -> list[WorkItem]:
    """Every feature's items for ``principal``: most pressing first, then the soonest deadline."""
    items: list[WorkItem] = []
    for provider in _providers():
        items.extend(await provider(principal))
    far = datetime.max.replace(tzinfo=None)
    return sorted(items, key=lambda i: (i.priority, i.due_at.replace(tzinfo=None) if i.due_at else far))
