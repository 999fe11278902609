"""`leadscore demo --days N` as an admin runs it, in a fresh process: the sandbox converts people day by day,
nurturing (a task for a person) raises their chance by the sandbox's `--nurture-effect`, the connector syncs on
the sandbox's clock, and the A/B verdict and the ROI come from the outcomes it recorded. Then the A/B page of the
demo's own database, in headless Chromium, shows both arms with their intervals and a verdict.

Sizes are small for a shared 2-core machine: a few hundred records and training weekly; the A/B page is read
after the 90 simulated days the issue asks for, and the "no difference" run is two weeks with a short
`--conversion-days`, so it sees many outcomes."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.conftest import app_config  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401

pytestmark = [pytest.mark.chromium, pytest.mark.slow]

LEADSCORE = str(Path(sys.executable).with_name("leadscore"))


def run_demo(instance: Path, *options: str) -> dict:
    done = subprocess.run([LEADSCORE, "demo", "--json", "--instance", str(instance), "--retrain-every", "7", *options],
                          capture_output=True, text=True, timeout=900,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(instance.parent)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r"Day 7/\d+: \d+ converted", done.stderr), done.stderr[-2000:]  # a progress line per week
    return json.loads(done.stdout)


@pytest.fixture(params=["hubspot", "salesforce"])
def demo(request, tmp_path) -> dict:
    return run_demo(tmp_path / "demo", "--crm", request.param, "--contacts", "400", "--days", "90",
                    "--conversion-days", "60", "--nurture-effect", "0.5")


@pytest.fixture
def database_url(demo, tmp_path) -> str:
    """The dashboard under test reads the database the demo left behind."""
    return f"sqlite:///{tmp_path / 'demo' / 'leadscore.sqlite'}"


def test_ninety_simulated_days_end_with_both_arms_a_verdict_and_the_roi_on_the_ab_page(demo, user):  # noqa: F811
    experiment, roi = demo["experiment"], demo["roi"]
    assert set(experiment["arms"]) == {"model", "control"}
    for arm in ("model", "control"):
        figures = experiment["arms"][arm]
        assert figures["records"] > 0 and figures["conversions"] > 0, figures
        low, high = experiment["ci"][arm]
        assert low <= experiment["conversion_rate"][arm] <= high
        # Recorded on the sandbox's time line: conversions take days, not the 0.0 of a real-time stamp.
        assert figures["median_days_to_convert"] > 0.5
    assert sum(a["records"] for a in experiment["arms"].values()) == demo["scored"]
    assert experiment["verdict"]["kind"] in {"model_better", "model_worse", "no_difference", "not_enough_data"}
    assert experiment["verdict"]["words"]
    assert set(roi["inputs"]) == {"deal_value", "monthly_cost", "rep_cost_per_hour", "minutes_per_lead"}
    assert roi["source"] == "A/B experiment" and roi["costs"] == 3 * roi["inputs"]["monthly_cost"]
    assert roi["roi_percent"] == pytest.approx((roi["benefits"] - roi["costs"]) / roi["costs"] * 100)

    installation_id = int(re.search(r"/installations/(\d+)", demo["dashboard"]).group(1))
    user.sign_in()
    user.open(f"/installations/{installation_id}/experiment")
    for arm in ("model", "control"):
        rate = user.page.inner_text(f"#arms tr[data-arm='{arm}'] td.rate")
        assert re.fullmatch(r"\d+\.\d% \(\d+\.\d%–\d+\.\d%\)", rate), rate
        assert rate.startswith(f"{experiment['conversion_rate'][arm]:.1%}")  # the page and --json agree
    verdict = user.page.inner_text("#verdict")
    assert verdict.lower().startswith(experiment["verdict"]["words"][:12].lower()), (verdict, experiment["verdict"])


# Salesforce's demo org needs more leads for the interval to rule out a 20% lift (700 gave "not enough data").
@pytest.mark.parametrize("crm, people", [("hubspot", "700"), ("salesforce", "1500")])
def test_without_a_nurture_effect_the_verdict_is_no_difference(tmp_path, crm, people):
    """Nurturing changes nothing in the sandbox, so the arms convert alike; enough records (and a short
    `--conversion-days`) that the verdict is "no difference" rather than "not enough data". Fixed seeds."""
    demo = run_demo(tmp_path / "demo", "--crm", crm, "--contacts", people, "--days", "14",
                    "--conversion-days", "0.35", "--nurture-effect", "0")
    experiment = demo["experiment"]
    low, high = experiment["ci"]["ratio"]
    assert low < 1 < high
    assert experiment["verdict"]["kind"] == "no_difference", experiment["verdict"]
    assert experiment["verdict"]["words"].startswith("no difference")
