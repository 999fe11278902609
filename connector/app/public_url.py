"""Absolute URLs as the CRMs see this app: OAuth redirect URIs, card and Outbound Message URLs, and the URL a
webhook signature covers.

They come from PUBLIC_URL, never from a request's Host header (a request with `Host: evil.example` must not
get a card URL or an OAuth redirect on evil.example). Without PUBLIC_URL, which only the embedded mode on this
machine allows, a Host header naming a loopback address is the one exception.
"""
from __future__ import annotations

import os
from ipaddress import ip_address
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request, url_for

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    """`host` without port: a name or an IP address, IPv6 with or without brackets."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


def _base() -> str:
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/")
    if not is_loopback(urlsplit("//" + request.host).hostname or ""):
        abort(400, "This connector has no PUBLIC_URL set, so it builds no link for a request addressed to "
                   f"{request.host!r}; an operator must set LEADSCORE_PUBLIC_URL.")
    return request.host_url.rstrip("/")


def public_url_for(endpoint: str, **values) -> str:
    return _base() + url_for(endpoint, **values)


def public_request_url() -> str:
    """The full URL of the current request as the sender signed it: behind PUBLIC_URL when one is configured
    (without it, the Host header: only compared with a signature, so a forged one just fails the check), and
    the query exactly as sent (request.url would decode %C3%A9 to é and %5B to [, which HubSpot signs encoded)."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    query = request.query_string.decode("latin-1")
    return base.rstrip("/") + request.path + (f"?{query}" if query else "")


def require_public_url_under_gunicorn(app: Flask) -> None:
    """gunicorn is production (the Procfile's web line): refuse to start rather than serve without PUBLIC_URL."""
    if not app.config["PUBLIC_URL"] and os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):
        raise RuntimeError("LEADSCORE_PUBLIC_URL is not set: production (gunicorn) must name the URL CRMs and "
                           "browsers reach this app at, e.g. https://leadscore.example.com")
