"""Fixtures for the application core: an app on a fresh SQLite file, its client and CLI runner, a signed-in admin."""
from __future__ import annotations

import re
import uuid

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from connector.app import create_app
from connector.db import get_session, migrate
from connector.db.models import AdminUser, Crm, Installation
from connector.security.passwords import hash_password

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def throwaway_postgres(postgres_url):
    """A PostgreSQL database created for this test and dropped after it."""
    name = f"leadscore_test_{uuid.uuid4().hex[:10]}"
    server = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite by default; a test module can override this fixture to run on PostgreSQL as well."""
    return f"sqlite:///{tmp_path / 'leadscore.sqlite'}"


@pytest.fixture
def app_config() -> dict:
    """Extra configuration for the `app` fixture; a test module overrides it (e.g. to point at the sandboxes)."""
    return {}


@pytest.fixture
def app(tmp_path, database_url, app_config):
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
        "DATABASE_URL": database_url,
        **app_config,
    })
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        db = get_session()
        db.add(AdminUser(email=ADMIN_EMAIL, password_hash=hash_password(ADMIN_PASSWORD)))
        db.commit()
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def add_installation(app, crm: str = "hubspot", account_id: str = "1001", name: str = "Acme") -> int:
    with app.app_context():
        db = get_session()
        installation = Installation(crm=Crm(crm), account_id=account_id, name=name)
        db.add(installation)
        db.commit()
        return installation.id


@pytest.fixture
def installation_id(app) -> int:
    return add_installation(app)


class AdminActions:
    """What an admin does in the browser, as test steps: sign in, read a form's CSRF token, submit forms."""

    def __init__(self, client):
        self._client = client

    def csrf_token(self, page: str = "/auth/login") -> str:
        return CSRF_INPUT.search(self._client.get(page).get_data(as_text=True)).group(1)

    def login(self, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD):
        token = self.csrf_token("/auth/login")
        return self._client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        return self._client.post("/auth/logout", data={"csrf_token": self.csrf_token("/")})

    def submit(self, page: str, data: dict, action: str | None = None):
        """Post `data` the way the form on `page` would, CSRF token included."""
        return self._client.post(action or page, data={**data, "csrf_token": self.csrf_token(page)})


@pytest.fixture
def admin(client) -> AdminActions:
    actions = AdminActions(client)
    actions.login()
    return actions


@pytest.fixture
def sent_tasks(monkeypatch) -> list[tuple[str, dict]]:
    """Tasks the app sends, as (name, kwargs), caught at `connector.jobs.enqueue` (no worker runs here)."""
    sent: list[tuple[str, dict]] = []

    def enqueue(task_name: str, **kwargs) -> str:
        sent.append((task_name, kwargs))
        return f"task-{len(sent)}"

    monkeypatch.setattr("connector.jobs.enqueue", enqueue)
    return sent
