"""`leadscore sandbox hubspot`: serve a local HubSpot in the foreground, with one seeded portal, an OAuth token
pair and a private app token (the README's snippet uses the default one)."""
from __future__ import annotations

import click

from .sandbox_serving import listen, sandbox_options, serve_until_interrupted

PRIVATE_APP_TOKEN = "pat-local-sandbox"


@click.command("hubspot")
@sandbox_options(default_port=8765, account="portal")
@click.option("--contacts", default=1000, show_default=True, type=click.IntRange(0), help="Generated contacts.")
@click.option("--token-lifetime", default=1800, show_default=True, type=click.IntRange(1),
              help="Seconds an OAuth access token lives.")
@click.option("--private-app-token", default=PRIVATE_APP_TOKEN, show_default=True,
              help="A static token for the portal, as a HubSpot private app has: no expiry, a daily limit.")
@click.option("--daily-limit", default=250_000, show_default=True, type=click.IntRange(1),
              help="Requests a day allowed to the private app token (OAuth apps have no daily limit).")
@click.option("--webhook-url", help="Send contact webhooks here, signed with the first --app secret.")
def hubspot(host, port, contacts, seed, seed_csv, apps, faults, token_lifetime, private_app_token,
            daily_limit, webhook_url) -> None:
    """Run a local HubSpot that hubspot-api-client (host=BASE_URL) talks to."""
    from connector.sandbox.hubspot import HubSpotSandbox

    if webhook_url and not apps:
        raise click.UsageError("--webhook-url needs an --app ID:SECRET to sign the webhooks with.")
    sandbox = HubSpotSandbox(token_lifetime=token_lifetime, apps=apps or None, daily_limit=daily_limit)
    try:
        portal = sandbox.add_portal(contacts=contacts, seed=seed, csv=seed_csv)
    except (ValueError, OSError) as problem:
        raise click.ClickException(f"Cannot seed the portal: {problem}") from None
    if webhook_url:
        sandbox.subscribe_webhooks(webhook_url, sandbox.app.client_id, sandbox.app.client_secret)
    sandbox.faults.set(faults)
    server = listen(sandbox.wsgi_app, host, port)
    sandbox.base_url = server.base_url
    tokens = sandbox.issue_tokens(portal.id)
    click.echo(f"HubSpot sandbox at {server.base_url}")
    click.echo(f"portal id: {portal.id} ({len(portal.contacts)} contacts)")
    click.echo(f"access token: {tokens['access_token']} (expires in {tokens['expires_in']} s)")
    click.echo(f"refresh token: {tokens['refresh_token']}")
    click.echo(f"client id: {sandbox.app.client_id}")
    click.echo(f"private app token: {sandbox.add_private_app_token(portal.id, private_app_token)} "
               f"(no expiry, {daily_limit} requests a day)")
    if faults:
        click.echo(f"faults: {', '.join(f'{k}={v}' for k, v in faults.items())}")
    try:
        serve_until_interrupted(server)
    finally:
        sandbox.webhooks.stop()
