"""Dashboard sessions the server can end: the signed cookie carries only a random token, and the session it
names (stored hashed in `admin_sessions`) must exist, not be ended, and be within its idle and absolute
lifetimes (SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS) on every request.

Signing out, changing a password and removing an admin end every session of that admin, so a cookie copied
before then opens nothing afterwards.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, session
from sqlalchemy import update
from sqlalchemy.orm import Session

from connector.db.models import AdminSession, AdminUser, utcnow

COOKIE_KEY = "sid"
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often: not one UPDATE per request


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Session, admin: AdminUser) -> AdminSession:
    """A new session for `admin`, replacing whatever the cookie held (no session fixation)."""
    token = secrets.token_urlsafe(32)
    row = AdminSession(id=_digest(token), admin_id=admin.id, data={})
    db.add(row)
    session.clear()
    session[COOKIE_KEY] = token
    session.permanent = True  # the cookie lasts as long as the absolute lifetime, not longer
    return row


def current(db: Session) -> AdminSession | None:
    """The live session the cookie names, or None (no cookie, unknown, ended, idle too long or too old)."""
    token = session.get(COOKIE_KEY)
    if not isinstance(token, str):
        return None
    row = db.get(AdminSession, _digest(token))
    now = utcnow()
    config = current_app.config
    if (row is None or row.ended_at is not None
            or now - row.last_seen_at > timedelta(seconds=config["SESSION_IDLE_SECONDS"])
            or now - row.created_at > timedelta(seconds=config["SESSION_MAX_SECONDS"])):
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.commit()
    return row


def server_data(key: str) -> dict:
    """What this browser's session keeps server-side under `key` (never in the cookie, which is only signed:
    anyone holding it can read it). Needs a signed-in admin."""
    return dict((g.admin_session.data or {}).get(key, {}))


def keep_server_data(db: Session, key: str, value: dict) -> None:
    row = g.admin_session
    row.data = {**(row.data or {}), key: value}  # a new dict: the JSON column only notices reassignment
    db.commit()


def end_all(db: Session, admin_id: int) -> None:
    """End every session of this admin (not committed: the caller commits with the change that caused it)."""
    db.execute(update(AdminSession).where(AdminSession.admin_id == admin_id, AdminSession.ended_at.is_(None))
               .values(ended_at=utcnow()))
