"""The staff console (/staff) through aiohttp's test client, on a real SQLite and PostgreSQL
leads database and a real (SQLite, encrypted) tracker store: accounts, sign-in, the guard,
the queue, a lead's page, the actions and the audit."""

from __future__ import annotations

import asyncio
import functools
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot import leads, staff, staff_transcript
from bot.delivery import outbox
from bot.ops.web import WebConfig, create_app
from bot.ops.web.staff.render import STAFF, StaffConfig
from tests.support import add_firm, lead_fields

PASSWORD = "correct horse battery"
XSS = "<img src=x onerror=alert(1)>"


def tracker_store(path, conversations: dict[str, list[dict]]) -> str:
    """A tracker store with Rasa's `events` table, each event's data encrypted as the store does."""
    url = f"sqlite:///{path}"
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(
            text(
                "create table events (id integer primary key autoincrement, sender_id varchar(255) not null,"
                " type_name varchar(255) not null, timestamp float, intent_name varchar(255),"
                " action_name varchar(255), data text)"
            )
        )
        for sender, events in conversations.items():
            for event in events:
                connection.execute(
                    text(
                        "insert into events (sender_id, type_name, timestamp, action_name, data)"
                        " values (:s, :t, :ts, :a, :d)"
                    ),
                    {
                        "s": sender,
                        "t": event["event"],
                        "ts": event.get("timestamp", 0.0),
                        "a": event.get("name") if event["event"] == "action" else None,
                        "d": staff_transcript.seal_event(event),
                    },
                )
    engine.dispose()
    return url


def user_says(text_: str, intent: str, confidence: float) -> dict:
    return {
        "event": "user",
        "text": text_,
        "parse_data": {"intent": {"name": intent, "confidence": confidence}},
    }


def bot_says(text_: str, buttons=()) -> dict:
    return {
        "event": "bot",
        "text": text_,
        "data": {"buttons": [{"title": t, "payload": p} for t, p in buttons]},
    }


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once (Argon2 takes a third of a second here): the accounts of every fixture."""
    return PasswordHasher().hash(PASSWORD)


class Console:
    """The app on one database, with an admin and a staff account and some leads."""

    def __init__(self, url: str, tracker_url: str, factory) -> None:
        self.url, self.tracker_url, self.factory = url, tracker_url, factory

    def run(self, scenario):
        async def go():
            app = create_app(WebConfig(rasa_url="http://rasa.example:5005"))
            app[STAFF] = StaffConfig(self.url, self.tracker_url)
            async with TestClient(TestServer(app)) as client:
                return await scenario(client)

        return asyncio.run(go())

    def session(self):
        return self.factory()


async def sign_in(client, email="admin@example.com", password=PASSWORD, next_=None):
    page = await client.get("/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
    form = {"csrf": token, "email": email, "password": password}
    if next_:
        form["next"] = next_
    return await client.post("/staff/login", data=form, allow_redirects=False)


async def csrf_of(client, path="/staff/leads"):
    return re.search(r'name="csrf" value="([^"]+)"', await (await client.get(path)).text()).group(1)


@pytest.fixture(params=["sqlite", "postgres"], name="console")
def console_fixture(request, tmp_path):
    url = request.getfixturevalue(f"{request.param}_url")
    engine = create_engine(url, future=True)
    factory = sessionmaker(engine, future=True, expire_on_commit=False)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with factory() as session:
        for email, role in (("admin@example.com", "admin"), ("staff@example.com", "staff")):
            session.add(
                staff.StaffUser(
                    email=email, role=role, password_hash=password_hash(), active=True, failed_logins=0
                )
            )
        urgent = leads.save(
            session,
            "k-urgent",
            **lead_fields(conversation_id="web:urgent", created_at=now - timedelta(hours=2)),
        )
        calm = leads.save(
            session,
            "k-calm",
            **lead_fields(
                conversation_id="web:calm",
                topic="contract",
                urgency="normal",
                language="en",
                channel="telegram",
                summary='=HYPERLINK("http://evil") unpaid invoice from 深圳某某科技',
                contact={"name": "John Smith", "phone": "+8613900000000", "email": "john@example.com"},
                created_at=now - timedelta(minutes=5),
                callback_requested=True,
            ),
        )
        old = leads.save(
            session,
            "k-old",
            **lead_fields(
                conversation_id="web:old", urgency="normal", topic="icp", created_at=now - timedelta(days=40)
            ),
        )
        firm = add_firm(
            session,
            "某律所",
            commit=False,
            languages=["zh"],
            handles_urgent=True,
            webhook_url="http://127.0.0.1:9/x",
            webhook_secret="s",
        )
        session.flush()
        delivery = outbox.enqueue(session, urgent, firm, "webhook", {"lead_id": urgent.id})
        delivery.status, delivery.attempts, delivery.last_error = "failed", 8, "HTTP 500"
        session.commit()
        ids = {"urgent": urgent.id, "calm": calm.id, "old": old.id, "delivery": delivery.id}
    tracker_url = tracker_store(
        tmp_path / "tracker.db",
        {
            "web:urgent": [
                {"event": "slot", "name": "language", "value": "zh"},
                user_says("我们的服务器被勒索病毒加密了 " + XSS, "topic_data_breach", 0.93),
                bot_says("要先说说情况吗？", buttons=[("好的", "/affirm"), ("不用", "/deny")]),
                user_says("/affirm", "affirm", 1.0),
                bot_says("请问数据泄露还在继续吗？"),
            ],
            # No lead: the person stopped when asked who the other party is.
            "web:dropped": [
                user_says("你好", "greet", 0.99),
                {"event": "action", "name": "utter_greet"},
                bot_says("您好！请问有什么可以帮您？"),
                {"event": "action", "name": "action_listen"},
                user_says("我想咨询合同纠纷 13900001111", "topic_contract", 0.55),
                {"event": "action", "name": "intake_form"},
                bot_says("对方是哪家公司？"),
                {"event": "action", "name": "action_listen"},
            ],
        },
    )
    built = Console(url, tracker_url, factory)
    built.ids = ids
    yield built
    engine.dispose()


# ------------------------------------------------------------------ accounts and sign-in


def test_accounts_hash_passwords_and_lock_out_after_repeated_failures(console):
    with console.session() as session:
        user = staff.find(session, "ADMIN@example.com")
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        for _ in range(staff.MAX_FAILURES):
            assert staff.authenticate(session, "admin@example.com", "wrong password") is None
        assert staff.is_locked(session, "admin@example.com")
        assert (
            staff.authenticate(session, "admin@example.com", PASSWORD) is None
        )  # locked: even the right one
        staff.reset_password(session, "admin@example.com", "a brand new password")
        assert staff.authenticate(session, "admin@example.com", "a brand new password") is not None
        with pytest.raises(staff.StaffError):
            staff.add(session, "short@example.com", "staff", "short")
        with pytest.raises(staff.StaffError):
            staff.add(session, "x@example.com", "root", PASSWORD)


def test_the_cli_adds_lists_disables_and_resets_accounts(console, monkeypatch, capsys):
    from bot.ops.cli import main

    monkeypatch.setenv("LAWBOT_DATABASE_URL", console.url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["staff", "add", "New@Example.com", "--role", "staff", "--password-stdin"]) == 0
    assert main(["staff", "list"]) == 0
    listed = capsys.readouterr().out
    assert "new@example.com" in listed and "admin@example.com" in listed and "password" not in listed
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert main(["staff", "reset-password", "new@example.com", "--password-stdin"]) == 0
    assert main(["staff", "disable", "new@example.com"]) == 0
    assert main(["staff", "disable", "nobody@example.com"]) == 1
    with console.session() as session:
        assert staff.authenticate(session, "new@example.com", "another long password") is None  # disabled


def test_signing_in_sets_a_safe_expiring_cookie_and_signing_out_ends_the_session(console):
    async def scenario(client):
        response = await sign_in(client, next_="/staff/leads?urgency=high")
        assert response.status == 303 and response.headers["Location"] == "/staff/leads?urgency=high"
        cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith("staff_session="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=28800" in cookie
        assert "Path=/staff" in cookie and "Secure" not in cookie  # plain HTTP in this test
        page = await client.get("/staff/leads")
        assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
        token = await csrf_of(client)
        out = await client.post("/staff/logout", data={"csrf": token}, allow_redirects=False)
        assert out.status == 303
        again = await client.get("/staff/leads", allow_redirects=False)
        assert again.status == 303 and again.headers["Location"].startswith("/staff/login")

    console.run(scenario)


def test_the_session_cookie_is_secure_over_https():
    from unittest import mock

    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from bot.ops.web.staff.sessions import SESSION_COOKIE, StaffSessionStorage

    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        object() if name == "sslcontext" else default
    )
    request = make_mocked_request("GET", "/staff/login", transport=transport)
    assert request.secure
    response = web.Response()
    StaffSessionStorage().set_session_cookie(request, response, "token")
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/staff" and cookie["max-age"] == str(int(staff.SESSION_TTL.total_seconds()))


def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_account(console):
    async def scenario(client):
        refused = await sign_in(client, password="not the password")
        assert (
            refused.status == 401
            and "Wrong email or password" in await refused.text()
            or "邮箱或密码不正确" in await refused.text()
        )
        unknown = await sign_in(client, email="nobody@example.com")
        assert unknown.status == 401
        for _ in range(staff.MAX_FAILURES - 1):
            last = await sign_in(client, password="not the password")
        assert last.status == 429
        locked = await sign_in(client)  # the right password, but locked
        assert locked.status == 429 and "staff_session=" not in locked.headers.get("Set-Cookie", "")
        assert (await client.get("/staff/leads", allow_redirects=False)).status == 303

    console.run(scenario)


def test_sign_in_without_its_csrf_token_is_refused(console):
    async def scenario(client):
        await client.get("/staff/login")
        response = await client.post(
            "/staff/login", data={"email": "admin@example.com", "password": PASSWORD}, allow_redirects=False
        )
        assert response.status == 403

    console.run(scenario)


SIGNED_OUT = [
    ("GET", "/staff", 303),
    ("GET", "/staff/leads", 303),
    ("GET", "/staff/leads/LEAD", 303),
    ("GET", "/staff/audit", 303),
    ("GET", "/staff/no-such-page", 303),
    ("GET", "/staff/leads.csv", 401),
    ("POST", "/staff/leads/LEAD/correct", 401),
    ("POST", "/staff/deliveries/1/retry", 401),
    ("POST", "/staff/logout", 401),
]


def test_nothing_under_staff_answers_without_a_session(console):
    async def scenario(client):
        for method, path, status in SIGNED_OUT:
            path = path.replace("LEAD", console.ids["urgent"])
            response = await client.request(method, path, allow_redirects=False)
            assert response.status == status, (method, path)
            body = await response.text()
            assert "王芳" not in body and "勒索" not in body
            if status == 303:
                assert response.headers["Location"].startswith("/staff/login")
            asked = await client.get(path, headers={"Accept": "application/json"}, allow_redirects=False)
            assert asked.status == 401, path  # JSON is never redirected to a page

    console.run(scenario)


def test_the_interface_switches_language(console):
    async def scenario(client):
        login = await (await client.get("/staff/login")).text()
        assert "登录" in login and '<html lang="zh-CN">' in login
        switched = await client.get("/staff/lang?to=en&next=/staff/login", allow_redirects=False)
        assert switched.status == 303 and switched.headers["Location"] == "/staff/login"
        assert "Sign in" in await (await client.get("/staff/login")).text()
        elsewhere = await client.get("/staff/lang?to=en&next=https://evil.example/", allow_redirects=False)
        assert elsewhere.headers["Location"] == "/staff/leads"

    console.run(scenario)


def test_every_text_exists_in_both_languages():
    from bot.ops.web.staff.render import texts

    assert all(set(value) == {"zh", "en"} and all(value.values()) for value in texts().values())


def test_signing_in_returns_to_the_filtered_page_asked_for(console):
    async def scenario(client):
        asked = "/staff/leads?urgency=high&topic=icp"
        redirected = await client.get(asked, allow_redirects=False)
        login = await (await client.get(redirected.headers["Location"])).text()
        back = re.search(r'name="next" value="([^"]+)"', login).group(1)
        assert back.replace("&amp;", "&") == asked
        response = await sign_in(client, next_=back.replace("&amp;", "&"))
        assert response.headers["Location"] == asked
        elsewhere = await sign_in(client, next_="//evil.example/staff")
        assert elsewhere.headers["Location"] == "/staff/leads"

    console.run(scenario)
