"""Sessions the server can end: a cookie copied before sign-out, a password change or the admin's removal no
longer opens the dashboard; idle and absolute lifetimes are settings."""
from __future__ import annotations

from datetime import timedelta

import pytest

from connector.db import get_session
from connector.db.models import AdminSession, AuditEvent

from .conftest import AdminActions

ADMIN = "admin@example.com"


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A second browser (an attacker's) presenting a copied cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/")


def test_a_cookie_copied_before_sign_out_no_longer_opens_the_dashboard(app, client, admin):
    copied = session_cookie(client)
    assert replay(app, copied).status_code == 200
    admin.logout()
    assert replay(app, copied).status_code == 302
    with app.app_context():
        assert "admin.sign_out" in [e.action for e in get_session().query(AuditEvent)]


@pytest.mark.parametrize("command", [
    ["admin", "set-password", "--email", ADMIN, "--password-stdin"],
    ["admin", "remove", "--email", ADMIN],
])
def test_a_password_change_or_removal_ends_every_session(app, client, admin, runner, command):
    other_browser = app.test_client()
    AdminActions(other_browser).login()
    copied = session_cookie(client)
    result = runner.invoke(args=command, input="a brand new long password\n")
    assert result.exit_code == 0, result.output
    assert replay(app, copied).status_code == 302 and other_browser.get("/").status_code == 302


def test_the_new_password_signs_in_and_the_old_one_does_not(app, client, runner):
    runner.invoke(args=["admin", "set-password", "--email", ADMIN, "--password-stdin"],
                  input="a brand new long password\n")
    assert AdminActions(client).login().status_code == 200  # the form again: refused
    assert AdminActions(client).login(password="a brand new long password").status_code == 302


@pytest.mark.parametrize("column, setting", [("last_seen_at", "SESSION_IDLE_SECONDS"),
                                             ("created_at", "SESSION_MAX_SECONDS")])
def test_idle_and_absolute_lifetimes_end_a_session(app, client, admin, column, setting):
    assert client.get("/").status_code == 200
    with app.app_context():
        row = get_session().query(AdminSession).one()
        setattr(row, column, getattr(row, column) - timedelta(seconds=app.config[setting] + 1))
        get_session().commit()
    assert client.get("/").status_code == 302


def test_signing_in_replaces_the_cookie_and_stores_only_a_hash(app, client):
    before = AdminActions(client).csrf_token() and session_cookie(client)
    AdminActions(client).login()
    token_cookie = session_cookie(client)
    assert token_cookie != before
    with app.app_context():
        row = get_session().query(AdminSession).one()
        assert len(row.id) == 64 and row.id not in token_cookie
