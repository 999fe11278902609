"""A grant revoked in the middle of a run: the task stops retrying and the installation asks for reconnecting."""
from __future__ import annotations

from datetime import timedelta

from connector.crm.base import Credentials
from connector.db import get_session
from connector.db.models import AuditEvent, Crm, Installation, InstallationStatus, SyncRun, SyncStatus

from .conftest import in_the_past, install, run_task


def test_a_grant_revoked_after_the_client_was_made_marks_the_installation(worker_app, hubspot_sandbox):
    with in_the_past(hubspot_sandbox):
        portal = hubspot_sandbox.add_portal(contacts=50, seed=11)
    tokens = hubspot_sandbox.issue_tokens(portal.id)
    installation_id = install(worker_app, Crm.HUBSPOT, Credentials(
        tokens["access_token"], tokens["refresh_token"], hubspot_sandbox.clock.now() + timedelta(hours=1),
        str(portal.id)), "Revoked portal")
    # The stored token still looks good for an hour, so the client is made without a refresh; the CRM has
    # meanwhile ended the grant: the first call gets a 401 and the adapter's refresh is refused.
    hubspot_sandbox.expire_all_tokens()
    hubspot_sandbox.revoke_refresh_token(tokens["refresh_token"])

    assert run_task(worker_app, "workers.sync", installation_id=installation_id) is None

    with worker_app.app_context():
        session = get_session()
        assert session.get(Installation, installation_id).status is InstallationStatus.RECONNECT_NEEDED
        assert session.query(AuditEvent).filter_by(action="install.reconnect_needed").count() == 1
        assert [run.status for run in session.query(SyncRun)] == [SyncStatus.FAILED]
    # Syncs stay off until an admin reconnects: the scheduled one is skipped, not failed again.
    assert run_task(worker_app, "workers.sync", installation_id=installation_id) is None
    with worker_app.app_context():
        assert get_session().query(SyncRun).count() == 1
