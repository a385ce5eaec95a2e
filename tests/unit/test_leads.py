"""Leads in a real database (SQLite file, and PostgreSQL when it is there), schema by Alembic;
the spool that keeps a lead while the database is down; erasure and retention of leads."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot import db, leads, privacy, spool
from bot.db import upgrade
from tests.support import POSTGRES_ADMIN_URL, require_postgres


def a_lead(**overrides):
    fields = dict(
        channel="rest",
        conversation_id="conv-1",
        language="zh",
        topic="data_breach",
        urgency="high",
        summary="服务器被勒索病毒加密，客户数据可能泄露",
        answers={"ongoing_or_contained": "ongoing"},
        contact={"name": "王芳", "phone": "+8613812345678", "preferred_channel": "phone"},
        counterparty=None,
        consent={"notice_version": "2026-11", "given_at": "2026-11-29T06:00:00Z", "share_with_firms": False},
    )
    fields.update(overrides)
    return fields


def test_a_saved_lead_reads_back_with_every_field_of_the_brief(session):
    lead = leads.save(session, "conv-1#1", **a_lead())
    row = leads.find(session, lead.id).to_dict()
    assert list(row) == [
        "id",
        "created_at",
        "channel",
        "conversation_id",
        "language",
        "topic",
        "urgency",
        "summary",
        "answers",
        "contact",
        "counterparty",
        "consent",
        "status",
        "matches",
        "callback_requested",
    ]
    assert row["created_at"].endswith("Z")
    assert row["contact"]["phone"] == "+8613812345678"
    assert row["contact"]["email"] is None
    assert row["summary"] == "服务器被勒索病毒加密，客户数据可能泄露"
    assert row["status"] == "new" and row["matches"] == []


def test_a_retried_save_never_makes_a_second_lead(session):
    first = leads.save(session, "conv-1#1", **a_lead())
    again = leads.save(session, "conv-1#1", **a_lead(summary="retried"))
    assert again.id == first.id
    assert len(leads.newest_first(session)) == 1


def test_erasing_a_conversation_removes_its_leads_only(session):
    leads.save(session, "a#1", **a_lead(conversation_id="a"))
    leads.save(session, "b#1", **a_lead(conversation_id="b"))
    assert privacy.erase_conversation(session, "a") == 1
    assert [lead.conversation_id for lead in leads.newest_first(session)] == ["b"]


def test_a_lead_is_found_by_a_unique_id_prefix(session):
    lead = leads.save(session, "k", **a_lead())
    assert leads.find(session, lead.id[:8]).id == lead.id
    assert leads.find(session, "nope") is None


def test_export_writes_one_json_object_per_line_and_a_flat_csv(session):
    leads.save(session, "a#1", **a_lead(conversation_id="a"))
    leads.save(session, "b#1", **a_lead(conversation_id="b", language="en", summary='He said "hi", <b>'))
    lines = leads.export(leads.newest_first(session), "jsonl").splitlines()
    assert {json.loads(line)["conversation_id"] for line in lines} == {"a", "b"}
    rows = list(csv.DictReader(io.StringIO(leads.export(leads.newest_first(session), "csv"))))
    assert {r["summary"] for r in rows} == {"服务器被勒索病毒加密，客户数据可能泄露", 'He said "hi", <b>'}
    assert rows[0]["contact.phone"] == "+8613812345678"
    with pytest.raises(ValueError):
        leads.export([], "xml")


def test_the_leads_command_lists_shows_and_exports(tmp_path, sqlite_url):
    engine = create_engine(sqlite_url, future=True)
    with sessionmaker(engine, future=True)() as s:
        lead_id = leads.save(s, "cli#1", **a_lead()).id
    env = {**os.environ, "LAWBOT_DATABASE_URL": sqlite_url}

    def lawbot(*args):
        return subprocess.run(
            [sys.executable, "-m", "bot.ops.cli", *args], capture_output=True, text=True, env=env, timeout=120
        )

    listed = lawbot("leads", "list")
    assert listed.returncode == 0 and lead_id[:8] in listed.stdout and "data_breach" in listed.stdout
    shown = lawbot("leads", "show", lead_id[:8])
    assert json.loads(shown.stdout)["id"] == lead_id
    assert json.loads(shown.stdout)["status_history"][0]["status"] == "new"
    assert lawbot("leads", "show", "missing").returncode == 1
    exported = lawbot("leads", "export", "--format", "jsonl")
    assert json.loads(exported.stdout.splitlines()[0])["topic"] == "data_breach"


def test_a_lead_confirmed_while_the_database_is_down_is_saved_when_it_is_back(tmp_path, monkeypatch):
    """PostgreSQL answers but the leads database is not there yet (as after a failover): the lead
    goes to the spool, nothing is lost, and it is saved once the database is back."""
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    admin = require_postgres()
    name = f"lawbot_down_{uuid.uuid4().hex[:10]}"
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    monkeypatch.setattr(spool, "start_flusher", lambda *args, **kwargs: None)  # the test flushes

    assert spool.save_or_spool("conv-down:1", a_lead(conversation_id="conv-down"), url=url) is None
    assert spool.save_or_spool("conv-down:1", a_lead(conversation_id="conv-down"), url=url) is None
    assert len(spool.pending()) == 1, "a retried save spools the lead once"
    assert spool.flush(url) == 0, "still down: the lead stays spooled"
    assert len(spool.pending()) == 1

    with admin.connect() as connection:
        connection.execute(text(f"create database {name}"))
    try:
        upgrade(url)
        assert spool.flush(url) == 1
        assert spool.pending() == []
        with db.session_scope(url) as session:
            [lead] = leads.of_conversation(session, "conv-down")
            assert lead.to_dict()["contact"]["phone"] == "+8613812345678"
    finally:
        db.engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f"drop database {name} with (force)"))


def test_erasure_reaches_spooled_leads_too(tmp_path, monkeypatch):
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    spool.write("conv-a:1", a_lead(conversation_id="conv-a"))
    spool.write("conv-b:1", a_lead(conversation_id="conv-b"))
    assert privacy.erase_spooled("conv-a") == 1
    assert [r["fields"]["conversation_id"] for r in spool.pending()] == ["conv-b"]


def test_leads_older_than_the_retention_period_are_purged(sqlite_url):
    from datetime import timedelta

    with sessionmaker(create_engine(sqlite_url, future=True), future=True)() as session:
        old_id = leads.save(session, "old:1", created_at=db.utcnow() - timedelta(days=200), **a_lead()).id
        leads.save(session, "new:1", **a_lead())
        assert privacy.purge_leads(session, db.utcnow() - timedelta(days=180)) == 1
        session.expire_all()
        assert [lead.idempotency_key for lead in leads.newest_first(session)] == ["new:1"]
        assert leads.find(session, old_id) is None
