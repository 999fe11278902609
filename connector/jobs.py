"""Ask the workers to do something, by task name.

The connector never imports `workers` (workers import the connector), so tasks are sent by the names the
workers register them under. Pass ids, not objects: the task reloads what it needs.
"""
from __future__ import annotations

from flask import current_app

SYNC = "workers.sync"
TRAIN = "workers.train"
PROMOTE = "workers.promote"  # kwargs: installation_id, version, kind ("promote" / "rollback"), requested_by
RESCORE = "workers.rescore"  # kwargs: installation_id, record_ids (a webhook's affected records)
FORGET = "workers.forget"  # kwargs: installation_id, record_ids, requested_by, reason (records deleted in the CRM)


def enqueue(task_name: str, **kwargs) -> str:
    """Send the task to the broker; returns the task id."""
    result = current_app.extensions["celery"].send_task(task_name, kwargs=kwargs)
    return result.id
