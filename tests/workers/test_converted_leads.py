"""Converted Salesforce leads through the real sync task: each person is written once per sync with one
score (the contact's own), and a converted lead's tasks follow its contact: no tier-A task on a contact the
model puts elsewhere just because the lead it came from was in A."""
from __future__ import annotations

from connector.db import get_session
from connector.db.models import ActionLog, CurrentScore, NurtureRule
from connector.db.settings import InstallationSettings
from tests.nurture.test_sync_task import TASK, _salesforce
from tests.workers.conftest import run_task


def test_a_converted_lead_is_scored_but_written_and_nurtured_as_its_contact(tmp_path, salesforce_sandbox):
    with _salesforce(tmp_path, salesforce_sandbox) as (app, installation_id, account):
        with app.app_context():
            session = get_session()
            session.add(NurtureRule(installation_id=installation_id, name="Any tier", actions=[TASK],
                                    trigger={"type": "enters_tier", "tier": "A"}))
            session.commit()
        converted = {r["Id"]: r["ConvertedContactId"] for r in salesforce_sandbox.records(account.account_id, "Lead")
                     if r.get("IsConverted")}
        assert converted, "the seed converts some leads"

        result = run_task(app, "workers.sync", installation_id=installation_id)

        assert result["counts"]["superseded"] == len(converted)
        names = InstallationSettings.defaults("salesforce").field_names
        with app.app_context():
            session = get_session()
            scores = {s.crm_id: s for s in session.query(CurrentScore).filter_by(installation_id=installation_id)}
            nurtured = {row.crm_id for row in session.query(ActionLog).filter_by(installation_id=installation_id)}
        assert set(converted) <= set(scores)  # scored and kept, for the record
        assert not nurtured & set(converted)
        for contact_id in converted.values():
            shown = salesforce_sandbox.record(account.account_id, "Contact", contact_id)
            own = scores[contact_id]
            assert (float(shown[names.score]), shown[names.tier]) == (own.score, own.override_tier or own.tier)
            tasks = [t for t in salesforce_sandbox.tasks(account.account_id) if t.get("WhoId") == contact_id]
            assert len(tasks) == (1 if (own.override_tier or own.tier) == "A" else 0)
