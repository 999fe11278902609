"""One sync of one installation: pull what changed, store it, score, write back what changed, nurture, and
only then move the cursor (the Singer rule: a bookmark moves only after the work it covers is durable).

A run killed midway stays RUNNING with its pull position in `cursor_after`; the next sync of the
installation (it holds the lock, so the old one is dead) resumes that run instead of starting anew.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Callable, Iterator

from flask import current_app

from connector.crm.base import CrmClient, RecordBatch
from connector.crm.errors import CrmError
from connector.db.models import RecordSnapshot, SyncCursor, SyncKind, SyncRun, SyncStatus, utcnow
from connector.db.scope import InstallationScope
from connector.experiment.assignment import assign_scored_and_write, running
from connector.jobs import enqueue
from connector.nurture.retraining import request_retraining_if_due
from connector.privacy.crm_deletions import erase_deleted_records

from . import planner_statistics
from .model_versions import champion, load_model, train_challenger
from .nurture.control import nurture_control_arm
from .snapshots import upsert_snapshots
from .write_back import WriteBackStats, score_and_write

log = logging.getLogger(__name__)

CURSOR_KEY = "all"
# A dozen editable point rules need no more history than this; more only slows the first sync down.
COLD_START_ROWS = 20_000  # adapters hand back one cursor covering every object type they pull


def run_sync(scope: InstallationScope, client: CrmClient, heartbeat: Callable[[], None] = lambda: None,
             progress: Callable[[str, int], None] = lambda stage, n: None) -> SyncRun:
    """Sync the installation; returns the finished run. CRM errors fail the run and are raised again."""
    session = scope.session
    stored = scope.one_or_none(SyncCursor, SyncCursor.object_type == CURSOR_KEY)
    run = _unfinished_run(scope) or _new_run(scope, stored)
    session.commit()
    started = time.monotonic()
    calls_before = dict(run.api_calls or {})
    stats = WriteBackStats()
    try:
        pulled = _pull(scope, client, run, heartbeat, progress)
        # Before anything is scored or trained: a deleted person must not reach a model or the CRM again.
        erased = erase_deleted_records(scope, client, run)
        version = champion(scope)
        if version is None:  # cold start: the points model, learnt from the snapshots just pulled
            version, _ = train_challenger(scope, client, learner="points", max_rows=COLD_START_ROWS)
            session.commit()
        model = load_model(version)
        score_and_write(scope, client, version, model, stats, sync_run_id=run.id,
                        on_chunk=lambda: (heartbeat(), progress("scored", stats.scored)))
        experiment_counts = _run_experiment(scope, client, run)
        if stored is None:
            stored = scope.add(SyncCursor(object_type=CURSOR_KEY, cursor=run.cursor_after))
        else:
            stored.cursor = run.cursor_after
        _finish(run, stats, pulled, client, calls_before, started,
                SyncStatus.PARTIAL if stats.partial else SyncStatus.SUCCEEDED)
        run.counts = {**run.counts, **experiment_counts, "erased": erased}
        session.commit()
        _ask_for_retraining(scope)
        return run
    except Exception as exc:
        session.rollback()
        _finish(run, stats, run.counts.get("pulled", 0), client, calls_before, started, SyncStatus.FAILED)
        run.message = _one_line(exc)
        session.commit()
        raise


def _run_experiment(scope: InstallationScope, client: CrmClient, run: SyncRun) -> dict[str, int]:
    """While an A/B experiment runs: every scored record has its arm (written to the CRM's arm field), and the
    control arm is nurtured by the previous method. Counts for the run."""
    experiment = running(scope)
    if experiment is None:
        return {}
    counts = assign_scored_and_write(scope, client)
    summary = nurture_control_arm(scope, client, experiment, run.started_at, run.id)
    scope.session.commit()
    return {**counts, "control_actions": summary.done if summary is not None else 0}


def _ask_for_retraining(scope: InstallationScope) -> None:
    """Once per sync, its scores durable: drift or AUC on recent outcomes may call for a new model. Not per
    write-back chunk: the check scores a week's sample of records, which would slow every chunk's writes."""
    if "celery" not in current_app.extensions:
        return
    try:
        request_retraining_if_due(scope, enqueue)
    except Exception:  # a broker hiccup must not fail a sync whose scores are written; the next one asks again
        scope.session.rollback()
        log.exception("could not request a retraining for installation %s", scope.installation_id)


def _unfinished_run(scope: InstallationScope) -> SyncRun | None:
    runs = scope.all(SyncRun, SyncRun.status == SyncStatus.RUNNING,
                     SyncRun.kind.in_((SyncKind.FULL, SyncKind.INCREMENTAL)), order_by=SyncRun.id.desc(), limit=1)
    if runs:
        log.info("resuming sync run %s left unfinished by a stopped worker", runs[0].id)
    return runs[0] if runs else None


def _new_run(scope: InstallationScope, stored: SyncCursor | None) -> SyncRun:
    cursor = stored.cursor if stored is not None else None
    return scope.add(SyncRun(kind=SyncKind.FULL if cursor is None else SyncKind.INCREMENTAL,
                             status=SyncStatus.RUNNING, started_at=utcnow(), cursor_before=cursor,
                             cursor_after=cursor, counts={}, api_calls={}, errors=[]))


def _pull(scope, client: CrmClient, run: SyncRun, heartbeat, progress) -> int:
    """Stream every changed record into snapshots, committing the pull position with each batch."""
    names = scope.installation.settings.field_names
    pulled = int((run.counts or {}).get("pulled", 0))
    # closing(): a failed store stops the fetching thread now, not when the generator is collected.
    with closing(_fetched_ahead(client.pull_changed(run.cursor_after))) as batches:
        for n, batch in enumerate(batches):
            upsert_snapshots(scope, batch.records, names)
            pulled += len(batch.records)
            run.cursor_after = batch.cursor
            run.counts = {**(run.counts or {}), "pulled": pulled}
            scope.session.commit()
            if n == 0:  # once a run
                planner_statistics.analyze(scope.session, RecordSnapshot)
            heartbeat()
            progress("pulled", pulled)
    return pulled


def _fetched_ahead(batches: Iterator[RecordBatch]) -> Iterator[RecordBatch]:
    """The batches, each next one fetched on a thread while the caller stores the one it was given: the
    CRM's request allowance and the database work overlap. One batch ahead only, so memory stays flat; the
    cursor still moves only with the caller's commit, since only the caller sees batches."""
    app = current_app._get_current_object()

    def fetch_next() -> RecordBatch | None:
        with app.app_context():  # a token refresh stores the new grant through the app's database
            return next(batches, None)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crm-pull") as fetcher:
        ahead = fetcher.submit(fetch_next)
        while (batch := ahead.result()) is not None:
            ahead = fetcher.submit(fetch_next)
            yield batch


def _finish(run: SyncRun, stats: WriteBackStats, pulled: int, client: CrmClient, calls_before: dict,
            started: float, status: SyncStatus) -> None:
    calls = dict(calls_before)
    for kind, n in client.api_calls.items():
        calls[kind] = calls.get(kind, 0) + n
    run.api_calls = calls
    run.counts = {"pulled": pulled, **stats.counts()}
    run.errors = (run.errors or []) + stats.errors[:500]  # enough to act on; the counts hold the totals
    run.duration_seconds = (run.duration_seconds or 0.0) + time.monotonic() - started
    run.finished_at = utcnow()
    run.status = status


def _one_line(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500] if not isinstance(exc, CrmError) else text[:500]
