"""Admin sign-in: a server-side session (connector.security.sessions) names the admin; `login_required` guards
views outside the dashboard."""
from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from connector.db import get_session
from connector.db.audit import record_event
from connector.db.models import AdminUser, utcnow
from connector.security import roles, sessions
from connector.security.passwords import password_matches

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.before_app_request
def load_signed_in_admin() -> None:
    g.admin_session = sessions.current(get_session())
    g.admin = get_session().get(AdminUser, g.admin_session.admin_id) if g.admin_session is not None else None
    return roles.check_request(redirect_to_sign_in)  # every view and action, in one place (default deny)


def redirect_to_sign_in():
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def login_required(view):
    """For views outside the dashboard blueprint (the dashboard guards all its views at once)."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.admin is None:
            return redirect_to_sign_in()
        return view(**kwargs)

    return wrapped


_LOCAL_PATH = re.compile(r"/(?!/)[!-~]*")  # printable ASCII without spaces, not starting "//"


def _safe_next(target: str | None) -> str:
    """Only local paths: an attacker-supplied ?next= must not turn sign-in into a redirector. Browsers drop tabs
    and newlines and read "\\" as "/", so "/\t/evil.example" becomes "//evil.example": any whitespace, control
    character or backslash makes the target unsafe, and what is left must parse as a path with no host."""
    if target and _LOCAL_PATH.fullmatch(target) and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("dashboard.installations")


@bp.route("/login", methods=("GET", "POST"))
def login():
    error = None
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()
        password = request.form.get("password", "")
        db = get_session()
        admin = db.scalars(select(AdminUser).where(AdminUser.email == email)).one_or_none()
        if not password_matches(admin.password_hash if admin is not None else None, password):
            error = "Unknown email or wrong password."
        else:
            sessions.start(db, admin)
            admin.last_login_at = utcnow()
            record_event(db, admin.email, "admin.sign_in")
            db.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error)


@bp.post("/logout")
def logout():
    if g.admin is not None:
        db = get_session()
        sessions.end_all(db, g.admin.id)
        record_event(db, g.admin.email, "admin.sign_out")
        db.commit()
    session.clear()
    flash("Signed out.")
    return redirect(url_for("auth.login"))
