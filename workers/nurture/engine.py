"""Runs an installation's nurture rules for the tier transitions one sync produced.

What is guaranteed, per (rule, rule version, record, transition occurrence, action):
- the action log row is claimed (inserted as pending and committed) BEFORE the CRM is called, and an
  attempt is taken with a compare-and-set on `attempts`, so two workers or a re-run sync never both act;
- a sync that crashes after the CRM call but before the row is marked done leaves the row pending; the
  next run finishes it: a task is looked up by the marker in its body before it is created again,
  enrollment and set_property are idempotent in the CRM, and a webhook is re-posted with the same
  `X-LeadScore-Delivery` id (at-least-once, deduplicated by the receiver);
- failures never raise out of here (score write-back is already done and must not be held up): the row
  is marked failed with the error and retried by later runs until MAX_ATTEMPTS, then given up, both
  visible on the dashboard's action log.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

import requests
from flask import current_app, has_app_context
from sqlalchemy import update
from sqlalchemy.orm import Session

from connector import clock as connector_clock

from connector.crm.base import CrmClient
from connector.crm.errors import AuthRevoked, CrmError, CrmRequestInvalid, RecordRejected
from connector.db.models import ActionLog, Installation, NurtureRule, RecordSnapshot
from connector.db.models.lift import CONTROL_ARM
from connector.db.scope import InstallationScope
from connector.experiment.assignment import arms_for
from connector.nurture.feedback import add_once, record_override
from connector.nurture.signing import webhook_signing_key
from connector.privacy.opt_out import is_opted_out
from connector.nurture.triggers import fires

from ..transitions import TierTransition
from .actions import ActionContext, ActionRequest, idempotency_key, perform
from .templates import TemplateFailed
from .triggers import occurrence_label

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # across runs; each attempt already has the adapter's own retries with backoff
LEASE = timedelta(minutes=10)  # a pending row untouched this long belongs to a worker that died
FINAL_ERRORS = (RecordRejected, CrmRequestInvalid, AuthRevoked, TemplateFailed)  # retrying cannot help

PENDING, DONE, FAILED, GAVE_UP = "pending", "done", "failed", "gave_up"


@dataclass
class NurtureSummary:
    claimed: int = 0  # new action log rows for this run's transitions
    done: int = 0
    failed: int = 0  # will be retried by a later run
    gave_up: int = 0
    skipped: int = 0  # already done, or being done by another worker
    held_back: int = 0  # records whose tier changed only with a new model, that a rule would have fired for
    control_arm: int = 0  # transitions of the A/B experiment's control arm, left to the previous method
    errors: list[dict[str, str]] = field(default_factory=list)  # [{"crm_id", "message"}]

    def as_counts(self) -> dict[str, int]:
        return {"claimed": self.claimed, "done": self.done, "failed": self.failed, "gave_up": self.gave_up,
                "skipped": self.skipped}


def run_for_transitions(session: Session, installation: Installation, client: CrmClient,
                        transitions: Iterable[TierTransition], sync_run_id: int | None, *,
                        webhook_key: bytes | None = None, now=None, previous_method: bool = False) -> NurtureSummary:
    """Claim and carry out every action the installation's enabled rules ask for, then finish any earlier
    run's unfinished actions, then ask for a retraining if the feedback figures call for one. Commits as
    it goes (each claim and each outcome is its own transaction). Inside the app (a worker pushes its
    context) the webhook key comes from the app's SECRET_KEY; `webhook_key` overrides it.

    While an A/B experiment runs, the model's transitions of control-arm records fire nothing: that arm is
    nurtured by the previous method (`control.py`, which calls here with `previous_method=True`) or not at all."""
    scope = InstallationScope(session, installation)
    clock = now or connector_clock.now
    if webhook_key is None and has_app_context():
        webhook_key = webhook_signing_key(current_app.config["SECRET_KEY"], installation.id)
    ctx = ActionContext(client=client, webhook_key=webhook_key, now=clock)
    summary = NurtureSummary()
    rules = scope.all(NurtureRule, NurtureRule.enabled.is_(True), order_by=NurtureRule.id)
    model_swaps_fire = installation.settings.model_swaps_fire_rules
    transitions = list(transitions)
    arms = {} if previous_method else arms_for(scope, [t.crm_id for t in transitions],
                                               frozenset(t.crm_id for t in transitions if t.old_tier is None))
    for transition in transitions:
        if transition.override_tier is not None:
            record_override(scope, transition.crm_id, transition.model_tier, transition.override_tier,
                            transition.new_score, sync_run_id)
        if arms.get(transition.crm_id) == CONTROL_ARM:
            summary.control_arm += 1
            continue
        firing = [rule for rule in rules if fires(rule.trigger, transition)]
        if transition.model_change and not model_swaps_fire:
            summary.held_back += bool(firing)
            continue
        for rule in firing:
            _claim_rule(scope, rule, transition, sync_run_id, summary)
    session.commit()
    for row in _unfinished(scope, clock()):
        _attempt(scope, row, ctx, summary)
    return summary


def _claim_rule(scope: InstallationScope, rule: NurtureRule, transition: TierTransition,
                sync_run_id: int | None, summary: NurtureSummary) -> None:
    label = occurrence_label(transition)
    for index, _ in enumerate(rule.actions):
        row = ActionLog(rule_id=rule.id, rule_version=rule.version, crm_id=transition.crm_id, transition=label,
                        action_index=index, status=PENDING, attempts=0,
                        outcome={"transition": dataclasses.asdict(transition), "sync_run_id": sync_run_id})
        if add_once(scope, row):
            summary.claimed += 1
        else:  # claimed before: by an earlier run of this sync, or by another worker just now
            summary.skipped += 1


def _unfinished(scope: InstallationScope, now: datetime) -> list[ActionLog]:
    """Rows to work on: pending (new, or left by a crash once their lease ran out) and failed ones."""
    rows = scope.all(ActionLog, ActionLog.status.in_((PENDING, FAILED)), order_by=ActionLog.id)
    return [r for r in rows if r.attempts == 0 or r.updated_at <= now - LEASE or r.status == FAILED]


def _attempt(scope: InstallationScope, row: ActionLog, ctx: ActionContext, summary: NurtureSummary) -> None:
    session = scope.session
    rule = scope.get(NurtureRule, row.rule_id)
    if rule is None or rule.version != row.rule_version or row.action_index >= len(rule.actions):
        _finish(session, row, GAVE_UP, {"error": "the rule was edited or deleted before this action ran"}, summary)
        return
    # Take this attempt: only one worker moves `attempts` from the value it read.
    taken = session.execute(update(ActionLog).where(ActionLog.id == row.id, ActionLog.attempts == row.attempts)
                            .values(attempts=row.attempts + 1, updated_at=ctx.now())).rowcount
    session.commit()
    if taken != 1:
        summary.skipped += 1
        return
    session.refresh(row)
    snapshot = scope.one_or_none(RecordSnapshot, RecordSnapshot.crm_id == row.crm_id)
    if snapshot is not None and is_opted_out(snapshot.properties, scope.installation.settings):
        # Claimed before the record opted out: an opted-out person is never contacted.
        _finish(session, row, GAVE_UP, {"error": "the record opted out before this action ran"}, summary)
        return
    key = idempotency_key(row.installation_id, row.crm_id, row.rule_id, row.rule_version, row.transition,
                          row.action_index)
    request = ActionRequest(key=key, action=rule.actions[row.action_index],
                            transition=row.outcome["transition"], properties=snapshot.properties if snapshot else {},
                            retrying=row.attempts > 1)
    try:
        result = perform(request, ctx)
    except FINAL_ERRORS as exc:
        _finish(session, row, GAVE_UP, {"error": _message(exc)}, summary)
    except (CrmError, requests.RequestException) as exc:
        status = GAVE_UP if row.attempts >= MAX_ATTEMPTS else FAILED
        _finish(session, row, status, {"error": _message(exc)}, summary)
    else:
        _finish(session, row, DONE, {"result": result}, summary)


def _finish(session: Session, row: ActionLog, status: str, detail: dict, summary: NurtureSummary) -> None:
    row.status = status
    row.outcome = {**(row.outcome or {}), **detail}
    session.commit()
    setattr(summary, status, getattr(summary, status) + 1)
    if status != DONE:
        summary.errors.append({"crm_id": row.crm_id, "message": detail.get("error", status)})
        log.warning("nurture action %s on record %s %s: %s", row.id, row.crm_id, status, detail.get("error"))


def _message(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
