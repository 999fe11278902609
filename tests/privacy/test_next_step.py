"""The next-best action (started): one step per record from its tier and strongest reasons by editable rules,
shown on the record card as `next_step`, never for an opted-out record."""
from __future__ import annotations

from dataclasses import replace

import pytest

from connector.db import get_session
from connector.db.models import CurrentScore
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings
from connector.cards.record_score import card_data
from connector.nurture.next_step import NextStepRule, next_step, plain_reason, rule_problem
from tests.nurture.test_sync_task import _hubspot, _salesforce
from tests.workers.conftest import run_task

SETTINGS = InstallationSettings.defaults("hubspot")


def test_default_rules_speak_from_the_tier_and_the_strongest_reason():
    hot = ["▲ Visited pricing 4 times this week (+12)", "▲ Job title: VP Sales (+6)"]
    assert next_step("A", 91, hot, {}, SETTINGS) == "Call within 24 h: Visited pricing 4 times this week"
    assert next_step("A", 91, hot[1:], {}, SETTINGS) == "Call within 24 h: Job title: VP Sales"
    assert next_step("B", 60, hot[1:], {"industry": "Healthcare"}, SETTINGS) == \
        "Send a case study from Healthcare: Job title: VP Sales"
    assert next_step("B", 60, hot[1:], {"industry": ""}, SETTINGS) == "Send a case study: Job title: VP Sales"
    assert next_step("D", 4, ["▼ No email opened (−8)"], {}, SETTINGS) == "No outreach for now: No email opened"
    assert plain_reason("▼ No email opened (−8)") == "No email opened"


def test_an_admins_rules_win_and_opted_out_records_get_no_step():
    mine = replace(SETTINGS, next_step_rules=({"tiers": ["A", "B"], "say": "Book a demo ({score}) for {firstname}"},))
    assert next_step("B", 70, [], {"firstname": "Ada"}, mine) == "Book a demo (70) for Ada"
    assert next_step("C", 30, [], {}, mine) is None
    assert next_step("A", 91, ["▲ Visited pricing (+9)"], {"hs_email_optout": "true"}, SETTINGS) is None
    assert rule_problem(NextStepRule(("E",), "x")) and rule_problem(NextStepRule(("A",), "Call {0.x}"))
    assert rule_problem(NextStepRule(("A",), "Call within 24 h: {reason}")) is None


@pytest.fixture(params=["hubspot", "salesforce"])
def installed(request, tmp_path):
    start = _hubspot if request.param == "hubspot" else _salesforce
    with start(tmp_path, request.getfixturevalue(f"{request.param}_sandbox")) as installed:
        yield installed


def test_the_step_is_written_to_its_crm_field_and_carried_by_the_card(installed):
    app, installation_id, account = installed
    names = InstallationSettings.defaults(account.name).field_names
    run_task(app, "workers.sync", installation_id=installation_id)
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        scores = scope.all(CurrentScore, order_by=CurrentScore.id)
        shown = {s.crm_id: account.record(s.crm_id) for s in scores[:40]}
        cards = {crm_id: card_data(scope, crm_id) for crm_id in shown}
    written = {crm_id: record.get(names.next_step) for crm_id, record in shown.items()
               if str(record.get("IsConverted", "")).lower() != "true"}
    assert written and all(written.values())
    assert all(cards[crm_id]["next_step"] == step for crm_id, step in written.items())
    assert {step.split(":")[0] for step in written.values()} <= {
        "Call within 24 h", "Send a case study", "Keep nurturing by email", "No outreach for now"} | {
        f"Send a case study from {record.get('industry') or record.get('Industry')}" for record in shown.values()}


def test_an_account_provisioned_before_the_field_existed_still_gets_its_scores(tmp_path, hubspot_sandbox):
    with _hubspot(tmp_path, hubspot_sandbox) as (app, installation_id, account):
        portal = hubspot_sandbox.portal(account.account_id)
        del portal.properties[SETTINGS.field_names.next_step]  # as an install from before the field was made
        result = run_task(app, "workers.sync", installation_id=installation_id)
        assert result["counts"]["written"] == 150 and result["counts"]["rejected"] == 0
        sample = account.record(str(portal.ids[0]))
        assert sample[SETTINGS.field_names.score] not in (None, "") and SETTINGS.field_names.next_step not in sample
