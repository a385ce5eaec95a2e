"""The staff console's lead queue, CSV export, lead page, actions and audit log, through
aiohttp's test client on real SQLite and PostgreSQL databases (fixtures in test_staff.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from test_staff import XSS, console_fixture, csrf_of, sign_in  # noqa: F401  (the `console` fixture)

from bot import leads, staff, staff_queue
from bot.delivery import outbox

# ------------------------------------------------------------------ the queue


def test_the_queue_puts_urgent_first_then_newest_and_marks_what_needs_action(console):
    async def scenario(client):
        await sign_in(client)
        body = await (await client.get("/staff/leads")).text()
        order = re.findall(r'data-lead="([^"]+)"', body)
        assert order == [console.ids["urgent"], console.ids["calm"], console.ids["old"]]
        row = lambda lead_id: body.split(f'data-lead="{lead_id}"')[1].split("</tr>")[0]  # noqa: E731
        assert "flag-urgent" in row(console.ids["urgent"]) and "flag-failed" in row(console.ids["urgent"])
        assert "flag-callback" in row(console.ids["calm"]) and "flag-" not in row(console.ids["old"])
        assert "王芳" in body and "John Smith" in body  # decrypted for the page

    console.run(scenario)


FILTERED = [
    ("urgency=high", ["urgent"]),
    ("topic=contract", ["calm"]),
    ("language=en&channel=telegram", ["calm"]),
    ("status=new&urgency=normal", ["calm", "old"]),
    ("q=%2B86+139-0000-0000", ["calm"]),  # exact phone, through the keyed hash
    ("q=JOHN@example.com", ["calm"]),
    ("q=smith", ["calm"]),  # a name: decrypted candidates
    ("q=勒索病毒", ["urgent", "old"]),  # Chinese words of the description
    ("q=深圳某某", ["calm"]),
    ("q=nothing-like-this", []),
]


def test_the_queue_filters_and_searches(console):
    async def scenario(client):
        await sign_in(client)
        for query, expected in FILTERED:
            body = await (await client.get(f"/staff/leads?{query}")).text()
            found = re.findall(r'data-lead="([^"]+)"', body)
            assert found == [console.ids[name] for name in expected], query

    console.run(scenario)


def test_the_queue_filters_by_date_and_pages(console):
    async def scenario(client):
        await sign_in(client)
        recent = (datetime.now(timezone.utc) - timedelta(days=3)).date().isoformat()
        body = await (await client.get(f"/staff/leads?from={recent}")).text()
        assert console.ids["old"] not in body and console.ids["calm"] in body
        body = await (await client.get(f"/staff/leads?to={recent}")).text()
        assert re.findall(r'data-lead="([^"]+)"', body) == [console.ids["old"]]

    console.run(scenario)
    with console.session() as session:
        first = staff_queue.queue(session, staff_queue.Query(page=1), per_page=2)
        second = staff_queue.queue(session, staff_queue.Query(page=2), per_page=2)
    assert (first.total, first.pages, len(first.leads), len(second.leads)) == (3, 2, 2, 1)
    assert second.leads[0].id == console.ids["old"]


def test_the_csv_export_is_the_filtered_queue_formula_safe_and_audited(console):
    async def scenario(client):
        await sign_in(client)
        response = await client.get("/staff/leads.csv?topic=contract")
        assert response.status == 200 and response.content_type == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8-sig"))))
        assert [row["id"] for row in rows] == [console.ids["calm"]]
        assert rows[0]["summary"].startswith("'=HYPERLINK")

    console.run(scenario)
    with console.session() as session:
        [entry] = session.execute(
            select(staff.StaffAudit).where(staff.StaffAudit.action == "export")
        ).scalars()
        assert entry.email == "admin@example.com" and entry.detail == {"leads": 1, "filters": ["topic"]}


# ------------------------------------------------------------------ a lead's page


def test_the_lead_page_shows_every_field_and_the_transcript_as_text(console):
    async def scenario(client):
        await sign_in(client, email="staff@example.com")
        response = await client.get(f"/staff/leads/{console.ids['urgent']}")
        body = await response.text()
        assert response.status == 200
        for shown in (
            "王芳",
            "+8613812345678",
            "wang@example.com",
            "服务器被勒索病毒加密",
            "ongoing",
            "2026-11",
        ):
            assert shown in body
        transcript = body.split('id="transcript"')[1].split("</ol>")[0]
        assert XSS not in transcript and "&lt;img src=x onerror=alert(1)&gt;" in transcript
        said = re.findall(r'<span class="said">(.*?)</span>', transcript, re.S)
        assert said == [
            "我们的服务器被勒索病毒加密了 &lt;img src=x onerror=alert(1)&gt;",
            "要先说说情况吗？",
            "/affirm",
            "请问数据泄露还在继续吗？",
        ]
        assert "topic_data_breach" in transcript and "0.93" in transcript
        assert "好的" in transcript and "«好的»" in transcript  # offered, then pressed
        assert "某律所" in body and "HTTP 500" in body and 'class="retry"' in body
        missing = await client.get("/staff/leads/no-such-lead")
        assert missing.status == 404

    console.run(scenario)
    with console.session() as session:
        [entry] = session.execute(select(staff.StaffAudit).where(staff.StaffAudit.action == "view")).scalars()
        assert (entry.email, entry.lead_id) == ("staff@example.com", console.ids["urgent"])


# ------------------------------------------------------------------ actions


def test_corrections_status_notes_and_contact_are_kept_with_who_and_when(console):
    lead_id = console.ids["urgent"]

    async def scenario(client):
        await sign_in(client, email="staff@example.com")
        token = await csrf_of(client, f"/staff/leads/{lead_id}")
        post = lambda action, **form: client.post(  # noqa: E731
            f"/staff/leads/{lead_id}/{action}", data={"csrf": token, **form}, allow_redirects=False
        )
        assert (await post("correct", field="topic", value="personal_info")).status == 303
        assert (await post("correct", field="urgency", value="normal")).status == 303
        assert (await post("correct", field="topic", value="<script>")).status == 400
        assert (await post("status", status="accepted")).status == 400  # new -> accepted: not allowed
        assert (await post("status", status="closed")).status == 303
        assert (await post("note", text="打过电话，没人接 " + XSS)).status == 303
        assert (await post("contacted")).status == 303
        body = await (await client.get(f"/staff/leads/{lead_id}")).text()
        assert 'id="lead-topic">personal_info<' in body and 'id="lead-status">closed<' in body
        history = body.split('id="history"')[1].split("</ol>")[0]
        assert "topic: data_breach → personal_info" in history and "staff@example.com" in history
        assert "打过电话" in history and XSS not in history

    console.run(scenario)
    with console.session() as session:
        lead = leads.find(session, lead_id)
        assert (lead.topic, lead.urgency, lead.status) == ("personal_info", "normal", "closed")
        kinds = [(e["kind"], (e["detail"] or {}).get("by")) for e in leads.events(session, lead)]
        assert ("correction", "staff@example.com") in kinds and ("contacted", "staff@example.com") in kinds
        audit = [(e.action, e.detail) for e in session.execute(select(staff.StaffAudit)).scalars()]
        assert ("correct", {"field": "topic", "from": "data_breach", "to": "personal_info"}) in audit
        assert not [d for _, d in audit if d and "打过电话" in str(d)]  # the note's text is not in the audit


def test_a_post_without_its_csrf_token_is_refused(console):
    lead_id = console.ids["urgent"]

    async def scenario(client):
        await sign_in(client)
        for form in ({}, {"csrf": "forged"}):
            response = await client.post(
                f"/staff/leads/{lead_id}/correct",
                data={**form, "field": "topic", "value": "icp"},
                allow_redirects=False,
            )
            assert response.status == 403
        retry = await client.post(f"/staff/deliveries/{console.ids['delivery']}/retry", allow_redirects=False)
        assert retry.status == 403

    console.run(scenario)
    with console.session() as session:
        assert leads.find(session, lead_id).topic == "data_breach"


def test_a_failed_delivery_is_retried(console):
    async def scenario(client):
        await sign_in(client)
        token = await csrf_of(client)
        path = f"/staff/deliveries/{console.ids['delivery']}/retry"
        assert (await client.post(path, data={"csrf": token}, allow_redirects=False)).status == 303
        assert (
            await client.post(path, data={"csrf": token}, allow_redirects=False)
        ).status == 400  # pending now

    console.run(scenario)
    with console.session() as session:
        row = session.get(outbox.Delivery, console.ids["delivery"])
        assert (row.status, row.attempts) == ("pending", 0)


def test_only_admins_read_the_audit_log(console):
    async def scenario(client):
        await sign_in(client, email="staff@example.com")
        await client.get(f"/staff/leads/{console.ids['calm']}")
        refused = await client.get("/staff/audit")
        assert (
            refused.status == 403 and "staff@example.com" in await refused.text()
        )  # the header, not the log
        assert "calm" not in await refused.text()
        client.session.cookie_jar.clear()
        await sign_in(client)
        body = await (await client.get("/staff/audit")).text()
        assert console.ids["calm"][:8] in body and "view" in body and "signin" in body

    console.run(scenario)


# ------------------------------------------------------------------ step 5


def test_conversations_without_a_lead_show_where_people_stopped(console):
    async def scenario(client):
        await sign_in(client, email="staff@example.com")
        body = await (await client.get("/staff/conversations")).text()
        assert re.findall(r'data-conversation="([^"]+)"', body) == ["web:dropped"]  # web:urgent has a lead
        row = body.split('data-conversation="web:dropped"')[1].split("</tr>")[0]
        assert "intake_form" in row and "对方是哪家公司？" in row and "<td>2</td>" in row
        assert "13900001111" not in body  # what the user typed is not shown
        assert "intake_form</td><td>1<" in body.split('id="dropoff"')[1].replace("\n", "")

    console.run(scenario)


def test_topic_corrections_export_as_nlu_training_data(console, monkeypatch, capsys):
    import yaml

    from bot.ops.cli import main

    async def scenario(client):
        await sign_in(client)
        token = await csrf_of(client)
        form = {"csrf": token, "field": "topic", "value": "personal_info"}
        await client.post(f"/staff/leads/{console.ids['urgent']}/correct", data=form, allow_redirects=False)

    console.run(scenario)
    tracker_file = console.tracker_url.removeprefix("sqlite:///")
    monkeypatch.setenv("LAWBOT_DATABASE_URL", console.url)
    monkeypatch.setenv("LAWBOT_VAR_DIR", tracker_file.rsplit("/", 1)[0])
    assert main(["corrections", "export"]) == 0
    exported = yaml.safe_load(capsys.readouterr().out)
    assert exported["nlu"] == [
        {"intent": "topic_personal_info", "examples": f"- 我们的服务器被勒索病毒加密了 {XSS}\n"}
    ]


def test_the_dashboard_counts_leads_contacts_failures_and_drop_off(console):
    async def scenario(client):
        await sign_in(client)
        token = await csrf_of(client)
        await client.post(f"/staff/leads/{console.ids['calm']}/contacted", data={"csrf": token})
        client.session.cookie_jar.update_cookies({"staff_lang": "en"})
        response = await client.get("/staff/dashboard")
        body = await response.text()
        assert response.status == 200
        weekly = body.split('id="weekly"')[1].split("</table>")[0]
        rows = dict(re.findall(r"<tr><td>(\w+)</td>(.*?)</tr>", weekly))
        counts = {topic: re.findall(r'title="(\d+)"', cells) for topic, cells in rows.items()}
        assert [counts[t].count("1") for t in ("contract", "icp", "data_breach")] == [
            1,
            1,
            1,
        ]  # icp: 40 days old
        shares = body.split('id="shares"')[1].split("</table>")[0]
        assert (
            "Urgency: normal</td><td>2</td>" in shares
            and "67%" in shares
            and "Language: zh</td><td>2<" in shares
        )
        assert "1 leads contacted: median 0.1 h" in body  # created 5 minutes before
        assert "1 failed deliveries (1 in the last 7 days) of 1" in body
        assert "intake_form</td><td>1</td>" in body.split('id="dropoff"')[1]

    console.run(scenario)
