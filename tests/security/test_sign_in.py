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
