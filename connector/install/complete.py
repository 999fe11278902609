"""What every install does once the CRM has granted access: one installation per CRM account (a reinstall
updates it), the grant stored encrypted, the score fields provisioned, the first sync and training queued."""
from __future__ import annotations

import logging

from flask import current_app, flash, g, redirect, url_for
from sqlalchemy import select

from connector import jobs
from connector.crm.base import Credentials
from connector.crm.errors import CrmError
from connector.db import get_session
from connector.db.audit import record_event
from connector.db.models import Crm, Installation, InstallationStatus
from connector.db.scope import InstallationScope
from connector.security.credential_store import save_credentials

from .credentials import client_for

log = logging.getLogger(__name__)


def complete_install(crm: Crm, credentials: Credentials, name: str):
    db = get_session()
    installation = db.scalars(select(Installation).where(
        Installation.crm == crm, Installation.account_id == credentials.account_id)).one_or_none()
    reinstall = installation is not None
    if installation is None:
        installation = Installation(crm=crm, account_id=credentials.account_id, name=name)
        db.add(installation)
        db.flush()
    installation.status = InstallationStatus.ACTIVE
    scope = InstallationScope(db, installation)
    save_credentials(scope, current_app.extensions["vault"], credentials)
    record_event(db, g.admin.email, "install.reconnected" if reinstall else "install.connected", installation.id)
    db.commit()

    if _provision(scope):
        for task in (jobs.SYNC, jobs.TRAIN):
            jobs.enqueue(task, installation_id=installation.id, requested_by=g.admin.email)
        flash(f"{crm.label} connected. The first sync and training are queued.")
    return redirect(url_for("dashboard.installation", installation_id=installation.id))


def _provision(scope: InstallationScope) -> bool:
    """Create the score fields; on failure the installation stays connected and the admin is told why."""
    installation = scope.installation
    try:
        client = client_for(installation)
        try:
            result = client.provision_fields(installation.settings.field_names)
        finally:
            client.close()
    except CrmError as exc:
        log.warning("provisioning fields for installation %s failed: %s", installation.id, type(exc).__name__)
        record_event(scope.session, g.admin.email, "install.provision_failed", installation.id, error=str(exc))
        scope.session.commit()
        flash(f"Connected, but the score fields could not be created: {exc}. Fix this in the CRM, then reconnect.",
              "error")
        return False
    record_event(scope.session, g.admin.email, "install.fields_provisioned", installation.id,
                 created=result.created, already_present=result.already_present)
    scope.session.commit()
    return True
