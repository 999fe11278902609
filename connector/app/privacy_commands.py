"""`leadscore privacy export|forget`: what the connector holds about one person, and erasing it on request.

Registered beside the other operator commands (`connector.app.commands`), on the app's Flask CLI and on
`leadscore`. Both work from the database alone: no CRM call, so they work for a disconnected installation too.
"""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from connector.db import get_session
from connector.db.scope import InstallationScope
from connector.privacy.erasure import forget
from connector.privacy.export import export_record

from .commands import _schema_current, needs_app

INSTALLATION = click.option("--installation", "installation_id", type=int, required=True,
                            help="The installation's id (the number in its dashboard address).")
RECORD = click.option("--record", "crm_id", required=True,
                      help="The CRM record id (HubSpot contact id, Salesforce Lead or Contact id).")


@click.group()
@click.pass_context
def privacy(ctx: click.Context) -> None:
    """What the connector holds about a person: export it, or erase it."""
    needs_app(ctx)


@privacy.command("export")
@INSTALLATION
@RECORD
@with_appcontext
def privacy_export(installation_id: int, crm_id: str) -> None:
    """Print, as JSON, every row the connector holds about one record."""
    scope = _scope(installation_id)
    click.echo(json.dumps(export_record(scope, crm_id.strip()), indent=2, ensure_ascii=False, default=str))


@privacy.command("forget")
@INSTALLATION
@RECORD
@click.option("--reason", default="erasure request", show_default=True,
              help="Why, for the audit log (say nothing about the person).")
@with_appcontext
def privacy_forget(installation_id: int, crm_id: str, reason: str) -> None:
    """Erase every row about one record; the audit log keeps that it happened, not whom it was about."""
    scope = _scope(installation_id)
    erasure = forget(scope, [crm_id.strip()], actor="cli", reason=reason)
    scope.session.commit()
    if not erasure.total:
        click.echo("Nothing held about that record; the request is recorded in the audit log.")
        return
    held = ", ".join(f"{n} {table}" for table, n in sorted(erasure.rows.items()))
    click.echo(f"Erased {erasure.total} row(s): {held}.")


def _scope(installation_id: int) -> InstallationScope:
    _schema_current(current_app.config)  # an empty database has no installation; say that, not a traceback
    scope = InstallationScope.load(get_session(), installation_id)
    if scope is None:
        raise click.ClickException(f"no installation {installation_id}")
    return scope
