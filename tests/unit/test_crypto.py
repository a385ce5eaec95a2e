"""Encryption at rest (bot/crypto.py) and key rotation (bot/key_rotation.py): the embedded key
file, the production profile's refusal to run without a key, the keyed hashes, and a rotation
that re-encrypts the leads database and the tracker store while old keys stay readable."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet, InvalidToken
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot import crypto, firms, key_rotation, leads, spool
from bot.db import upgrade
from bot.delivery import outbox, sharing
from bot.rasa.stores import ErasingSQLTrackerStore
from bot.settings import load as load_settings
from tests.support import lead_fields


@pytest.fixture
def embedded(tmp_path, monkeypatch):
    """The embedded profile with no keys in the environment: the key files go under var/."""
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("LAWBOT_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("LAWBOT_SEARCH_KEY", raising=False)
    monkeypatch.delenv("LAWBOT_PROFILE", raising=False)
    monkeypatch.setenv("LAWBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'leads.db'}")
    crypto.reset()
    yield load_settings()
    crypto.reset()


def test_the_embedded_profile_makes_its_own_key_file_readable_by_the_owner_only(embedded):
    token = crypto.encrypt("王芳 13812345678")
    path = crypto.key_file(embedded)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    [key] = path.read_text().split()
    assert Fernet(key.encode()).decrypt(token.encode()).decode() == "王芳 13812345678"
    crypto.reset()
    assert crypto.decrypt(token) == "王芳 13812345678", "the next start reads the same key"
    assert crypto.keys(embedded) == (key,)
    crypto.phone_hash("13812345678")
    assert stat.S_IMODE(crypto.search_key_file(embedded).stat().st_mode) == 0o600
    assert not crypto.write_private(path, "another\n", replace=False), "an existing key is never overwritten"


def test_the_production_profile_refuses_to_start_without_a_key(embedded, monkeypatch):
    monkeypatch.setenv("LAWBOT_PROFILE", "production")
    with pytest.raises(crypto.KeyMissing, match="LAWBOT_ENCRYPTION_KEYS"):
        crypto.require()
    with pytest.raises(crypto.KeyMissing):
        ErasingSQLTrackerStore(dialect="sqlite", db=str(embedded.var_dir / "tracker.db"))
    assert not crypto.key_file(embedded).exists(), "production never falls back to a key file"
    monkeypatch.setenv("LAWBOT_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    with pytest.raises(crypto.KeyMissing, match="LAWBOT_SEARCH_KEY"):
        crypto.require()
    monkeypatch.setenv("LAWBOT_SEARCH_KEY", "a long random search key")
    crypto.require()
    monkeypatch.setenv("LAWBOT_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(ValueError, match="not a Fernet key"):
        crypto.require()


def test_ciphertext_is_authenticated_and_never_the_same_twice(embedded):
    first, second = crypto.encrypt("13812345678"), crypto.encrypt("13812345678")
    assert first != second and "13812345678" not in first
    tampered = first[:-6] + ("A" if first[-6] != "A" else "B") + first[-5:]
    with pytest.raises(InvalidToken):
        crypto.decrypt(tampered)
    assert crypto.is_token(first) and not crypto.is_token('{"event": "user"}')
    assert crypto.decrypt_event_data('{"event": "user"}') == '{"event": "user"}'


def test_keyed_hashes_match_exactly_after_normalisation_and_depend_on_the_key(monkeypatch):
    monkeypatch.setenv("LAWBOT_SEARCH_KEY", "one key")
    same = {crypto.phone_hash(p) for p in ("13812345678", "+86 138 1234 5678", "0086-138-1234-5678")}
    assert len(same) == 1 and "13812345678" not in same.pop()
    assert crypto.email_hash("Wang@Example.com ") == crypto.email_hash("wang@example.com")
    assert crypto.phone_hash("13812345679") != crypto.phone_hash("13812345678")
    assert crypto.phone_hash("") is None and crypto.email_hash(None) is None
    before = crypto.phone_hash("13812345678")
    monkeypatch.setenv("LAWBOT_SEARCH_KEY", "another key")
    assert crypto.phone_hash("13812345678") != before


FIRM = dict(
    name="Rotation Test Counsel",
    topics=["data_breach"],
    languages=["zh", "en"],
    handles_urgent=True,
    weekly_capacity=5,
    fee_models=["hourly"],
    webhook_url="http://127.0.0.1:9/unused",
    webhook_secret="s3cret",
)


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_outbox_rows_hold_no_plaintext_and_read_back_as_before(request, database):
    """A delivery's payload is a copy of the lead, and its last error may quote the firm's answer:
    both are ciphertext in the database, and the code reads them as before."""
    url = request.getfixturevalue(f"{database}_url")
    engine = create_engine(url, future=True)
    with sessionmaker(engine, future=True)() as session:
        lead = leads.save(session, "outbox#1", **lead_fields(counterparty="深圳某某科技"))
        firm = firms.upsert(session, firms.validate(FIRM))[0]
        delivery = outbox.enqueue(session, lead, firm, "webhook", sharing.firm_payload(lead))
        session.flush()
        delivery.last_error = "webhook: HTTP 500 'no such client 王芳 +8613812345678'"
        session.commit()
        delivery_id = delivery.id
    with engine.connect() as connection:
        raw = " ".join(map(str, connection.execute(text("select * from deliveries")).one()))
    assert "HTTP 500" not in raw
    assert not [s for s in ("王芳", "13812345678", "wang@example.com", "勒索", "深圳某某科技") if s in raw]
    with sessionmaker(engine, future=True)() as session:
        stored = session.get(outbox.Delivery, delivery_id)
        assert stored.payload["contact"]["email"] == "wang@example.com" and "HTTP 500" in stored.last_error
    engine.dispose()


def _tracker_store(settings, domain=None) -> ErasingSQLTrackerStore:
    return ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(settings.tracker_db))


def _raw(db_path, query) -> list:
    with sqlite3.connect(db_path) as connection:
        return [value for row in connection.execute(query) for value in row]


def test_a_rotation_re_encrypts_leads_and_conversations_and_old_leads_stay_readable(embedded, domain):
    upgrade()
    engine = create_engine(embedded.database_url, future=True)
    with sessionmaker(engine, future=True)() as session:
        lead = leads.save(session, "rot#1", **lead_fields())
        lead_id = lead.id
        firm = firms.upsert(session, firms.validate(FIRM))[0]
        outbox.enqueue(session, lead, firm, "webhook", sharing.firm_payload(lead))
        session.commit()
    spool.write("rot#2", lead_fields(conversation_id="rest:spooled"))
    spool.write("rot#3", lead_fields(conversation_id="rest:refused"), spool.rejected_directory())
    spool_files = sorted((embedded.var_dir / "spool").rglob("*.json"))
    spooled_before = [path.read_text() for path in spool_files]
    store = _tracker_store(embedded)
    asyncio.run(
        store.save(DialogueStateTracker.from_events("rest:a", [UserUttered("我的手机号是13812345678")]))
    )
    [old_key] = crypto.keys(embedded)
    before = _raw(embedded.var_dir / "leads.db", "select contact from leads")
    events_before = _raw(embedded.tracker_db, "select data from events")

    done = key_rotation.rotate(embedded)

    [new_key] = crypto.key_file(embedded).read_text().split()
    assert new_key != old_key and done.key_list == (new_key,)
    assert (done.leads, done.tracker_events, done.deliveries, done.spooled) == (1, 1, 1, 2)
    payload = _raw(embedded.var_dir / "leads.db", "select payload from deliveries")[0]
    assert json.loads(Fernet(new_key.encode()).decrypt(payload.encode()))["contact"]["name"] == "王芳"
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(payload.encode())
    spooled_after = [path.read_text() for path in spool_files]
    assert len(spool_files) == 2
    for before_text, after_text in zip(spooled_before, spooled_after, strict=True):
        assert after_text != before_text and "王芳" not in after_text
        Fernet(new_key.encode()).decrypt(after_text.encode())
        with pytest.raises(InvalidToken):
            Fernet(old_key.encode()).decrypt(after_text.encode())
    assert [r["fields"]["conversation_id"] for r in spool.pending()] == ["rest:spooled"]
    assert spool.matching(lambda fields: fields["conversation_id"] == "rest:refused")
    after = _raw(embedded.var_dir / "leads.db", "select contact from leads")
    assert after != before
    assert json.loads(Fernet(new_key.encode()).decrypt(after[0].encode()))["phone"] == "+8613812345678"
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(after[0].encode())
    with sessionmaker(engine, future=True)() as session:
        assert leads.find(session, lead_id).contact["name"] == "王芳"
        [delivery] = outbox.listing(session)
        assert delivery.payload["contact"]["phone"] == "+8613812345678"
    events_after = _raw(embedded.tracker_db, "select data from events")
    assert events_after != events_before
    tracker = asyncio.run(_tracker_store(embedded, domain).retrieve("rest:a"))
    assert tracker.latest_message.text == "我的手机号是13812345678"
    assert "13812345678" in Fernet(new_key.encode()).decrypt(events_after[0].encode()).decode()
    engine.dispose()


def test_with_keys_from_the_environment_a_new_key_first_keeps_old_leads_readable(
    tmp_path, monkeypatch, sqlite_url
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LAWBOT_ENCRYPTION_KEYS", old)
    engine = create_engine(sqlite_url, future=True)
    with sessionmaker(engine, future=True)() as session:
        lead_id = leads.save(session, "env#1", **lead_fields()).id
    monkeypatch.setenv("LAWBOT_ENCRYPTION_KEYS", f"{new},{old}")
    with sessionmaker(engine, future=True)() as session:
        assert leads.find(session, lead_id).contact["phone"] == "+8613812345678", "old leads stay readable"
    env = {**os.environ, "LAWBOT_DATABASE_URL": sqlite_url, "LAWBOT_PROFILE": "production"}
    rotated = subprocess.run(
        [sys.executable, "-m", "bot.ops.cli", "keys", "rotate"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert rotated.returncode == 0, rotated.stderr
    assert "1 lead(s)" in rotated.stdout and f"LAWBOT_ENCRYPTION_KEYS={new}\n" in rotated.stdout
    monkeypatch.setenv("LAWBOT_ENCRYPTION_KEYS", new)  # the old key is gone now
    with sessionmaker(engine, future=True)() as session:
        assert leads.find(session, lead_id).to_dict()["contact"]["name"] == "王芳"
        stored = session.execute(text("select summary from leads")).scalar_one()
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(stored.encode())
    engine.dispose()


def test_lawbot_keys_new_prints_a_fernet_key():
    made = subprocess.run(
        [sys.executable, "-m", "bot.ops.cli", "keys", "new"], capture_output=True, text=True, timeout=120
    )
    assert made.returncode == 0
    Fernet(made.stdout.strip().encode())
