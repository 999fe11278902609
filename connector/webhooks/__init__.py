"""Requests the CRMs send on their own: HubSpot webhooks (signed) and Salesforce Outbound Messages (SOAP).

Both only queue a rescore of the records they name and answer at once; the work happens in the workers.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.before_request
def limit_body() -> None:
    # Far below the app-wide limit: a legitimate batch is small, and a signature can only be checked after
    # the whole body is read. Werkzeug answers 413 as soon as Content-Length (or a streamed body) exceeds it.
    request.max_content_length = current_app.config["WEBHOOK_MAX_BYTES"]


from . import hubspot, salesforce  # noqa: E402,F401  (routes register on `bp`)
