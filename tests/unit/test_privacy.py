"""bot/privacy.py and its helpers: erasure by conversation, phone or email reaching every copy
(leads, events, outbox, spool, tracker store, log lines) with an audit entry that keeps no
personal data; the spool race and the spool's data errors; retention with log rotation; the
formula-safe CSV export."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
import os
import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot import audit, crypto, db, leads, logfiles, privacy, spool, spreadsheet, transcripts
from bot.delivery import outbox
from bot.rasa.stores import ErasingSQLTrackerStore
from bot.settings import load as load_settings
from tests.support import lead_fields

PHONE, EMAIL, NAME = "+8613812345678", "wang@example.com", "王芳"


def url_of(session) -> str:
    return session.get_bind().url.render_as_string(hide_password=False)


@pytest.fixture
def settings_for(tmp_path, monkeypatch):
    """settings_for(url): the settings with var/ in tmp_path and the leads database at `url`."""
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))

    def make(url):
        monkeypatch.setenv("LAWBOT_DATABASE_URL", url)
        return dataclasses.replace(load_settings(), var_dir=tmp_path, database_url=url)

    return make


def tracker_store(path, events: list[tuple[str, float, str]]) -> None:
    """Rasa's SQL tracker store `events` table: (sender_id, timestamp, data) rows."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            "create table if not exists events (id integer primary key, sender_id varchar(255), "
            "type_name varchar(255), timestamp real, intent_name varchar(255), action_name varchar(255), "
            "data text)"
        )
        connection.executemany("insert into events (sender_id, timestamp, data) values (?, ?, ?)", events)


def everything(settings) -> str:
    """Every table of the leads database and the tracker store, the spool and the log files, as text."""
    dumped = []
    engine = db.make_engine(settings.database_url)
    with engine.connect() as connection:
        for table in db.Base.metadata.sorted_tables:
            dumped += [repr(tuple(row)) for row in connection.execute(table.select())]
    engine.dispose()
    if settings.tracker_db.exists():
        with sqlite3.connect(settings.tracker_db) as connection:
            dumped += [repr(row) for row in connection.execute("select * from events")]
    for path in (settings.var_dir / "spool").rglob("*.json"):
        dumped.append(path.read_text(encoding="utf-8"))
    for path in logfiles.files(settings.var_dir):
        dumped.append(path.read_text(encoding="utf-8"))
    return "\n".join(dumped)


def plant(settings, session, make_lead, make_firm, conversation="web:abc"):
    """A lead delivered to a firm (one try), a second lead of the same person from another
    conversation, a spooled lead, the tracker store and a log naming the person."""
    firm = make_firm(session, "Harbin Breach Team")
    lead = make_lead(session, conversation_id=conversation)
    leads.set_status(session, lead, "matched")
    outbox.enqueue(session, lead, firm, "webhook", {"id": lead.id})
    session.commit()
    session.execute(outbox.Delivery.__table__.update().values(attempts=1, status="delivered"))
    session.commit()
    other = make_lead(session, conversation_id="tg:42", contact={"name": NAME, "phone": "138 1234 5678"})
    spool.write("spooled:1", lead_fields(conversation_id=conversation, created_at=db.utcnow()))
    now = time.time()
    tracker_store(
        settings.tracker_db,
        [
            (conversation, now, f'{{"text": "my phone is {PHONE}"}}'),
            ("tg:42", now, '{"text": "hello"}'),
            ("web:someone-else", now, '{"text": "hi"}'),
        ],
    )
    logs = settings.var_dir / "log"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "rasa.log").write_text(
        f"start\nuser {conversation} said {EMAIL}\n{NAME} called\nother line\n", encoding="utf-8"
    )
    session.expire_all()
    return firm.id, (lead.id, lead.idempotency_key), other.id


def test_erasure_by_phone_reaches_every_copy_and_the_audit_keeps_no_personal_data(
    session, settings_for, make_lead, make_firm
):
    settings = settings_for(url_of(session))
    firm_id, (lead_id, lead_key), other_id = plant(settings, session, make_lead, make_firm)
    session.close()

    done = privacy.erase(phone="138-1234-5678", settings=settings)

    assert set(done.lead_ids) == {lead_id, other_id}
    counts = done.counts
    assert (counts["leads"], counts["spooled"], counts["notices"], counts["conversations"]) == (2, 1, 1, 2)
    assert counts["log_lines"] == 2  # the conversation's line and the name's line
    dumped = everything(settings)
    for personal in (PHONE, "13812345678", EMAIL, NAME, "web:abc", "tg:42"):
        assert personal not in dumped
    assert "web:someone-else" in dumped and "other line" in dumped
    with db.session_scope(settings.database_url) as check:
        [entry] = audit.entries(check)
        assert (entry.actor, entry.scope) == ("staff", "phone")
        assert entry.counts["leads"] == 2 and entry.counts["log_lines"] == 2
        [notice] = outbox.listing(check)
        assert (notice.kind, notice.lead_id, notice.firm_id, notice.status) == (
            "erasure",
            None,
            firm_id,
            "pending",
        )
        assert notice.payload == {
            "event": "lead.erased",
            "lead_id": lead_id,
            "erased_at": notice.payload["erased_at"],
        }
        assert audit.was_erased(check, lead_key) and audit.was_erased(check, "spooled:1")


def test_erasure_by_conversation_leaves_the_same_persons_other_conversations(
    session, settings_for, make_lead, make_firm
):
    settings = settings_for(url_of(session))
    _, (lead_id, _), other_id = plant(settings, session, make_lead, make_firm)
    session.close()

    done = privacy.erase(conversation_id="web:abc", actor="user", settings=settings)

    assert done.lead_ids == (lead_id,) and done.counts["spooled"] == 1
    with db.session_scope(settings.database_url) as check:
        assert [kept.id for kept in leads.newest_first(check)] == [other_id]
        assert audit.entries(check)[0].actor == "user"
    with sqlite3.connect(settings.tracker_db) as connection:
        assert {row[0] for row in connection.execute("select sender_id from events")} == {
            "tg:42",
            "web:someone-else",
        }
    assert spool.pending() == []


def test_erasure_by_email_and_a_second_erasure_finds_nothing(sqlite_url, settings_for, make_lead):
    settings = settings_for(sqlite_url)
    with db.session_scope(sqlite_url) as session:
        make_lead(session, contact={"email": "Wang@Example.com", "name": NAME})
    assert privacy.erase(email=" wang@example.COM ", settings=settings).counts["leads"] == 1
    again = privacy.erase(email=EMAIL, settings=settings)
    assert again.counts["leads"] == 0 and again.lead_ids == ()
    with pytest.raises(ValueError, match="exactly one"):
        privacy.erase(phone=PHONE, email=EMAIL, settings=settings)


def test_the_erasure_command_erases_and_lists_the_audit(sqlite_url, settings_for, make_lead, tmp_path):
    import subprocess
    import sys

    from bot.settings import PROJECT_ROOT

    settings_for(sqlite_url)
    with db.session_scope(sqlite_url) as session:
        make_lead(session, conversation_id="rest:me")
    env = {**os.environ, "LAWBOT_DATABASE_URL": sqlite_url, "LAWBOT_VAR_DIR": str(tmp_path)}

    def lawbot(*args):
        return subprocess.run(
            [sys.executable, "-m", "bot.ops.cli", *args],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        )

    erased = lawbot("erase", "--conversation", "rest:me")
    assert erased.returncode == 0, erased.stderr
    assert "leads 1" in erased.stdout
    listed = lawbot("erase", "--audit")
    [entry] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert entry["actor"] == "staff" and entry["scope"] == "conversation" and entry["counts"]["leads"] == 1
    assert "rest:me" not in listed.stdout
    assert lawbot("erase").returncode == 2


# ---------------------------------------------------------------- the spool


def test_a_spooled_copy_of_an_erased_lead_is_never_saved_again(sqlite_url, settings_for):
    settings = settings_for(sqlite_url)
    fields = lead_fields(conversation_id="web:race", created_at=db.utcnow())
    spool.write("web:race:1", fields)
    privacy.erase(conversation_id="web:race", settings=settings)
    spool.write("web:race:1", fields)  # a process that still had it writes it back

    assert spool.flush(sqlite_url) == 0
    assert spool.pending() == []
    with db.session_scope(sqlite_url) as session:
        assert leads.newest_first(session) == []
    assert spool.save_or_spool("web:race:1", fields, sqlite_url) is None


def test_a_flush_waits_for_an_erasure_holding_the_spool(sqlite_url, settings_for):
    settings = settings_for(sqlite_url)
    spool.write("web:held:1", lead_fields(conversation_id="web:held", created_at=db.utcnow()))
    flushed: list[int] = []
    with spool.locked(settings.var_dir):
        flusher = threading.Thread(target=lambda: flushed.append(spool.flush(sqlite_url)))
        flusher.start()
        time.sleep(0.3)
        assert flushed == [] and flusher.is_alive()  # held off while the erasure works
        assert len(spool.erase(lambda f: f.get("conversation_id") == "web:held", settings.var_dir)) == 1
    flusher.join(10)
    assert flushed == [0]


def test_a_value_too_long_is_saved_cut_to_size_and_a_refused_lead_never_blocks_the_spool(
    session, settings_for
):
    url = url_of(session)
    settings_for(url)
    long_id = "web:" + "x" * 400
    spool.write("a:1", lead_fields(conversation_id=long_id, created_at=db.utcnow()))
    spool.write("b:1", lead_fields(conversation_id=None, created_at=db.utcnow()))  # NOT NULL
    spool.write("c:1", lead_fields(conversation_id="web:fine", created_at=db.utcnow()))

    assert spool.flush(url) == 2

    assert spool.pending() == []
    rejected = list(spool.rejected_directory().glob("*.json"))
    assert [r["idempotency_key"] for r in spool.matching(lambda fields: True)] == ["b:1"]
    assert not [s for s in (NAME, "13812345678", EMAIL, "b:1") if s in rejected[0].read_text()]
    assert oct(rejected[0].stat().st_mode & 0o777) == "0o600"
    session.expire_all()
    saved = {lead.idempotency_key: lead.conversation_id for lead in leads.newest_first(session)}
    assert saved == {"a:1": long_id[:255], "c:1": "web:fine"}


def test_an_outage_keeps_the_lead_spooled(tmp_path, settings_for):
    unreachable = f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it
    settings_for(unreachable)
    assert spool.save_or_spool("d:1", lead_fields(created_at=db.utcnow()), unreachable) is None
    assert [r["idempotency_key"] for r in spool.pending()] == ["d:1"]
    assert spool.flush(unreachable) == 0 and len(spool.pending()) == 1
    spool_file = next(spool.directory().glob("*.json"))
    assert oct(spool_file.stat().st_mode & 0o777) == "0o600"


def test_spool_files_hold_ciphertext_only_and_files_from_before_encryption_are_still_read(
    sqlite_url, settings_for
):
    settings_for(sqlite_url)
    spool.write("web:sealed:1", lead_fields(conversation_id="web:sealed", created_at=db.utcnow()))
    spool.write("web:sealed:2", lead_fields(conversation_id="web:sealed"), spool.rejected_directory())
    written = [*spool.directory().glob("*.json"), *spool.rejected_directory().glob("*.json")]
    assert len(written) == 2
    for path in written:
        raw = path.read_text(encoding="utf-8")
        assert crypto.is_token(raw.strip())
        assert not [s for s in (NAME, "13812345678", EMAIL, "勒索", "web:sealed") if s in raw]
    plain = spool.directory() / "0123456789abcdef0123456789abcdef.json"  # spooled before encryption
    plain.write_text(
        json.dumps({"idempotency_key": "web:old:1", "fields": lead_fields(conversation_id="web:old")}),
        encoding="utf-8",
    )
    assert sorted(r["idempotency_key"] for r in spool.pending()) == ["web:old:1", "web:sealed:1"]
    assert spool.of_conversation("web:sealed")[0]["fields"]["contact"]["name"] == NAME
    assert spool.flush(sqlite_url) == 2 and spool.pending() == []
    with db.session_scope(sqlite_url) as session:
        assert {lead.conversation_id for lead in leads.newest_first(session)} == {"web:sealed", "web:old"}


def test_a_spool_file_no_key_opens_is_skipped_and_never_blocks_the_others(sqlite_url, settings_for):
    settings_for(sqlite_url)
    stranger = Fernet(Fernet.generate_key())
    lost = spool.directory() / "00000000000000000000000000000000.json"  # sorted first
    lost.parent.mkdir(parents=True, exist_ok=True)
    lost.write_text(stranger.encrypt(b'{"idempotency_key": "x", "fields": {}}').decode(), encoding="utf-8")
    spool.write("web:fine:1", lead_fields(conversation_id="web:fine", created_at=db.utcnow()))
    assert [r["idempotency_key"] for r in spool.pending()] == ["web:fine:1"]
    assert spool.flush(sqlite_url) == 1
    assert lost.exists(), "left in place for staff (another key may open it)"
    assert spool.purge_older_than(db.utcnow() - timedelta(days=1)) == 0
    long_ago = time.time() - 200 * 86400
    os.utime(lost, (long_ago, long_ago))
    assert spool.purge_older_than(db.utcnow() - timedelta(days=1)) == 1, "retention still reaches it"
    assert not lost.exists()


def save_conversation(store, sender_id: str, *texts: str) -> None:
    """A conversation as Rasa stores it: the user's messages, through the real tracker store."""
    tracker = DialogueStateTracker.from_events(sender_id, [UserUttered(t) for t in texts])
    asyncio.run(store.save(tracker))


def tracker_senders(store) -> set[str]:
    with store.engine.connect() as connection:
        return {row[0] for row in connection.execute(text("select sender_id from events"))}


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_erasure_by_phone_or_email_finds_conversations_where_it_was_typed_without_a_lead(
    request, database, sqlite_url, settings_for, monkeypatch
):
    """The tracker store's event data is encrypted: erasure by contact reads it through the
    decryption (in batches: two events at a time here), not with a SQL LIKE."""
    settings = settings_for(sqlite_url)
    if database == "sqlite":
        tracker_url = settings.tracker_store_url
        store = ErasingSQLTrackerStore(dialect="sqlite", db=str(settings.tracker_db))
    else:
        tracker_url = request.getfixturevalue("postgres_url")
        where = make_url(tracker_url)
        store = ErasingSQLTrackerStore(
            dialect="postgresql",
            host=where.host,
            port=where.port,
            username=where.username,
            password=where.password,
            db=where.database,
        )
    monkeypatch.setattr(transcripts, "BATCH", 2)
    save_conversation(store, "web:typed-phone", "你好", f"我叫{NAME}，电话 138 1234 5678", "谢谢")
    save_conversation(store, "web:typed-email", "hi", "my email is Wang@Example.COM")
    save_conversation(store, "web:stranger", f"我也叫{NAME}", "电话 13912345678")
    with store.engine.connect() as connection:
        raw = " ".join(str(row[0]) for row in connection.execute(text("select data from events")))
    assert not [s for s in ("138 1234 5678", "Wang@Example", "13912345678") if s in raw], "encrypted"

    def erase(**contact):
        if database == "sqlite":  # the configured tracker store: through `lawbot erase`'s function
            return privacy.erase(settings=settings, **contact).counts["conversations"]
        typed = privacy._contact_texts([], contact.get("phone"), contact.get("email"))
        return transcripts.erase(tracker_url, [], contact_texts=typed)[0]

    assert erase(phone="+86 138-1234-5678") == 1
    assert tracker_senders(store) == {"web:typed-email", "web:stranger"}
    assert erase(email=EMAIL) == 1
    assert tracker_senders(store) == {"web:stranger"}, "a name alone erases no one else's conversation"
    assert erase(phone="13812345678") == 0
    store.engine.dispose()


# ---------------------------------------------------------------- retention and logs


def test_everything_older_than_the_retention_period_is_purged(tmp_path, sqlite_url, monkeypatch):
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    settings = dataclasses.replace(
        load_settings(), var_dir=tmp_path, database_url=sqlite_url, retention_days=180
    )
    now = db.utcnow()
    old, recent = now - timedelta(days=200), now - timedelta(days=10)

    with db.session_scope(sqlite_url) as session:
        leads.save(session, "old:1", **lead_fields(created_at=old))
        leads.save(session, "new:1", **lead_fields(created_at=recent))
    spool.write("old:2", lead_fields(conversation_id="old", created_at=old))
    spool.write("new:2", lead_fields(conversation_id="new", created_at=recent))
    tracker_store(settings.tracker_db, [("old", old.timestamp(), "{}"), ("new", recent.timestamp(), "{}")])
    logs = tmp_path / "log"
    logs.mkdir()
    for name, moment in (("old.log", old), ("rasa.log.1", old), ("new.log", recent), ("notes.txt", old)):
        (logs / name).write_text(f"{moment:%Y-%m-%d %H:%M:%S} INFO started\n", encoding="utf-8")
        os.utime(logs / name, (moment.timestamp(), moment.timestamp()))

    report = privacy.purge_expired(now, settings=settings)

    assert report == privacy.Report(leads=1, conversations=1, spooled=1, logs=2)
    with db.session_scope(sqlite_url) as session:
        assert [lead.idempotency_key for lead in leads.newest_first(session)] == ["new:1"]
        assert session.execute(select(func.count()).select_from(leads.LeadEvent)).scalar_one() == 0
        [entry] = audit.entries(session)
        assert (entry.actor, entry.scope, entry.counts["leads"]) == ("retention", "expired", 1)
    assert [r["fields"]["conversation_id"] for r in spool.pending()] == ["new"]
    with sqlite3.connect(settings.tracker_db) as connection:
        assert connection.execute("select sender_id from events").fetchall() == [("new",)]
    # new.log, 10 days old, was rotated (the copy keeps its time, the active file is emptied in place)
    names = sorted(p.name for p in logs.iterdir())
    assert names[0] == "new.log" and names[1].startswith("new.log.") and names[2:] == ["notes.txt"]
    assert (logs / "new.log").read_text() == "" and "started" in (logs / names[1]).read_text()
    assert privacy.purge_expired(now, settings=settings).total == 0
    later = now + timedelta(days=200)
    assert privacy.purge_expired(later, settings=settings).logs == 2  # the rotated copy went too


def test_logs_rotate_daily_or_by_size_in_place(tmp_path):
    log = tmp_path / "log" / "actions.log"
    log.parent.mkdir()
    now = db.utcnow()
    first = f"{now:%Y-%m-%d %H:%M:%S} INFO a\n"
    log.write_text(first)
    with log.open("ab") as appender:  # a server's descriptor, opened once
        assert logfiles.rotate(tmp_path, now + timedelta(hours=1)) == 0  # its first line is an hour old
        assert logfiles.rotate(tmp_path, now + timedelta(hours=25)) == 1  # a day old: rotated
        appender.write(b"banner without a time\n")
        appender.flush()
        assert logfiles.rotate(tmp_path, now + timedelta(hours=26)) == 0  # rotated an hour ago
        assert logfiles.rotate(tmp_path, now + timedelta(hours=26), max_bytes=1) == 1  # too big
        assert logfiles.rotate(tmp_path, now + timedelta(days=5)) == 0  # empty: nothing to rotate
    assert log.read_text() == ""
    rotated = sorted(p.read_text() for p in log.parent.glob("actions.log.*"))
    assert rotated == sorted(["banner without a time\n", first])


def test_log_masking_hides_phones_and_emails_but_not_dates_or_ports():
    assert logfiles.mask("user +86 138 1234 5678 / wang@example.com") == "user <phone> / <email>"
    assert (
        logfiles.mask("2026-11-29 13:27:23 port 5005 took 12 ms")
        == "2026-11-29 13:27:23 port 5005 took 12 ms"
    )


def test_make_private_closes_var_to_other_users(tmp_path):
    (tmp_path / "var" / "log").mkdir(parents=True)
    (tmp_path / "var" / "log" / "rasa.log").write_text("x")
    logfiles.make_private(tmp_path / "var")
    assert oct((tmp_path / "var").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "var" / "log").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "var" / "log" / "rasa.log").stat().st_mode & 0o777) == "0o600"


def test_the_csv_export_is_formula_safe(sqlite_url):
    with db.session_scope(sqlite_url) as session:
        leads.save(
            session,
            "csv:1",
            **lead_fields(summary='=HYPERLINK("http://evil.example","click")', counterparty="@SUM(1+1)"),
        )
        exported = leads.export(leads.newest_first(session), "csv")
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert row["summary"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["counterparty"] == "'@SUM(1+1)"
    assert row["topic"] == "data_breach"
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet.cell(start + "1") == "'" + start + "1"
    assert spreadsheet.cell("1-2") == "1-2" and spreadsheet.cell(3) == 3
