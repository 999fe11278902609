"""Roles owner / admin / viewer, checked centrally for every view and action (default deny); the audit log
records who did what, refusals included."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import ApiKey, AuditEvent, Installation, InstallationStatus
from connector.security.roles import REQUIRED

from .conftest import AdminActions, add_installation

PASSWORD = "a long enough password"


def sign_in_as(app, runner, role: str) -> AdminActions:
    email = f"{role}-role@example.com"
    result = runner.invoke(args=["admin", "create", "--email", email, "--role", role, "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    actions = AdminActions(app.test_client())
    assert actions.login(email, PASSWORD).status_code == 302
    return actions


@pytest.fixture
def installation(app) -> int:
    return add_installation(app)


def test_a_viewer_reads_every_page_but_changes_nothing(app, runner, installation, sent_tasks):
    viewer = sign_in_as(app, runner, "viewer")
    for page in ("/", f"/installations/{installation}", f"/installations/{installation}/settings",
                 f"/installations/{installation}/rules", f"/installations/{installation}/runs"):
        assert viewer._client.get(page).status_code == 200, page
    page = f"/installations/{installation}"
    assert viewer.submit(page, {}, action=f"{page}/sync").status_code == 403
    assert viewer.submit(f"{page}/settings", {"schedule_minutes": "30"}).status_code == 403
    assert viewer._client.get("/install/hubspot").status_code == 403
    assert viewer._client.get("/audit").status_code == 403
    assert sent_tasks == []
    with app.app_context():
        denied = [e for e in get_session().query(AuditEvent) if e.action == "access.denied"]
        assert [(e.actor, e.detail["endpoint"]) for e in denied] == [
            ("viewer-role@example.com", "dashboard.sync_now"), ("viewer-role@example.com", "dashboard.settings")]


def test_an_admin_syncs_but_cannot_disconnect_or_issue_keys(app, runner, installation, sent_tasks):
    admin = sign_in_as(app, runner, "admin")
    page = f"/installations/{installation}"
    assert admin.submit(page, {}, action=f"{page}/sync").status_code == 302 and len(sent_tasks) == 1
    assert admin.submit(page, {}, action=f"/install/{installation}/disconnect").status_code == 403
    assert admin.submit(f"{page}/api-keys", {"label": "zapier"}).status_code == 403
    with app.app_context():
        assert get_session().get(Installation, installation).status is InstallationStatus.ACTIVE
        assert get_session().query(ApiKey).count() == 0
        sync = [e for e in get_session().query(AuditEvent) if e.installation_id == installation]
        assert sync and sync[0].actor == "admin-role@example.com"  # who did what


def test_an_owner_issues_keys(app, runner, installation):
    owner = sign_in_as(app, runner, "owner")
    assert owner.submit(f"/installations/{installation}/api-keys", {"label": "zapier"}).status_code in (200, 302)
    with app.app_context():
        assert get_session().query(ApiKey).count() == 1


def test_an_endpoint_nobody_assigned_a_role_is_refused_even_to_owners(app, runner):
    app.add_url_rule("/installations/<int:installation_id>/brand-new", "dashboard.brand_new", lambda **_: "open")
    owner = sign_in_as(app, runner, "owner")
    assert owner._client.get("/installations/1/brand-new").status_code == 403


def test_every_dashboard_and_install_route_has_a_role(app):
    routed = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.partition(".")[0] in ("dashboard", "install")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == set(REQUIRED)


def test_a_role_change_ends_the_admins_sessions(app, runner):
    admin = sign_in_as(app, runner, "admin")
    assert admin._client.get("/").status_code == 200
    assert runner.invoke(args=["admin", "set-role", "--email", "admin-role@example.com", "--role", "viewer"]).exit_code == 0
    assert admin._client.get("/").status_code == 302
