"""The staff console's delivery actions (cancel a delivery not yet made, withdraw a lead from a
firm through the outbox's notice), that the console can send a lead nowhere the user did not
agree to, and the audit of queue pages, on real SQLite and PostgreSQL (fixtures in test_staff.py)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from test_staff import console_fixture, csrf_of, sign_in  # noqa: F401  (the `console` fixture)

from bot import db, leads, privacy, staff
from bot.delivery import mail, outbox
from bot.settings import load as load_settings
from tests.support import add_firm


def _deliveries(console) -> list[tuple[int, str | None, str, str]]:
    with console.session() as session:
        rows = session.execute(select(outbox.Delivery).order_by(outbox.Delivery.id)).scalars()
        return [(row.firm_id, row.lead_id, row.kind, row.status) for row in rows]


def _audit(console, action: str) -> list[staff.StaffAudit]:
    with console.session() as session:
        query = select(staff.StaffAudit).where(staff.StaffAudit.action == action)
        return list(session.execute(query).scalars())


def test_a_pending_delivery_is_cancelled_never_sent_and_never_retried(console):
    delivery_id = console.ids["delivery"]
    with console.session() as session:
        row = session.get(outbox.Delivery, delivery_id)
        row.status, row.attempts = "pending", 0
        session.commit()

    async def scenario(client):
        await sign_in(client, email="staff@example.com")
        token = await csrf_of(client)
        forged = await client.post(f"/staff/deliveries/{delivery_id}/cancel", allow_redirects=False)
        assert forged.status == 403
        cancel = await client.post(
            f"/staff/deliveries/{delivery_id}/cancel", data={"csrf": token}, allow_redirects=False
        )
        assert cancel.status == 303
        again = await client.post(
            f"/staff/deliveries/{delivery_id}/cancel", data={"csrf": token}, allow_redirects=False
        )
        retried = await client.post(
            f"/staff/deliveries/{delivery_id}/retry", data={"csrf": token}, allow_redirects=False
        )
        assert again.status == 400 and retried.status == 400
        page = await (await client.get(f"/staff/leads/{console.ids['urgent']}")).text()
        assert "delivery-cancelled" in page and "delivery_cancelled" in page

    console.run(scenario)
    with console.session() as session:
        assert session.get(outbox.Delivery, delivery_id).status == "cancelled"
        due = outbox.claim_next(session, outbox.now(), outbox.Policy(), set())
        assert due is None  # the worker never takes it
    (entry,) = _audit(console, "cancel")
    assert entry.email == "staff@example.com" and entry.at is not None
    assert entry.lead_id == console.ids["urgent"] and entry.detail == {"delivery": delivery_id}


def test_withdrawing_a_lead_cancels_what_is_unsent_and_tells_the_firm_through_the_outbox(console):
    lead_id, delivery_id = console.ids["urgent"], console.ids["delivery"]  # failed after 8 tries
    with console.session() as session:
        firm_id = session.get(outbox.Delivery, delivery_id).firm_id

    async def scenario(client):
        await sign_in(client)
        token = await csrf_of(client)
        page = await (await client.get(f"/staff/leads/{lead_id}")).text()
        assert 'id="withdraw"' in page
        forged = await client.post(f"/staff/leads/{lead_id}/withdraw", data={"firm": str(firm_id)})
        assert forged.status == 403
        done = await client.post(
            f"/staff/leads/{lead_id}/withdraw",
            data={"csrf": token, "firm": str(firm_id)},
            allow_redirects=False,
        )
        assert done.status == 303
        page = await (await client.get(f"/staff/leads/{lead_id}")).text()
        assert 'id="notices"' in page and 'id="withdraw"' not in page  # withdrawn: nothing more to take back

    console.run(scenario)
    assert _deliveries(console) == [
        (firm_id, lead_id, "lead", "cancelled"),
        (firm_id, None, "withdrawal", "pending"),
    ]
    with console.session() as session:
        claim = outbox.claim_next(session, outbox.now(), outbox.Policy(), set())
        assert claim is not None and claim.kind == "withdrawal" and claim.event == "lead.withdrawn"
        assert claim.lead_id is None and claim.payload["lead_id"] == lead_id
        assert set(claim.payload) == {"event", "lead_id", "withdrawn_at"}  # nothing about the person
        kinds = [event["kind"] for event in leads.events(session, leads.find(session, lead_id))]
        assert "withdrawn" in kinds
    email = mail.build_erasure_message(
        claim.payload, "firm@example.com", ["zh"], claim.idempotency_key, "bot@x"
    )
    assert email["Subject"].startswith("线索已撤回") and email["X-Lawbot-Event"] == "lead.withdrawn"
    (entry,) = _audit(console, "withdraw")
    assert entry.email == "admin@example.com" and entry.detail == {"firm": firm_id, "notices": 1}


def test_the_console_cannot_send_a_lead_to_a_firm_the_user_did_not_agree_to(console):
    lead_id = console.ids["urgent"]
    with console.session() as session:
        other = add_firm(
            session,
            "另一家律所",
            commit=False,
            languages=["zh"],
            handles_urgent=True,
            webhook_url="http://127.0.0.1:9/y",
            webhook_secret="s",
        )
        session.commit()
        other_id = other.id
    before = _deliveries(console)

    async def scenario(client):
        await sign_in(client)
        token = await csrf_of(client)
        form = {"csrf": token, "firm": str(other_id)}
        for path in ("send", "deliver", "match", "consent", "resend"):
            response = await client.post(f"/staff/leads/{lead_id}/{path}", data=form, allow_redirects=False)
            assert response.status in (400, 404, 405), path
        # Withdrawing from a firm it was never sent to is refused too (it would queue nothing real).
        refused = await client.post(f"/staff/leads/{lead_id}/withdraw", data=form, allow_redirects=False)
        assert refused.status == 400
        page = await (await client.get(f"/staff/leads/{lead_id}")).text()
        assert "另一家律所" not in page  # not even offered

    console.run(scenario)
    assert _deliveries(console) == before
    with console.session() as session:
        total = session.execute(select(func.count()).select_from(outbox.Delivery)).scalar_one()
        assert total == 1


def test_outbox_withdraw_without_an_attempt_only_cancels(console):
    lead_id, delivery_id = console.ids["urgent"], console.ids["delivery"]
    with console.session() as session:
        row = session.get(outbox.Delivery, delivery_id)
        row.status, row.attempts = "pending", 0
        firm_id = row.firm_id
        assert outbox.withdraw(session, lead_id, firm_id, datetime.now(timezone.utc)) == []
        session.commit()
    assert _deliveries(console) == [(firm_id, lead_id, "lead", "cancelled")]


def test_opening_the_queue_is_audited_without_the_search_words(console):
    async def scenario(client):
        await sign_in(client, email="staff@example.com")
        response = await client.get(
            "/staff/leads", params={"topic": "contract", "q": "John Smith", "page": "1"}
        )
        assert response.status == 200

    console.run(scenario)
    entries = _audit(console, "queue")
    assert entries and entries[-1].email == "staff@example.com" and entries[-1].lead_id is None
    detail = entries[-1].detail
    assert detail["filters"] == {"topic": "contract"} and detail["search"] is True and detail["page"] == 1
    assert "John" not in str(detail)


def test_retention_purges_old_staff_audit_entries_and_expired_sessions(console, tmp_path, monkeypatch):
    monkeypatch.setenv("LAWBOT_VAR_DIR", str(tmp_path))
    settings = dataclasses.replace(
        load_settings(), var_dir=tmp_path, database_url=console.url, retention_days=180
    )
    now = db.utcnow()
    with console.session() as session:
        admin = staff.find(session, "admin@example.com")
        session.add(staff.StaffAudit(at=now - timedelta(days=200), email="admin@example.com", action="view"))
        session.add(staff.StaffAudit(at=now - timedelta(days=10), email="admin@example.com", action="export"))
        session.add(
            staff.StaffSession(
                token_hash="0" * 64,
                user_id=admin.id,
                csrf="c",
                created_at=now - timedelta(days=2),
                expires_at=now - timedelta(days=1),
            )
        )
        session.add(
            staff.StaffSession(
                token_hash="1" * 64,
                user_id=admin.id,
                csrf="c",
                created_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )
        session.commit()
    privacy.purge_expired(now, settings=settings)
    with console.session() as session:
        assert [entry.action for entry in session.execute(select(staff.StaffAudit)).scalars()] == ["export"]
        assert [row.token_hash[0] for row in session.execute(select(staff.StaffSession)).scalars()] == ["1"]
