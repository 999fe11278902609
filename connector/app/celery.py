"""Celery wired to the Flask app (Flask's celery example): tasks run inside the app context."""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        result_backend=app.config["CELERY_RESULT_BACKEND"],
        task_ignore_result=app.config["CELERY_RESULT_BACKEND"] is None,
        # Celery guidance: ack after the work so a crashed worker's job is redelivered (tasks are idempotent).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
