"""The factory: embedded defaults, secrets generated once into the instance folder, environment overrides."""
from __future__ import annotations

import logging
import stat

from connector.app import create_app
from connector.app.config import crm_endpoints
from connector.crm.base import Credentials
from connector.db import get_session, migrate
from connector.db.scope import InstallationScope
from connector.security.credential_store import load_credentials, save_credentials

from .conftest import add_installation


def test_embedded_start_generates_private_secrets_once_and_warns(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'leadscore.sqlite'}"
    assert app.config["CELERY_BROKER_URL"] == "memory://"
    for name in ("secret_key", "encryption_keys"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert "production must set it" in caplog.text
    again = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert again.config["ENCRYPTION_KEYS"] == app.config["ENCRYPTION_KEYS"]


def test_environment_configures_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADSCORE_SECRET_KEY", "from-env")
    monkeypatch.setenv("LEADSCORE_CELERY_BROKER_URL", "redis://cache:6379/0")
    monkeypatch.setenv("LEADSCORE_HUBSPOT_API_BASE", "http://127.0.0.1:9999")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/leadscore")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.extensions["celery"].conf.broker_url == "redis://cache:6379/0"
    assert app.config["DATABASE_URL"] == "postgresql+psycopg://u:p@db/leadscore"
    assert crm_endpoints(app, "hubspot").api_base == "http://127.0.0.1:9999"


def test_salesforce_sandbox_orgs_use_the_test_login_host(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SALESFORCE_LOGIN_URL": "https://test.salesforce.com"})
    assert crm_endpoints(app, "salesforce").token_url == "https://test.salesforce.com/services/oauth2/token"


def test_embedded_key_rotation_adds_a_new_key_first(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    migrate.upgrade(app.config["DATABASE_URL"])
    installation_id = add_installation(app)
    grant = Credentials(access_token="tok", refresh_token=None, expires_at=None, account_id="1001")
    with app.app_context():
        save_credentials(InstallationScope.load(get_session(), installation_id), app.extensions["vault"], grant)
        get_session().commit()
    old_keys = (tmp_path / "encryption_keys").read_text().split()

    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new_keys = (tmp_path / "encryption_keys").read_text().split()
    assert new_keys[1:] == old_keys and len(new_keys) == 2

    restarted = create_app({"INSTANCE_PATH": str(tmp_path), "ENCRYPTION_KEYS": new_keys[0]})
    with restarted.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        assert load_credentials(scope, restarted.extensions["vault"]).access_token == "tok"
    for each in (app, restarted):
        each.extensions["db_engine"].dispose()


def test_db_upgrade_command(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output
