"""The per-record opt-out through the real sync task on both sandboxes, over the official SDKs: an opted-out
record is not scored, its score fields are cleared once (a second sync writes nothing), no nurture rule fires
for it, and training never reads it."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import ActionLog, CurrentScore, NurtureRule
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings
from tests.nurture.test_sync_task import TASK, _hubspot, _salesforce
from tests.workers.conftest import run_task
from workers.model_versions import _training_rows


@pytest.fixture(params=["hubspot", "salesforce"])
def installed(request, tmp_path):
    start = _hubspot if request.param == "hubspot" else _salesforce
    with start(tmp_path, request.getfixturevalue(f"{request.param}_sandbox")) as installed:
        yield installed


def _scored_record(app, installation_id: int, account) -> str:
    with app.app_context():
        scores = get_session().query(CurrentScore).filter_by(installation_id=installation_id).all()
    return next(s.crm_id for s in scores if account.record(s.crm_id).get(account.owner_field)
                and str(account.record(s.crm_id).get("IsConverted", "")).lower() != "true")


def test_an_opted_out_record_is_cleared_once_never_nurtured_nor_trained_on(installed):
    app, installation_id, account = installed
    settings = InstallationSettings.defaults(account.name)
    names, opt_out = settings.field_names, settings.opt_out_property
    assert opt_out == {"hubspot": "hs_email_optout", "salesforce": "HasOptedOutOfEmail"}[account.name]
    run_task(app, "workers.sync", installation_id=installation_id)
    with app.app_context():
        session = get_session()
        session.add(NurtureRule(installation_id=installation_id, name="Sales ready",
                                trigger={"type": "enters_tier", "tier": "A"}, actions=[TASK]))
        session.commit()
    crm_id = _scored_record(app, installation_id, account)
    assert account.record(crm_id)[names.score] not in (None, "")

    # The person opts out; the rep also moves them to A, which would fire the rule for anyone else.
    account.edit(crm_id, {opt_out: True if account.name == "salesforce" else "true", names.override_tier: "A"})
    first = run_task(app, "workers.sync", installation_id=installation_id)

    shown = account.record(crm_id)
    assert all(shown.get(name) in (None, "") for name in (names.score, names.tier, names.reasons, names.scored_at,
                                                          names.model)), shown
    assert shown[names.override_tier] == "A"  # the rep's own field is theirs
    assert first["counts"]["opted_out"] >= 1 and first["counts"]["written"] >= 1
    assert account.tasks_on(crm_id) == []
    with app.app_context():
        session = get_session()
        assert session.query(CurrentScore).filter_by(installation_id=installation_id, crm_id=crm_id).count() == 0
        assert session.query(ActionLog).filter_by(installation_id=installation_id, crm_id=crm_id).count() == 0
        scope = InstallationScope.load(session, installation_id)
        trained_on = _training_rows(scope, None)
        assert trained_on and all(str(row.get(opt_out, "")).lower() != "true" for row in trained_on)
        assert not any(row.get("Id", row.get("hs_object_id")) == crm_id for row in trained_on)

    again = run_task(app, "workers.sync", installation_id=installation_id)
    assert again["counts"]["written"] == 0 and again["api_calls"].get("write", 0) == 0
    assert account.tasks_on(crm_id) == []


def test_the_opt_out_property_is_a_setting_shown_and_saved_by_the_settings_form():
    from werkzeug.datastructures import MultiDict

    from connector.dashboard.settings_form import form_values, keep_unposted, parse_settings

    current = InstallationSettings.defaults("hubspot")
    values = form_values(current, None)
    assert values["opt_out_property"] == "hs_email_optout" and values["snapshot_retention_days"] == ""
    posted, errors = parse_settings(MultiDict({**values, "opt_out_property": "do_not_profile",
                                               "snapshot_retention_days": "90"}))
    assert not errors and not posted.validate("hubspot")
    assert (posted.opt_out_property, posted.snapshot_retention_days) == ("do_not_profile", 90)
    older_form = {k: v for k, v in values.items() if k not in ("opt_out_property", "snapshot_retention_days")}
    kept = keep_unposted(parse_settings(MultiDict(older_form))[0], current, MultiDict(older_form))
    assert kept.opt_out_property == "hs_email_optout"
    bad, _ = parse_settings(MultiDict({**values, "opt_out_property": "no spaces allowed"}))
    assert "opt_out_property" in bad.validate("hubspot")
