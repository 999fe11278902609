"""Sign-in throttling (Flask-Limiter): failed attempts are counted per account and per client address, and
past either limit the sign-in form answers 429 with Retry-After until the window has moved on.

Counters live in the Redis the workers share (REDIS_URL, or the broker when it is Redis), so every web
process sees the same count; in embedded mode, in this process's memory. One Limiter per app, so two apps
in one process (tests, the demo) never share counters.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _account() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302  # a correct password redirects; a refused one shows the form again


def throttle_sign_in(app: Flask, endpoint: str, storage_uri: str) -> Limiter:
    limiter = Limiter(get_remote_address, app=app, storage_uri=storage_uri, headers_enabled=True,
                      key_prefix="leadscore-sign-in")
    view = app.view_functions[endpoint]
    for limit, key in (("SIGN_IN_LIMIT_PER_ACCOUNT", _account), ("SIGN_IN_LIMIT_PER_ADDRESS", get_remote_address)):
        view = limiter.limit(lambda name=limit: current_app.config[name], key_func=key, methods=["POST"],
                             deduct_when=_failed, scope=limit)(view)
    app.view_functions[endpoint] = view
    return limiter
