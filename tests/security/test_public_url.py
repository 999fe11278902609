"""PUBLIC_URL: required by gunicorn and by `leadscore serve` on a non-loopback host; links never come from the
Host header."""
from __future__ import annotations


import pytest

from connector.app import create_app

from .conftest import SF_ORG, add_installation, canvas_context, canvas_signed_request


def canvas(client, host: str):
    return client.post("/cards/salesforce/canvas", data={"signed_request": canvas_signed_request(canvas_context())},
                       headers={"Host": host})


def test_a_forged_host_header_gets_no_card_url_without_public_url(app, client):
    add_installation(app, crm="salesforce", account_id=SF_ORG)
    refused = canvas(client, "evil.example")
    assert refused.status_code == 400 and "PUBLIC_URL" in refused.json["message"]
    assert canvas(client, "127.0.0.1:5000").json["card_url"].startswith("http://127.0.0.1:5000/cards/")


def test_with_public_url_links_ignore_the_host_header(app, client):
    add_installation(app, crm="salesforce", account_id=SF_ORG)
    app.config["PUBLIC_URL"] = "https://leadscore.example.com"
    answer = canvas(client, "evil.example")
    assert answer.json["card_url"].startswith("https://leadscore.example.com/cards/salesforce/score?token=")


def test_oauth_redirect_uri_never_comes_from_the_host_header(app):
    from werkzeug.exceptions import BadRequest

    from connector.app.public_url import public_url_for

    with app.test_request_context("/install/hubspot", base_url="http://evil.example"):
        with pytest.raises(BadRequest):
            public_url_for("install.hubspot_callback")  # what the install views build redirect URIs with
        app.config["PUBLIC_URL"] = "https://leadscore.example.com/"
        assert public_url_for("install.hubspot_callback") == "https://leadscore.example.com/install/hubspot/callback"


def test_gunicorn_refuses_to_start_without_public_url(tmp_path, monkeypatch):
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    assert create_app({"INSTANCE_PATH": str(tmp_path), "PUBLIC_URL": "https://leadscore.example.com"})


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_serve_on_a_reachable_host_refuses_to_start_without_public_url(tmp_path, host):
    from click.testing import CliRunner

    from connector.cli import serve

    result = CliRunner().invoke(serve, ["--host", host, "--port", "0"], env={"LEADSCORE_INSTANCE_PATH": str(tmp_path)})
    assert result.exit_code != 0 and "LEADSCORE_PUBLIC_URL" in result.output
