"""bot/db.py: the session scope's commit, rollback and outage handling; the time helpers;
the database URL from the settings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from bot import db, leads
from bot.settings import load as load_settings
from tests.support import lead_fields


def test_a_scope_commits_what_it_did(sqlite_url):
    with db.session_scope(sqlite_url) as session:
        session.add(leads.Lead(idempotency_key="k1", **lead_fields(conversation_id="c1")))
    with db.session_scope(sqlite_url) as session:
        assert [lead.conversation_id for lead in leads.newest_first(session)] == ["c1"]


def test_a_scope_that_raises_rolls_back_and_lets_the_error_through(sqlite_url):
    with pytest.raises(ValueError, match="changed my mind"), db.session_scope(sqlite_url) as session:
        session.add(leads.Lead(idempotency_key="k1", **lead_fields()))
        session.flush()
        raise ValueError("changed my mind")
    with db.session_scope(sqlite_url) as session:
        assert leads.newest_first(session) == []


def test_errors_in_what_was_asked_are_not_an_outage(sqlite_url):
    with db.session_scope(sqlite_url) as session:
        session.add(leads.Lead(idempotency_key="same", **lead_fields()))
    with pytest.raises(IntegrityError), db.session_scope(sqlite_url) as session:
        session.add(leads.Lead(idempotency_key="same", **lead_fields()))


def test_a_database_that_cannot_be_reached_is_unavailable(tmp_path):
    unreachable = f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it
    with pytest.raises(db.Unavailable), db.session_scope(unreachable) as session:
        leads.newest_first(session)


def test_iso_is_utc_with_a_z_and_takes_naive_datetimes_as_utc():
    assert db.iso(datetime(2026, 11, 29, 6, 0)) == "2026-11-29T06:00:00Z"
    beijing = timezone(timedelta(hours=8))
    assert db.iso(datetime(2026, 11, 29, 14, 0, tzinfo=beijing)) == "2026-11-29T14:00:00+08:00"
    assert db.iso(None) is None
    assert db.utcnow().tzinfo is timezone.utc and db.utcnow().microsecond == 0


def test_the_database_url_comes_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("LAWBOT_DATABASE_URL", raising=False)
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    assert db.database_url() == load_settings().database_url == f"sqlite:///{tmp_path / 'leads.db'}"
    monkeypatch.setenv("LAWBOT_DATABASE_URL", "postgresql://db.example/leads")
    assert db.database_url() == "postgresql://db.example/leads"
