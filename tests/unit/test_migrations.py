"""The Alembic migrations build exactly the schema the models describe: a database upgraded to
head, compared with the models' metadata, shows no difference (on SQLite and on PostgreSQL).

A failure lists what autogenerate would put in a new migration: write that migration (or fix
the model), so `lawbot db upgrade` and the code agree about every table, column and index."""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

# Every module that defines tables, so that all of them are on Base.metadata.
import bot.audit  # noqa: F401
import bot.delivery.outbox  # noqa: F401
import bot.events  # noqa: F401
import bot.firms  # noqa: F401
import bot.leads  # noqa: F401
import bot.staff  # noqa: F401

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
    assert {
        "leads",
        "lead_events",
        "firms",
        "deliveries",
        "erasure_audit",
        "erased_keys",
        "conversation_activity",
    } <= set(Base.metadata.tables)


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_the_encryption_migration_encrypts_existing_leads_and_back(request, database):
    """Leads saved before 0005 are encrypted by it (and readable through the models); the
    downgrade gives the plaintext back."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from sqlalchemy.orm import sessionmaker

    from bot import leads
    from bot.settings import PROJECT_ROOT

    url = request.getfixturevalue(f"{database}_url")  # at head; back to 0004 to write old rows
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.downgrade(config, "0004")
    engine = create_engine(url, future=True)
    contact = '{"name": "王芳", "phone": "+8613812345678", "email": "Wang@example.com"}'
    with engine.begin() as connection:
        connection.execute(
            text(
                "insert into leads (id, idempotency_key, created_at, channel, conversation_id, language, topic,"
                " urgency, summary, answers, contact, counterparty, consent, status, matches, callback_requested)"
                " values ('lead-1', 'k1', '2026-11-29 06:00:00', 'rest', 'c1', 'zh', 'contract', 'normal',"
                " '对方拖欠货款', '{\"amount\": \"二十万\"}', :contact, '深圳某某科技', '{}', 'new', '[]', false)"
            ),
            {"contact": contact},
        )
        connection.execute(
            text(
                "insert into lead_events (lead_id, at, kind, detail) values ('lead-1', '2026-11-29 06:00:00', 'x', :d)"
            ),
            {"d": '{"firms": ["某律所"]}'},
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        raw = " ".join(map(str, connection.execute(text("select * from leads")).one()))
        raw += " ".join(map(str, connection.execute(text("select * from lead_events")).one()))
    assert not [
        s for s in ("王芳", "13812345678", "对方拖欠货款", "二十万", "深圳某某科技", "某律所") if s in raw
    ]
    with sessionmaker(engine, future=True)() as session:
        [lead] = leads.search(session, email="wang@example.com")
        assert lead.to_dict()["contact"]["name"] == "王芳" and lead.summary == "对方拖欠货款"
        assert lead.counterparty == "深圳某某科技" and lead.answers == {"amount": "二十万"}
        assert leads.events(session, lead)[0]["detail"] == {"firms": ["某律所"]}
    command.downgrade(config, "0004")
    with engine.connect() as connection:
        row = connection.execute(text("select summary, counterparty, contact from leads")).one()
    assert row[0] == "对方拖欠货款" and row[1] == "深圳某某科技" and "王芳" in str(row[2])
    engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_the_outbox_migration_encrypts_existing_deliveries_and_back(request, database):
    """Deliveries queued before 0006 (a plaintext copy of the lead) are encrypted by it and read
    through the model as before; the downgrade gives the plaintext back."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from sqlalchemy.orm import sessionmaker

    from bot import firms, leads
    from bot.delivery import outbox
    from bot.settings import PROJECT_ROOT
    from tests.support import lead_fields

    url = request.getfixturevalue(f"{database}_url")  # at head; back to 0005 to write old rows
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.downgrade(config, "0005")
    engine = create_engine(url, future=True)
    with sessionmaker(engine, future=True)() as session:  # leads and firms are as at 0005
        lead_id = leads.save(session, "old#1", **lead_fields()).id
        firm = firms.Firm(name="某律所", topics=[], languages=["zh"], weekly_capacity=1, fee_models=[])
        session.add(firm)
        session.commit()
        firm_id = firm.id
    old = sa.table(
        "deliveries",
        *(sa.column(c) for c in ("lead_id", "firm_id", "kind", "method", "idempotency_key", "status")),
        sa.column("payload", sa.JSON),
        sa.column("last_error", sa.Text),
        *(sa.column(c, sa.DateTime(timezone=True)) for c in ("next_attempt_at", "created_at", "updated_at")),
    )
    payload = {"id": lead_id, "contact": {"name": "王芳", "phone": "+8613812345678"}, "summary": "勒索病毒"}
    moment = outbox.now()
    with engine.begin() as connection:
        connection.execute(
            old.insert().values(
                lead_id=lead_id,
                firm_id=firm_id,
                kind="lead",
                method="webhook",
                idempotency_key="k1",
                status="pending",
                payload=payload,
                last_error="HTTP 500 '王芳?'",
                next_attempt_at=moment,
                created_at=moment,
                updated_at=moment,
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        raw = " ".join(map(str, connection.execute(text("select * from deliveries")).one()))
    assert not [s for s in ("王芳", "13812345678", "勒索病毒", "HTTP 500") if s in raw]
    with sessionmaker(engine, future=True)() as session:
        [delivery] = outbox.listing(session)
        assert delivery.payload == payload and delivery.last_error == "HTTP 500 '王芳?'"
    command.downgrade(config, "0005")
    with engine.connect() as connection:
        row = connection.execute(text("select payload, last_error from deliveries")).one()
    back = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    assert back == payload and row[1] == "HTTP 500 '王芳?'"
    command.upgrade(config, "head")
    engine.dispose()
