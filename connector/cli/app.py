"""`leadscore serve`: migrate, then serve the connector in the foreground. The operator commands (`db`, `admin`,
`keys`) belong to the app (connector/app/commands.py), which registers them on its own Flask CLI too.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import ScriptInfo

from connector.app.commands import needs_app
from connector.app.public_url import is_loopback
from connector.db import migrate

from .sandbox_serving import listen, serve_until_interrupted


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="LEADSCORE_HOST", help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), envvar="LEADSCORE_PORT",
              help="0 picks a free port (the URL printed says which).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Migrate the database, then serve the connector in the foreground (production uses gunicorn).

    On the embedded default (memory:// broker) the jobs the app queues, and the schedule (syncs every
    installation's interval, nightly training), run on threads in this process.
    """
    needs_app(ctx)
    app = ctx.find_object(ScriptInfo).load_app()
    if not app.config["PUBLIC_URL"] and not is_loopback(host):
        # Reachable from other machines means production: links must not come from whatever Host a request names.
        raise click.ClickException(f"--host {host} is reachable from other machines: set LEADSCORE_PUBLIC_URL "
                                   "(the https URL CRMs and browsers use) first.")
    if app.config["AUTO_MIGRATE"]:
        migrate.upgrade(app.config["DATABASE_URL"])
    server = listen(app, host, port)  # the same foreground WSGI server as `leadscore sandbox`
    celery = app.extensions["celery"]
    if celery.conf.broker_url.startswith("memory://"):
        # Started now rather than on the first job, so a failure to start shows here and not inside a request.
        celery.start_embedded_beat(Path(app.instance_path) / "celerybeat-schedule")
        click.echo("Jobs and scheduled syncs run in this process (embedded mode); "
                   "set LEADSCORE_CELERY_BROKER_URL to use workers.")
    click.echo(f"Serving on http://{host}:{server.port}/")
    sys.stdout.flush()  # a supervisor (or a test) reading our output learns the port at once
    serve_until_interrupted(server)
