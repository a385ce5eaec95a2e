"""bot/events.py, the production profile's event consumer, on its table (SQLite and PostgreSQL):
tracker events as Rasa's broker publishes them become counts, names and times (never what the
user typed); drop-offs; erasure and retention reach the rows. The consumer against a real
RabbitMQ is in tests/integration/test_production.py."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from bot import db, events, privacy
from bot.settings import load as load_settings

SECRET_TEXT = "我的手机号是13812345678，王芳"
T0 = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc).timestamp()


def conversation(sender: str = "rest:abc") -> list[dict]:
    """A short conversation's events, as PikaEventBroker publishes them (sender_id added)."""
    return [
        {"sender_id": sender, "event": "action", "name": "action_session_start", "timestamp": T0},
        {"sender_id": sender, "event": "action", "name": "action_listen", "timestamp": T0 + 1},
        {
            "sender_id": sender,
            "event": "user",
            "text": SECRET_TEXT,
            "parse_data": {"intent": {"name": "report_breach"}, "text": SECRET_TEXT, "entities": []},
            "timestamp": T0 + 2,
        },
        {"sender_id": sender, "event": "slot", "name": "phone", "value": SECRET_TEXT, "timestamp": T0 + 3},
        {"sender_id": sender, "event": "active_loop", "name": "contact_form", "timestamp": T0 + 3},
        {"sender_id": sender, "event": "bot", "text": "请问怎么称呼您？", "timestamp": T0 + 4},
        {"sender_id": sender, "event": "action", "name": "contact_form", "timestamp": T0 + 4},
    ]


def test_events_become_counts_names_and_times_without_what_was_typed(session):
    for event in conversation() + conversation("tg:42")[:3]:
        assert events.apply(session, event)
    assert not events.apply(session, {"event": "user", "text": SECRET_TEXT})  # no conversation
    session.commit()

    row = events.activity(session, "rest:abc")
    assert row == {
        "conversation_id": "rest:abc",
        "channel": "rest",
        "started_at": "2026-11-29T06:00:00Z",
        "last_event_at": "2026-11-29T06:00:04Z",
        "user_messages": 1,
        "bot_messages": 1,
        "last_intent": "report_breach",
        "last_action": "contact_form",
        "active_form": "contact_form",
    }
    assert events.activity(session, "tg:42")["channel"] == "tg"
    raw = " ".join(map(str, session.execute(text("select * from conversation_activity")).all()))
    assert "13812345678" not in raw and "王芳" not in raw and "怎么称呼" not in raw

    # The form ends (active_loop with no name): the conversation is no longer inside a form.
    events.apply(
        session, {"sender_id": "rest:abc", "event": "active_loop", "name": None, "timestamp": T0 + 9}
    )
    session.commit()
    assert events.activity(session, "rest:abc")["active_form"] is None


def test_drop_offs_are_conversations_left_inside_a_form(session):
    for event in conversation("rest:left") + conversation("rest:recent"):
        events.apply(session, event)
    events.apply(session, {"sender_id": "rest:recent", "event": "user", "timestamp": T0 + 3600})
    events.apply(session, {"sender_id": "rest:done", "event": "user", "timestamp": T0})
    session.commit()
    now = datetime.fromtimestamp(T0 + 3700, timezone.utc)
    dropped = events.drop_offs(session, timedelta(minutes=30), now=now)
    assert [row["conversation_id"] for row in dropped] == ["rest:left"]


def test_erasure_and_retention_delete_the_rows(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LAWBOT_DATABASE_URL", sqlite_url)
    settings = dataclasses.replace(load_settings(), var_dir=tmp_path, database_url=sqlite_url)
    with db.session_scope(sqlite_url) as session:
        for event in conversation("web:gone") + conversation("web:kept") + conversation("web:old"):
            events.apply(session, event)
        events.apply(session, {"sender_id": "web:kept", "event": "user", "timestamp": T0 + 200 * 86400})
        events.apply(session, {"sender_id": "web:gone", "event": "user", "timestamp": T0 + 200 * 86400})

    privacy.erase(conversation_id="web:gone", actor="user", settings=settings)
    with db.session_scope(sqlite_url) as session:
        assert events.activity(session, "web:gone") is None
        assert events.activity(session, "web:kept") is not None

    privacy.purge_expired(datetime.fromtimestamp(T0 + 200 * 86400, timezone.utc), settings=settings)
    with db.session_scope(sqlite_url) as session:
        assert events.activity(session, "web:old") is None  # idle longer than the retention period
        assert events.activity(session, "web:kept") is not None


def test_nothing_a_user_typed_or_a_slot_held_reaches_the_queue():
    from bot.events import names_only

    user = {
        "event": "user",
        "timestamp": 1.0,
        "sender_id": "rest:a",
        "text": "my phone is 13812345678",
        "parse_data": {"intent": {"name": "inform"}, "entities": [{"value": "13812345678"}], "text": "x"},
        "metadata": {"email": "a@b.cn"},
        "input_channel": "rest",
    }
    slot = {
        "event": "slot",
        "timestamp": 2.0,
        "sender_id": "rest:a",
        "name": "contact_phone",
        "value": "+8613812345678",
    }
    bot = {
        "event": "bot",
        "timestamp": 3.0,
        "sender_id": "rest:a",
        "text": "王芳，您好",
        "data": {"buttons": []},
    }
    reduced = [names_only(e) for e in (user, slot, bot)]
    flat = repr(reduced)
    for secret in ("13812345678", "a@b.cn", "王芳", "x'"):
        assert secret not in flat
    assert reduced[0] == {
        "event": "user",
        "timestamp": 1.0,
        "sender_id": "rest:a",
        "input_channel": "rest",
        "parse_data": {"intent": {"name": "inform"}},
    }
    assert reduced[1]["name"] == "contact_phone" and "value" not in reduced[1]
