"""Headers and files: no framing of the dashboard, cards framed only by CRMs, Secure cookies behind https, a
private instance folder, secrets kept out of access logs, and the PKCE verifier out of the cookie."""
from __future__ import annotations

import base64
import logging
import stat
import zlib

import pytest
from cryptography.fernet import Fernet

from connector.app import create_app
from connector.security.log_scrub import scrub

from .conftest import AdminActions


def test_the_dashboard_cannot_be_framed(client, admin):
    for path in ("/", "/auth/login"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"


def test_card_routes_may_be_framed_only_by_the_crms(client):
    headers = client.get("/cards/salesforce/score?token=x").headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors https://*.salesforce.com" in policy and "'none'" not in policy.split("frame-ancestors")[1]
    assert "X-Frame-Options" not in headers


@pytest.mark.parametrize("public_url, secure", [("https://leadscore.example.com", True), (None, False)])
def test_the_session_cookie_is_secure_whenever_public_url_is_https(tmp_path, public_url, secure):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "PUBLIC_URL": public_url})
    assert app.config["SESSION_COOKIE_SECURE"] is secure


def test_the_instance_folder_and_its_files_are_private(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    app = create_app({"INSTANCE_PATH": str(instance)})
    app.extensions["db_engine"].dispose()
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for name in ("leadscore.sqlite", "secret_key", "encryption_keys"):
        assert stat.S_IMODE((instance / name).stat().st_mode) == 0o600, name


def test_query_string_secrets_are_scrubbed_from_access_logs(caplog):
    line = ('127.0.0.1 - - "GET /install/salesforce/callback?code=aPrx123&state=s3cr3t HTTP/1.1" 302 - '
            '"GET /cards/salesforce/score?token=eyJpIjo HTTP/1.1" "POST /webhooks/salesforce/abcdef0123 HTTP/1.1"')
    assert scrub(line) == ('127.0.0.1 - - "GET /install/salesforce/callback?code=[scrubbed]&state=[scrubbed] '
                           'HTTP/1.1" 302 - "GET /cards/salesforce/score?token=[scrubbed] HTTP/1.1" '
                           '"POST /webhooks/salesforce/[scrubbed] HTTP/1.1"')
    create_app({"TESTING": True, "ENCRYPTION_KEYS": [Fernet.generate_key().decode()]})  # installs the filters
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('"%s" %s', "GET /install/hubspot/callback?code=c0de&state=st4te HTTP/1.1", 302)
    assert "c0de" not in caplog.text and "st4te" not in caplog.text and "code=[scrubbed]" in caplog.text


def cookie_payload(client) -> str:
    value = client.get_cookie("session").value
    compressed = value.startswith(".")
    data = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_the_pkce_verifier_stays_on_the_server(app, client, admin):
    app.config.update(SALESFORCE_CLIENT_ID="consumer-key", SALESFORCE_CLIENT_SECRET="consumer-secret")
    started = client.get("/install/salesforce?environment=production")
    if started.status_code == 200:  # a page asking production or sandbox first
        started = AdminActions(client).submit("/install/salesforce", {"environment": "production"})
    assert started.status_code == 302 and "code_challenge=" in started.headers["Location"]
    payload = cookie_payload(client)
    assert "verifier" not in payload and "oauth_installs" not in payload
