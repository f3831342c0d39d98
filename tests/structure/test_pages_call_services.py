"""Pages and API handlers call services, never tables: no ``pages.py`` or ``api.py`` imports a Piccolo table.

A handler that queries a table grows its own scope rules beside the service's; the service is the one place
that knows who may see what. Names from a ``tables`` module that are vocabulary (enums, frozensets of codes)
are allowed, each listed here with the reason, and none of them may be a table.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from piccolo.table import Table

ROOT = Path(__file__).resolve().parents[2]
JINLIN = ROOT / "platform" / "jinlin"

# (handler module, tables module, name): why a handler may import it
ALLOWED: dict[tuple[str, str, str], str] = {
    ("jinlin.accounts.pages", "jinlin.accounts.tables", "Role"): "the role vocabulary for the role picker",
    ("jinlin.areas.pages", "jinlin.areas.tables", "LEVEL_ORDER"): "the level vocabulary for the level picker",
    ("jinlin.imports.pages", "jinlin.imports.tables", "ACTIVE_STATUSES"): "which job statuses still refresh the page",
    ("jinlin.calls.pages", "jinlin.orgs.tables", "UNIT_KINDS"): "the unit kinds a call may address",
    ("jinlin.grading.pages", "jinlin.orgs.tables", "UNIT_KINDS"): "the unit kinds graded",
    ("jinlin.orgs.pages", "jinlin.orgs.tables", "UNIT_KINDS"): "the unit kinds for the kind picker",
    ("jinlin.orgs.pages", "jinlin.orgs.tables", "OrganizationKind"): "the kind vocabulary for the kind picker",
    ("jinlin.posts.pages", "jinlin.orgs.tables", "UNIT_KINDS"): "the unit kinds a post may belong to",
    ("jinlin.posts.pages", "jinlin.posts.tables", "POST_LEVEL"): "the area level each post kind sits at",
    ("jinlin.resident_reports.pages", "jinlin.resident_reports.tables", "ReportCategory"): "the category picker",
    ("jinlin.runs.pages", "jinlin.runs.tables", "ACTIVE_STATUSES"): "which runs show as still running",
}


def handler_modules() -> dict[str, Path]:
    out = {}
    for path in sorted(JINLIN.rglob("*.py")):
        if path.name in ("pages.py", "api.py") and "migrations" not in path.parts:
            parts = path.relative_to(JINLIN).with_suffix("").parts
            out[".".join(["jinlin", *parts])] = path
    return out


def table_imports(path: Path) -> list[tuple[str, str, int]]:
    """(tables module, name, line) for every import of or from a ``tables`` module, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.endswith(".tables") or node.module == "tables":
                found += [(node.module, a.name, node.lineno) for a in node.names]
            else:  # from jinlin.x import tables
                found += [(f"{node.module}.tables", "*", node.lineno) for a in node.names if a.name == "tables"]
        elif isinstance(node, ast.Import):
            found += [(a.name, "*", node.lineno) for a in node.names if a.name.endswith(".tables")]
    return found


def test_pages_and_api_modules_import_no_tables_beyond_the_allowed_vocabulary() -> None:
    offences = [
        f"{module}:{line} imports {name} from {tables}"
        for module, path in handler_modules().items()
        for tables, name, line in table_imports(path)
        if (module, tables, name) not in ALLOWED
    ]
    assert not offences, "go through the feature's service instead:\n" + "\n".join(offences)


def test_every_allowed_name_is_vocabulary_not_a_table_and_still_imported() -> None:
    imported = {
        (module, tables, name) for module, path in handler_modules().items() for tables, name, _ in table_imports(path)
    }
    for module, tables, name in ALLOWED:
        value = getattr(importlib.import_module(tables), name)
        assert not (isinstance(value, type) and issubclass(value, Table)), f"{tables}.{name} is a table"
        assert (module, tables, name) in imported, f"{module} no longer imports {name}: drop it from ALLOWED"


def test_the_guard_sees_a_function_level_table_import(tmp_path: Path) -> None:
    sample = tmp_path / "pages.py"
    sample.write_text("async def f():\n    from jinlin.areas.tables import Area\n    return Area\n")
    assert table_imports(sample) == [("jinlin.areas.tables", "Area", 2)]


def test_no_module_is_exempt_from_type_checking() -> None:
    """``make test`` type-checks all of ``platform/`` and ``matching/``: no module is excused by an override."""
    text = (ROOT / "pyproject.toml").read_text()
    assert "ignore_errors" not in text
