"""The Celery app the worker and beat processes run (`celery --app workers.celery_app worker`, see Procfile).

Configuration comes from the connector's app factory, like every other part: the Celery app is the one
`create_app()` wired (broker, late acks, beat schedule), and each task runs inside that Flask app's context.
"""
from __future__ import annotations

from connector.app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

from workers import tasks  # noqa: E402,F401  (registers the tasks on the app above)
