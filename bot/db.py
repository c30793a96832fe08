"""Engines, sessions and the unit of work.

SQLite is the embedded default: WAL, a busy timeout and `BEGIN IMMEDIATE` let several threads
and processes write without "database is locked"; `read_only` transactions take no write lock
(WAL readers read a snapshot), so reads never queue behind writers. PostgreSQL is the
production database.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from typing import cast as cast_type

from sqlalchemy import (
    Engine,
    Integer,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import FromClause, TableClause

SessionFactory = sessionmaker[Session]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for `url`, tuned per dialect."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, open transactions, so that `begin` below decides how.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = bool(conn.get_execution_options().get(READ_ONLY))
        # `query_only` makes a write in a read-only unit of work fail at once instead of
        # taking the lock; set only when it changes (the flag lives on the pooled connection).
        if conn.info.get(READ_ONLY, False) != read_only:
            conn.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
            conn.info[READ_ONLY] = read_only
        # A deferred transaction that reads, then writes, fails at once with SQLITE_BUSY when
        # another writer got in between; taking the write lock up front makes it wait instead.
        # A read-only one never writes: a deferred BEGIN reads a WAL snapshot, no lock waited on.
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: SessionFactory) -> Iterator[Session]:
    """A session that rolls back unless the block called `session.commit()` itself."""
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


# The execution option that marks a read-only unit of work's connection.
READ_ONLY = "practice_read_only"


@contextmanager
def read_only(factory: SessionFactory) -> Iterator[Session]:
    """A unit of work that only reads (tallies, stats, views): always rolled back, and on SQLite
    a deferred transaction under `PRAGMA query_only`, so it neither takes nor waits for the
    write lock. A write in it fails ("attempt to write a readonly database")."""
    with unit_of_work(factory) as session:
        session.connection(execution_options={READ_ONLY: True})
        yield session


def insert_for(session: Session) -> Any:
    """The dialect's own INSERT (with ON CONFLICT support) for the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise RuntimeError(f"unsupported database dialect {name!r}")


def insert_rows(
    session: Session, table: FromClause, rows: Sequence[Mapping[str, Any]]
) -> tuple[Any, Any]:
    """The dialect's INSERT of `rows` (every row with the same keys), and the parameters to
    execute it with: `statement, params = insert_rows(...)`, then add ON CONFLICT or RETURNING
    to the statement and `session.execute(statement, params)`.

    SQLite: the rows as executemany (SQLAlchemy renders them as multi-row VALUES).
    PostgreSQL: one array per column, unnested by the server (`INSERT .. SELECT unnest(..)`),
    so the statement's text is the same whatever the number of rows. psycopg converts the
    placeholders of a long statement's text on every call (it caches only short ones): for the
    reply writer's 200-row VALUES lists that was over half its CPU (bench/ingest_profile.py).
    """
    if session.get_bind().dialect.name != "postgresql":
        return insert_for(session)(table), list(rows)
    columns = list(rows[0])
    arrays = {f"rows_{c}": [row[c] for row in rows] for c in columns}
    unnested = [
        func.unnest(cast(bindparam(f"rows_{c}"), postgresql.ARRAY(table.c[c].type))).label(c)
        for c in columns
    ]
    target = cast_type(TableClause, table)  # a model's __table__
    return postgresql.insert(target).from_select(columns, select(*unnested)), arrays


def int_array(values: Sequence[int]) -> Any:
    """PostgreSQL: `values` as one `integer[]` parameter, sent as the array's text.

    psycopg dumps a Python list element by element (a regular expression on each, to decide
    its quoting): 6 ms for the 7,000 answer ids of a large channel's week, twice per tally.
    """
    body = "{" + ",".join(str(int(v)) for v in values) + "}"
    return cast(literal(body), postgresql.ARRAY(Integer))


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def affected(session: Session, statement: Any) -> bool:
    """Run an INSERT .. ON CONFLICT or UPDATE and say whether it touched a row.

    Uses RETURNING rather than `rowcount`, which psycopg reports as -1 for some statements.
    """
    return session.execute(statement.returning(literal_column("1"))).first() is not None


# SQLITE_BUSY, SQLITE_LOCKED (primary codes); PostgreSQL's SQLSTATE classes of a connection
# lost (08), a transaction rolled back by a conflict (40: serialization, deadlock), the server
# going away (57P), a lock not available (55P03).
_SQLITE_TRANSIENT = {5, 6}
_POSTGRES_TRANSIENT = ("08", "40", "57P", "55P03")


def is_transient(exc: BaseException) -> bool:
    """Whether `exc` is the database being busy or away rather than the statement being wrong:
    the transaction was rolled back, and the same work may succeed if run again."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_TRANSIENT
    state = getattr(exc.orig, "sqlstate", None) or ""
    return state.startswith(_POSTGRES_TRANSIENT)


# The advisory-lock key space of job ticks (two-int form; migrations use a one-bigint key).
JOB_LOCK_SPACE = 724202
# How many instances run one job's tick at once on PostgreSQL. Two divide a tick's channels
# between them through the claims (the busy-morning benchmark: a job's Monday 09:00 went from
# one process doing it all to both sharing it); beyond that, more instances mostly contend
# for the same claims and Slack's per-workspace limits, so the rest skip the tick.
JOB_LOCK_SLOTS = 2


@contextmanager
def job_lock(engine: Engine, name: str, slots: int = JOB_LOCK_SLOTS) -> Iterator[bool]:
    """Try to take one of `slots` locks for one tick of job `name`; yields whether this
    process has one.

    On PostgreSQL: `pg_try_advisory_lock` on a connection of its own in AUTOCOMMIT mode, held
    until the block ends, so when many instances tick at the same minute `slots` of them scan
    and the others skip at once. A session lock, not a transaction-scoped one: the job calls
    Slack, and no transaction may stay open across a Slack call. On SQLite (one machine,
    writers serialised anyway): always True. Correctness never depends on it: unique claims
    still decide every post.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    base = zlib.crc32(name.encode())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        held = None
        for slot in range(slots):
            key = (base + slot) % 2**32
            args = {"space": JOB_LOCK_SPACE, "key": key - 2**32 if key >= 2**31 else key}
            if connection.scalar(text("SELECT pg_try_advisory_lock(:space, :key)"), args):
                held = args
                break
        try:
            yield held is not None
        finally:
            if held is not None:
                connection.scalar(text("SELECT pg_advisory_unlock(:space, :key)"), held)
