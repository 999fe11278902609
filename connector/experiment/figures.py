"""The A/B comparison from what the connector recorded: arms from the assignments, conversions from the outcome
events (converted after the record entered the experiment), contacts from the nurture actions done. The
statistics are `scoring.ab_test`'s."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from connector.db.models import ActionLog, Experiment, ExperimentAssignment, OutcomeEvent
from connector.db.models.lift import CONTROL_ARM, MODEL_ARM
from connector.db.scope import InstallationScope
from scoring.ab_test import Arm, Interval, Verdict, bootstrap_median, verdict, wilson

DONE = "done"


@dataclass(frozen=True)
class ArmFigures:
    arm: str
    records: int
    conversions: int
    conversion_rate: Interval | None
    days_to_convert: Interval | None  # median, bootstrap interval
    contacted: int
    per_100_contacted: Interval | None  # conversions among contacted records, per 100


@dataclass(frozen=True)
class ExperimentFigures:
    arms: dict[str, ArmFigures]
    verdict: Verdict
    weekly: dict[str, list[tuple[date, float, int]]]  # arm -> (week, cumulative conversion rate, records)


def _per_100(successes: int, trials: int) -> Interval | None:
    rate = wilson(successes, trials)
    return Interval(100 * rate.estimate, 100 * rate.low, 100 * rate.high) if rate else None


def experiment_figures(scope: InstallationScope, experiment: Experiment) -> ExperimentFigures:
    session = scope.session
    assigned = {crm_id: (arm, at) for crm_id, arm, at in session.execute(
        select(ExperimentAssignment.crm_id, ExperimentAssignment.arm, ExperimentAssignment.assigned_at)
        .where(ExperimentAssignment.installation_id == scope.installation_id))}
    converted: dict[str, datetime] = {}
    for crm_id, observed_at in session.execute(
            select(OutcomeEvent.crm_id, OutcomeEvent.observed_at).where(
                OutcomeEvent.installation_id == scope.installation_id, OutcomeEvent.outcome == "converted")):
        # A conversion counts for the experiment only after the record entered it.
        if crm_id in assigned and observed_at >= assigned[crm_id][1]:
            converted[crm_id] = observed_at
    contacted = set(session.scalars(select(ActionLog.crm_id).where(
        ActionLog.installation_id == scope.installation_id, ActionLog.status == DONE)))
    arms = {}
    for arm in (MODEL_ARM, CONTROL_ARM):
        members = [crm_id for crm_id, (a, _) in assigned.items() if a == arm]
        wins = [crm_id for crm_id in members if crm_id in converted]
        days = [(converted[c] - assigned[c][1]).total_seconds() / 86400 for c in wins]
        reached = [c for c in members if c in contacted]
        arms[arm] = ArmFigures(arm, len(members), len(wins), wilson(len(wins), len(members)), bootstrap_median(days),
                               len(reached), _per_100(sum(c in converted for c in reached), len(reached)))
    result = verdict(Arm(arms[MODEL_ARM].records, arms[MODEL_ARM].conversions),
                     Arm(arms[CONTROL_ARM].records, arms[CONTROL_ARM].conversions), experiment.control_share)
    return ExperimentFigures(arms, result, _weekly(assigned, converted, experiment.started_at))


def _weekly(assigned: dict[str, tuple[str, datetime]], converted: dict[str, datetime],
            start: datetime) -> dict[str, list[tuple[date, float, int]]]:
    """Cumulative conversion rate of each arm at the end of every week since the experiment started."""
    if not assigned:
        return {MODEL_ARM: [], CONTROL_ARM: []}
    last = max([at for _, at in assigned.values()] + list(converted.values()))
    series: dict[str, list[tuple[date, float, int]]] = {MODEL_ARM: [], CONTROL_ARM: []}
    week_end = start + timedelta(days=7)
    while True:
        for arm, points in series.items():
            members = [c for c, (a, at) in assigned.items() if a == arm and at < week_end]
            wins = sum(1 for c in members if c in converted and converted[c] < week_end)
            if members:
                points.append(((week_end - timedelta(days=7)).date(), wins / len(members), len(members)))
        if week_end > last:
            return series
        week_end += timedelta(days=7)
