"""`leadscore sandbox hubspot`: serve a local HubSpot in the foreground, with one seeded portal and a token."""
from __future__ import annotations

import click

from connector.sandbox.server import SandboxServer


def _app_pair(_ctx, _param, values: tuple[str, ...]) -> dict[str, str]:
    apps = {}
    for value in values:
        client_id, sep, secret = value.partition(":")
        if not sep or not client_id or not secret:
            raise click.BadParameter(f"{value!r} is not CLIENT_ID:SECRET")
        apps[client_id] = secret
    return apps


@click.command("hubspot")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--contacts", default=1000, show_default=True, type=click.IntRange(0), help="Generated contacts.")
@click.option("--seed", default=42, show_default=True, type=int, help="Seed of the generated contacts.")
@click.option("--seed-csv", type=click.Path(exists=True, dir_okay=False), help="Seed the portal from a CSV instead.")
@click.option("--app", "apps", multiple=True, callback=_app_pair, metavar="ID:SECRET",
              help="Register an app; once any is registered, only registered apps may use OAuth (repeatable).")
@click.option("--token-lifetime", default=1800, show_default=True, type=click.IntRange(1), help="Seconds.")
@click.option("--webhook-url", help="Send contact webhooks here, signed with the first --app secret.")
def hubspot(host, port, contacts, seed, seed_csv, apps, token_lifetime, webhook_url) -> None:
    """Run a local HubSpot that hubspot-api-client (host=BASE_URL) talks to."""
    from connector.sandbox.hubspot import HubSpotSandbox

    if webhook_url and not apps:
        raise click.UsageError("--webhook-url needs an --app ID:SECRET to sign the webhooks with.")
    sandbox = HubSpotSandbox(token_lifetime=token_lifetime, apps=apps or None)
    try:
        portal = sandbox.add_portal(contacts=contacts, seed=seed, csv=seed_csv)
    except (ValueError, OSError) as problem:
        raise click.ClickException(f"Cannot seed the portal: {problem}") from None
    if webhook_url:
        sandbox.subscribe_webhooks(webhook_url, sandbox.app.client_id, sandbox.app.client_secret)
    try:
        server = SandboxServer(sandbox.wsgi_app, host=host, port=port)
    except OSError as problem:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {problem.strerror or problem}") from None
    sandbox.base_url = server.base_url
    tokens = sandbox.issue_tokens(portal.id)
    click.echo(f"HubSpot sandbox at {server.base_url}")
    click.echo(f"portal id: {portal.id} ({len(portal.contacts)} contacts)")
    click.echo(f"access token: {tokens['access_token']} (expires in {tokens['expires_in']} s)")
    click.echo(f"refresh token: {tokens['refresh_token']}")
    click.echo(f"client id: {sandbox.app.client_id}", nl=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.webhooks.stop()
