"""The OAuth `state`: a random value remembered in the admin's server-side session, checked on the callback.

It binds the callback to the browser that started the install, so a forged or replayed callback URL is refused
(RFC 6749 section 10.12). One pending install per CRM; taking the state removes it, so a callback works once. What is remembered (the
Salesforce PKCE verifier) stays on the server: the session cookie is signed, not encrypted.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import abort

from connector.db import get_session
from connector.security.compare import same_secret
from connector.security.sessions import keep_server_data, server_data

SESSION_KEY = "oauth_installs"


def begin(crm: str, **remember: Any) -> str:
    """A new state for an install of `crm`; `remember` (e.g. a PKCE verifier) comes back from `finish`."""
    state = secrets.token_urlsafe(32)
    pending = server_data(SESSION_KEY)
    pending[crm] = {"state": state, **remember}
    keep_server_data(get_session(), SESSION_KEY, pending)
    return state


def finish(crm: str, presented: str | None) -> dict[str, Any]:
    """What `begin` remembered, when `presented` is the state it issued; 400 otherwise (nothing is written)."""
    pending = server_data(SESSION_KEY)
    remembered = pending.pop(crm, None)
    keep_server_data(get_session(), SESSION_KEY, pending)
    if remembered is None:
        abort(400, "This install link has expired or was already used. Start the install again.")
    if not presented or not same_secret(remembered["state"], presented):
        abort(400, "The install could not be verified (state mismatch). Start the install again from the dashboard.")
    remembered.pop("state")
    return remembered
