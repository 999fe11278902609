"""Fixtures for the workers: an app pointed at the HubSpot sandbox, an installed portal, and tasks run in process."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet

from connector.app import create_app
from connector.crm.base import Credentials
from connector.db import get_session, migrate
from connector.db.models import Crm, Installation
from connector.db.scope import InstallationScope
from connector.install.credentials import client_for
from connector.security.credential_store import save_credentials


def sandbox_config(sandbox, base_url: str) -> dict:
    """App settings that make the connector's HubSpot the sandbox served at `base_url`."""
    return {"HUBSPOT_API_BASE": base_url, "HUBSPOT_AUTHORIZE_URL": f"{base_url}/oauth/authorize",
            "HUBSPOT_TOKEN_URL": f"{base_url}/oauth/v1/token", "HUBSPOT_CLIENT_ID": sandbox.app.client_id,
            "HUBSPOT_CLIENT_SECRET": sandbox.app.client_secret}


def make_app(tmp_path, database_url: str, **config):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret",
                      "ENCRYPTION_KEYS": [Fernet.generate_key().decode()], "DATABASE_URL": database_url, **config})
    migrate.upgrade(app.config["DATABASE_URL"])
    return app


def install_portal(app, sandbox, portal_id: int) -> int:
    """An installation of the portal with tokens issued by the sandbox, stored and provisioned the way the
    install flow does (that flow, through the browser, is the demo's and the app's tests' business)."""
    tokens = sandbox.issue_tokens(portal_id)
    credentials = Credentials(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"],
                              expires_at=sandbox.clock.now() + timedelta(seconds=tokens["expires_in"]),
                              account_id=str(portal_id))
    return install(app, Crm.HUBSPOT, credentials, f"Portal {portal_id}")


def install(app, crm: Crm, credentials: Credentials, name: str) -> int:
    """Store an installation of `crm` with these credentials and provision its score fields; its id."""
    with app.app_context():
        session = get_session()
        installation = Installation(crm=crm, account_id=credentials.account_id, name=name)
        session.add(installation)
        session.flush()
        save_credentials(InstallationScope(session, installation), app.extensions["vault"], credentials)
        session.commit()
        client = client_for(installation)
        client.provision_fields(installation.settings.field_names)
        client.close()
        return installation.id


@contextmanager
def in_the_past(sandbox, seconds: float = 60):
    """Changes made inside carry stamps `seconds` ago: the client leaves the last 10 s of changes to the next
    pull (HubSpot's search index lags), and tests should not wait that out."""
    sandbox.clock.advance(-seconds)
    try:
        yield
    finally:
        sandbox.clock.advance(seconds)


def synced_portal(app, sandbox, contacts: int, seed: int):
    """A portal of `contacts` people, installed and synced once (the cold start trains and writes v1):
    (portal, installation id)."""
    with in_the_past(sandbox, 120):
        portal = sandbox.add_portal(contacts=contacts, seed=seed)
    installation_id = install_portal(app, sandbox, portal.id)
    run_task(app, "workers.sync", installation_id=installation_id)
    return portal, installation_id


def run_task(app, name: str, **kwargs):
    """Run a task in this process, as a worker would (app context pushed by the task class)."""
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    result = celery.tasks[name].apply(kwargs=kwargs)
    result.maybe_throw()
    return result.result


@pytest.fixture
def worker_app(tmp_path, hubspot_sandbox):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'leadscore.sqlite'}",
                   **sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url))
    yield app
    app.extensions["db_engine"].dispose()
