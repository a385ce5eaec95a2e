"""The staff console's sessions: aiohttp-session's middleware with a storage of ours that keeps
them server-side in the database table `staff_sessions` (bot/staff.py).

The cookie `staff_session` holds only a random token; the table holds its SHA-256, the account
and the session's CSRF secret. Loading a session looks the token up (an expired session, a
disabled account or a session ended by sign-out or a password reset is no session); saving a
new one makes its row and sets the cookie; invalidating one deletes its row and the cookie.
Every instance of the web app shares the table, so they share sessions too.

Cookie: HttpOnly, SameSite=Lax, path /staff, Max-Age `SESSION_TTL`, and Secure when the
request came over HTTPS."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aiohttp import web
from aiohttp_session import AbstractStorage, Session, SessionData

from bot import db, staff
from bot.ops.web.staff.render import config

SESSION_COOKIE = "staff_session"


class StaffSessionStorage(AbstractStorage):
    def __init__(self) -> None:
        super().__init__(
            cookie_name=SESSION_COOKIE,
            max_age=int(staff.SESSION_TTL.total_seconds()),
            path="/staff",
            httponly=True,
            samesite="Lax",
        )

    async def load_session(self, request: web.Request) -> Session:
        token = self.load_cookie(request)
        signed = None
        if token:
            with db.session_scope(config(request).database_url) as session:
                signed = staff.signed_in(session, token)
        if signed is None:
            return Session(None, data=None, new=True, max_age=self.max_age)
        held: dict[str, Any] = asdict(signed)
        data: SessionData = {"created": held.pop("created"), "session": held}
        return Session(token, data=data, new=False, max_age=self.max_age)

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        if not session.empty and not session.new:
            return  # what the row holds does not change while the session lives
        with db.session_scope(config(request).database_url) as scope:
            # Signing out ends the session; signing in again ends the one the cookie held.
            staff.close_session(scope, str(session.identity or self.load_cookie(request) or ""))
            token = None if session.empty else staff.open_session(scope, int(session["user_id"]))
        if token is None:
            self.save_cookie(response, "")
        else:
            self.set_session_cookie(request, response, token)

    def set_session_cookie(self, request: web.Request, response: web.StreamResponse, token: str) -> None:
        self.save_cookie(response, token, max_age=self.max_age)
        if request.secure:
            response.cookies[self.cookie_name]["secure"] = True


def signed_in(session: Session) -> staff.SignedIn | None:
    """The staff member of a loaded session, or None (no session, or not signed in)."""
    if session.new or "user_id" not in session:
        return None
    return staff.SignedIn(
        user_id=int(session["user_id"]),
        email=str(session["email"]),
        role=str(session["role"]),
        csrf=str(session["csrf"]),
        created=session.created,
    )
