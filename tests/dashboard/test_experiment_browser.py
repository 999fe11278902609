"""The A/B experiment and the ROI report in headless Chromium against each CRM's sandbox: an admin starts the
experiment, the next sync gives every record its arm (written to the CRM's arm field), the control arm gets no
scoring-driven action, conversions recorded by later syncs fill both arms, and the page shows both arms with Wilson intervals and a verdict; stopping,
extending and changing the share are audited. The ROI report takes its extra conversions from the backtest until
the experiment has data, then from the A/B uplift, says which, and exports the same lines as CSV."""
from __future__ import annotations

import csv
import io
import random
import re
import time

import pytest

from connector.db import get_session
from connector.db.models import ActionLog, AuditEvent, Crm, CurrentScore, ExperimentAssignment, NurtureRule
from connector.db.settings import InstallationSettings
from tests.app.conftest import database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.nurture.test_sync_task import _salesforce_credentials
from tests.workers.conftest import in_the_past, install, run_task, sandbox_config, synced_portal

pytestmark = [pytest.mark.chromium, pytest.mark.slow]

class SandboxAccount:
    """One seeded sandbox account, installed and synced once, seen the same way on either CRM."""

    def __init__(self, app, crm: str, sandbox):
        self.crm, self.sandbox = crm, sandbox
        if crm == "hubspot":
            portal, self.installation_id = synced_portal(app, sandbox, contacts=800, seed=21)
            self.account_id, self.lag = portal.id, 10  # seconds the client leaves to the next pull
        else:
            with in_the_past(sandbox, 180):
                org = sandbox.add_org(leads=800, contacts=0, seed=21)
            credentials = _salesforce_credentials(org.id, sandbox.issue_tokens(org.id))
            self.installation_id = install(app, Crm.SALESFORCE, credentials, f"Org {org.id}")
            self.account_id, self.lag = org.id, 60
            run_task(app, "workers.sync", installation_id=self.installation_id)
        self.names = InstallationSettings.defaults(crm).field_names

    def record(self, crm_id: str) -> dict:
        if self.crm == "hubspot":
            return self.sandbox.contact(self.account_id, crm_id)
        return self.sandbox.record(self.account_id, "Lead", crm_id)

    def open_records(self, crm_ids) -> list[str]:
        """Records a rep can still work: not converted (on Salesforce, Leads: Contacts are converted Leads)."""
        if self.crm == "hubspot":
            return [c for c in crm_ids if self.record(c).get("lifecyclestage") != "customer"]
        return [c for c in crm_ids if c.startswith("00Q") and not self.record(c).get("IsConverted")]

    def edit(self, crm_ids: list[str], values: dict) -> None:
        """Stamped just inside the next pull's window (the adapters leave the last `lag` seconds to the next)."""
        with in_the_past(self.sandbox, self.lag - 1):
            if self.crm == "hubspot":
                self.sandbox.bulk_edit(self.account_id, crm_ids, values)
            else:
                self.sandbox.bulk_edit(self.account_id, "Lead", crm_ids, values)

    def convert(self, crm_ids: list[str]) -> None:
        self.edit(crm_ids, {"lifecyclestage": "customer"} if self.crm == "hubspot" else {"IsConverted": True})

    def wait_out_the_lag(self) -> None:
        edited = time.monotonic()
        while time.monotonic() - edited < 1.5:  # until the edits are older than the lag for the next pull
            time.sleep(0.05)


@pytest.fixture(params=["hubspot", "salesforce"])
def crm(request):
    return request.param


@pytest.fixture
def app_config(request, crm):
    sandbox = request.getfixturevalue(f"{crm}_sandbox")
    if crm == "hubspot":
        return sandbox_config(sandbox, sandbox.base_url)
    return {"SALESFORCE_LOGIN_URL": sandbox.base_url, "SALESFORCE_CLIENT_ID": sandbox.app.client_id,
            "SALESFORCE_CLIENT_SECRET": sandbox.app.client_secret}


def assignments(app, installation_id: int) -> dict[str, str]:
    with app.app_context():
        return {a.crm_id: a.arm for a in get_session().query(ExperimentAssignment).filter_by(
            installation_id=installation_id)}


def actions_of(app, installation_id: int) -> list[ActionLog]:
    with app.app_context():
        return get_session().query(ActionLog).filter_by(installation_id=installation_id).all()


def test_the_experiment_page_compares_the_arms(app, user, crm, request):  # noqa: F811
    account = SandboxAccount(app, crm, request.getfixturevalue(f"{crm}_sandbox"))
    installation_id = account.installation_id
    with app.app_context():
        get_session().add(NurtureRule(installation_id=installation_id, name="Sales ready",
                                      trigger={"type": "enters_tier", "tier": "A"},
                                      actions=[{"type": "task", "subject": "Call this lead", "body": "Now tier A",
                                                "due_in_hours": 24}]))
        get_session().commit()
    user.sign_in()
    inputs = {"deal_value": "12000", "monthly_cost": "800", "rep_cost_per_hour": "60", "minutes_per_lead": "20"}
    user.open(f"/installations/{installation_id}/roi")
    user.page.fill("#deal_value", "twelve")
    user.page.click("#save-roi")
    assert user.page.inner_text("#deal_value-error") == "Average deal value: enter a number."
    for key, value in inputs.items():
        user.page.fill(f"#{key}", value)
    user.page.click("#save-roi")
    assert user.page.inner_text("#uplift-source") == "backtest (no experiment data yet)"
    assert "captured_top_30" in [row.get_attribute("data-key") for row in user.page.query_selector_all("#roi-lines tr")]

    user.open(f"/installations/{installation_id}/experiment")
    user.page.fill("#control_percent", "20")
    user.page.select_option("#control_method", "no_actions")
    user.page.click("#start")
    assert "Experiment started: 20% of records" in user.page.inner_text("main")

    run_task(app, "workers.sync", installation_id=installation_id)  # every scored record gets its arm
    arms = assignments(app, installation_id)
    with app.app_context():
        scored = get_session().query(CurrentScore).filter_by(installation_id=installation_id).all()
    assert len(arms) == len(scored) and 0.15 < sum(a == "control" for a in arms.values()) / len(arms) < 0.25
    open_ = account.open_records(sorted(arms))
    for crm_id in open_[:20]:
        assert account.record(crm_id)[account.names.arm] == arms[crm_id]  # the CRM can split by arm

    rng = random.Random(3)
    # The model arm converts more often than the control arm in this simulation.
    won = [c for c in open_ if rng.random() < (0.25 if arms[c] == "model" else 0.08)]
    # Reps move others to tier A: the rule fires for them in the model arm, never in the control arm.
    tier_c = {s.crm_id for s in scored if s.tier in "CD"}
    promoted = [c for c in open_ if c not in won and c in tier_c][:40]
    account.edit(promoted, {account.names.override_tier: "A"})
    account.convert(won)
    account.wait_out_the_lag()
    second = run_task(app, "workers.sync", installation_id=installation_id)
    assert second["counts"]["transitions"] > 0, second
    acted = {row.crm_id for row in actions_of(app, installation_id)}
    assert acted and all(arms[c] == "model" for c in acted)
    assert any(arms[c] == "control" for c in promoted)
    assert all(row.status == "done" for row in actions_of(app, installation_id))

    user.open(f"/installations/{installation_id}/experiment")
    for arm in ("model", "control"):
        rate = user.page.inner_text(f"#arms tr[data-arm='{arm}'] td.rate")
        assert re.fullmatch(r"\d+\.\d% \(\d+\.\d%–\d+\.\d%\)", rate), rate
    verdict = user.page.inner_text("#verdict")
    assert re.match(r"(The model arm converts \d\.\d× better, 95% CI \d+\.\d–\d+\.\d|No difference|Not enough data yet: "
                    r"about [\d,]+ more outcomes to detect a 20% lift)", verdict), verdict
    assert user.page.locator("#over-time svg polyline").count() == 2
    user.screenshot("experiment" if crm == "hubspot" else f"experiment-{crm}")

    user.open(f"/installations/{installation_id}/roi")
    assert user.page.inner_text("#uplift-source") == "A/B experiment"
    lines = {row.get_attribute("data-key"): row.inner_text()
             for row in user.page.query_selector_all("#roi-lines tbody tr")}
    assert {"deal_value", "monthly_cost", "rep_cost_per_hour", "minutes_per_lead", "leads_per_quarter", "uplift",
            "extra_conversions", "rep_hours_saved", "benefits", "costs", "roi_percent"} <= set(lines)
    assert "800.00 per month × 3" in lines["costs"]
    # The ROI at both ends of the uplift's interval, so a small experiment's point estimate is not read as settled.
    assert re.fullmatch(r"95% range: -?[\d,]+% to -?[\d,]+%.*", user.page.inner_text("#roi-range"))
    user.screenshot("roi" if crm == "hubspot" else f"roi-{crm}")
    exported = user.page.request.get(f"{user.base_url}/installations/{installation_id}/roi.csv")
    assert exported.ok and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text())))
    figures = {row[0]: row[2] for row in rows[1:]}
    assert figures["uplift_source"] == "A/B experiment" and figures["costs"] == "2400"
    benefits = float(figures["extra_conversions_value"]) + float(figures["rep_time_value"])
    assert float(figures["benefits"]) == pytest.approx(benefits, rel=1e-5)
    assert float(figures["roi_percent"]) == pytest.approx((benefits - 2400) / 2400 * 100, rel=1e-5)
    assert float(figures["roi_percent_low"]) <= float(figures["roi_percent"]) <= float(figures["roi_percent_high"])

    user.open(f"/installations/{installation_id}/experiment")
    user.page.fill("input[name=control_percent]", "15")
    user.page.click("#change-share")
    user.page.click("#extend")
    user.page.click("#stop")
    assert "Experiment stopped" in user.page.inner_text("main")
    with app.app_context():
        actions = [e.action for e in get_session().query(AuditEvent).filter_by(installation_id=installation_id)
                   .order_by(AuditEvent.id) if e.action.startswith("experiment.")]
        assert actions == ["experiment.started", "experiment.share_changed", "experiment.extended",
                           "experiment.stopped"]
        assert get_session().query(AuditEvent).filter_by(action="roi.inputs_updated").count() == 1
    assert assignments(app, installation_id) == arms  # never reassigned
