"""The Flask app: OAuth endpoints, the identity URL, and the REST API behind session, usage and fault checks."""
from __future__ import annotations

import re

from flask import Flask, Response, request

from . import inspect, rest
from .responses import error_response, json_response
from .errors import ApiError
from .oauth_views import oauth_blueprint

_VERSION = re.compile(r"^v(\d+)\.0$")
MIN_VERSION = 59


def create_app(sandbox) -> Flask:
    app = Flask("salesforce_sandbox")
    app.config["SANDBOX"] = sandbox
    app.register_blueprint(oauth_blueprint(sandbox))
    app.register_blueprint(inspect.blueprint(sandbox))

    @app.route("/services/data", strict_slashes=False)
    def versions():
        return json_response([{"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"},
                              {"label": "Spring '24", "url": "/services/data/v60.0", "version": "60.0"},
                              {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"}])

    @app.route("/services/data/<version>/<path:rest_path>", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
    def data(version, rest_path):
        return api_call(sandbox, version, rest_path)

    return app


def api_call(sandbox, version: str, rest_path: str) -> Response:
    match = _VERSION.match(version)
    if match is None or int(match.group(1)) < MIN_VERSION:
        return error_response(ApiError(404, "NOT_FOUND", "The requested resource does not exist"))
    token = (request.headers.get("Authorization") or "").removeprefix("Bearer ").removeprefix("OAuth ").strip()
    session = sandbox.tokens.session(token)
    if session is None:
        # Always a JSON list: simple-salesforce reads body[0]["errorCode"] and breaks on a dict.
        return error_response(ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid"))
    org = sandbox.org(session.org_id)
    start_usage_day(sandbox, org)
    sandbox.faults.delay()
    if sandbox.faults.take_storm_hit() or org.api_used >= sandbox.daily_limit:
        return with_usage(sandbox, org, error_response(ApiError(
            403, "REQUEST_LIMIT_EXCEEDED", f"TotalRequests Limit exceeded. ({org.api_used}/{sandbox.daily_limit})")))
    if sandbox.faults.roll_server_error():
        return error_response(ApiError(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable, try again"))
    parts = [p for p in rest_path.split("/") if p]
    kind = rest.kind_of(request.method, parts)
    with org.lock:
        org.api_used += 1
        sandbox.count_call(org.id, kind)
        try:
            body, status = rest.route(sandbox, org, session.user_id, version, request.method, parts, request)
        except ApiError as error:
            return with_usage(sandbox, org, error_response(error))
    if kind == "search" and status < 300 and sandbox.faults.page_answered():
        sandbox.expire_all_sessions()  # the next query (or queryMore) finds its session expired
    if kind in ("write", "action") and status < 300 and sandbox.faults.roll_ambiguous():
        # Applied, then the answer is lost on the way back (a gateway's 502).
        return error_response(ApiError(502, "SERVER_UNAVAILABLE", "Bad gateway"))
    if isinstance(body, Response):  # Bulk API 2.0 results are CSV
        response = body
    else:
        response = Response(status=204) if body is None else json_response(body, status)
    return with_usage(sandbox, org, response)


def start_usage_day(sandbox, org) -> None:
    # Salesforce meters a rolling 24 h; calendar days on the sandbox clock are close enough for tests and demos.
    today = int(sandbox.clock.time() // 86400)
    if org.usage_day != today:
        org.usage_day, org.api_used = today, 0


def with_usage(sandbox, org, response: Response) -> Response:
    response.headers["Sforce-Limit-Info"] = f"api-usage={org.api_used}/{sandbox.daily_limit}"
    return response

