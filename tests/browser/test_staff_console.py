"""The staff console (/staff) in a real browser (headless Debian Chromium, Playwright), served by
`python -m bot.ops.web` on a free port with its own SQLite leads database and tracker store
(no Rasa needed): the day's work of intake staff, and what must be refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot import leads, staff, staff_transcript
from bot.db import upgrade
from bot.delivery import outbox
from bot.settings import PROJECT_ROOT
from tests.support import add_firm, free_port, lead_fields

pytestmark = [pytest.mark.browser]

PASSWORD = "correct horse battery"
XSS = "<img src=x onerror=alert(1)>"
SCREENSHOTS = {
    "queue": PROJECT_ROOT / "docs" / "staff-queue.png",
    "lead": PROJECT_ROOT / "docs" / "staff-lead.png",
    "dashboard": PROJECT_ROOT / "docs" / "staff-dashboard.png",
}


def _seed(var_dir) -> dict[str, str]:
    url = f"sqlite:///{var_dir / 'leads.db'}"
    upgrade(url)
    engine = create_engine(url, future=True)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    hashed = PasswordHasher().hash(PASSWORD)
    with sessionmaker(engine, future=True)() as session:
        for email, role in (
            ("admin@example.com", "admin"),
            ("staff@example.com", "staff"),
            ("lock@example.com", "staff"),
        ):
            session.add(
                staff.StaffUser(email=email, role=role, password_hash=hashed, active=True, failed_logins=0)
            )
        breach = leads.save(session, "k-breach", **lead_fields(conversation_id="web:breach", created_at=now))
        for n in range(3):
            leads.save(
                session,
                f"k-{n}",
                **lead_fields(
                    conversation_id=f"web:other{n}",
                    topic="contract",
                    urgency="normal",
                    language="en",
                    summary=f"Unpaid invoice number {n}",
                    contact={"name": f"Client {n}", "email": f"c{n}@example.com"},
                    created_at=now - timedelta(hours=n + 1),
                ),
            )
        firm = add_firm(
            session,
            "哈尔滨示例律师事务所",
            commit=False,
            languages=["zh"],
            handles_urgent=True,
            webhook_url="http://127.0.0.1:9/x",
            webhook_secret="s",
        )
        session.flush()
        delivery = outbox.enqueue(session, breach, firm, "webhook", {"lead_id": breach.id})
        delivery.status, delivery.attempts, delivery.last_error = "failed", 8, "HTTP 503 from the firm"
        session.commit()
        breach_id, delivery_id = breach.id, str(delivery.id)
    engine.dispose()
    tracker = create_engine(f"sqlite:///{var_dir / 'tracker.db'}", future=True)
    events = [
        {
            "event": "user",
            "text": "我们公司的服务器被勒索病毒加密了 " + XSS,
            "parse_data": {"intent": {"name": "topic_data_breach", "confidence": 0.91}},
        },
        {
            "event": "bot",
            "text": "很抱歉听到这个消息。数据泄露还在继续吗？",
            "data": {
                "buttons": [
                    {"title": "还在继续", "payload": "/ongoing"},
                    {"title": "已经控制", "payload": "/contained"},
                ]
            },
        },
        {
            "event": "user",
            "text": "/ongoing",
            "parse_data": {"intent": {"name": "ongoing", "confidence": 1.0}},
        },
        {"event": "bot", "text": "明白了。请留下您的联系方式。", "data": {}},
    ]
    with tracker.begin() as connection:
        connection.execute(
            text(
                "create table events (id integer primary key autoincrement, sender_id varchar(255) not null,"
                " type_name varchar(255) not null, timestamp float, intent_name varchar(255),"
                " action_name varchar(255), data text)"
            )
        )
        for event in events:
            connection.execute(
                text("insert into events (sender_id, type_name, data) values ('web:breach', :t, :d)"),
                {"t": event["event"], "d": staff_transcript.seal_event(event)},
            )
        # Conversations that stopped before a lead, for the dashboard's drop-off chart.
        for n, stop in enumerate(("intake_form", "intake_form", "contact_form")):
            for event in (
                {
                    "event": "user",
                    "text": "你好",
                    "parse_data": {"intent": {"name": "greet", "confidence": 0.99}},
                },
                {"event": "action", "name": stop},
                {"event": "bot", "text": "请问对方是哪家公司？", "data": {}},
            ):
                connection.execute(
                    text(
                        "insert into events (sender_id, type_name, action_name, data) values (:s, :t, :a, :d)"
                    ),
                    {
                        "s": f"web:gone{n}",
                        "t": event["event"],
                        "a": event.get("name"),
                        "d": staff_transcript.seal_event(event),
                    },
                )
    tracker.dispose()
    return {"breach": breach_id, "delivery": delivery_id}


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("staff-var")
    ids = _seed(var_dir)
    port = free_port()
    env = {
        **os.environ,
        "LAWBOT_VAR_DIR": str(var_dir),
        "LAWBOT_DATABASE_URL": f"sqlite:///{var_dir / 'leads.db'}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.ops.web", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("the web app did not start")
        time.sleep(0.2)
    yield base, ids
    process.terminate()
    process.wait(timeout=10)


def sign_in(page, base, email="admin@example.com", password=PASSWORD):
    page.goto(f"{base}/staff/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def save_screenshot(page, name: str) -> None:
    """Under var/results/browser/; docs/staff-*.png only when missing or with UPDATE_SCREENSHOTS=1."""
    results = PROJECT_ROOT / "var" / "results" / "browser"
    results.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)
    page.screenshot(path=str(results / SCREENSHOTS[name].name), full_page=True)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not SCREENSHOTS[name].exists():
        shutil.copyfile(results / SCREENSHOTS[name].name, SCREENSHOTS[name])


def test_a_day_at_the_console(console, page):
    base, ids = console
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    blocked: list[str] = []  # what the CSP refused (Chromium reports it on the console)
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, base)
    page.wait_for_url(f"{base}/staff/leads")
    assert page.locator("tr.lead").count() == 4
    save_screenshot(page, "queue")

    # Filter to urgent breach leads.
    page.select_option("select[name=urgency]", "high")
    page.select_option("select[name=topic]", "data_breach")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**urgency=high**")
    rows = page.locator("tr.lead")
    assert rows.count() == 1 and "紧急且未联系" in rows.first.inner_text()

    # Open it and read the transcript: both sides, in order, the injected markup as text.
    rows.first.locator("a").first.click()
    page.wait_for_url(f"{base}/staff/leads/{ids['breach']}")
    said = page.locator("#transcript .said").all_inner_texts()
    assert said[0] == "我们公司的服务器被勒索病毒加密了 " + XSS and said[2] == "/ongoing"
    assert page.locator("#transcript img").count() == 0 and not dialogs and not page.js_errors
    transcript = page.locator("#transcript").inner_text()
    assert "topic_data_breach" in transcript and "0.91" in transcript and "还在继续" in transcript
    save_screenshot(page, "lead")

    # Correct the topic: kept with who and when.
    page.select_option("#correct-topic select", "personal_info")
    page.click("#correct-topic button")
    page.wait_for_load_state()
    assert page.locator("#lead-topic").inner_text() == "personal_info"
    assert "data_breach → personal_info" in page.locator("#history").inner_text()
    assert "admin@example.com" in page.locator("#history").inner_text()

    # Retry the failed delivery, then cancel it (never sent; nothing to send it elsewhere).
    page.click("button.retry")
    page.wait_for_load_state()
    assert "pending" in page.locator("tr.delivery").inner_text()
    # No form on the page could send the lead anywhere: only these actions exist.
    forms = page.eval_on_selector_all("form", "fs => fs.map(f => new URL(f.action).pathname)")
    known = ("/correct", "/status", "/contacted", "/note", "/retry", "/cancel", "/withdraw", "/logout")
    assert forms and all(action.endswith(known) for action in forms), forms
    page.click("button.cancel")
    page.wait_for_load_state()
    assert "cancelled" in page.locator("tr.delivery").inner_text()
    assert page.locator("button.retry").count() == 0 and page.locator("#withdraw").count() == 0

    # Export the queue as CSV.
    page.goto(f"{base}/staff/leads?topic=contract")
    with page.expect_download() as download:
        page.click("#export")
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert exported.count("\n") == 4 and "Client 0" in exported and ids["breach"] not in exported

    # The audit, as admin: the view, the correction, the retry, the export.
    page.goto(f"{base}/staff/audit")
    actions = page.locator("td.action").all_inner_texts()
    assert {"queue", "view", "correct", "retry", "cancel", "export", "signin"} <= set(actions)

    # The dashboard: charts drawn by the vendored Chart.js from /static (the CSP allows no other
    # script), the tables as their text.
    page.click("a[href='/staff/dashboard']")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('chart-weekly') && Chart.getChart('chart-dropoff')"
    )
    weekly = page.evaluate("() => Chart.getChart('chart-weekly').data.datasets.map(d => d.label)")
    assert {"contract", "personal_info"} <= set(weekly)
    assert page.locator("figure.chart.drawn").count() == 4 and page.locator("#weekly svg.col").count() > 0
    assert page.locator(".chart-fallback").is_hidden() and not page.js_errors and not blocked
    save_screenshot(page, "dashboard")


def test_what_the_console_refuses(console, page, browser):
    base, ids = console
    # Signed out: pages redirect to sign-in, the CSV answers 401.
    page.goto(f"{base}/staff/leads/{ids['breach']}")
    assert page.url.startswith(f"{base}/staff/login")
    assert page.request.get(f"{base}/staff/leads.csv").status == 401
    assert page.request.get(f"{base}/staff/leads", headers={"Accept": "application/json"}).status == 401
    assert page.request.get(f"{base}/staff/leads.json").status == 401

    # A wrong password, then the lock-out (even the right password is refused).
    sign_in(page, base, email="lock@example.com", password="wrong password")
    assert page.locator(".error").inner_text() == "邮箱或密码不正确。"
    for _ in range(staff.MAX_FAILURES - 1):
        sign_in(page, base, email="lock@example.com", password="wrong password")
    sign_in(page, base, email="lock@example.com")
    assert "锁定" in page.locator(".error").inner_text() and "/staff/login" in page.url

    # A `staff` user may not read the audit log; a form posted without its CSRF token is refused.
    sign_in(page, base, email="staff@example.com")
    page.wait_for_url(f"{base}/staff/leads")
    response = page.goto(f"{base}/staff/audit")
    assert response.status == 403 and page.locator("td.action").count() == 0
    forged = page.request.post(
        f"{base}/staff/leads/{ids['breach']}/correct",
        form={"field": "topic", "value": "icp"},
        max_redirects=0,
    )
    assert forged.status == 403
    page.goto(f"{base}/staff/leads/{ids['breach']}")
    assert page.locator("#lead-topic").inner_text() != "icp"
