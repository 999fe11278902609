"""Record cards: what a rep sees beside a record in the CRM (score, tier, reasons, trend, when scored)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cards", __name__, url_prefix="/cards")

from . import canvas_page, hubspot, salesforce  # noqa: E402,F401  (routes register on `bp`)
