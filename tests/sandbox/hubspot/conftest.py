"""The official SDK pointed at the sandbox, as a product would use it (no hidden urllib3 retries)."""
from __future__ import annotations

import pytest
from hubspot import HubSpot
from urllib3.util.retry import Retry


def sdk(sandbox, portal_id, base_url: str | None = None) -> HubSpot:
    token = sandbox.issue_tokens(portal_id)["access_token"]
    return HubSpot(access_token=token, host=base_url or sandbox.base_url, retry=Retry(0))


@pytest.fixture
def portal(hubspot_sandbox):
    return hubspot_sandbox.add_portal(contacts=300, seed=7)


@pytest.fixture
def hubspot(hubspot_sandbox, portal) -> HubSpot:
    return sdk(hubspot_sandbox, portal.id)
