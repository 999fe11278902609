"""Score what needs scoring and write back only what changed, chunk by chunk, resumable at any point.

What needs scoring is read from the database, not remembered: a snapshot newer than its score, a score
by another model than the champion, or a score that never landed in the CRM. So a sync killed anywhere
leaves state from which the next one picks up exactly the records still owed a score or a write.

Per chunk: score -> write the changed records to the CRM -> stage their new current scores -> hand tier
transitions to nurturing, whose first commit makes the scores and its action claims durable together
(a crash before it recomputes the same transitions; after it, the claims stop any action firing twice).
"""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable

from flask import current_app
from sqlalchemy import and_, delete, insert, or_, update

from connector.cards.record_score import reasons_in_order
from connector.crm.base import CrmClient, FieldWrite, WriteResult, fit_lines
from connector.db.models import CurrentScore, Installation, ModelVersion, RecordSnapshot, ScoreHistory, utcnow
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings
from connector.nurture.next_step import next_step
from connector.privacy.opt_out import clearing_write, is_opted_out, not_opted_out
from scoring.model import ScoringModel
from workers import nurture
from workers.transitions import TierTransition

from . import planner_statistics
from .frames import OWNER_PROPERTY, BadValue, record_frame, set_aside_bad_values

log = logging.getLogger(__name__)

CHUNK = 1000  # records scored, compared and written together (10 HubSpot batch calls, 5 Salesforce ones)


@dataclass
class WriteBackStats:
    scored: int = 0
    written: int = 0
    unchanged: int = 0
    rejected: int = 0
    malformed: int = 0
    bad_values: int = 0  # malformed or out-of-range values, each reported and scored as missing
    transitions: int = 0
    superseded: int = 0  # converted leads: scored, but written and nurtured as their contact
    rules_held_back: int = 0  # records whose model-swap-only tier change would have fired a nurture rule
    opted_out: int = 0  # opted-out records met: not scored; their score fields cleared when they held one
    errors: list[dict] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """Something was refused, unreadable or set aside: the run says so (PARTIAL) beside its report."""
        return bool(self.rejected or self.malformed or self.bad_values)

    def counts(self) -> dict[str, int]:
        return {"scored": self.scored, "written": self.written, "unchanged": self.unchanged,
                "rejected": self.rejected, "malformed": self.malformed, "bad_values": self.bad_values,
                "transitions": self.transitions,
                "superseded": self.superseded, "rules_held_back": self.rules_held_back, "opted_out": self.opted_out}


@dataclass(frozen=True)
class Scored:
    snapshot: RecordSnapshot
    score: int
    probability: float
    model_tier: str
    tier: str  # the one written: the rep's override when set
    override: str | None
    reasons: list[str]
    next_step: str | None = None


def score_and_write(scope: InstallationScope, client: CrmClient, version: ModelVersion, model: ScoringModel,
                    stats: WriteBackStats, crm_ids: list[str] | None = None, on_chunk: Callable[[], None] = lambda: None,
                    sync_run_id: int | None = None) -> None:
    """Work through every record owed a score or a write (or just `crm_ids`, for webhook rescoring).

    Two chunks are in flight: while one chunk's writes go out (paced by the rate limiter, on a writer
    thread) the next chunk is scored, so neither the CPU nor the account's request allowance waits for the
    other. A chunk's results are stored, and its transitions nurtured, before the next chunk's writes start.
    """
    app = current_app._get_current_object()
    last_id = finished = 0
    in_flight: tuple[Prepared, Future] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crm-writes") as writer:
        while True:
            rows = _pending(scope, version, last_id, crm_ids)
            prepared = _prepare(scope, client, version, model, rows, stats) if rows else None
            if in_flight is not None:
                _finish(scope, client, version, *in_flight, stats, sync_run_id)
                finished += 1
                if finished == 1 and crm_ids is None:  # a whole pass, maybe from empty: see planner_statistics
                    planner_statistics.analyze(scope.session, CurrentScore)
                on_chunk()
            if prepared is None:
                return
            last_id = rows[-1][0].id
            writes = [_field_write(s, prepared.settings, version, prepared.now) for s in prepared.changed]
            writes += [clearing_write(snapshot.crm_id, snapshot.object_type, prepared.settings.field_names)
                       for snapshot, _ in prepared.cleared]
            writes = [_fields_the_crm_has(client, w, prepared.settings) for w in writes]
            in_flight = (prepared, writer.submit(_write, app, client, writes))


@dataclass
class Prepared:
    """One chunk scored and compared: what must be written, and the current scores it replaces."""

    settings: InstallationSettings
    changed: list[Scored]  # to write
    settled: list[Scored]  # changed, but superseded by another record: stored, never written nor nurtured
    current: dict[int, CurrentScore | None]
    now: datetime
    # Opted-out records whose score the CRM may still show: their fields are cleared, their score row dropped.
    cleared: list[tuple[RecordSnapshot, CurrentScore]] = field(default_factory=list)


def _write(app, client: CrmClient, writes: list[FieldWrite]) -> WriteResult:
    if not writes:
        return WriteResult()
    with app.app_context():  # a token refresh stores the new grant through the app's database
        return client.write_fields(writes)


def _pending(scope: InstallationScope, version: ModelVersion, after_id: int,
             crm_ids: list[str] | None) -> list[tuple[RecordSnapshot, CurrentScore | None]]:
    joined = and_(CurrentScore.installation_id == RecordSnapshot.installation_id,
                  CurrentScore.object_type == RecordSnapshot.object_type, CurrentScore.crm_id == RecordSnapshot.crm_id)
    query = scope.select(RecordSnapshot).add_columns(CurrentScore).outerjoin(CurrentScore, joined).where(
        RecordSnapshot.id > after_id)
    if crm_ids is not None:
        query = query.where(RecordSnapshot.crm_id.in_(crm_ids))
    else:
        # An opted-out record without a score row has nothing to score or clear: not pending while it stays so.
        unscored = and_(CurrentScore.id.is_(None), not_opted_out(scope.installation.settings))
        query = query.where(or_(unscored, RecordSnapshot.synced_at > CurrentScore.scored_at,
                                CurrentScore.written_at.is_(None), CurrentScore.model_version_id.is_(None),
                                CurrentScore.model_version_id != version.id))
    return [tuple(row) for row in scope.session.execute(query.order_by(RecordSnapshot.id).limit(CHUNK))]


def _prepare(scope, client: CrmClient, version, model, rows, stats: WriteBackStats) -> Prepared:
    settings = scope.installation.settings
    opted_out = [(snapshot, score) for snapshot, score in rows if is_opted_out(snapshot.properties, settings)]
    stats.opted_out += len(opted_out)
    to_score = [snapshot for snapshot, _ in rows if not is_opted_out(snapshot.properties, settings)]
    scored = [_fit_reasons(client, s, settings) for s in _score(model, to_score, settings, stats)] if to_score else []
    current = {snapshot.id: score for snapshot, score in rows}
    changed, settled = [], []
    for s in scored:
        if _differs(s, current.get(s.snapshot.id)):
            superseded = client.superseded_by(s.snapshot.object_type, s.snapshot.properties)
            (settled if superseded else changed).append(s)
    stats.superseded += len(settled)
    unchanged = [current[s.snapshot.id].id for s in scored if not _differs(s, current.get(s.snapshot.id))]
    now = utcnow()
    if unchanged:
        scope.session.execute(update(CurrentScore).where(CurrentScore.id.in_(unchanged))
                              .values(scored_at=now, model_version_id=version.id))
    stats.scored += len(scored)
    stats.unchanged += len(unchanged)
    return Prepared(settings, changed, settled, current, now,
                    cleared=[(snapshot, score) for snapshot, score in opted_out if score is not None])


def _finish(scope, client, version, prepared: Prepared, written: Future, stats: WriteBackStats,
            sync_run_id) -> None:
    """Store what landed, hand its tier transitions to nurturing, commit."""
    result = written.result()
    landed = set(result.written)
    for rejection in result.rejected:
        stats.rejected += 1
        stats.errors.append({"crm_id": rejection.crm_id, "message": rejection.reason, "code": rejection.code})
    installation = scope.installation
    stored = [s for s in prepared.changed if s.snapshot.crm_id in landed]
    # Before the store: a transition compares against the score the record had until now.
    transitions = [t for t in (_transition(s, prepared.current.get(s.snapshot.id), installation, version)
                               for s in stored) if t is not None]
    _store(scope, stored + prepared.settled, prepared.current, version, prepared.now)
    _drop_cleared(scope, [score for snapshot, score in prepared.cleared if snapshot.crm_id in landed])
    stats.written += len(landed)
    stats.transitions += len(transitions)
    # Called even with no transitions: it also finishes actions an interrupted run left unfinished.
    summary = nurture.run_for_transitions(scope.session, installation, client, transitions, sync_run_id)
    stats.rules_held_back += summary.held_back
    scope.session.commit()


def _drop_cleared(scope: InstallationScope, scores: list[CurrentScore]) -> None:
    """The CRM no longer shows these opted-out records' scores: nothing of them is current any more."""
    if scores:
        scope.session.execute(delete(CurrentScore).where(CurrentScore.id.in_([s.id for s in scores])))
        for score in scores:
            scope.session.expunge(score)


def _score(model: ScoringModel, snapshots: list[RecordSnapshot], settings: InstallationSettings,
           stats: WriteBackStats) -> list[Scored]:
    frame, bad = set_aside_bad_values(record_frame([s.properties for s in snapshots], settings), model.schema)
    _report_bad_values(snapshots, bad, stats)
    try:
        # One feature pass for the scores and the unreadable rows; ages as of now, growing after training.
        out, unreadable = model.score_marking_unreadable(frame, as_of=utcnow())
    except Exception:  # one malformed record must not cost the batch: find it by scoring one at a time
        log.exception("scoring a chunk failed; scoring its %d records one by one", len(snapshots))
        return [s for s in (_score_one(model, snap, frame.iloc[[i]], settings, stats)
                            for i, snap in enumerate(snapshots)) if s is not None]
    stats.malformed += int(unreadable.sum())
    stats.errors += [{"crm_id": snapshot.crm_id, "message": "some values could not be read; scored on the rest"}
                     for snapshot, bad in zip(snapshots, unreadable) if bad]
    return [_scored(snapshot, row, settings) for snapshot, row in zip(snapshots, out.itertuples(index=False))]


def _report_bad_values(snapshots: list[RecordSnapshot], bad: list[BadValue], stats: WriteBackStats) -> None:
    stats.bad_values += len(bad)
    stats.errors += [{"crm_id": snapshots[b.row].crm_id, "field": b.field, "value": b.value, "reason": b.why,
                      "message": f"{b.field} = {b.value!r}: {b.why}; scored as missing"} for b in bad]


def _score_one(model, snapshot, frame, settings, stats) -> Scored | None:
    try:
        row = next(model.score(frame, as_of=utcnow()).itertuples(index=False))
    except Exception as exc:
        stats.malformed += 1
        stats.errors.append({"crm_id": snapshot.crm_id, "message": f"could not be scored: {exc}"[:300]})
        return None
    return _scored(snapshot, row, settings)


def _scored(snapshot: RecordSnapshot, row, settings: InstallationSettings) -> Scored:
    score = int(row.score)
    # Cut points the admin set in settings win over the ones the model learnt from training shares.
    model_tier = str(row.tier) if settings.tier_cuts is None else settings.tier_cuts.tier_for(score)
    tier, override = nurture.effective_tier(snapshot.properties, model_tier, settings.field_names)
    reasons = [r for r in str(row.reasons or "").split("; ") if r]
    step = next_step(tier, score, reasons_in_order(reasons, tier), snapshot.properties, settings)
    return Scored(snapshot, score, float(row.probability), model_tier, tier, override, reasons, step)


def _fit_reasons(client: CrmClient, s: Scored, settings: InstallationSettings) -> Scored:
    """Reasons cut on whole lines to the CRM field's length, and stored as cut: stored equals written, so
    the next sync sees no change (a reason quoting a 100 KB job title would otherwise be refused each time)."""
    limit = client.max_length(s.snapshot.object_type, settings.field_names.reasons)
    if limit is None or len("\n".join(s.reasons)) <= limit:
        return s
    return replace(s, reasons=fit_lines(s.reasons, limit))


def _differs(s: Scored, current: CurrentScore | None) -> bool:
    if current is None or current.written_at is None:
        return True
    written_tier = current.override_tier or current.tier
    return (s.score, s.tier, s.reasons) != (current.score, written_tier, list(current.reasons or []))


def _field_write(s: Scored, settings: InstallationSettings, version: ModelVersion, now: datetime) -> FieldWrite:
    names = settings.field_names
    return FieldWrite(crm_id=s.snapshot.crm_id, object_type=s.snapshot.object_type, values={
        names.score: str(s.score), names.tier: s.tier, names.reasons: "\n".join(s.reasons),
        names.scored_at: now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        names.model: f"v{version.version}", names.next_step: s.next_step})


def _fields_the_crm_has(client: CrmClient, write: FieldWrite, settings: InstallationSettings) -> FieldWrite:
    """The next-step field came after the first installs: until an account is provisioned again it lacks the
    field, and naming it would make the CRM refuse the whole write. The score fields are never left out."""
    name = settings.field_names.next_step
    if name not in write.values or client.has_field(write.object_type, name):
        return write
    return replace(write, values={k: v for k, v in write.values.items() if k != name})


def _store(scope: InstallationScope, stored: list[Scored], current: dict[int, CurrentScore | None],
           version: ModelVersion, now: datetime) -> None:
    """The landed scores as current scores and history, in bulk statements: a full sync stores 100,000s."""
    rows = [dict(installation_id=scope.installation_id, object_type=s.snapshot.object_type, crm_id=s.snapshot.crm_id,
                 score=s.score, probability=s.probability, tier=s.model_tier, reasons=s.reasons,
                 model_version_id=version.id, scored_at=now, written_at=now, override_tier=s.override)
            for s in stored]
    if not rows:
        return
    previous = [current.get(s.snapshot.id) for s in stored]
    session = scope.session
    new = [row for row, old in zip(rows, previous) if old is None]
    if new:
        session.execute(insert(CurrentScore), new)
    replaced = [old for old in previous if old is not None]
    if replaced:
        session.execute(update(CurrentScore), [{**row, "id": old.id} for row, old in zip(rows, previous)
                                               if old is not None])
        for old in replaced:  # loaded objects outlive commits here; they must not show the old score
            session.expire(old)
    session.execute(insert(ScoreHistory), rows)


def _transition(s: Scored, previous: CurrentScore | None, installation: Installation,
                version: ModelVersion) -> TierTransition | None:
    old_tier = (previous.override_tier or previous.tier) if previous is not None and previous.written_at else None
    old_score = previous.score if previous is not None and previous.written_at else None
    if old_tier == s.tier:
        return None
    owner = s.snapshot.properties.get(OWNER_PROPERTY.get(installation.crm.value, ""))
    return TierTransition(crm_id=s.snapshot.crm_id, owner_id=owner or None, old_tier=old_tier, new_tier=s.tier,
                          old_score=old_score, new_score=s.score, reasons=s.reasons, model_tier=s.model_tier,
                          override_tier=s.override, model_change=_model_change_only(s, previous, version))


def _model_change_only(s: Scored, previous: CurrentScore | None, version: ModelVersion) -> bool:
    """Another model gave the previous score, and the record has not been synced since: the data is the same."""
    return (previous is not None and previous.model_version_id is not None
            and previous.model_version_id != version.id and s.snapshot.synced_at <= previous.scored_at)
