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
        stored = leads.find(session, lead["id"])
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
        [stored] = session.query(leads.Lead).filter(leads.Lead.id.startswith(reference)).all()
        assert stored.consent["share_with_firms"] == []


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


CRIMINAL_FIRM = "Example Harbin Criminal Defence"
DETAINED = "My brother was detained by the police yesterday, they say he helped a fraud ring with his servers"


@pytest.fixture
def criminal_receiver(stack):
    running = Receiver().start()
    make_session = session_factory(f"sqlite:///{stack.settings.var_dir / 'leads.db'}")
    with make_session() as session:
        raw = dict(
            name=CRIMINAL_FIRM,
            topics=["criminal"],
            languages=["en", "zh"],
            handles_urgent=True,
            weekly_capacity=20,
            fee_models=["fixed"],
            contact_email=None,
            webhook_url=running.url,
            webhook_secret=SECRET,
        )
        firms.upsert(session, firms.validate(raw))
        session.commit()
    yield running
    running.stop()


def test_a_refused_sensitive_consent_sends_the_firm_no_sensitive_detail(stack, criminal_receiver):
    chat = RestChat(stack.rasa_url)
    replies = chat.say(DETAINED)
    asked = replies[-1].text
    assert "separate consent" in asked, "the sensitive consent comes before any sensitive question"
    replies = chat.say("no")
    assert "stay out of the record" in replies[0].text
    assert "Who is involved?" not in "\n".join(r.text for r in replies), "its questions are skipped"
    chat.say("yes")  # the privacy notice
    chat.say("Anna Petrova")
    replies = chat.say("+86 138 1234 5678")
    readback = "\n".join(r.text for r in replies)
    assert "brother" not in readback and "detained" not in readback
    replies = chat.say("yes")
    assert CRIMINAL_FIRM in replies[-1].text and "without the sensitive details" in replies[-1].text
    chat.say("yes, send it")
    deadline = time.monotonic() + 30
    while not criminal_receiver.requests and time.monotonic() < deadline:
        time.sleep(0.5)
    [request] = criminal_receiver.requests
    lead = json.loads(request["body"])
    assert lead["topic"] == "criminal" and lead["urgency"] == "high" and lead["language"] == "en"
    assert lead["contact"]["phone"] == "+8613812345678" and lead["contact"]["name"] == "Anna Petrova"
    assert lead["summary"] == "" and lead["answers"] == {} and lead["urgency_reasons"] == []
    assert lead["counterparty"] is None
    body = request["body"].decode() if isinstance(request["body"], bytes) else request["body"]
    for word in ("brother", "detained", "fraud", "triage", "relative"):
        assert word not in body, word
    with session_factory(f"sqlite:///{stack.settings.var_dir / 'leads.db'}")() as session:
        stored = leads.find(session, lead["id"]).to_dict()
    assert stored["summary"] == "" and stored["answers"] == {} and stored["consent"]["sensitive"] is False
