"""Delivering consented leads to firms, end to end with real parts: a real HTTP receiver that
checks the signature the way a firm would, a real SMTP server (aiosmtpd, STARTTLS required, with
a certificate made for the test), the real worker, and the leads database in SQLite and
PostgreSQL. Erasure notices (`lead.erased`) travel the same way."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import os
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from bot import firms, leads, matching, privacy
from bot.delivery import outbox, sharing
from bot.delivery.outbox import Delivery
from bot.delivery.webhook import sign, verify_signature
from bot.delivery.worker import Worker
from tests.fakes.firm_webhook import SECRET, Receiver
from tests.support import run_module

FAST = outbox.Policy(backoff=0.05, backoff_max=0.2, max_attempts=4)


@pytest.fixture
def receivers():
    started: list[Receiver] = []

    def make(**kwargs) -> Receiver:
        receiver = Receiver(**kwargs).start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.stop()


def database_url(session) -> str:
    return session.get_bind().url.render_as_string(hide_password=False)


@pytest.fixture
def worker(session):
    return Worker(database_url(session), FAST)


@pytest.fixture
def shared_lead(session, make_lead, make_firm):
    """shared_lead(firm_overrides...) -> (lead, firm): a matched lead the user agreed to share."""

    def make(**firm_overrides):
        firm = make_firm(session, "Harbin Breach Team", **firm_overrides)
        lead = make_lead(session)
        assert [m.firm_id for m in matching.match_lead(session, lead)] == [firm.id]
        sharing.share(session, lead, [firm.id], "zh")
        return lead, firm

    return make


def deliveries(session, lead) -> list[Delivery]:
    session.expire_all()
    return outbox.listing(session, lead_id=lead.id)


def run_until(worker, session, done, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while True:
        worker.run_once()
        session.expire_all()
        if done():
            return
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.05)


def test_the_signature_is_hmac_sha256_over_timestamp_and_body():
    body = '{"summary":"服务器被加密"}'
    expected = hmac.new(b"k", f"1700000000.{body}".encode(), hashlib.sha256).hexdigest()
    assert sign("k", 1700000000, body) == expected
    assert verify_signature("k", "1700000000", body.encode(), expected, now=1700000100)
    assert not verify_signature("other", "1700000000", body, expected, now=1700000100)
    assert not verify_signature("k", "1700000000", body + " ", expected, now=1700000100)
    assert not verify_signature("k", "1700000000", body, expected, now=1700000000 + 301)  # replayed
    assert not verify_signature("k", None, body, expected)


def test_sharing_only_queues_and_the_worker_delivers_once_and_only_once(session, receivers, shared_lead):
    receiver = receivers()
    lead, firm = shared_lead(webhook_url=receiver.url, webhook_secret=SECRET)
    [queued] = deliveries(session, lead)
    assert queued.status == "pending" and receiver.requests == []  # nothing is sent inline
    env = {**os.environ, "LAWBOT_DATABASE_URL": database_url(session)}

    for _ in range(2):  # the second run finds nothing to do
        run = run_module(["bot.delivery", "--once"], env=env, timeout=120)
        assert run.returncode == 0, run.stderr

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["verified"]
    assert request["headers"]["Idempotency-Key"] == queued.idempotency_key
    assert json.loads(request["body"]) == sharing.firm_payload(leads.find(session, lead.id))
    [done] = deliveries(session, lead)
    assert (done.status, done.attempts, done.last_error) == ("delivered", 1, None)
    lead = leads.find(session, lead.id)
    assert [h["status"] for h in leads.status_history(session, lead)] == ["new", "matched", "delivered"]


def test_the_firm_gets_the_consented_fields_only(session, shared_lead):
    lead, _ = shared_lead()
    payload = deliveries(session, lead)[0].payload
    assert set(payload) == {*sharing.FIRM_FIELDS, "urgency_reasons"}
    assert payload["contact"]["phone"] == "+8613812345678"
    assert payload["consent"]["shared_at"] and "share_with_firms" not in payload["consent"]


def test_a_receiver_down_for_a_while_gets_the_lead_after_retries(session, worker, receivers, shared_lead):
    receiver = receivers()
    receiver.stop()  # the firm's server is down; its address stays the same
    lead, _ = shared_lead(webhook_url=receiver.url, webhook_secret=SECRET)

    worker.run_once()
    [waiting] = deliveries(session, lead)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert "ConnectionError" in waiting.last_error

    receiver.start()
    run_until(worker, session, lambda: deliveries(session, lead)[0].status == "delivered")
    assert len(receiver.requests) == 1 and receiver.requests[0]["verified"]
    assert deliveries(session, lead)[0].attempts >= 2
    assert leads.find(session, lead.id).status == "delivered"


def test_a_receiver_failing_forever_ends_in_failed_for_staff_with_nothing_lost(
    session, worker, receivers, shared_lead
):
    receiver = receivers(status=500)
    lead, _ = shared_lead(webhook_url=receiver.url, webhook_secret=SECRET)

    run_until(worker, session, lambda: deliveries(session, lead)[0].status == "failed")

    [failed] = deliveries(session, lead)
    assert failed.attempts == FAST.max_attempts == len(receiver.requests)
    assert {r["headers"]["Idempotency-Key"] for r in receiver.requests} == {failed.idempotency_key}
    assert "HTTP 500" in failed.last_error and failed.payload["id"] == lead.id
    lead = leads.find(session, lead.id)
    assert lead.status == "matched"  # not delivered: staff see it
    assert [e["kind"] for e in leads.events(session, lead)][-1] == "delivery_failed"
    worker.run_once()
    assert len(receiver.requests) == FAST.max_attempts  # no more tries

    receiver.status = 200  # the firm fixed its server; staff retry
    outbox.requeue(session, failed.id)
    worker.run_once()
    assert deliveries(session, lead)[0].status == "delivered"
    assert leads.find(session, lead.id).status == "delivered"


def test_two_workers_at_once_never_send_the_same_delivery_twice(
    session, worker, receivers, make_lead, make_firm
):
    receiver = receivers()
    firm = make_firm(
        session, "Busy Firm", webhook_url=receiver.url, webhook_secret=SECRET, weekly_capacity=10
    )
    for _ in range(6):
        lead = make_lead(session)
        matching.match_lead(session, lead)
        sharing.share(session, lead, [firm.id], "en")
    other = Worker(database_url(session), FAST)

    threads = [threading.Thread(target=w.run_once) for w in (worker, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    keys = [r["headers"]["Idempotency-Key"] for r in receiver.requests]
    assert len(keys) == len(set(keys)) == 6
    session.expire_all()
    assert {d.status for d in outbox.listing(session)} == {"delivered"}


def test_a_wrong_secret_fails_the_receivers_check(session, worker, receivers, shared_lead):
    receiver = receivers(secret="the-firms-real-secret")
    lead, _ = shared_lead(webhook_url=receiver.url, webhook_secret="a-stale-secret")

    worker.run_once()

    assert [r["verified"] for r in receiver.requests] == [False]
    [refused] = deliveries(session, lead)
    assert refused.status == "failed" and "HTTP 401" in refused.last_error  # refused: not retried


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def self_signed(folder) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key (PEM files): the relay's, and the CA the client trusts."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "relay.pem", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


@pytest.fixture
def smtp_server(unused_port, monkeypatch, tmp_path):
    """A relay that refuses mail until STARTTLS (aiosmtpd's require_starttls); the worker uses its
    defaults (STARTTLS on, certificate verified) with the test's certificate as its CA."""
    import ssl

    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=unused_port, tls_context=context, require_starttls=True
    )
    controller.start()
    monkeypatch.setenv("LAWBOT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LAWBOT_SMTP_PORT", str(unused_port))
    monkeypatch.setenv("LAWBOT_SMTP_FROM", "leads@lawbot.example")
    monkeypatch.setenv("LAWBOT_SMTP_CA_FILE", cert)
    monkeypatch.delenv("LAWBOT_SMTP_STARTTLS", raising=False)  # the default: on
    monkeypatch.delenv("LAWBOT_SMTP_TLS", raising=False)
    monkeypatch.delenv("LAWBOT_SMTP_USER", raising=False)
    yield inbox
    controller.stop()


def test_email_delivery_names_topic_and_urgency_and_carries_both_languages(
    session, worker, smtp_server, shared_lead
):
    lead, _ = shared_lead(
        webhook_url=None, contact_email="intake@breach-team.example", languages=["en", "zh"]
    )

    worker.run_once()

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["intake@breach-team.example"]
    assert envelope.mail_from == "leads@lawbot.example"
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    subject = " ".join(message["Subject"].split())  # unfolded: long headers are wrapped in transit
    assert subject == (
        "New lead: Data breaches and security incidents (URGENT) / 新咨询线索：数据泄露与网络安全事件（紧急）"
    )
    [delivery] = deliveries(session, lead)
    assert message["Message-ID"] == f"<{delivery.idempotency_key}@lawbot.example>"
    assert message["X-Lawbot-Idempotency-Key"] == delivery.idempotency_key
    english, chinese = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    assert english["Content-Language"] == "en" and chinese["Content-Language"] == "zh-Hans"
    assert "Urgency: HIGH" in english.get_content() and "服务器被勒索病毒加密" in english.get_content()
    assert "Is the incident still going on, or has it been contained?: Still ongoing" in english.get_content()
    assert "紧急程度: 紧急" in chinese.get_content()
    assert "事件还在持续，还是已经控制住了？: 仍在持续" in chinese.get_content()
    assert "+8613812345678" in chinese.get_content()
    [attachment] = [part for part in message.walk() if part.get_content_type() == "application/json"]
    assert json.loads(attachment.get_content())["id"] == lead.id
    assert delivery.status == "delivered" and leads.find(session, lead.id).status == "delivered"


def test_a_firm_with_webhook_and_email_gets_both_and_the_lead_waits_for_both(
    session, worker, receivers, shared_lead, monkeypatch, request
):
    monkeypatch.delenv("LAWBOT_SMTP_HOST", raising=False)  # email not configured yet
    receiver = receivers()
    lead, _ = shared_lead(webhook_url=receiver.url, webhook_secret=SECRET, contact_email="a@firm.example")

    worker.run_once()

    by_method = {d.method: d for d in deliveries(session, lead)}
    assert by_method["webhook"].status == "delivered"
    assert by_method["email"].status == "pending" and "LAWBOT_SMTP_HOST" in by_method["email"].last_error
    assert leads.find(session, lead.id).status == "matched"

    inbox = request.getfixturevalue("smtp_server")
    run_until(worker, session, lambda: leads.find(session, lead.id).status == "delivered")
    assert len(inbox.envelopes) == 1 and len(receiver.requests) == 1


def test_share_records_the_consent_once_and_refuses_firms_the_user_was_not_shown(
    session, make_lead, make_firm
):
    shown = make_firm(session, "Shown Firm", contact_email="a@shown.example")
    other = make_firm(session, "Other Topic Firm", topics=["ip"])
    lead = make_lead(session)
    matching.match_lead(session, lead)

    with pytest.raises(ValueError, match="not among the matches"):
        sharing.share(session, lead, [shown.id, other.id], "en")
    assert deliveries(session, lead) == []

    first = sharing.share(session, lead, [shown.id], "en")
    again = sharing.share(session, lead, [shown.id], "en")
    assert [d.method for d in first] == ["webhook", "email"] and again == []
    lead = leads.find(session, lead.id)
    assert lead.consent["share_with_firms"] == ["Shown Firm"]
    assert lead.consent["share_with_firms_at"].endswith("Z") and lead.consent["notice_version"] == "2026-11"
    kinds = [e["kind"] for e in leads.events(session, lead)]
    assert kinds.count("share_consented") == 2 and len(deliveries(session, lead)) == 2


def test_declining_keeps_the_lead_with_the_platform(session, make_lead, make_firm):
    make_firm(session, "Some Firm")
    lead = make_lead(session)
    matching.match_lead(session, lead)
    sharing.decline_share(session, lead)
    lead = leads.find(session, lead.id)
    assert lead.consent["share_with_firms"] == [] and lead.consent["share_declined_at"]
    assert deliveries(session, lead) == [] and lead.status == "matched"


def test_erasing_the_conversation_erases_its_outbox_rows(session, shared_lead):
    lead, _ = shared_lead()
    assert privacy.erase_conversation(session, lead.conversation_id) == 1
    count = session.execute(select(func.count()).select_from(Delivery)).scalar_one()
    assert count == 0 and session.execute(select(func.count()).select_from(leads.LeadEvent)).scalar_one() == 0


def test_the_consent_text_names_the_firms_and_what_they_receive():
    matches = [{"firm_id": 1, "name": "Harbin Breach Team"}, {"firm_id": 2, "name": "Songbei Tech Law"}]
    english = sharing.describe_recipients(matches, "en")
    chinese = sharing.describe_recipients(matches, "zh")
    for text in (english, chinese):
        assert "1. Harbin Breach Team" in text and "2. Songbei Tech Law" in text
    assert "these law firms" in english and "conflict check" in english and "decline" in english
    assert "律所将收到" in chinese and "利益冲突审查" in chinese and "不同意" in chinese
    assert "this law firm" in sharing.describe_recipients(matches[:1], "en")
    with pytest.raises(ValueError):
        sharing.describe_recipients([], "en")


# ---------------------------------------------------------------- SMTP over TLS


def test_smtp_is_tls_by_default_and_never_logs_in_in_clear(monkeypatch):
    from bot.delivery import mail
    from bot.delivery.errors import DeliveryError
    from bot.settings import SmtpSettings
    from bot.settings import load as load_settings

    for name in ("LAWBOT_SMTP_PORT", "LAWBOT_SMTP_STARTTLS", "LAWBOT_SMTP_TLS"):
        monkeypatch.delenv(name, raising=False)
    smtp = load_settings().smtp
    assert (smtp.starttls, smtp.tls, smtp.port) == (True, False, 587)
    monkeypatch.setenv("LAWBOT_SMTP_PORT", "465")
    smtp = load_settings().smtp
    assert (smtp.starttls, smtp.tls, smtp.port) == (False, True, 465)
    monkeypatch.delenv("LAWBOT_SMTP_PORT")
    monkeypatch.setenv("LAWBOT_SMTP_STARTTLS", "0")
    smtp = load_settings().smtp
    assert (smtp.starttls, smtp.tls, smtp.port) == (False, False, 25)
    clear = SmtpSettings(host="127.0.0.1", port=9, user="u", password="p", starttls=False, tls=False)
    with pytest.raises(DeliveryError, match="in clear"):
        mail.send(email.message.EmailMessage(), clear)


def test_a_relay_without_tls_is_not_used_for_mail(session, worker, unused_port, monkeypatch, shared_lead):
    """STARTTLS on (the default) and a relay that does not offer it: nothing is sent in clear."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=unused_port)
    controller.start()
    try:
        monkeypatch.setenv("LAWBOT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("LAWBOT_SMTP_PORT", str(unused_port))
        monkeypatch.delenv("LAWBOT_SMTP_STARTTLS", raising=False)
        lead, _ = shared_lead(webhook_url=None, contact_email="intake@breach-team.example")
        worker.run_once()
        [waiting] = deliveries(session, lead)
        assert waiting.status == "pending" and "STARTTLS" in waiting.last_error
        assert inbox.envelopes == []
    finally:
        controller.stop()


# ---------------------------------------------------------------- erasure notices


def test_a_firm_that_received_the_lead_is_told_of_its_erasure_by_webhook_and_email(
    session, worker, receivers, shared_lead, smtp_server, tmp_path, monkeypatch
):
    receiver = receivers()
    lead, firm = shared_lead(
        webhook_url=receiver.url, webhook_secret=SECRET, contact_email="intake@breach-team.example"
    )
    run_until(worker, session, lambda: leads.find(session, lead.id).status == "delivered")
    assert len(receiver.requests) == 1 and len(smtp_server.envelopes) == 1
    lead_id, conversation = lead.id, lead.conversation_id
    firms.deactivate(session, firm.id)  # out of the directory since: it still holds the lead
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    session.close()

    privacy.erase(conversation_id=conversation, url=database_url(session))
    run_until(worker, session, lambda: {d.status for d in outbox.listing(session)} == {"delivered"})

    notice = receiver.requests[1]
    assert notice["verified"] and notice["headers"]["X-Lawbot-Event"] == "lead.erased"
    assert receiver.requests[0]["headers"]["X-Lawbot-Event"] == "lead.created"
    body = json.loads(notice["body"])
    assert body == {"event": "lead.erased", "lead_id": lead_id, "erased_at": body["erased_at"]}
    message = email.message_from_bytes(smtp_server.envelopes[1].content, policy=email.policy.default)
    assert message["X-Lawbot-Event"] == "lead.erased" and message["X-Lawbot-Lead-Id"] == lead_id
    parts = {
        part["Content-Language"]: part.get_content()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    }
    english, chinese = parts["en"], parts["zh-Hans"]  # the firm's first language first
    assert "PIPL Art. 47" in english and "第四十七条" in chinese and lead_id in english
    sent = notice["body"].decode() + smtp_server.envelopes[1].content.decode(errors="replace")
    for personal in ("+8613812345678", "wang@example.com", "王芳", "勒索"):
        assert personal not in sent  # the notice says which lead, nothing about the person
    assert len(receiver.requests) == 2 and len(smtp_server.envelopes) == 2  # once each


def test_a_lead_never_sent_gets_no_erasure_notice(session, receivers, shared_lead, tmp_path, monkeypatch):
    receiver = receivers()
    lead, _ = shared_lead(webhook_url=receiver.url, webhook_secret=SECRET)
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    done = privacy.erase(conversation_id=lead.conversation_id, url=database_url(session))
    assert done.counts["notices"] == 0 and done.counts["deliveries"] == 1
    session.expire_all()
    assert outbox.listing(session) == []


def test_the_worker_saves_leads_another_process_spooled_when_it_starts(session, tmp_path, monkeypatch):
    """The action server spooled a lead while the database was away and then stopped: the
    delivery worker saves it at its start (`--once` runs the same start-up)."""
    from bot import spool
    from tests.support import lead_fields

    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    spool.write("stranded:1", lead_fields(conversation_id="web:stranded"))
    env = {**os.environ, "LAWBOT_DATABASE_URL": database_url(session), "LAWBOT_VAR_DIR": str(tmp_path)}
    run = run_module(["bot.delivery", "--once"], env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert spool.pending() == []
    session.expire_all()
    assert [lead.conversation_id for lead in leads.newest_first(session)] == ["web:stranded"]
    assert "saved 1 spooled lead" in run.stderr
