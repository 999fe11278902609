"""Error pages: a message for every 4xx, a plain 500 that shows no internals; JSON for machine clients."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


JSON_PREFIXES = ("/api/", "/webhooks/", "/cards/")  # machine clients: answer them in JSON


def _wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def _render(code: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title, message=message), code
    return render_template("errors.html", code=code, title=title, message=message), code


def handle_http_error(error: HTTPException):
    # A 500 hides its cause; a deliberate 502/503 (a CRM unreachable, an app not configured) explains itself.
    if error.code is None or error.code == 500:
        return handle_unexpected(error)
    return _render(error.code or 400, error.name, error.description or error.name)


def handle_csrf_error(error: CSRFError):
    return _render(400, "Form expired or forged",
                   f"{error.description} Reload the page and submit the form again.")


def handle_unexpected(error: Exception):
    original = getattr(error, "original_exception", None) or error
    if not isinstance(original, HTTPException):
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
    return _render(500, "Something went wrong",
                   "The connector hit an unexpected error. It has been logged; try again in a moment.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
