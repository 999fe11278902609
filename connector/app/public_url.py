"""Absolute URLs as the CRMs see this app: OAuth redirect URIs and the URL a webhook signature covers."""
from __future__ import annotations

from flask import current_app, request, url_for


def public_url_for(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def public_request_url() -> str:
    """The full URL of the current request (query included), behind PUBLIC_URL when one is configured."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return request.url
    query = request.query_string.decode()
    return base.rstrip("/") + request.path + (f"?{query}" if query else "")
