"""The Alembic migrations build exactly the schema the models describe: a database upgraded to
head, compared with the models' metadata, shows no difference (on SQLite and on PostgreSQL).

A failure lists what autogenerate would put in a new migration: write that migration (or fix
the model), so `lawbot db upgrade` and the code agree about every table, column and index."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

# Every module that defines tables, so that all of them are on Base.metadata.
import bot.delivery.outbox  # noqa: F401
import bot.firms  # noqa: F401
import bot.leads  # noqa: F401

try:
    from bot.db import Base
except ImportError:  # Base used to live in bot.leads
    from bot.leads import Base


def differences(url: str) -> list:
    """What autogenerate finds between the migrated database at `url` and the models."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            # Column types and server defaults too: both are part of the schema the code relies on.
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def describe(diff) -> str:
    """One difference as a line: ('remove_index', Index) or [('modify_default', ...)]."""
    if isinstance(diff, list):  # column-level changes come grouped per column
        return "; ".join(describe(change) for change in diff)
    kind, *rest = diff
    if kind.startswith("modify_"):  # (kind, schema, table, column, existing, database, model)
        _, table, column, _, in_database, in_model = rest
        shown = [getattr(v, "arg", v) for v in (in_database, in_model)]
        return f"{kind} {table}.{column}: migrated database {shown[0]!s}, models {shown[1]!s}"
    target = rest[0]
    where = getattr(getattr(target, "table", None), "name", "")
    columns = ", ".join(c.name for c in getattr(target, "columns", []))
    return f"{kind} {getattr(target, 'name', target)} ({where}: {columns})" if columns else f"{kind} {target}"


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_migrations_match_the_models(request, database):
    # The conftest fixtures: a fresh SQLite file, or a fresh PostgreSQL database (created and
    # dropped around the test; skipped where no server runs, a failure in CI), both upgraded
    # to head by bot.db.upgrade.
    url = request.getfixturevalue(f"{database}_url")
    found = differences(url)
    assert not found, "the migrations and the models differ (as autogenerate sees it):\n" + "\n".join(
        map(describe, found)
    )


def test_migrations_cover_every_table():
    """A model whose module is not imported above would escape the comparison."""
    assert {"leads", "lead_events", "firms", "deliveries"} <= set(Base.metadata.tables)
