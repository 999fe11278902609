"""Rate-limit storms, outages, expiring and revoked tokens: survived or surfaced as typed errors."""
from collections import Counter

import pytest

from connector.crm.base import Credentials, FieldWrite
from connector.crm.errors import AuthRevoked, RateLimited
from connector.crm.hubspot import HubSpotClient, hubspot_endpoints, hubspot_score_fields

from tests.fixtures.hubspot_client import TEST_RETRY, connect, seeded_sandbox

NAMES = hubspot_score_fields()


def all_ids(client):
    return [r.crm_id for batch in client.pull_changed(None) for r in batch.records]


def test_every_write_lands_through_a_429_storm(hubspot_client, hubspot_sandbox, hubspot_portal):
    hubspot_client.provision_fields(NAMES)
    ids = all_ids(hubspot_client)
    hubspot_sandbox.faults.storm_retry_after = 0.01
    hubspot_sandbox.faults.rate_limit_storm = 12
    result = hubspot_client.write_fields([FieldWrite(i, "contacts", {NAMES.score: "42"}) for i in ids])
    assert sorted(result.written) == sorted(ids) and result.rejected == []
    assert all(hubspot_sandbox.contact(hubspot_portal.id, i)[NAMES.score] == "42" for i in ids)


def test_server_errors_are_retried_until_the_pull_completes(hubspot_client, hubspot_sandbox):
    hubspot_sandbox.faults.seed = 1
    hubspot_sandbox.faults.error_rate = 0.2
    ids = all_ids(hubspot_client)
    hubspot_sandbox.faults.clear()
    assert len(ids) == len(set(ids)) == 300


def test_a_token_expiring_mid_pull_is_refreshed_once(hubspot_sandbox):
    portal = hubspot_sandbox.add_portal(contacts=1000, seed=5)
    saved = []
    client = connect(hubspot_sandbox, portal.id, on_token_refresh=saved.append)
    client.schema()  # properties cached, so the pull is pure search traffic
    pages = client.pull_changed(None)
    ids = [r.crm_id for r in next(pages).records]
    hubspot_sandbox.expire_all_tokens()
    ids += [r.crm_id for batch in pages for r in batch.records]
    assert len(ids) == len(set(ids)) == 1000
    assert client.api_calls["auth"] == 1 and len(saved) == 1
    assert saved[0].access_token == client.credentials.access_token


def test_a_token_reaching_its_expiry_is_refreshed_before_it_fails(hubspot_sandbox):
    portal = hubspot_sandbox.add_portal(contacts=1000, seed=6)
    client = connect(hubspot_sandbox, portal.id)
    pages = client.pull_changed(None)
    ids = [r.crm_id for r in next(pages).records]
    hubspot_sandbox.clock.advance(1800 - 60)  # inside the refresh margin of a 30-minute token
    ids += [r.crm_id for batch in pages for r in batch.records]
    assert len(ids) == len(set(ids)) == 1000
    assert client.api_calls["auth"] == 1


def test_a_revoked_refresh_token_surfaces_as_auth_revoked(hubspot_sandbox, hubspot_portal):
    client = connect(hubspot_sandbox, hubspot_portal.id)
    hubspot_sandbox.revoke_refresh_token(client.credentials.refresh_token)
    hubspot_sandbox.expire_all_tokens()
    with pytest.raises(AuthRevoked) as caught:
        client.schema()
    assert client.credentials.refresh_token not in str(caught.value)


def test_a_used_up_daily_limit_is_raised_at_once_with_its_policy_not_waited_out():
    with seeded_sandbox(contacts=5, daily_limit=2) as (sandbox, portal_id, base_url):
        token = sandbox.add_private_app_token(portal_id, "pat-test-adapter")
        client = HubSpotClient(hubspot_endpoints(base_url, base_url), Credentials(token, None, None, str(portal_id)),
                               "unused", "unused", retry=TEST_RETRY, now=sandbox.clock.now)
        client.schema()
        client.schema()
        with pytest.raises(RateLimited) as caught:
            client.schema()
        # Retry-After runs to midnight, far past what is worth sleeping in process: the worker reschedules.
        assert caught.value.policy == "DAILY" and caught.value.retry_after > TEST_RETRY.max_wait
        assert client.api_calls["schema"] == 3 and sandbox.calls(portal_id)["rate_limited"] == 1
        client.close()


class RecordingGate:
    metered_kinds = frozenset()

    def __init__(self):
        self.admitted = []

    def acquire(self, account_key, kind):
        self.admitted.append((account_key, kind))


def test_every_request_passes_the_gate_and_is_counted(hubspot_sandbox, hubspot_portal):
    gate = RecordingGate()
    client = connect(hubspot_sandbox, hubspot_portal.id, gate=gate)
    client.provision_fields(NAMES)
    ids = all_ids(client)
    client.write_fields([FieldWrite(i, "contacts", {NAMES.score: "1"}) for i in ids])
    client.fetch(ids[:10])
    hubspot_sandbox.expire_all_tokens()
    client.schema()
    assert {key for key, _ in gate.admitted} == {str(hubspot_portal.id)}
    assert Counter(kind for _, kind in gate.admitted) == client.api_calls
    assert set(client.api_calls) == {"schema", "search", "write", "read", "auth"}
