"""Nurturing through the workers' real sync task (`workers.sync`, run as a worker runs it) on both sandboxes:
a record the model puts in C that its rep moves to A gets exactly one task for its owner with the reasons
in the body; a second sync creates none; an outcome seen after scoring is recorded against that score."""
from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from connector.crm.base import Credentials
from connector.crm.salesforce.oauth import identity_ids
from connector.db import get_session
from connector.db.models import ActionLog, Crm, CurrentScore, NurtureRule, OutcomeEvent
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings
from connector.nurture.figures import health
from tests.workers.conftest import in_the_past, install, install_portal, make_app, run_task, sandbox_config

TASK = {"type": "task", "subject": "Call now: tier {{ tier }} (score {{ score }})",
        "body": "Moved {{ old_tier }} -> {{ tier }}. Why:\n{{ reasons_text }}", "due_in_hours": 4}


class Account:
    """One sandbox account installed in the app, seen the same way on either CRM."""

    def __init__(self, name, sandbox, account_id, owner_field, lag_seconds):
        self.name, self.sandbox, self.account_id = name, sandbox, account_id
        self.owner_field, self.lag_seconds = owner_field, lag_seconds

    def record(self, crm_id: str) -> dict:
        if self.name == "hubspot":
            return self.sandbox.contact(self.account_id, crm_id)
        return self.sandbox.record(self.account_id, "Lead", crm_id)

    def edit(self, crm_id: str, values: dict) -> None:
        """A rep edits the record; stamped just inside the next pull's window (the adapters leave the last
        `lag` seconds of changes to the following pull, and a test should not wait that out)."""
        time.sleep(1.5)
        with in_the_past(self.sandbox, self.lag_seconds - 1):
            if self.name == "hubspot":
                self.sandbox.bulk_edit(self.account_id, [crm_id], values)
            else:
                self.sandbox.bulk_edit(self.account_id, "Lead", [crm_id], values)
        time.sleep(1.5)

    def tasks_on(self, crm_id: str) -> list[dict]:
        if self.name == "hubspot":
            linked = {a["fromId"] for a in self.sandbox.associations(self.account_id)
                      if a["fromType"] == "tasks" and a["toId"] == crm_id}
            return [t for t in self.sandbox.tasks(self.account_id) if t["id"] in linked]
        return [t for t in self.sandbox.tasks(self.account_id) if t.get("WhoId") == crm_id]

    def task_text(self, task: dict) -> tuple[str, str, str]:
        """(owner, subject, body) of a task as the CRM holds it."""
        if self.name == "hubspot":
            p = task["properties"]
            return p["hubspot_owner_id"], p["hs_task_subject"], p["hs_task_body"]
        return task["OwnerId"], task["Subject"], task["Description"]


def _salesforce_credentials(org_id: str, tokens: dict) -> Credentials:
    """As the install flow reads them: Salesforce names the integration user in the identity URL."""
    return Credentials(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"], expires_at=None,
                       account_id=org_id, instance_url=tokens["instance_url"],
                       extra={"user_id": identity_ids(tokens["id"])[1]})


@contextmanager
def _hubspot(tmp_path, sandbox):
    with in_the_past(sandbox, 120):
        portal = sandbox.add_portal(contacts=150, seed=11)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'sync.sqlite'}", **sandbox_config(sandbox, sandbox.base_url))
    installation_id = install_portal(app, sandbox, portal.id)
    yield app, installation_id, Account("hubspot", sandbox, portal.id, "hubspot_owner_id", 10)
    app.extensions["db_engine"].dispose()


@contextmanager
def _salesforce(tmp_path, sandbox):
    with in_the_past(sandbox, 180):
        org = sandbox.add_org(leads=150, contacts=0, seed=11)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'sync.sqlite'}", SALESFORCE_LOGIN_URL=sandbox.base_url,
                   SALESFORCE_CLIENT_ID=sandbox.app.client_id, SALESFORCE_CLIENT_SECRET=sandbox.app.client_secret)
    installation_id = install(app, Crm.SALESFORCE, _salesforce_credentials(org.id, sandbox.issue_tokens(org.id)),
                              f"Org {org.id}")
    yield app, installation_id, Account("salesforce", sandbox, org.id, "OwnerId", 60)
    app.extensions["db_engine"].dispose()


@pytest.fixture(params=["hubspot", "salesforce"])
def installed(request, tmp_path):
    start = _hubspot if request.param == "hubspot" else _salesforce
    with start(tmp_path, request.getfixturevalue(f"{request.param}_sandbox")) as installed:
        yield installed


def _a_record_in(app, installation_id: int, account: Account, tiers: str) -> tuple[str, CurrentScore]:
    """A record the model put in one of `tiers` (first choice first) that has an owner and no outcome yet."""
    with app.app_context():
        scores = get_session().query(CurrentScore).filter(CurrentScore.installation_id == installation_id,
                                                          CurrentScore.tier.in_(tuple(tiers))).all()
    for score in sorted(scores, key=lambda s: tiers.index(s.tier)):
        record = account.record(score.crm_id)
        if record.get(account.owner_field) and str(record.get("IsConverted", "")).lower() != "true" \
                and record.get("lifecyclestage") != "customer":
            return score.crm_id, score
    pytest.fail(f"the sandbox has no owned, unconverted record in tiers {tiers}")


def test_c_to_a_through_the_sync_task_creates_one_task_and_a_second_sync_none(installed):
    app, installation_id, account = installed
    run_task(app, "workers.sync", installation_id=installation_id)
    with app.app_context():
        session = get_session()
        session.add(NurtureRule(installation_id=installation_id, name="Sales ready",
                                trigger={"type": "enters_tier", "tier": "A"}, actions=[TASK]))
        session.commit()
    crm_id, score = _a_record_in(app, installation_id, account, "C")
    names = InstallationSettings.defaults(account.name).field_names

    account.edit(crm_id, {names.override_tier: "A"})  # the rep knows better
    run_task(app, "workers.sync", installation_id=installation_id)

    [task] = account.tasks_on(crm_id)
    owner, subject, body = account.task_text(task)
    assert owner == account.record(crm_id)[account.owner_field]
    assert subject.startswith("Call now: tier A")
    assert "Moved C -> A" in body
    assert all(reason in body for reason in score.reasons) and score.reasons
    assert account.record(crm_id)[names.tier] == "A" and float(account.record(crm_id)[names.score]) == score.score  # model score kept

    again = run_task(app, "workers.sync", installation_id=installation_id)
    assert len(account.tasks_on(crm_id)) == 1
    assert again["counts"]["transitions"] == 0
    with app.app_context():
        [row] = get_session().query(ActionLog).filter_by(installation_id=installation_id).all()
        assert (row.crm_id, row.status, row.attempts) == (crm_id, "done", 1)


def test_an_outcome_seen_after_scoring_is_recorded_against_the_score_it_had(installed):
    app, installation_id, account = installed
    run_task(app, "workers.sync", installation_id=installation_id)
    crm_id, score = _a_record_in(app, installation_id, account, "BCAD")
    converted = {"lifecyclestage": "customer"} if account.name == "hubspot" else {"IsConverted": True}

    account.edit(crm_id, converted)
    run_task(app, "workers.sync", installation_id=installation_id)
    run_task(app, "workers.sync", installation_id=installation_id)  # seen again: still one outcome

    with app.app_context():
        events = get_session().query(OutcomeEvent).filter_by(installation_id=installation_id).all()
    # Records converted before they were first pulled are history, not feedback on a score.
    assert [(e.crm_id, e.outcome, e.score, e.tier) for e in events] == [(crm_id, "converted", score.score, score.tier)]


def test_score_and_feature_drift_are_measured_by_the_champion_after_a_sync(installed):
    app, installation_id, _ = installed
    run_task(app, "workers.sync", installation_id=installation_id)
    with app.app_context():
        figures = health(InstallationScope.load(get_session(), installation_id))
    # The records just synced are the ones trained on (a points champion at cold start): measured, nothing drifted.
    assert figures.feature_psi and max(figures.feature_psi.values()) < 0.1
    assert figures.psi is not None and figures.psi < 0.1
    assert figures.retraining_reason is None
