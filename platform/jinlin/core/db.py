"""The database engine: SQLite (embedded) or PostgreSQL, chosen by ``JINLIN_DATABASE_URL``.

Every table of every feature lives in one Piccolo app (``jinlin.piccolo_app``); this module builds the
engine, binds the tables to it, and hands out write transactions. SQLite writes use IMMEDIATE
transactions: with DEFERRED ones concurrent read-then-write transactions fail with "database is locked"
(see STACK-NOTES.md).
"""

from __future__ import annotations

import functools
import pkgutil
import sqlite3
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
from piccolo.columns import JSON, JSONB
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString
from piccolo.table import Table
from piccolo.utils.encoding import dump_json

import jinlin

SQLITE_TIMEOUT_S = 30
# Idle SQLite connections kept open between queries (more may be open at once; the extra ones close after use).
SQLITE_POOL_IDLE = 8
T = TypeVar("T")
# Bind parameters in one statement: PostgreSQL's protocol allows 32767, SQLite (3.32 and later) 32766.
MAX_BIND_PARAMETERS = 32_000

_engine: Engine | None = None


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine, reusing connections while the engine is open (``open_engine``).

    Piccolo opens a new connection, and a new aiosqlite thread, for every query outside a transaction and
    for every transaction: about 1 ms each on an idle machine, far more under load, and five of them for
    a list request. Between ``open_engine`` and ``close_engine`` connections go back to a small idle list
    instead. A connection comes back clean or not at all: one still inside a transaction (a failed commit,
    a cancelled request) is rolled back, and closed if even that fails. Never waits for a connection (an
    extra one is opened when none is idle), so nesting can't deadlock. Outside open/close (CLI commands,
    seeds) every query opens and closes its own connection, as before.
    """

    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._pooling = False

    def start_pool(self) -> None:
        self._pooling = True

    async def close_pool(self) -> None:
        self._pooling = False
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()

    async def _connect(self) -> aiosqlite.Connection:
        connection = aiosqlite.Connection(
            functools.partial(sqlite3.connect, **self.connection_kwargs), iter_chunk_size=64
        )
        # aiosqlite's worker thread is not a daemon: a pooled connection left open would keep the
        # process from exiting if its owner never reached close_engine (a crash, a CLI without lifespan).
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def acquire(self) -> aiosqlite.Connection:
        if self._pooling:
            try:  # pop() alone: a live server's thread and the test's own loop may share the engine
                return self._idle.pop()
            except IndexError:
                pass
        return await self._connect()

    async def release(self, connection: aiosqlite.Connection) -> None:
        if connection.in_transaction:
            # Never hand a half-done transaction (and its locks) to the next request.
            try:
                await connection.execute("ROLLBACK")
            except sqlite3.Error:
                await connection.close()
                return
        if self._pooling and len(self._idle) < SQLITE_POOL_IDLE:
            self._idle.append(connection)
        else:
            await connection.close()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> Any:
        # isolation_level=None (Piccolo's default): each statement commits on its own.
        connection = await self.acquire()
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            await self.release(connection)

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> Any:
        # Piccolo re-sends "PRAGMA foreign_keys = 1" before every statement of a transaction (a no-op
        # inside one); our connections set it once when they open.
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> SQLiteTransaction:
        return _PooledTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)


class _PooledTransaction(SQLiteTransaction):
    """A transaction on a pooled connection, given back (clean) whatever happens."""

    engine: PooledSQLiteEngine

    async def get_connection(self) -> aiosqlite.Connection:
        return await self.engine.acquire()

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            await self.engine.release(self.connection)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            await self.engine.release(self.connection)
        return exception is None


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=str(path), timeout=SQLITE_TIMEOUT_S)
    # extensions=() avoids CREATE EXTENSION, which needs a superuser.
    return PostgresEngine(config={"dsn": database_url}, extensions=())


def table_modules() -> list[str]:
    """``jinlin.<feature>.tables`` for every feature that has one, in a stable order."""
    names = []
    for info in sorted(pkgutil.iter_modules(jinlin.__path__), key=lambda m: m.name):
        if info.ispkg and (Path(jinlin.__path__[0]) / info.name / "tables.py").exists():
            names.append(f"jinlin.{info.name}.tables")
    return names


def all_tables() -> list[type[Table]]:
    from piccolo.conf.apps import table_finder

    return table_finder(modules=table_modules(), exclude_imported=True)


def bind(engine: Engine) -> None:
    """Point every table at ``engine`` (the app, the CLI and each test use their own)."""
    global _engine
    _engine = engine
    for table in all_tables():
        table._meta.db = engine
    # Piccolo's own migration table caches the engine it first saw; migrations find theirs in piccolo_conf.DB.
    from piccolo.apps.migrations.tables import Migration

    Migration._meta.db = engine
    # Tables declared inside migrations (raw-SQL steps) cache the first engine they saw; a process that
    # migrates several databases (tests, tools) must point them at this one too.
    for name, module in list(sys.modules.items()):
        if name.startswith("jinlin.migrations.") or name.startswith("jinlin_20"):
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, Table) and value is not Table:
                    value._meta.db = engine
    conf = sys.modules.get("jinlin.piccolo_conf")
    if conf is not None:
        setattr(conf, "DB", engine)  # noqa: B010 - a module attribute mypy cannot see


def get_engine() -> Engine:
    if _engine is None:
        from jinlin.core.settings import get_settings

        bind(make_engine(get_settings().database_url))
    assert _engine is not None
    return _engine


def is_sqlite(engine: Engine | None = None) -> bool:
    return isinstance(engine or get_engine(), SQLiteEngine)


def is_transient(exc: BaseException) -> bool:
    """A database error that may pass if tried again: a lost or refused connection, a busy SQLite file,
    a serialisation failure or deadlock. Task bodies are safe to run twice, so these are retried."""
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in str(exc) or "busy" in str(exc)
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(
        exc,
        (
            asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError,
            asyncpg.exceptions.SerializationError,
            asyncpg.exceptions.DeadlockDetectedError,
            asyncpg.exceptions.TooManyConnectionsError,
            asyncpg.exceptions.CannotConnectNowError,
        ),
    )


def batches(items: Sequence[T], per_item: int = 1) -> Iterator[Sequence[T]]:
    """``items`` in slices small enough that one statement binding ``per_item`` values for each stays
    within both databases' limit on bind parameters (an ``IN (...)`` list: ``per_item=1``)."""
    size = max(1, MAX_BIND_PARAMETERS // max(1, per_item))
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def insert_in_batches(table: type[Table], rows: Sequence[Table]) -> None:
    """Insert many rows with as few statements as the bind-parameter limit allows (call it inside the
    caller's transaction: all batches land or none)."""
    for chunk in batches(rows, len(table._meta.columns)):
        await table.insert(*chunk)


async def insert_rows(table: type[Table], rows: Sequence[dict[str, Any]]) -> None:
    """``insert_in_batches`` for plain rows (column name → value; columns left out take their default),
    without a ``Table`` object per row: building those and converting each value through Piccolo took
    seconds per ten thousand rows. Values are passed as Piccolo's own insert passes them (JSON columns as
    JSON text); call it inside the caller's transaction."""
    columns = [c for c in table._meta.columns if not c._meta.primary_key]
    names = [c._meta.name for c in columns]
    unknown = {k for row in rows for k in row} - set(names)
    if unknown:
        raise ValueError(f"{table._meta.tablename} has no column {', '.join(sorted(unknown))}")
    defaults = {c._meta.name: c.get_default_value() for c in columns}
    json_columns = {c._meta.name for c in columns if isinstance(c, JSON | JSONB)}
    into = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    one = "(" + ", ".join("{}" for _ in columns) + ")"
    for chunk in batches(rows, len(columns)):
        values: list[Any] = []
        for row in chunk:
            for name in names:
                value = row.get(name, defaults[name])
                if name in json_columns and value is not None and not isinstance(value, str):
                    value = dump_json(value)
                values.append(value)
        await table.raw(
            f'INSERT INTO "{table._meta.tablename}" ({into}) VALUES {", ".join([one] * len(chunk))}', *values
        )


async def open_engine(engine: Engine) -> None:
    """Open what the engine needs: PostgreSQL's pool, or SQLite's WAL mode."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=10)
    elif isinstance(engine, SQLiteEngine):
        path = engine.connection_kwargs["database"]
        with sqlite3.connect(path, timeout=SQLITE_TIMEOUT_S) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        if isinstance(engine, PooledSQLiteEngine):
            engine.start_pool()


async def close_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close_pool()


def write_transaction():
    """The one transaction of a state change: IMMEDIATE on SQLite, a plain one on PostgreSQL."""
    engine = get_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def serialise(key: int) -> None:
    """Inside a ``write_transaction``: wait until no other transaction holding ``key`` is open, so that a
    check-then-write (one run per area, one active resident per ID number) can't race. SQLite's IMMEDIATE
    transaction already serialises every writer; PostgreSQL takes a transaction-scoped advisory lock."""
    engine = get_engine()
    if not isinstance(engine, SQLiteEngine):
        await engine.run_querystring(QueryString("SELECT pg_advisory_xact_lock({})", key))


@asynccontextmanager
async def lifespan_db(engine: Engine | None = None) -> AsyncIterator[Engine]:
    engine = engine or get_engine()
    bind(engine)
    await open_engine(engine)
    try:
        yield engine
    finally:
        await close_engine(engine)
