"""OAuth installation into HubSpot and Salesforce, disconnecting, and the credentials workers use."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("install", __name__, url_prefix="/install", template_folder="templates")

from . import disconnect, hubspot, salesforce  # noqa: E402,F401  (routes register on `bp`)
