"""Credentials are stored encrypted, read back intact, and survive key rotation."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from connector.app import create_app
from connector.crm.base import Credentials
from connector.db import get_session, migrate
from connector.db.models import StoredCredentials
from connector.db.scope import InstallationScope
from connector.security.credential_store import load_credentials, save_credentials
from connector.security.vault import TokenVault, VaultError

from .conftest import add_installation

ACCESS = "pat-na1-11111111-2222-3333-4444-555555555555"
REFRESH = "refresh-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def grant() -> Credentials:
    return Credentials(access_token=ACCESS, refresh_token=REFRESH, account_id="1001",
                       expires_at=datetime(2026, 6, 1, tzinfo=timezone.utc))


def database_bytes(app) -> bytes:
    app.extensions["db_engine"].dispose()  # flush SQLite's WAL into the main file
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_round_trip_without_the_token_in_the_database_file(app, installation_id):
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        save_credentials(scope, app.extensions["vault"], grant())
        scope.session.commit()
        loaded = load_credentials(scope, app.extensions["vault"])
    assert (loaded.access_token, loaded.refresh_token, loaded.expires_at) == (ACCESS, REFRESH, grant().expires_at)
    raw = database_bytes(app)
    assert ACCESS.encode() not in raw and REFRESH.encode() not in raw


def test_secrets_never_show_in_reprs(app):
    vault = app.extensions["vault"]
    assert ACCESS not in repr(grant())
    assert app.config["ENCRYPTION_KEYS"][0] not in repr(vault)
    assert ACCESS not in repr(StoredCredentials(installation_id=1, ciphertext=vault.encrypt(grant())))


def test_a_bad_key_is_refused_without_echoing_it():
    with pytest.raises(VaultError) as caught:
        TokenVault(["not-a-fernet-key-but-a-secret"])
    assert "not-a-fernet-key" not in str(caught.value)


def test_rotation_with_configured_keys(tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    url = f"sqlite:///{tmp_path / 'rot.sqlite'}"
    migrate.upgrade(url)
    before = create_app({"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": url, "ENCRYPTION_KEYS": old})
    installation_id = add_installation(before)
    with before.app_context():
        save_credentials(InstallationScope.load(get_session(), installation_id), before.extensions["vault"], grant())
        get_session().commit()
    before.extensions["db_engine"].dispose()

    after = create_app({"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": url, "ENCRYPTION_KEYS": f"{new},{old}"})
    result = after.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 stored credential(s)" in result.output

    only_new = create_app({"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": url, "ENCRYPTION_KEYS": new})
    with only_new.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        assert load_credentials(scope, only_new.extensions["vault"]).access_token == ACCESS
    for app in (after, only_new):
        app.extensions["db_engine"].dispose()


def test_rotation_fails_with_one_sentence_when_keys_do_not_match(app, installation_id):
    with app.app_context():
        save_credentials(InstallationScope.load(get_session(), installation_id), app.extensions["vault"], grant())
        get_session().commit()
    app.extensions["vault"] = TokenVault([Fernet.generate_key().decode()])
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 1
    assert "cannot be decrypted with the configured keys" in result.output
