"""Staff withdrawing a lead from a firm (the console's "withdraw", bot/delivery/outbox.py
`withdraw`): the firm that received it is told by webhook and email through the real worker,
with the lead's id only, as with an erasure notice (fixtures of test_delivery.py)."""

from __future__ import annotations

import email
import email.policy
import json

from test_delivery import (  # noqa: F401  (fixtures)
    SECRET,
    receivers,
    run_until,
    shared_lead,
    smtp_server,
    worker,
)

from bot import leads
from bot.delivery import outbox


def test_a_firm_that_received_the_lead_is_told_of_its_withdrawal_by_webhook_and_email(session, request):
    fixture = request.getfixturevalue  # the fixtures of test_delivery.py, imported above
    sender, smtp = fixture("worker"), fixture("smtp_server")
    receiver = fixture("receivers")()
    lead, firm = fixture("shared_lead")(
        webhook_url=receiver.url, webhook_secret=SECRET, contact_email="intake@breach-team.example"
    )
    run_until(sender, session, lambda: leads.find(session, lead.id).status == "delivered")
    notices = outbox.withdraw(session, lead.id, firm.id, outbox.now())
    session.commit()
    assert len(notices) == 2  # one per method the firm received it by
    run_until(sender, session, lambda: {d.status for d in outbox.listing(session)} == {"delivered"})

    notice = receiver.requests[1]
    assert notice["verified"] and notice["headers"]["X-Lawbot-Event"] == "lead.withdrawn"
    body = json.loads(notice["body"])
    assert body == {"event": "lead.withdrawn", "lead_id": lead.id, "withdrawn_at": body["withdrawn_at"]}
    message = email.message_from_bytes(smtp.envelopes[1].content, policy=email.policy.default)
    assert message["X-Lawbot-Event"] == "lead.withdrawn" and message["X-Lawbot-Lead-Id"] == lead.id
    texts = [part.get_content() for part in message.walk() if part.get_content_type() == "text/plain"]
    assert any("withdrawn lead" in text for text in texts) and any("撤回线索" in text for text in texts)
    sent = notice["body"].decode() + smtp.envelopes[1].content.decode(errors="replace")
    for personal in ("+8613812345678", "wang@example.com", "王芳", "勒索"):
        assert personal not in sent
    # Withdrawn twice: no second notice.
    assert outbox.withdraw(session, lead.id, firm.id, outbox.now()) == []
