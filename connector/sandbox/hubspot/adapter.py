"""The connector's HubSpot adapter on a sandbox portal, as the install flow would have left it: freshly
issued tokens, the sandbox's clock, searches paced to the sandbox's own search limit. For the demo, the
benches and the tests, so none of them rebuilds this by hand."""
from __future__ import annotations

from datetime import timedelta

from connector.crm.base import Credentials
from connector.crm.hubspot import HubSpotClient, hubspot_endpoints

from .app import HubSpotSandbox


def adapter_client(sandbox: HubSpotSandbox, portal_id, base_url: str | None = None, **options) -> HubSpotClient:
    """A `HubSpotClient` on one portal; `base_url` defaults to where the sandbox says it is served.

    Pull windows have no search lag by default: the sandbox indexes every write before it answers."""
    base_url = base_url or sandbox.base_url
    if not base_url:
        raise ValueError("the sandbox is not served anywhere yet; pass base_url")
    tokens = sandbox.issue_tokens(portal_id)
    now = sandbox.clock.now
    credentials = Credentials(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"],
                              expires_at=now() + timedelta(seconds=tokens["expires_in"]), account_id=str(portal_id))
    options.setdefault("search_lag", timedelta(0))
    options.setdefault("search_per_second", sandbox.search_window.limit)
    return HubSpotClient(hubspot_endpoints(base_url, base_url), credentials, sandbox.app.client_id,
                         sandbox.app.client_secret, now=now, **options)
