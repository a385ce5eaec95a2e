"""The leads database: any SQLAlchemy URL from `LAWBOT_DATABASE_URL`, SQLite under var/ by
default. Schema changes go through Alembic (`migrations/`)."""

from __future__ import annotations

import os
from functools import cache

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.settings import PROJECT_ROOT
from bot.settings import load as load_settings


def database_url() -> str:
    return os.environ.get("LAWBOT_DATABASE_URL") or f"sqlite:///{load_settings().var_dir / 'leads.db'}"


def engine(url: str | None = None) -> Engine:
    """One engine per URL for the life of the process (2.0-style API); no URL: the configured one."""
    return _engine(url or database_url())


@cache
def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, pool_pre_ping=True)


def sessions(url: str | None = None) -> sessionmaker:
    return sessionmaker(engine(url), future=True, expire_on_commit=False)


def upgrade(url: str | None = None) -> None:
    """Brings the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url or database_url())
    command.upgrade(config, "head")
