"""The next-best action (started): one step per record from its tier and strongest reasons by editable rules,
shown on the record card as `next_step`, never for an opted-out record."""
from __future__ import annotations

from dataclasses import replace

from connector.db import get_session
from connector.db.models import CurrentScore
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings
from connector.cards.record_score import card_data
from connector.nurture.next_step import NextStepRule, next_step, plain_reason, rule_problem
from tests.nurture.test_sync_task import _hubspot
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


def test_the_card_carries_the_next_step_of_a_synced_record(tmp_path, hubspot_sandbox):
    with _hubspot(tmp_path, hubspot_sandbox) as (app, installation_id, account):
        run_task(app, "workers.sync", installation_id=installation_id)
        with app.app_context():
            scope = InstallationScope.load(get_session(), installation_id)
            score = scope.all(CurrentScore, limit=1)[0]
            data = card_data(scope, score.crm_id)
        assert data["next_step"] and data["next_step"] == next_step(
            data["tier"], data["score"], data["reasons"], account.record(score.crm_id), SETTINGS)
