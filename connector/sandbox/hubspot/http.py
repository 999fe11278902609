"""What every API call goes through before its view: the bearer token, the fault switches, the rate limits,
and the call count; plus HubSpot's JSON error shape.

Search has its own limit (5 per second) and is excluded from the 110-per-10-s window; its responses carry
no X-HubSpot-RateLimit headers, as on HubSpot. Private app tokens are also metered by the day (OAuth apps
are not) and get the -Daily headers; OAuth calls get none, as HubSpot documents.
"""
from __future__ import annotations

import json
import uuid
from functools import wraps

from flask import Response, current_app, request

KINDS = ("read", "search", "write", "schema", "auth", "action")


def sandbox():
    return current_app.extensions["hubspot_sandbox"]


def json_response(status: int, body, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {}, mimetype="application/json")


def error(status: int, category: str, message: str, headers: dict | None = None, **extra) -> Response:
    body = {"status": "error", "message": message, "correlationId": str(uuid.uuid4()), "category": category, **extra}
    return json_response(status, body, headers)


def api(kind: str):
    """Wrap a view that needs a portal: the view gets the authenticated `Portal` as its first argument."""
    assert kind in KINDS

    def decorate(view):
        @wraps(view)
        def wrapper(**args):
            sb = sandbox()
            sb.faults.delay()
            grant, refusal = sb.authenticate(request.headers.get("Authorization", ""))
            if refusal is not None:
                return refusal
            portal = sb.portal(grant.portal_id)
            sb.count(portal.id, kind)
            if sb.faults.take_storm_hit():
                sb.count(portal.id, "rate_limited")
                return rate_limited("TEN_SECONDLY_ROLLING", sb.faults.storm_retry_after, sb.request_limit)
            if sb.faults.roll_server_error():
                return error(502, "INTERNAL_ERROR", "The server encountered a temporary error.")
            daily = sb.daily_allowance.hit(str(portal.id)) if grant.private_app else None
            if daily is not None and not daily.allowed:
                sb.count(portal.id, "rate_limited")
                return rate_limited("DAILY", daily.retry_after, daily.limit)
            if kind == "search":
                decision = sb.search_window.hit(str(portal.id))
                if not decision.allowed:
                    sb.count(portal.id, "rate_limited")
                    return rate_limited("SECONDLY", decision.retry_after, decision.limit)
                with sb.lock:
                    response = view(portal, **args)
                if response.status_code < 300 and sb.faults.page_answered():
                    sb.expire_all_tokens()  # the next page finds the token it holds expired
                return response
            decision = sb.request_window.hit(str(portal.id))
            if not decision.allowed:
                sb.count(portal.id, "rate_limited")
                return rate_limited("TEN_SECONDLY_ROLLING", decision.retry_after, decision.limit)
            with sb.lock:
                response = view(portal, **args)
            if kind in ("write", "action") and response.status_code < 300 and sb.faults.roll_ambiguous():
                return error(502, "INTERNAL_ERROR", "The server encountered a temporary error.")  # after the write
            response.headers.update(limit_headers(sb, decision.limit, decision.remaining))
            if daily is not None:
                response.headers.update(daily_headers(daily.limit, daily.remaining))
            return response
        return wrapper
    return decorate


def limit_headers(sb, limit: int, remaining: int) -> dict:
    return {"X-HubSpot-RateLimit-Max": str(limit), "X-HubSpot-RateLimit-Remaining": str(remaining),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(sb.window_seconds * 1000))}


def daily_headers(limit: int, remaining: int) -> dict:
    return {"X-HubSpot-RateLimit-Daily": str(limit), "X-HubSpot-RateLimit-Daily-Remaining": str(remaining)}


def rate_limited(policy: str, retry_after: float, limit: int) -> Response:
    # Retry-After is whole seconds of real time: a client sleeping that long must find a free slot.
    wait = max(1, int(-(-sandbox().clock.real_seconds(retry_after) // 1)))
    headers = {"Retry-After": str(wait)}
    if policy == "DAILY":
        headers.update(daily_headers(limit, 0))
    elif policy != "SECONDLY":
        headers.update(limit_headers(sandbox(), limit, 0))
    return json_response(429, {"status": "error", "message": f"You have reached your {policy.lower()} limit.",
                               "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()),
                               "policyName": policy, "groupName": "publicapi:oauth"}, headers)
