"""The cheaper message path (docs/performance.md): what Rasa did on every message, done once,
with the same results; and the tracker store decrypting each stored event once."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, MultiFernet
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot import crypto
from bot.rasa import speedups
from bot.rasa.stores import Plaintexts


def test_an_action_servers_answer_is_checked_as_rasa_checks_it():
    speedups.apply()
    action = RemoteAction("action_x", None)
    good = {"events": [{"event": "slot", "name": "topic", "value": "icp"}], "responses": [{"text": "hi"}]}
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot", "name": 3}], "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list"})


def test_event_types_resolve_as_before_and_unknown_ones_still_fail():
    speedups.apply()
    speedups.apply()  # applied twice: still one wrapper
    for _ in range(2):
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("user") is UserUttered
        assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.from_parameters({"event": "slot", "name": "a", "value": 1}) == SlotSet("a", 1)


def test_the_action_endpoint_keeps_one_session_per_event_loop_with_rasas_headers():
    endpoint = speedups.keep_alive(EndpointConfig("http://127.0.0.1:1/webhook", headers={"X-Secret": "s"}))
    assert speedups.keep_alive(endpoint) is endpoint

    async def sessions() -> tuple[object, object]:
        async with endpoint.session() as first:
            pass
        async with endpoint.session() as second:
            pass
        assert not first.closed, "a request does not close the shared session"
        assert first.headers["X-Secret"] == "s"
        await speedups.close_sessions(endpoint)
        assert first.closed
        return first, second

    first, second = asyncio.run(sessions())
    assert first is second
    third, _ = asyncio.run(sessions())  # another event loop: another session
    assert third is not first


def _row(row_id: int, data: str) -> SimpleNamespace:
    return SimpleNamespace(id=row_id, data=data)


def test_stored_events_are_decrypted_once_and_again_when_rewritten_or_deleted(monkeypatch):
    box = MultiFernet([Fernet(Fernet.generate_key())])
    monkeypatch.setattr(crypto, "fernet", lambda *_: box)
    decrypted: list[str] = []
    original = crypto.decrypt_event_data

    def counting(data: str, fernet: MultiFernet | None = None) -> str:
        text = original(data, fernet)
        decrypted.append(text)
        return text

    monkeypatch.setattr(crypto, "decrypt_event_data", counting)
    seal = lambda text: box.encrypt(text.encode()).decode()  # noqa: E731
    rows = [_row(1, seal('{"a": 1}')), _row(2, seal('{"b": 2}'))]
    plain = Plaintexts(conversations=2)
    assert plain.read("alice", rows) == ['{"a": 1}', '{"b": 2}']
    rows.append(_row(3, seal('{"c": 3}')))
    assert plain.read("alice", rows) == ['{"a": 1}', '{"b": 2}', '{"c": 3}']
    assert decrypted == ['{"a": 1}', '{"b": 2}', '{"c": 3}'], "only the new event is decrypted"

    rows[0] = _row(1, seal('{"a": 1}'))  # re-encrypted under another key: a new token
    decrypted.clear()
    assert plain.read("alice", rows[:1] + rows[2:]) == ['{"a": 1}', '{"c": 3}']
    assert decrypted == ['{"a": 1}']
    assert 2 not in plain._known["alice"], "a deleted row is forgotten"

    plain.read("bob", rows)
    plain.read("carol", rows)
    assert list(plain._known) == ["bob", "carol"], "only the most recent conversations are kept"
    plain.forget("carol")
    assert list(plain._known) == ["bob"]


def test_a_new_intake_leaves_out_only_slot_events_that_change_nothing(domain):
    from actions.anytime import ActionStartOver
    from actions.conversation import only_changes
    from tests.support.trackers import run, tracker

    everything = {s.name: None for s in domain.slots if s.name != "language"}
    t = tracker("重新开始", "start_over", "zh", **{**everything, "topic": "icp", "bad_answers": 0})
    _, events = run(ActionStartOver(), t, domain)
    changed = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert changed["topic"] is None and changed["bad_answers"] is None, "what was filled is cleared"
    assert "contact_name" not in changed, "a slot never filled gets no event"
    assert "share_pending" in changed, "a slot that influences the rules keeps every event"
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ], "other events are kept"

    slots = domain.as_dict()["slots"]
    steps = [
        {"event": "slot", "name": "topic", "value": "ip"},
        {"event": "slot", "name": "topic", "value": "icp"},
    ]
    kept = only_changes(t, domain.as_dict(), steps)
    assert kept == steps, "a change and its change back both stay (the value goes through 'ip')"
    assert only_changes(t, {}, [{"event": "slot", "name": "topic", "value": "icp"}]) != [], (
        "no domain: all kept"
    )
    assert slots["topic"]["influence_conversation"] is False
    same_value_other_type = [{"event": "slot", "name": "bad_answers", "value": False}]
    assert only_changes(t, domain.as_dict(), same_value_other_type) == same_value_other_type
