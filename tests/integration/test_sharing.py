"""Issue 4 in the conversation: after the lead is saved, the user sees which firm would receive
it, agrees, and the firm's webhook (a real local receiver checking the signature) gets it from
the delivery worker the stack runs."""

from __future__ import annotations

import json
import time

import pytest

from bot import firms, leads
from bot.db import session_factory
from scripts.simulated_user import RestChat, SimulatedUser
from tests.fakes.firm_webhook import SECRET, Receiver

pytestmark = pytest.mark.stack
FIRM = "Example Harbin Security Counsel"


@pytest.fixture
def receiver(stack):
    running = Receiver().start()
    make_session = session_factory(f"sqlite:///{stack.settings.var_dir / 'leads.db'}")
    with make_session() as session:
        firms.upsert(
            session,
            firms.validate(
                dict(
                    name=FIRM,
                    topics=["cybersecurity"],
                    languages=["en", "zh"],
                    handles_urgent=True,
                    weekly_capacity=20,
                    fee_models=["fixed"],
                    contact_email=None,
                    webhook_url=running.url,
                    webhook_secret=SECRET,
                )
            ),
        )
        session.commit()
    yield running
    running.stop()


def test_the_user_sees_the_firm_agrees_and_the_firm_receives_the_lead(stack, receiver):
    chat = RestChat(stack.rasa_url)
    turns, reference = SimulatedUser(chat, "cybersecurity", "en").complete_intake()
    assert reference
    offer = chat.transcript[-1][1]
    assert FIRM in offer and "Nothing is sent unless you agree" in offer
    replies = chat.say("/affirm")
    assert "on its way" in replies[0].text
    deadline = time.monotonic() + 30
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.5)
    [request] = receiver.requests
    assert request["verified"], "the signature must verify with the firm's secret"
    lead = json.loads(request["body"])
    assert lead["id"].startswith(reference) and lead["topic"] == "cybersecurity"
    assert lead["contact"]["phone"] == "+8613812345678"
    with session_factory(f"sqlite:///{stack.settings.var_dir / 'leads.db'}")() as session:
        stored = leads.find(session, reference)
        assert stored.consent["share_with_firms"] == [FIRM]


def test_declining_keeps_the_lead_with_the_platform(stack, receiver):
    chat = RestChat(stack.rasa_url)
    turns, reference = SimulatedUser(chat, "cybersecurity", "zh").complete_intake()
    assert FIRM in chat.transcript[-1][1]
    replies = chat.say("/deny")
    assert "只保留在本平台" in replies[0].text
    time.sleep(3)
    assert receiver.requests == []
    with session_factory(f"sqlite:///{stack.settings.var_dir / 'leads.db'}")() as session:
        assert leads.find(session, reference).consent["share_with_firms"] == []


def test_a_typed_no_is_understood_and_a_later_yes_still_reaches_the_firm(stack, receiver):
    chat = RestChat(stack.rasa_url)
    turns, reference = SimulatedUser(chat, "cybersecurity", "zh").complete_intake()
    assert FIRM in chat.transcript[-1][1]
    replies = chat.say("不发送，只保留在平台")  # the button's own words, typed
    assert "只保留在本平台" in replies[0].text
    replies = chat.say("我想了想，同意发送")
    assert "已安排发送" in replies[0].text
    deadline = time.monotonic() + 30
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(receiver.requests) == 1
