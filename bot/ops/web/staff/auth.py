"""Signing in and out of the staff console, and the guard every /staff request passes.

The guard: nothing under /staff answers without a live session (bot/staff.py) except the
sign-in page and the language switch; a page asked for without one redirects to the sign-in
page, anything else (CSV, JSON, a POST) gets 401. Every POST must carry the session's CSRF
token in the form field `csrf` (403 otherwise). The sign-in form, posted before there is a
session, is protected by a double-submit token: a random cookie repeated in the form.
Responses under /staff are never cached (they hold personal data).

Cookies: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS, limited to /staff;
the session cookie expires with the session (bot.staff.SESSION_TTL)."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler

from bot import db, staff
from bot.ops.web.staff.render import LANG_COOKIE, LANGUAGES, USER, config, language, page, translator

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
PUBLIC = ("/staff/login", "/staff/lang")


def _cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/staff", httponly=True, samesite="Lax", secure=request.secure
    )


def _wants_page(request: web.Request) -> bool:
    if request.method != "GET" or request.path.endswith((".csv", ".json")):
        return False
    accept = request.headers.get("Accept", "")
    return not accept or "text/html" in accept or "*/*" in accept


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path of the console (no other site)."""
    if target and target.startswith("/staff") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff/leads"


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path != "/staff" and not request.path.startswith("/staff/"):
        return await handler(request)
    if request.path not in PUBLIC:
        with db.session_scope(config(request).database_url) as session:
            signed = staff.signed_in(session, request.cookies.get(SESSION_COOKIE))
        if signed is None:
            if _wants_page(request):
                back = "" if request.path == "/staff" else "?next=" + quote(request.path_qs, safe="/")
                raise web.HTTPSeeOther("/staff/login" + back)
            raise web.HTTPUnauthorized(
                text='{"error": "sign in at /staff/login"}', content_type="application/json"
            )
        request[USER] = signed
        if request.method not in ("GET", "HEAD"):
            form = await request.post()
            if not hmac.compare_digest(str(form.get("csrf", "")), signed.csrf):
                raise web.HTTPForbidden(text="CSRF token missing or wrong")
    response = await handler(request)
    response.headers["Cache-Control"] = "no-store"
    return response


async def login_form(request: web.Request) -> web.Response:
    return _login_page(request, error=None, status=200)


def _login_page(request: web.Request, error: str | None, status: int) -> web.Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = page(
        request,
        "login.html",
        status=status,
        login_csrf=token,
        error=error,
        next=safe_next(request.query.get("next")),
    )
    _cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
        raise web.HTTPForbidden(text="CSRF token missing or wrong")
    email, password = str(form.get("email", ""))[:254], str(form.get("password", ""))[:1000]
    t = translator(language(request))
    with db.session_scope(config(request).database_url) as session:
        # A locked account is checked like any other (same hashing time); authenticate refuses it.
        user = staff.authenticate(session, email, password)
        if user is None:
            locked = staff.is_locked(session, email)
            session.commit()  # the failure counts
            return _login_page(request, t("locked") if locked else t("bad_login"), 429 if locked else 401)
        token = staff.open_session(session, user)
        staff.record(session, user.email, "signin")
    response = web.HTTPSeeOther(safe_next(str(form.get("next", ""))))
    _cookie(request, response, SESSION_COOKIE, token, int(staff.SESSION_TTL.total_seconds()))
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/staff")
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    with db.session_scope(config(request).database_url) as session:
        staff.close_session(session, request.cookies.get(SESSION_COOKIE))
    response = web.HTTPSeeOther("/staff/login")
    response.del_cookie(SESSION_COOKIE, path="/staff")
    raise response


async def switch_language(request: web.Request) -> web.StreamResponse:
    chosen = request.query.get("to", "zh")
    response = web.HTTPSeeOther(safe_next(request.query.get("next")))
    if chosen in LANGUAGES:
        _cookie(request, response, LANG_COOKIE, chosen, 365 * 86400)
    raise response


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/login", login_form)
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/logout", logout)
    app.router.add_get("/staff/lang", switch_language)
    app.middlewares.append(guard)
