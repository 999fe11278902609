"""The settings page shows and saves the privacy settings: the opt-out property (the CRM's standard
do-not-email flag by default) and the snapshot retention."""
from __future__ import annotations

import re

from connector.db import get_session
from connector.db.models import Installation

from .test_dashboard_views import VALID_SETTINGS


def _input(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def test_the_opt_out_property_and_retention_are_shown_and_saved(app, client, admin, installation_id):
    page = f"/installations/{installation_id}/settings"
    shown = client.get(page).get_data(as_text=True)
    assert "Privacy" in shown and _input(shown, "opt_out_property") == "hs_email_optout"
    assert _input(shown, "snapshot_retention_days") == ""

    saved = admin.submit(page, {**VALID_SETTINGS, "opt_out_property": "do_not_profile",
                                "snapshot_retention_days": "365"})

    assert saved.status_code == 302
    with app.app_context():
        settings = get_session().get(Installation, installation_id).settings
    assert (settings.opt_out_property, settings.snapshot_retention_days) == ("do_not_profile", 365)
    refused = admin.submit(page, {**VALID_SETTINGS, "snapshot_retention_days": "0"})
    assert refused.status_code == 422 and "Choose between 1 and 3650 days" in refused.get_data(as_text=True)


def test_next_step_rules_are_edited_as_lines_and_a_bad_line_is_refused(app, client, admin, installation_id):
    page = f"/installations/{installation_id}/settings"
    shown = client.get(page).get_data(as_text=True)
    assert "A | pricing |  | Call within 24 h: {reason}" in shown  # the defaults, one a line

    saved = admin.submit(page, {**VALID_SETTINGS, "next_step_rules": "A, B | | | Book a demo for {firstname}"})

    assert saved.status_code == 302
    with app.app_context():
        settings = get_session().get(Installation, installation_id).settings
    assert settings.next_step_rules == ({"tiers": ["A", "B"], "say": "Book a demo for {firstname}",
                                         "reason_contains": "", "requires": ""},)
    refused = admin.submit(page, {**VALID_SETTINGS, "next_step_rules": "E | | | Call"})
    assert refused.status_code == 422 and "Line 1: each next-step rule names" in refused.get_data(as_text=True)
