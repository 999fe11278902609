"""`leadscore demo --days N`: play N days of the sandbox forward and prove the lift from what the connector saw.

Each simulated day: the sandbox clock moves a day, the sandbox converts people (`connector.sandbox.days`, where
a task for a person raises their chance), the connector runs its scheduled sync (which records outcomes and
assigns arms, on the sandbox's time line: the demo hands `connector.clock` the sandbox clock), and every
`retrain_every` days the scheduled training runs. At the end the experiment's figures and the ROI are computed by
the same functions as the dashboard's Experiment and ROI pages, from the outcomes the connector recorded.
"""
from __future__ import annotations

import time

import click

from connector.sandbox.days import DAY, Days

WAIT_LIMIT = 10 * 60  # seconds for one day's sync or one training
# Quarter-figures the demo enters on the ROI page, as an admin would; shown with the result.
DEMO_ROI_INPUTS = {"deal_value": 5000.0, "monthly_cost": 800.0, "rep_cost_per_hour": 60.0, "minutes_per_lead": 15.0}


def start_experiment(app, installation_id: int, control_share: float, task: dict) -> None:
    """The experiment, the ROI inputs and a second nurture rule (a task on entering tier B, beside the demo's tier A
    rule, so nurturing reaches enough people for its effect to show), set before the install's first sync so every
    record gets its arm then. The control arm gets no scoring-driven action."""
    from connector.db import get_session
    from connector.db.models import Experiment, NurtureRule, RoiInputs
    from connector.db.models.lift import NO_ACTIONS

    with app.app_context():
        session = get_session()
        session.add(NurtureRule(installation_id=installation_id, name="Call new tier B", enabled=True, version=1,
                                trigger={"type": "enters_tier", "tier": "B"}, actions=[task]))
        session.add(Experiment(installation_id=installation_id, control_share=control_share,
                               control_method=NO_ACTIONS, updated_by="demo"))
        session.add(RoiInputs(installation_id=installation_id, updated_by="demo", **DEMO_ROI_INPUTS))
        session.commit()


def play_days(app, installation_id: int, sandbox, people, days: int, nurture_effect: float,
              conversion_days: float, retrain_every: int, settle: float, say) -> None:
    """`settle`: seconds the clock moves on after the day's conversions, so the sync's window (which leaves out
    the CRM's last moments) reaches them."""
    simulated = Days(people, nurture_effect=nurture_effect, conversion_days=conversion_days)
    week_converted = 0
    for day in range(1, days + 1):
        sandbox.clock.advance(DAY - settle)
        week_converted += len(simulated.step())
        sandbox.clock.advance(settle)
        _scheduled_sync(app, installation_id)
        if day % retrain_every == 0:
            _scheduled_training(app, installation_id)
        if day % 7 == 0 or day == days:
            say(f"Day {day}/{days}: {week_converted} converted in the sandbox since the last line, "
                f"{simulated.converted} in all; {_verdict_words(app, installation_id)}")
            week_converted = 0


def _scheduled_sync(app, installation_id: int) -> None:
    """What beat's every-minute check does once a sync is due, then wait for that run to end."""
    from connector.db import get_session
    from connector.db.models import SyncKind, SyncRun, SyncStatus
    from workers.tasks import schedule_due_syncs

    with app.app_context():
        before = _last_id(get_session(), SyncRun, SyncRun.kind != SyncKind.RESCORE, installation_id)
    # Not due while the sync lock is held: a training's rescoring lets go of it just after its audit event.
    _wait_for(app, lambda _: installation_id in schedule_due_syncs(), "a sync to be due")

    def finished(session):
        run = session.query(SyncRun).filter(SyncRun.installation_id == installation_id, SyncRun.id > before,
                                            SyncRun.kind != SyncKind.RESCORE).order_by(SyncRun.id.desc()).first()
        return run is not None and run.status is not SyncStatus.RUNNING

    _wait_for(app, finished, "the day's sync")


def _scheduled_training(app, installation_id: int) -> None:
    from connector.db import get_session
    from connector.db.models import AuditEvent
    from workers.tasks import schedule_training

    done = AuditEvent.action.in_(("model.trained", "model.training_skipped"))
    with app.app_context():
        before = _last_id(get_session(), AuditEvent, done, installation_id)
        schedule_training()
    _wait_for(app, lambda session: _last_id(session, AuditEvent, done, installation_id) > before, "the training")


def _last_id(session, model, condition, installation_id: int) -> int:
    from sqlalchemy import func

    return session.query(func.max(model.id)).filter(model.installation_id == installation_id, condition).scalar() or 0


def _wait_for(app, condition, what: str) -> None:
    from connector.db import get_session

    deadline = time.monotonic() + WAIT_LIMIT
    while time.monotonic() < deadline:
        with app.app_context():
            if condition(get_session()):
                return
        time.sleep(0.2)
    raise click.ClickException(f"Gave up waiting for {what} after {WAIT_LIMIT // 60} minutes.")


def _verdict_words(app, installation_id: int) -> str:
    from connector.db import get_session
    from connector.db.models import Experiment
    from connector.db.scope import InstallationScope
    from connector.experiment.figures import experiment_figures

    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        return experiment_figures(scope, scope.one_or_none(Experiment)).verdict.words


# -- the result ------------------------------------------------------------------------------------------


def lift_summary(app, installation_id: int) -> dict:
    """The experiment and the ROI as the dashboard computes them, as JSON-ready figures."""
    from connector.db import get_session
    from connector.db.models import Experiment, RoiInputs
    from connector.db.scope import InstallationScope
    from connector.experiment.figures import experiment_figures
    from connector.experiment.roi import roi_report

    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        figures = experiment_figures(scope, scope.one_or_none(Experiment))
        report = roi_report(scope, scope.one_or_none(RoiInputs))
    arms = {name: {"records": arm.records, "conversions": arm.conversions,
                   "conversion_rate": _rate(arm.conversion_rate), "ci": _interval(arm.conversion_rate),
                   "median_days_to_convert": _rate(arm.days_to_convert),
                   "median_days_ci": _interval(arm.days_to_convert), "contacted": arm.contacted,
                   "per_100_contacted": _rate(arm.per_100_contacted)}
            for name, arm in figures.arms.items()}
    verdict = figures.verdict
    return {
        "experiment": {
            "arms": arms,
            "conversion_rate": {name: arm["conversion_rate"] for name, arm in arms.items()},
            "ci": {**{name: arm["ci"] for name, arm in arms.items()}, "ratio": _interval(verdict.ratio)},
            "verdict": {"kind": verdict.kind, "words": verdict.words, "ratio": _rate(verdict.ratio),
                        "more_outcomes": verdict.more_outcomes},
        },
        "roi": {
            "source": report.source,
            "inputs": {key: report.value(key) for key in DEMO_ROI_INPUTS},
            "benefits": report.value("benefits"),
            "costs": report.value("costs"),
            "roi_percent": report.value("roi_percent"),
            "lines": [{"key": line.key, "label": line.label, "value": line.value, "how": line.how}
                      for line in report.lines],
        },
    }


def _rate(interval) -> float | None:
    """Unrounded, so a figure rounds on the dashboard and in the JSON's reader alike."""
    return interval.estimate if interval is not None else None


def _interval(interval) -> list[float] | None:
    return [interval.low, interval.high] if interval is not None else None


def print_lift(summary: dict, days: int, nurture_effect: float) -> None:
    experiment, roi = summary["experiment"], summary["roi"]
    click.echo(f"\nA/B experiment after {days} simulated days (the sandbox's nurture effect was {nurture_effect:g}; "
               "the figures below come from the outcomes the connector recorded)")
    click.echo("  arm       records  converted   rate    95% CI          median days")
    for name, arm in experiment["arms"].items():
        ci = arm["ci"]
        click.echo(f"  {name:<9} {arm['records']:>7,}  {arm['conversions']:>9,}   "
                   + (f"{arm['conversion_rate']:6.1%}  {ci[0]:.1%}–{ci[1]:.1%}" if ci else "     -  -").ljust(25)
                   + (f"{arm['median_days_to_convert']:.1f}" if arm["median_days_to_convert"] is not None else "-"))
    click.echo(f"  verdict: {experiment['verdict']['words']}")
    click.echo(f"\nROI for a quarter (extra conversions from: {roi['source']})")
    for line in roi["lines"]:
        value = line["value"]
        shown = ("-" if value is None else f"{value:,}" if isinstance(value, int)
                 else f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}")
        click.echo(f"  {line['label']:<40} {shown:>14}   {line['how']}")
