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
from datetime import timedelta

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


def test_actions_find_a_lead_by_its_exact_id_only_staff_by_a_unique_prefix(session):
    lead = leads.save(session, "k", **a_lead())
    assert leads.find(session, lead.id).id == lead.id
    assert leads.find(session, lead.id[:8]) is None, "a forged prefix reaches no lead"
    assert leads.find(session, "") is None
    assert leads.find(session, lead.id, conversation_id="someone-else") is None
    assert leads.find_by_prefix(session, lead.id[:8]).id == lead.id
    assert leads.find_by_prefix(session, "nope") is None
    assert leads.find_by_prefix(session, "%") is None and leads.find_by_prefix(session, "____%") is None


def test_export_writes_one_json_object_per_line_and_a_flat_csv(session):
    leads.save(session, "a#1", **a_lead(conversation_id="a"))
    leads.save(session, "b#1", **a_lead(conversation_id="b", language="en", summary='He said "hi", <b>'))
    lines = leads.export(leads.newest_first(session), "jsonl").splitlines()
    assert {json.loads(line)["conversation_id"] for line in lines} == {"a", "b"}
    rows = list(csv.DictReader(io.StringIO(leads.export(leads.newest_first(session), "csv"))))
    assert {r["summary"] for r in rows} == {"服务器被勒索病毒加密，客户数据可能泄露", 'He said "hi", <b>'}
    assert rows[0]["contact.phone"] == "'+8613812345678", "formula-safe: a leading + is shown as text"
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
    found = lawbot("leads", "find", "--phone", "138 1234 5678")
    assert [json.loads(line)["id"] for line in found.stdout.splitlines()] == [lead_id]
    assert lawbot("leads", "find", "--email", "nobody@example.com").stdout == ""
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


# ---------------------------------------------------------------- encryption, search, limits

SECRETS = ("王芳", "13812345678", "wang@example.com", "勒索病毒", "深圳某某科技", "客户名单在对方手里")


def test_what_the_user_said_is_stored_encrypted_and_reads_back_unchanged(session):
    lead = leads.save(
        session,
        "enc#1",
        **a_lead(
            contact={"name": "王芳", "phone": "+8613812345678", "email": "wang@example.com"},
            counterparty="深圳某某科技",
            answers={"what_happened": "客户名单在对方手里"},
        ),
    )
    leads.record_event(session, lead, "note", detail={"said": "客户名单在对方手里"})
    session.commit()
    raw = []
    for table in ("leads", "lead_events"):
        for row in session.execute(text(f"select * from {table}")).mappings():
            raw.append(json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False))
    assert raw and not [s for s in SECRETS for row in raw if s in row], "plaintext in the tables"
    stored = session.execute(text("select contact, summary from leads")).one()
    assert all(value.startswith("gAAAAA") for value in stored)
    session.expire_all()
    row = leads.find(session, lead.id).to_dict()
    assert row["contact"]["name"] == "王芳" and row["counterparty"] == "深圳某某科技"
    assert row["summary"] == "服务器被勒索病毒加密，客户数据可能泄露"
    assert row["answers"] == {"what_happened": "客户名单在对方手里"}
    assert leads.events(session, lead)[-1]["detail"] == {"said": "客户名单在对方手里"}


def test_staff_find_leads_by_phone_or_email_as_people_type_them(session):
    mine = leads.save(
        session, "s#1", **a_lead(contact={"phone": "+8613812345678", "email": "Wang@Example.com"})
    )
    leads.save(session, "s#2", **a_lead(contact={"phone": "+8613900001111", "email": "li@example.com"}))
    assert [lead.id for lead in leads.search(session, phone="138 1234 5678")] == [mine.id]
    assert [lead.id for lead in leads.search(session, phone="+86 138-1234-5678")] == [mine.id]
    assert [lead.id for lead in leads.search(session, email=" WANG@example.COM ")] == [mine.id]
    assert leads.search(session, phone="13700000000") == [] and leads.search(session) == []


def test_a_contact_leaves_at_most_n_leads_a_day(session):
    phone = {"phone": "+8613812345678"}
    leads.save(session, "d#1", limit=2, **a_lead(contact=phone))
    leads.save(session, "d#2", limit=2, **a_lead(contact={**phone, "email": "x@example.com"}))
    assert leads.save(session, "d#1", limit=2, **a_lead(contact=phone)).idempotency_key == "d#1", (
        "a retry is no new lead"
    )
    with pytest.raises(leads.TooManyLeads):
        leads.save(session, "d#3", limit=2, **a_lead(contact={"phone": "138-1234-5678"}))
    with pytest.raises(leads.TooManyLeads):  # the same person by email (one lead so far)
        leads.save(session, "d#4", limit=1, **a_lead(contact={"email": "X@example.com"}))
    session.rollback()
    leads.save(session, "d#5", limit=2, **a_lead(contact={"phone": "+8613900001111"}))
    tomorrow = db.utcnow() + timedelta(days=1, minutes=1)
    leads.save(session, "d#6", limit=2, created_at=tomorrow, **a_lead(contact=phone))
    assert len(leads.newest_first(session)) == 4


def test_the_daily_limit_comes_from_the_settings(session, monkeypatch):
    monkeypatch.setenv("LAWBOT_LEADS_PER_CONTACT_PER_DAY", "1")
    leads.save(session, "l#1", **a_lead())
    with pytest.raises(leads.TooManyLeads):
        leads.save(session, "l#2", **a_lead())


def test_too_long_values_are_refused_before_the_database_never_as_a_data_error(session):
    with pytest.raises(leads.LeadRejected):
        leads.save(session, "long#1", **a_lead(conversation_id="rest:" + "x" * 300))
    session.rollback()
    key = "rest:" + "k" * 400
    lead = leads.save(session, key, **a_lead(counterparty="某" * 5000, summary="长" * 20000))
    assert leads.save(session, key, **a_lead()).id == lead.id, "a long key is hashed, still idempotent"
    session.expire_all()
    assert leads.find(session, lead.id).counterparty == "某" * 5000


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_intake_answers_a_contact_over_the_daily_limit_politely(tmp_path, monkeypatch, domain, language):
    from actions.lead import ActionCompleteIntake
    from tests.support.trackers import run, tracker

    url = f"sqlite:///{tmp_path / 'leads.db'}"
    upgrade(url)
    monkeypatch.setenv("LAWBOT_DATABASE_URL", url)
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LAWBOT_LEADS_PER_CONTACT_PER_DAY", "1")
    slots = dict(
        topic="data_breach",
        privacy_consent="given",
        contact_name="王芳",
        contact_methods="given",
        contact_phone="+8613812345678",
    )
    saved, _ = run(
        ActionCompleteIntake(), tracker("是的", "affirm", language, intake_id="a", **slots), domain
    )
    assert saved[0]["response"].startswith("utter_lead_saved")
    messages, events = run(
        ActionCompleteIntake(), tracker("是的", "affirm", language, intake_id="b", **slots), domain
    )
    [said] = [m["text"] for m in messages]
    assert ("今天已经有 1 条" if language == "zh" else "as we take in a day (1)") in said
    assert {"event": "slot", "name": "share_pending", "value": False, "timestamp": None} in events
    with db.session_scope(url) as session:
        assert len(leads.newest_first(session)) == 1
    db.engine(url).dispose()


def test_firm_fields_longer_than_their_columns_are_refused_before_the_database(session):
    from bot import firms

    firm = dict(
        name="甲律所", topics=["icp"], languages=["zh"], weekly_capacity=2, webhook_url="https://f.example/h"
    )
    for field, value in (
        ("name", "所" * 201),
        ("webhook_url", "https://f.example/" + "p" * 2000),
        ("webhook_secret", "s" * 201),
        ("contact_email", "a" * 64 + "@" + ("d" * 60 + ".") * 5 + "cn"),
    ):
        with pytest.raises(firms.FirmError, match=f"{field} is longer than"):
            firms.add(session, {**firm, field: value})
    assert firms.add(session, {**firm, "name": "所" * 200}).name == "所" * 200
