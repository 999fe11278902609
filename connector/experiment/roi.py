"""The ROI of scoring for one quarter, every step shown so a finance person can check it:

    benefits = extra conversions attributable to scoring × average deal value + rep time saved on D-tier leads
    costs    = the tool's monthly cost × 3
    ROI      = (benefits − costs) / costs × 100%

Extra conversions come from the A/B experiment's uplift (model arm's conversion rate minus the control arm's)
once both arms have conversions, with the ROI at both ends of the uplift's 95% interval beside it; before that,
from the champion's backtest (working the top 30% of leads by score catches more conversions than an equal
number taken at random), labelled as such. A quarter's leads are the
records first scored in the last 91 days."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from connector.db.models import CurrentScore, Experiment, ModelVersion, RoiInputs, ScoreHistory, utcnow
from connector.db.models.lift import CONTROL_ARM, MODEL_ARM
from connector.db.scope import InstallationScope

from .figures import experiment_figures

QUARTER_DAYS = 91
WORKED_SHARE = 0.3  # the backtest's "reps work the top 30%": the largest cut-off the backtest stores
FROM_EXPERIMENT, FROM_BACKTEST, NO_SOURCE = "A/B experiment", "backtest (no experiment data yet)", "none yet"


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    value: float | None
    how: str  # the formula, in words and figures


@dataclass(frozen=True)
class RoiReport:
    source: str
    lines: list[Line]

    def value(self, key: str) -> float | None:
        return next(line.value for line in self.lines if line.key == key)

    def has(self, key: str) -> bool:
        return any(line.key == key for line in self.lines)


def _leads_per_quarter(scope: InstallationScope) -> int:
    since = utcnow() - timedelta(days=QUARTER_DAYS)
    first = (select(ScoreHistory.crm_id, func.min(ScoreHistory.scored_at).label("first"))
             .where(ScoreHistory.installation_id == scope.installation_id).group_by(ScoreHistory.crm_id).subquery())
    return scope.session.scalar(select(func.count()).select_from(first).where(first.c.first >= since)) or 0


def _d_share(scope: InstallationScope) -> float:
    counts = dict(scope.session.execute(select(CurrentScore.tier, func.count()).where(
        CurrentScore.installation_id == scope.installation_id).group_by(CurrentScore.tier)).all())
    total = sum(counts.values())
    return counts.get("D", 0) / total if total else 0.0


def roi_report(scope: InstallationScope, inputs: RoiInputs) -> RoiReport:
    leads = _leads_per_quarter(scope)
    lines = [
        Line("deal_value", "Average deal value", inputs.deal_value, "entered"),
        Line("monthly_cost", "Tool cost per month", inputs.monthly_cost, "entered"),
        Line("rep_cost_per_hour", "Rep cost per hour", inputs.rep_cost_per_hour, "entered"),
        Line("minutes_per_lead", "Rep minutes per lead contacted", inputs.minutes_per_lead, "entered"),
        Line("leads_per_quarter", "Leads in a quarter", leads, f"records first scored in the last {QUARTER_DAYS} days"),
    ]
    source, extra, uplift_range = _extra_conversions(scope, leads, lines)
    d_share = _d_share(scope)
    d_leads = leads * d_share
    hours = d_leads * inputs.minutes_per_lead / 60
    time_value = hours * inputs.rep_cost_per_hour
    conversions_value = extra * inputs.deal_value
    benefits = conversions_value + time_value
    costs = inputs.monthly_cost * 3
    lines += [
        Line("extra_conversions_value", "Value of the extra conversions", conversions_value,
             f"{extra:,.1f} extra conversions × {inputs.deal_value:,.2f} deal value"),
        Line("d_tier_share", "Share of leads in tier D", d_share, "current scores"),
        Line("d_tier_leads", "D-tier leads in a quarter, not worked", d_leads, f"{leads:,} leads × {d_share:.1%}"),
        Line("rep_hours_saved", "Rep hours saved", hours, f"{d_leads:,.1f} leads × {inputs.minutes_per_lead:g} min ÷ 60"),
        Line("rep_time_value", "Value of rep time saved", time_value,
             f"{hours:,.1f} h × {inputs.rep_cost_per_hour:,.2f} per hour"),
        Line("benefits", "Benefits", benefits, f"{conversions_value:,.2f} + {time_value:,.2f}"),
        Line("costs", "Costs", costs, f"{inputs.monthly_cost:,.2f} per month × 3"),
        Line("roi_percent", "ROI (%)", (benefits - costs) / costs * 100 if costs else None,
             f"({benefits:,.2f} − {costs:,.2f}) ÷ {costs:,.2f} × 100" if costs else "no costs entered"),
    ]
    if uplift_range is not None and costs:
        # The point estimate alone would read as settled while the experiment is still small: the ROI at both
        # ends of the uplift's 95% interval shows how much of it the data actually support.
        for key, label, uplift in (("roi_percent_low", "ROI (%) at the uplift's 95% low end", uplift_range[0]),
                                   ("roi_percent_high", "ROI (%) at the uplift's 95% high end", uplift_range[1])):
            bound = leads * uplift * inputs.deal_value + time_value
            lines.append(Line(key, label, (bound - costs) / costs * 100,
                              f"{leads:,} leads × {uplift:.2%} × {inputs.deal_value:,.2f} + {time_value:,.2f}, "
                              f"less {costs:,.2f}, ÷ {costs:,.2f} × 100"))
    return RoiReport(source, lines)


def _extra_conversions(scope: InstallationScope, leads: int,
                       lines: list[Line]) -> tuple[str, float, tuple[float, float] | None]:
    """Extra conversions in a quarter attributable to scoring, appending the figures they come from, and the
    95% interval of the uplift per lead where the experiment gives one."""
    experiment = scope.one_or_none(Experiment)
    figures = experiment_figures(scope, experiment) if experiment is not None else None
    if figures is not None and figures.verdict.ratio is not None:
        model, control = figures.arms[MODEL_ARM].conversion_rate, figures.arms[CONTROL_ARM].conversion_rate
        uplift = model.estimate - control.estimate
        ratio = figures.verdict.ratio
        uplift_range = (control.estimate * (ratio.low - 1), control.estimate * (ratio.high - 1))
        lines += [Line("model_arm_rate", "Model arm conversion rate", model.estimate, "A/B experiment"),
                  Line("control_arm_rate", "Control arm conversion rate", control.estimate, "A/B experiment"),
                  Line("uplift", "Uplift per lead", uplift, f"{model.estimate:.2%} − {control.estimate:.2%}"),
                  Line("extra_conversions", "Extra conversions in a quarter", leads * uplift,
                       f"{leads:,} leads × {uplift:.2%} (A/B uplift)"),
                  Line("uplift_low", "Uplift per lead, 95% low end", uplift_range[0],
                       f"{control.estimate:.2%} × ({ratio.low:.2f} − 1), from the arms' rate ratio interval"),
                  Line("uplift_high", "Uplift per lead, 95% high end", uplift_range[1],
                       f"{control.estimate:.2%} × ({ratio.high:.2f} − 1), from the arms' rate ratio interval")]
        return FROM_EXPERIMENT, leads * uplift, uplift_range
    champion = scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
    backtest = champion.backtest if champion is not None else None
    if backtest:
        captured = backtest["capture"]["top_30"]
        base = backtest["base_rate"]
        extra = leads * base * (captured - WORKED_SHARE)
        lines += [Line("base_rate", "Conversion rate (held-out history)", base, f"backtest of v{champion.version}"),
                  Line("captured_top_30", "Conversions in the top-scored 30%", captured, f"backtest of v{champion.version}"),
                  Line("extra_conversions", "Extra conversions in a quarter", extra,
                       f"{leads:,} leads × {base:.2%} × ({captured:.1%} − 30%): working the top 30% by score instead "
                       "of 30% at random (backtest, before the experiment has data)")]
        return FROM_BACKTEST, extra, None
    lines.append(Line("extra_conversions", "Extra conversions in a quarter", 0.0, "no experiment data and no backtest yet"))
    return NO_SOURCE, 0.0, None
