"""bot/db.py: the session scope's commit, rollback and outage handling; the time helpers;
the database URL from the settings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from bot import db, leads
from bot.settings import load as load_settings
from tests.support import lead_fields, run_module


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


def test_sql_parameters_never_appear_in_database_errors(sqlite_url):
    with db.session_scope(sqlite_url) as session:
        session.add(leads.Lead(idempotency_key="secret-key-13812345678", **lead_fields()))
    with pytest.raises(IntegrityError) as raised, db.session_scope(sqlite_url) as session:
        session.add(leads.Lead(idempotency_key="secret-key-13812345678", **lead_fields()))
    assert db.is_data_error(raised.value)
    assert "13812345678" not in str(raised.value) and "hidden due to hide_parameters" in str(raised.value)


def test_urls_are_printed_without_their_password():
    assert db.masked("postgresql://lawbot:s3cr3t@db.example:5432/leads") == (
        "postgresql://lawbot:***@db.example:5432/leads"
    )
    assert db.masked("sqlite:////srv/var/leads.db") == "sqlite:////srv/var/leads.db"


def test_a_database_that_accepts_but_never_answers_times_out(unused_port):
    """A PostgreSQL address that takes the connection and then says nothing (a hung server, a
    black-holed firewall): the connect timeout gives up after a few seconds, as an outage."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", unused_port))
    listener.listen(5)  # the kernel completes the handshake; nobody ever answers
    try:
        started = time.monotonic()
        with (
            pytest.raises(db.Unavailable),
            db.session_scope(f"postgresql://lawbot@127.0.0.1:{unused_port}/leads") as session,
        ):
            leads.newest_first(session)
        assert time.monotonic() - started < db.CONNECT_TIMEOUT + 5
    finally:
        listener.close()


def test_the_upgrade_command_does_not_print_the_password(tmp_path, postgres_url):
    import os

    # The test server trusts local connections, so any password is accepted (and must not show).
    with_password = postgres_url.replace("postgres@", "postgres:Pa55-w0rd-xyz@", 1)
    assert with_password != postgres_url
    env = {**os.environ, "LAWBOT_DATABASE_URL": with_password, "LAWBOT_VAR_DIR": str(tmp_path)}
    run = run_module(["bot.ops.cli", "db", "upgrade"], env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Pa55-w0rd-xyz" not in run.stdout + run.stderr
    assert "postgres:***@" in run.stdout


def test_the_command_line_creates_files_for_their_owner_only(tmp_path):
    import os

    env = {
        **os.environ,
        "LAWBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'leads.db'}",
        "LAWBOT_VAR_DIR": str(tmp_path),
    }
    run = run_module(["bot.ops.cli", "db", "upgrade"], env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert oct((tmp_path / "leads.db").stat().st_mode & 0o777) == "0o600"
