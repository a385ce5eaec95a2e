"""The load tool (benchmarks/load.py) on a tiny real run: two simulated users at once play whole
intakes against the real stack, and its checks pass; then the checks are shown to catch what
they are for - a message the tracker store does not have, a missing lead, another user's
answer in a lead - so that the tool that measures the message path cannot rot unnoticed."""

from __future__ import annotations

import copy

import pytest

from benchmarks import load

pytestmark = pytest.mark.stack


def test_personalised_users_get_a_phone_and_email_of_their_own_as_they_write_them():
    personas = {p["id"]: p for p in load.benchmark_personas()}
    kevin = load.personalise(personas["en-01"], "4242")
    assert kevin["contact"] == "mobile 139 0451 4242, kevin.zhou4242@beiguohealth.cn"
    assert kevin["expect"]["phone"] == "+8613904514242"
    assert kevin["expect"]["email"] == "kevin.zhou4242@beiguohealth.cn"
    wide = next(p for p in personas.values() if p["contact"] == "１３８ ４５１０ ６６７２")
    assert load.personalise(wide, "0123")["contact"] == "１３８ ４５１０ ０１２３"
    # A number corrected in pieces ("尾号是7210") is left as the persona wrote it.
    pieces = personas["zh-37"]
    assert load.personalise(pieces, "0000")["expect"]["phone"] == pieces["expect"]["phone"]


@pytest.fixture(scope="module")
def played(stack):
    personas = {p["id"]: p for p in load.benchmark_personas()}
    chosen = [load.personalise(personas[i], tail) for i, tail in (("en-01", "1111"), ("zh-06", "2222"))]
    players, wall, tally = load.run_users([stack.rasa_url], chosen, ramp=0, timeout=120, quiet=True)
    return stack, players, wall, tally


def test_two_users_at_once_complete_and_every_lead_and_transcript_checks_out(played):
    stack, players, wall, tally = played
    assert [p.error for p in players] == [None, None]
    summary = load.summarise(players, wall, tally)
    assert summary["messages"] == sum(len(p.chat.sent) for p in players) >= 8
    assert summary["latency_ms"]["median"] > 0 and summary["messages_per_second"] > 0
    checks = load.verify(players, stack.settings.database_url, stack.settings.tracker_store_url)
    assert checks["ok"], checks["problems"]
    assert checks["leads_stored"] == checks["intakes_completed"] == 2


def test_the_checks_catch_a_lost_message_a_missing_lead_and_another_users_answer(played, monkeypatch):
    stack, players, _, _ = played
    database, tracker = stack.settings.database_url, stack.settings.tracker_store_url
    first, second = players
    one, two = first.chat.conversation_id, second.chat.conversation_id

    # The client sent a message the tracker store does not hold.
    sent = list(first.chat.sent)
    first.chat.sent.insert(1, "a message the server never stored")
    try:
        problems = load.verify(players, database, tracker)["problems"]
    finally:
        first.chat.sent[:] = sent
    assert any(p.startswith(f"{one}: user messages stored") for p in problems), problems

    real = load.read_leads(database, [one, two])

    # The first user's lead is missing.
    monkeypatch.setattr(load, "read_leads", lambda url, ids: {**real, one: []})
    checks = load.verify(players, database, tracker)
    assert not checks["ok"] and checks["leads_stored"] == 1
    assert any("no lead stored" in p for p in checks["problems"])

    # The first user's lead holds the second user's phone and email.
    mixed = copy.deepcopy(real)
    mixed[one][0]["contact"].update(
        {k: real[two][0]["contact"][k] for k in ("phone", "email") if real[two][0]["contact"].get(k)}
    )
    monkeypatch.setattr(load, "read_leads", lambda url, ids: mixed)
    problems = load.verify(players, database, tracker)["problems"]
    assert any(p.startswith(f"{one}: lead") and two in p for p in problems), problems
