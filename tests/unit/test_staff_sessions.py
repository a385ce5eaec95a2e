"""The staff console's sessions (aiohttp-session with our storage in `staff_sessions`) and CSRF
tokens (itsdangerous): what the cookie and the table hold, sessions shared by two instances of
the web app and ended everywhere at once, and forged, foreign or expired tokens refused."""

from __future__ import annotations

import asyncio
import hashlib
import re

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from test_staff import console_fixture, csrf_of, sign_in  # noqa: F401  (the `console` fixture)

from bot import staff
from bot.ops.web import WebConfig, create_app
from bot.ops.web.staff import csrf
from bot.ops.web.staff.render import STAFF, StaffConfig


def instance(console) -> TestClient:
    app = create_app(WebConfig(rasa_url="http://rasa.example:5005"))
    app[STAFF] = StaffConfig(console.url, console.tracker_url)
    return TestClient(TestServer(app))


def session_cookie(response) -> str:
    cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith("staff_session="))
    return cookie.split(";", 1)[0].split("=", 1)[1]


def rows(console) -> list[staff.StaffSession]:
    with console.session() as session:
        return list(session.execute(select(staff.StaffSession)).scalars())


def test_the_cookie_holds_a_random_token_and_the_table_only_its_hash(console):
    async def scenario(client):
        first = session_cookie(await sign_in(client))
        again = session_cookie(await sign_in(client))  # signing in again ends the first session
        return first, again

    first, again = console.run(scenario)
    assert first != again and len(first) >= 40
    held = rows(console)
    assert [row.token_hash for row in held] == [hashlib.sha256(again.encode()).hexdigest()]
    assert all(again not in str(value) for value in vars(held[0]).values())


def test_two_instances_share_sessions_and_signing_out_or_disabling_ends_them_everywhere(console):
    async def scenario():
        async with instance(console) as one, instance(console) as two:
            token = session_cookie(await sign_in(one))
            two.session.cookie_jar.update_cookies({"staff_session": token})
            assert (await two.get("/staff/leads", allow_redirects=False)).status == 200
            out = await two.post("/staff/logout", data={"csrf": await csrf_of(two)}, allow_redirects=False)
            assert out.status == 303
            assert (await one.get("/staff/leads", allow_redirects=False)).status == 303

            token = session_cookie(await sign_in(one, email="staff@example.com"))
            two.session.cookie_jar.update_cookies({"staff_session": token})
            assert (await two.get("/staff/leads", allow_redirects=False)).status == 200
            with console.session() as session:
                staff.disable(session, "staff@example.com")
                session.commit()
            for client in (one, two):
                assert (await client.get("/staff/leads.csv", allow_redirects=False)).status == 401

    asyncio.run(scenario())


def test_a_forged_foreign_or_expired_csrf_token_is_refused(console, monkeypatch):
    async def scenario(client):
        await sign_in(client)
        lead = console.ids["urgent"]
        good = await csrf_of(client)
        correct = f"/staff/leads/{lead}/correct"
        form = {"field": "topic", "value": "icp"}
        forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
        secret = rows(console)[0].csrf
        assert secret not in good  # the page carries a signature of the secret, not the secret
        login_kind = csrf.token(secret, csrf.LOGIN_SALT)
        foreign = csrf.token("another session's secret")
        for token in ("", forged, login_kind, foreign):
            response = await client.post(correct, data={**form, "csrf": token}, allow_redirects=False)
            assert response.status == 403, token
        monkeypatch.setattr(csrf, "SESSION_MAX_AGE", -1)  # every token is now too old
        expired = await client.post(correct, data={**form, "csrf": good}, allow_redirects=False)
        assert expired.status == 403
        monkeypatch.setattr(csrf, "SESSION_MAX_AGE", 3600)
        accepted = await client.post(correct, data={**form, "csrf": good}, allow_redirects=False)
        assert accepted.status == 303

    console.run(scenario)


def test_the_sign_in_form_token_must_match_its_cookie(console):
    async def scenario(client):
        page = await (await client.get("/staff/login")).text()
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        client.session.cookie_jar.clear()
        client.session.cookie_jar.update_cookies({"staff_login_csrf": "someone else's cookie"})
        form = {"csrf": token, "email": "admin@example.com", "password": "correct horse battery"}
        response = await client.post("/staff/login", data=form, allow_redirects=False)
        assert response.status == 403 and "staff_session=" not in response.headers.get("Set-Cookie", "")

    console.run(scenario)
