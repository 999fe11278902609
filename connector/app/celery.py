"""Celery wired to the Flask app (Flask's celery example): tasks run inside the app context.

Two modes, chosen by the broker URL:
- production (`redis://` or `amqp://`): `celery worker` / `celery beat` processes (Procfile) consume the broker;
- embedded (`memory://`, the default): kombu's in-memory broker lives inside one process, so that process
  runs its own worker, on a daemon thread started by the first `send_task`. A thread rather than
  `task_always_eager` because eager execution ignores `send_task` (the connector sends jobs by name) and
  would run a full sync inside the HTTP request that asked for it. The thread runs one task at a time, so
  embedded mode never has two syncs of one installation racing. `leadscore serve` also runs beat on a
  thread (`start_embedded_beat`), so scheduled syncs and nightly training happen without other processes.

The task modules are named, not imported (`imports`): the connector never imports `workers`.
"""
from __future__ import annotations

import threading
from pathlib import Path

from celery import Celery, Task
from celery.beat import EmbeddedService
from celery.schedules import crontab
from flask import Flask

TASK_MODULES = ("workers.tasks", "workers.privacy")


class EmbeddedCelery(Celery):
    """A Celery app whose `memory://` broker is consumed by a worker thread in this very process."""

    _embedded_worker = None
    _embedded_beat = None
    _embedded_lock = threading.Lock()
    embedded_enabled = True

    def send_task(self, *args, **kwargs):
        if self.embedded_enabled and self.conf.broker_url.startswith("memory://"):
            self.start_embedded_worker()
        return super().send_task(*args, **kwargs)

    def start_embedded_worker(self) -> None:
        with self._embedded_lock:
            if self._embedded_worker is not None:
                return
            self.loader.import_default_modules()
            worker = self.WorkController(pool_cls="solo", concurrency=1, without_heartbeat=True,
                                         without_mingle=True, without_gossip=True, loglevel="WARNING")
            threading.Thread(target=worker.start, name="leadscore-embedded-worker", daemon=True).start()
            self._embedded_worker = worker

    def start_embedded_beat(self, schedule_file: Path) -> None:
        """Beat on a thread of this process, sending to the in-memory broker the embedded worker reads.
        Not the worker's own `beat=True`: that forks beat into a child process, which cannot reach an
        in-memory broker. `schedule_file` keeps when each entry last ran across restarts."""
        self.start_embedded_worker()
        with self._embedded_lock:
            if self._embedded_beat is not None:
                return
            beat = EmbeddedService(self, thread=True, schedule_filename=str(schedule_file))
            beat.start()
            self._embedded_beat = beat


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    config = app.config
    celery_app = EmbeddedCelery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=config["CELERY_BROKER_URL"],
        result_backend=config["CELERY_RESULT_BACKEND"],
        task_ignore_result=config["CELERY_RESULT_BACKEND"] is None,
        imports=TASK_MODULES,
        task_default_queue=config["CELERY_QUEUE"],
        # Celery guidance: ack after the work so a crashed worker's job is redelivered (tasks are idempotent).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # With late acks a prefetched message would wait behind a long sync; take one at a time.
        worker_prefetch_multiplier=1,
        # Redis redelivers an unacknowledged message after this long; the per-installation lock keeps a
        # redelivered sync from running beside the original one.
        broker_transport_options={"visibility_timeout": config["CELERY_VISIBILITY_TIMEOUT"],
                                  "polling_interval": 0.1},
        broker_connection_retry_on_startup=True,
        # A Redis restart must not end the worker: reconnect for as long as it takes (Celery's default gives
        # up after 100 attempts), through the transport that survives the restart (see redis_broker).
        broker_connection_max_retries=None,
        **({"broker_transport": "connector.app.redis_broker:Transport"}
           if config["CELERY_BROKER_URL"].startswith("redis://") else {}),
        beat_schedule={
            "sync-due-installations": {"task": "workers.schedule_due_syncs",
                                       "schedule": float(config["SCHEDULE_CHECK_SECONDS"])},
            # Same pace as the schedule check: finds what killed workers left (see workers/recovery.py).
            "recovery-sweep": {"task": "workers.recover", "schedule": float(config["SCHEDULE_CHECK_SECONDS"])},
            "nightly-training": {"task": "workers.schedule_training",
                                 "schedule": crontab(hour=config["NIGHTLY_TRAINING_HOUR"], minute=0)},
            # Half an hour after training starts, so the two rarely wait on each other's installation lock.
            "retention-purge": {"task": "workers.purge_expired",
                                "schedule": crontab(hour=config["NIGHTLY_TRAINING_HOUR"], minute=30)},
        },
        timezone="UTC",
    )
    embedded = config["EMBEDDED_WORKER"]
    celery_app.embedded_enabled = (not app.testing) if embedded is None else bool(embedded)
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
