"""Signing in and out of the staff console, and the guard every /staff request passes.

Sessions are aiohttp-session's (`setup`, `get_session`, `new_session`) with our server-side
storage (`sessions`: the cookie holds a random token, the table `staff_sessions` its hash);
CSRF tokens are itsdangerous signatures (`csrf`).

The guard: nothing under /staff answers without a live session except the sign-in page and
the language switch; a page asked for without one redirects to the sign-in page, anything else
(CSV, JSON, a POST) gets 401. Every POST must carry a valid, unexpired CSRF token of the
session in the form field `csrf` (403 otherwise). The sign-in form, posted before there is a
session, is protected by a signed double-submit token (a random cookie whose signature the
form repeats). Responses under /staff are never cached (they hold personal data).

Cookies: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS, limited to /staff;
the session cookie expires with the session (bot.staff.SESSION_TTL)."""

from __future__ import annotations

import secrets
from urllib.parse import quote

import aiohttp_session
from aiohttp import web
from aiohttp.typedefs import Handler

from bot import db, staff
from bot.ops.web.staff.csrf import LOGIN_MAX_AGE, LOGIN_SALT, token, valid
from bot.ops.web.staff.render import LANG_COOKIE, LANGUAGES, USER, config, language, page, translator
from bot.ops.web.staff.sessions import SESSION_COOKIE, StaffSessionStorage, signed_in

LOGIN_CSRF_COOKIE = "staff_login_csrf"
PUBLIC = ("/staff/login", "/staff/lang")
__all__ = ["SESSION_COOKIE", "setup"]


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
        signed = signed_in(await aiohttp_session.get_session(request))
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
            if not valid(form.get("csrf"), signed.csrf):
                raise web.HTTPForbidden(text="CSRF token missing or wrong")
    response = await handler(request)
    response.headers["Cache-Control"] = "no-store"
    return response


async def login_form(request: web.Request) -> web.Response:
    return _login_page(request, error=None, status=200)


def _login_page(request: web.Request, error: str | None, status: int) -> web.Response:
    secret = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = page(
        request,
        "login.html",
        status=status,
        login_csrf=token(secret, LOGIN_SALT),
        error=error,
        next=safe_next(request.query.get("next")),
    )
    _cookie(request, response, LOGIN_CSRF_COOKIE, secret, LOGIN_MAX_AGE)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    if not valid(form.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE), LOGIN_SALT):
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
        user_id = int(user.id)
        staff.record(session, user.email, "signin")
    # A new session (new token): its row and cookie are made when the response goes out.
    (await aiohttp_session.new_session(request))["user_id"] = user_id
    response = web.HTTPSeeOther(safe_next(str(form.get("next", ""))))
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/staff")
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    # Invalidated: the storage deletes its row and the cookie.
    (await aiohttp_session.get_session(request)).invalidate()
    raise web.HTTPSeeOther("/staff/login")


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
    aiohttp_session.setup(app, StaffSessionStorage())  # outside the guard: it loads the session
    app.middlewares.append(guard)
