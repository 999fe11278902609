"""`leadscore sandbox salesforce`: serve a local Salesforce in the foreground, with one seeded org, an OAuth token
pair and a fixed session id (the README's snippet uses the default one)."""
from __future__ import annotations

import click

from .sandbox_serving import listen, sandbox_options, serve_until_interrupted

SESSION_ID = "00D!local-sandbox-session"


@click.command("salesforce")
@sandbox_options(default_port=8766, account="org's leads")
@click.option("--leads", default=1000, show_default=True, type=click.IntRange(0), help="Generated leads.")
@click.option("--contacts", default=0, show_default=True, type=click.IntRange(0), help="Generated contacts.")
@click.option("--session-lifetime", default=7200, show_default=True, type=click.IntRange(1),
              help="Seconds an access token lives (the org's session timeout).")
@click.option("--session-id", default=SESSION_ID, show_default=True,
              help="A fixed session id for the org that never expires, for trying the API by hand.")
@click.option("--daily-limit", default=100_000, show_default=True, type=click.IntRange(1),
              help="Daily API request allocation.")
def salesforce(host, port, leads, contacts, seed, seed_csv, apps, faults, session_lifetime,
               session_id, daily_limit) -> None:
    """Run a local Salesforce org that simple-salesforce (with a LocalSession) talks to."""
    from connector.sandbox.salesforce import SalesforceSandbox

    sandbox = SalesforceSandbox(session_lifetime=session_lifetime, apps=apps or None, daily_limit=daily_limit)
    try:
        org = sandbox.add_org(leads=leads, contacts=contacts, seed=seed, csv=seed_csv)
    except (ValueError, OSError) as problem:
        raise click.ClickException(f"Cannot seed the org: {problem}") from None
    sandbox.faults.set(faults)
    server = listen(sandbox.wsgi_app, host, port)
    sandbox.base_url = server.base_url
    tokens = sandbox.issue_tokens(org.id)
    click.echo(f"Salesforce sandbox at {server.base_url}")
    click.echo(f"org id: {org.id} ({len(org.tables['Lead'])} leads, {len(org.tables['Contact'])} contacts)")
    click.echo(f"access token: {tokens['access_token']} (expires in {session_lifetime} s)")
    click.echo(f"refresh token: {tokens['refresh_token']}")
    click.echo(f"client id: {sandbox.app.client_id}")
    click.echo(f"session id: {sandbox.add_session_id(org.id, session_id)} (no expiry)")
    if faults:
        click.echo(f"faults: {', '.join(f'{k}={v}' for k, v in faults.items())}")
    serve_until_interrupted(server)
