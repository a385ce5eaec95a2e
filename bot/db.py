"""The leads database: any SQLAlchemy URL from `Settings.database_url` (LAWBOT_DATABASE_URL),
SQLite under var/ by default. Schema changes go through Alembic (`migrations/`).

Home of what every table shares: the declarative `Base`, the time helpers (everything stored
is UTC), the engine per URL and `session_scope()`, the one way code outside the tests opens a
session: it commits on success, rolls back on error, and turns "the database cannot be
reached" into `Unavailable`, so callers tell an outage from a bug without knowing SQLAlchemy.
Errors in the data (`DATA_ERRORS`: a value too long, a constraint) are not an outage and come
out unchanged (`is_data_error`). Engines hide SQL parameters and time out on connect
(`make_engine`); URLs are printed masked (`masked`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from bot.settings import PROJECT_ROOT
from bot.settings import load as load_settings

Base = declarative_base()

# Errors meaning the database did not answer (down, unreachable, not there yet, pool exhausted),
# as opposed to errors in what was asked of it.
CONNECTION_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)
# Errors in the data itself (a value too long for its column, a constraint broken): the database
# answered, and asking again with the same data will fail the same way. Never an outage.
DATA_ERRORS = (DataError, IntegrityError)
# Seconds to wait for a connection (PostgreSQL) or for a lock on the file (SQLite).
CONNECT_TIMEOUT = 5
SQLITE_BUSY_TIMEOUT = 15


class Unavailable(Exception):
    """The leads database cannot be reached now; trying again later may work."""


def utcnow() -> datetime:
    """Now, in UTC, to the second (what leads, events and firms record)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a "Z" (naive datetimes are taken as UTC); None stays None."""
    moment = as_utc(moment)
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def database_url() -> str:
    return load_settings().database_url


def engine(url: str | None = None) -> Engine:
    """One engine per URL for the life of the process (2.0-style API); no URL: the configured one."""
    return _engine(url or database_url())


@cache
def _engine(url: str) -> Engine:
    return make_engine(url, pool_pre_ping=True)


def make_engine(url: str, **options: object) -> Engine:
    """Every engine of the assistant is made here: SQL parameters (what users typed) never appear
    in error messages or logs (`hide_parameters`), and a database that does not answer is given
    up on after a few seconds (connect timeout) instead of holding a conversation."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    backend = _backend(url)
    connect_args: dict[str, object] = {}
    if backend == "sqlite":
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT
    elif backend in ("postgresql", "mysql"):
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    return create_engine(url, future=True, hide_parameters=True, connect_args=connect_args, **options)


def _backend(url: str) -> str:
    try:
        return str(make_url(url).get_backend_name())
    except ArgumentError:
        return ""


def masked(url: str) -> str:
    """The URL as it may be printed or logged: the password replaced by ***."""
    try:
        return str(make_url(url).render_as_string(hide_password=True))
    except ArgumentError:
        return "<a database URL that cannot be parsed>"


def is_data_error(error: BaseException) -> bool:
    """True for an error in the data (too long, constraint), False for an outage or anything else."""
    return isinstance(error, DATA_ERRORS)


def session_factory(url: str | None = None) -> sessionmaker:
    """A factory of sessions on the database at `url` (the configured one by default)."""
    return sessionmaker(engine(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session for one unit of work: committed when the block ends, rolled back when it
    raises. A connection-level failure comes out as `Unavailable`; other errors unchanged."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except CONNECTION_ERRORS as error:
        _rollback(session)
        raise Unavailable(f"the leads database cannot be reached: {error}") from error
    except BaseException:
        _rollback(session)
        raise
    finally:
        session.close()


def _rollback(session: Session) -> None:
    """Rolls back; a connection already gone cannot hide the error that brought us here."""
    with contextlib.suppress(SQLAlchemyError):
        session.rollback()


def upgrade(url: str | None = None) -> None:
    """Brings the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url or database_url())
    command.upgrade(config, "head")
