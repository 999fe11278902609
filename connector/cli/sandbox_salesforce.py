"""`leadscore sandbox salesforce`: serve a local Salesforce in the foreground, with one seeded org and a token."""
from __future__ import annotations

import click

from connector.sandbox.server import SandboxServer

# The ID:SECRET parser is the HubSpot command's: both sandboxes register apps the same way.
from .sandbox_hubspot import _app_pair


@click.command("salesforce")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8766, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--leads", default=1000, show_default=True, type=click.IntRange(0), help="Generated leads.")
@click.option("--contacts", default=0, show_default=True, type=click.IntRange(0), help="Generated contacts.")
@click.option("--seed", default=42, show_default=True, type=int, help="Seed of the generated people.")
@click.option("--seed-csv", type=click.Path(exists=True, dir_okay=False), help="Seed the org's leads from a CSV.")
@click.option("--app", "apps", multiple=True, callback=_app_pair, metavar="ID:SECRET",
              help="Register a connected app; once any is registered, only registered apps may use OAuth.")
@click.option("--session-lifetime", default=7200, show_default=True, type=click.IntRange(1),
              help="Seconds an access token lives (the org's session timeout).")
@click.option("--daily-limit", default=100_000, show_default=True, type=click.IntRange(1),
              help="Daily API request allocation.")
def salesforce(host, port, leads, contacts, seed, seed_csv, apps, session_lifetime, daily_limit) -> None:
    """Run a local Salesforce org that simple-salesforce (with a LocalSession) talks to."""
    from connector.sandbox.salesforce import SalesforceSandbox

    sandbox = SalesforceSandbox(session_lifetime=session_lifetime, apps=apps or None, daily_limit=daily_limit)
    try:
        org = sandbox.add_org(leads=leads, contacts=contacts, seed=seed, csv=seed_csv)
    except (ValueError, OSError) as problem:
        raise click.ClickException(f"Cannot seed the org: {problem}") from None
    try:
        server = SandboxServer(sandbox.wsgi_app, host=host, port=port)
    except OSError as problem:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {problem.strerror or problem}") from None
    sandbox.base_url = server.base_url
    tokens = sandbox.issue_tokens(org.id)
    click.echo(f"Salesforce sandbox at {server.base_url}")
    click.echo(f"org id: {org.id} ({len(org.tables['Lead'])} leads, {len(org.tables['Contact'])} contacts)")
    click.echo(f"access token: {tokens['access_token']} (expires in {session_lifetime} s)")
    click.echo(f"refresh token: {tokens['refresh_token']}")
    click.echo(f"client id: {sandbox.app.client_id}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
