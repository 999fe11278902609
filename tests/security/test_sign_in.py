"""Sign-in: `next` only ever leads to a local path."""
from __future__ import annotations

import pytest

from .conftest import AdminActions

PASSWORD = {"email": "admin@example.com", "password": "correct horse battery"}


@pytest.mark.parametrize("target", [
    "/%09/evil.example/", "/%0a/evil.example/", "/%0d/evil.example/", "/%5cevil.example/", "/\\evil.example/",
    "//evil.example/", "///evil.example/", "https://evil.example/", "/%20/evil.example", "javascript:alert(1)",
    "%2F%2Fevil.example", "/ /evil.example",
])
def test_sign_in_never_redirects_off_site(client, target):
    actions = AdminActions(client)
    answer = client.post(f"/auth/login?next={target}", data={**PASSWORD, "csrf_token": actions.csrf_token()})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/installations/1", "/installations/1/settings?tab=rules", "/"])
def test_sign_in_still_returns_to_a_local_page(client, target):
    actions = AdminActions(client)
    answer = client.post(f"/auth/login?next={target}", data={**PASSWORD, "csrf_token": actions.csrf_token()})
    assert answer.headers["Location"] == target


def wrong(client, email: str = "admin@example.com", address: str = "203.0.113.7"):
    actions = AdminActions(client)
    return client.post("/auth/login", data={"email": email, "password": "not the password at all",
                                            "csrf_token": actions.csrf_token()},
                       environ_base={"REMOTE_ADDR": address})


def test_wrong_passwords_for_one_account_are_throttled_with_retry_after(app, client):
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    assert [wrong(client, address=f"203.0.113.{n}").status_code for n in range(3)] == [200, 200, 200]
    refused = wrong(client, address="203.0.113.99")  # another address does not help
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    right = client.post("/auth/login", data={**PASSWORD, "csrf_token": AdminActions(client).csrf_token()})
    assert right.status_code == 429  # not even the right password gets through until the window moves on
    assert wrong(client, email="someone@example.com").status_code == 200  # other accounts are unaffected


def test_one_address_trying_many_accounts_is_throttled(app, client):
    app.config["SIGN_IN_LIMIT_PER_ADDRESS"] = "4 per 15 minutes"
    assert [wrong(client, email=f"user{n}@example.com").status_code for n in range(4)] == [200] * 4
    assert wrong(client, email="user9@example.com").status_code == 429
    assert wrong(client, email="user9@example.com", address="198.51.100.1").status_code == 200


def test_a_successful_sign_in_is_not_counted(app, client):
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    for _ in range(4):
        assert AdminActions(client).login().status_code == 302


def test_an_unknown_email_costs_a_password_hash_like_a_known_one(monkeypatch, client):
    checked = []
    import connector.security.passwords as passwords

    real = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    wrong(client, email="nobody@example.com")
    wrong(client)
    assert len(checked) == 2 and all(h.startswith("scrypt:") for h in checked)


@pytest.mark.redis
def test_counters_live_in_the_shared_redis_so_every_web_process_sees_them(app, redis_url):
    import uuid

    from connector.app import create_app

    def web_process():
        # Two apps on one Redis, as two gunicorn workers would be; a fresh account name keeps runs apart.
        return create_app({**{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "ENCRYPTION_KEYS", "DATABASE_URL")},
                           "INSTANCE_PATH": app.instance_path, "REDIS_URL": redis_url,
                           "SIGN_IN_LIMIT_PER_ACCOUNT": "2 per 15 minutes"}).test_client()

    email = f"{uuid.uuid4().hex}@example.com"
    first, second = web_process(), web_process()
    assert [wrong(first, email).status_code, wrong(second, email).status_code] == [200, 200]
    assert wrong(first, email).status_code == 429 and wrong(second, email).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_limited(tmp_path, app):
    from connector.app import create_app

    proxied = create_app({**{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "ENCRYPTION_KEYS", "DATABASE_URL")},
                          "INSTANCE_PATH": str(tmp_path / "proxied"), "TRUSTED_PROXIES": 1,
                          "SIGN_IN_LIMIT_PER_ADDRESS": "2 per 15 minutes"}).test_client()

    def from_client(address: str, email: str):
        actions = AdminActions(proxied)
        return proxied.post("/auth/login", data={"email": email, "password": "wrong password x",
                                                 "csrf_token": actions.csrf_token()},
                            headers={"X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": "10.0.0.1"})

    assert [from_client("203.0.113.5", f"u{n}@example.com").status_code for n in range(3)] == [200, 200, 429]
    assert from_client("198.51.100.9", "u9@example.com").status_code == 200  # another client behind the same proxy
