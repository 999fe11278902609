"""`POST /cards/salesforce/record`: the Salesforce record card as a page, for a Canvas app on a Lightning record
page (or the Lightning Web Component in docs/salesforce-card/ that embeds it).

Salesforce posts the Canvas `signed_request`; it is checked as for the JSON card (`canvas_record`), then the
record's tier, score, reasons and trend are rendered server-side (no script: nothing to load from elsewhere)."""
from __future__ import annotations

from flask import make_response, render_template

from connector.db import get_session
from connector.db.scope import InstallationScope

from . import bp
from .record_score import card_data, trend_text
from .salesforce import canvas_record

# The page is framed by Salesforce's own domains and nobody else's.
FRAMED_BY = ("https://*.force.com https://*.salesforce.com https://*.lightning.force.com "
             "https://*.visualforce.com https://*.salesforce-setup.com")
TREND_W, TREND_H, TREND_PAD = 280, 60, 6


@bp.post("/salesforce/record")
def salesforce_record_page():
    installation, record_id = canvas_record()
    data = card_data(InstallationScope(get_session(), installation), record_id)
    response = make_response(render_template("cards/salesforce.html", data=data, record_id=record_id,
                                             trend=trend_points(data["trend"]) if data else [],
                                             trend_label=trend_text(data["trend"]) if data else ""))
    response.headers["Content-Security-Policy"] = (f"default-src 'none'; style-src 'unsafe-inline'; "
                                                   f"frame-ancestors {FRAMED_BY}")
    return response


def trend_points(trend: list[dict]) -> list[dict]:
    """Each trend point placed on a small sparkline (x, y in pixels), keeping its score and new-model mark."""
    step = (TREND_W - 2 * TREND_PAD) / max(len(trend) - 1, 1)
    return [{**point, "x": round(TREND_PAD + index * step, 1),
             "y": round(TREND_H - TREND_PAD - (TREND_H - 2 * TREND_PAD) * point["score"] / 100, 1)}
            for index, point in enumerate(trend)]
