"""The connector's Salesforce adapter on a sandbox org, as the install flow would have left it: freshly
issued tokens, the sandbox's clock, every request through the sandbox's `LocalSession`. For the demo, the
benches and the tests, so none of them rebuilds this by hand."""
from __future__ import annotations

from datetime import timedelta

from connector.crm.base import Credentials
from connector.crm.salesforce import SalesforceClient, salesforce_endpoints
from connector.crm.salesforce.oauth import identity_ids

from .sandbox import SalesforceSandbox


def adapter_client(sandbox: SalesforceSandbox, org_id: str, base_url: str | None = None,
                   **options) -> SalesforceClient:
    """A `SalesforceClient` on one org; `base_url` defaults to where the sandbox says it is served.

    Pulls run with no commit lag by default: the sandbox commits every write before it answers. Requests go
    through the sandbox's `LocalSession` unless `session_factory` names another (a test's faulty one)."""
    base_url = base_url or sandbox.base_url
    if not base_url:
        raise ValueError("the sandbox is not served anywhere yet; pass base_url")
    tokens = sandbox.issue_tokens(org_id)
    _, user_id = identity_ids(tokens["id"])
    credentials = Credentials(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"],
                              expires_at=None, account_id=str(org_id), instance_url=tokens["instance_url"],
                              extra={"user_id": user_id})
    options.setdefault("modstamp_lag", timedelta(0))
    options.setdefault("now", sandbox.clock.now)
    options.setdefault("session_factory", lambda: sandbox.local_session(base_url))
    return SalesforceClient(salesforce_endpoints(base_url, tokens["instance_url"]), credentials,
                            sandbox.app.client_id, sandbox.app.client_secret, **options)
