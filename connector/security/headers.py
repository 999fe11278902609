"""Response headers against framing and injection, the session cookie's Secure flag, and which proxy's
X-Forwarded-For names the client.

The dashboard may not be framed at all (its one-button forms, Disconnect and Sync, could be clickjacked);
the card routes may be framed only by the CRMs that show them (Salesforce Canvas and Lightning pages,
HubSpot's record pages). X-Frame-Options cannot name origins, so card routes rely on frame-ancestors alone.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

CRM_FRAME_ORIGINS = ("https://*.salesforce.com", "https://*.force.com", "https://*.visualforce.com",
                     "https://*.lightning.force.com", "https://app.hubspot.com", "https://app-eu1.hubspot.com")
# Inline style attributes are used for the tier bars; no inline script anywhere.
_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
           "object-src 'none'; base-uri 'none'; frame-ancestors {ancestors}")


def add_security_headers(response):
    card = request.path.startswith("/cards/")
    ancestors = " ".join(CRM_FRAME_ORIGINS) if card else "'none'"
    own = response.headers.get("Content-Security-Policy")
    if own is None:
        response.headers["Content-Security-Policy"] = _POLICY.format(ancestors=ancestors)
    elif "frame-ancestors" not in own:  # a view's stricter policy (the sandboxed model report) is kept
        response.headers["Content-Security-Policy"] = f"{own}; frame-ancestors {ancestors}"
    if not card:
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"  # OAuth callback URLs carry a code in the query
    return response


def init_app(app: Flask) -> None:
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        # Behind https every cookie must be Secure; plain http (embedded mode on this machine) cannot send them.
        app.config["SESSION_COOKIE_SECURE"] = (app.config.get("PUBLIC_URL") or "").startswith("https://")
    app.after_request(add_security_headers)
