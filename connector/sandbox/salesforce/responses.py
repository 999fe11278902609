"""Response shapes shared by the REST and OAuth views."""
from __future__ import annotations

import json

from flask import Response

from .errors import ApiError
from .oauth import OAuthError


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json;charset=UTF-8")


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), error.status)


def oauth_error(error: OAuthError) -> Response:
    return json_response({"error": error.error, "error_description": error.description}, error.status)
