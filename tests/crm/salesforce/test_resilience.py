"""Expired sessions, revoked grants, limit storms, outages and a nearly spent daily allocation."""
import logging
from collections import Counter

import pytest

from connector.crm.base import FieldWrite
from connector.crm.errors import AuthExpired, AuthRevoked, CrmRequestInvalid, RateLimited
from connector.crm.retry import RetryPolicy

from tests.crm.salesforce.sandbox_reads import pull_ids
from tests.fixtures.salesforce_client import connect, seeded_sandbox


def test_a_session_expiring_mid_pull_is_refreshed_once(salesforce_sandbox):
    org = salesforce_sandbox.add_org(leads=5000, contacts=0, seed=5)
    saved = []
    client = connect(salesforce_sandbox, org.id, on_token_refresh=saved.append)
    batches = client.pull_changed(None)
    ids = [r.crm_id for r in next(batches).records]
    salesforce_sandbox.expire_all_sessions()
    ids += [r.crm_id for batch in batches for r in batch.records if r.object_type == "Lead"]
    assert len(ids) == len(set(ids)) == 5000
    assert client.api_calls["auth"] == 1 and len(saved) == 1
    assert saved[0].access_token == client.credentials.access_token
    assert saved[0].refresh_token and saved[0].account_id == org.id


def test_a_session_refused_again_after_refresh_is_auth_expired():
    # Every session the org hands out ends a microsecond later, long before the next request arrives.
    with seeded_sandbox(leads=10, session_lifetime=1e-6) as (sandbox, org_id, base_url):
        client = connect(sandbox, org_id, base_url)
        with pytest.raises(AuthExpired):
            pull_ids(client, None)
        assert client.api_calls["auth"] == 1


def test_a_revoked_refresh_token_surfaces_as_auth_revoked(salesforce_sandbox, salesforce_org):
    client = connect(salesforce_sandbox, salesforce_org.id)
    salesforce_sandbox.revoke_refresh_token(client.credentials.refresh_token)
    salesforce_sandbox.expire_all_sessions()
    with pytest.raises(AuthRevoked) as caught:
        pull_ids(client, None)
    assert client.credentials.refresh_token not in str(caught.value)
    assert client.api_calls["auth"] == 1  # a revoked grant is final: not retried


def test_usage_past_90_percent_slows_the_adapter_down(salesforce_sandbox, salesforce_org, caplog):
    sleeps = []
    client = connect(salesforce_sandbox, salesforce_org.id, sleep=sleeps.append, page_size=200)
    client.schema()  # learns the usage figure from the first answers
    assert sleeps == []
    salesforce_sandbox.set_api_usage(salesforce_org.id, 95_000)
    with caplog.at_level(logging.WARNING, logger="connector.crm.salesforce.usage"):
        ids, _ = pull_ids(client, None)
    assert len(ids) == len(set(ids))
    # One pause before every request after the first over-threshold answer, growing as usage climbs.
    requests_sent = sum(client.api_calls.values())
    assert len(sleeps) >= requests_sent - 3 and all(s > 0 for s in sleeps) and sleeps == sorted(sleeps)
    assert sum("slowing down" in r.message for r in caplog.records) == 1


def test_a_short_limit_storm_is_waited_out(salesforce_sandbox, salesforce_org):
    sleeps = []
    client = connect(salesforce_sandbox, salesforce_org.id, sleep=sleeps.append)
    salesforce_sandbox.faults.storm_retry_after = 0.01
    salesforce_sandbox.faults.rate_limit_storm = 5
    ids, _ = pull_ids(client, None)
    assert len(ids) == len(set(ids)) and len(sleeps) == 5


def test_an_endless_limit_storm_raises_rate_limited(salesforce_sandbox, salesforce_org):
    client = connect(salesforce_sandbox, salesforce_org.id, sleep=lambda s: None,
                     retry=RetryPolicy(attempts=2, rate_limit_attempts=4, base=0.0, max_wait=5.0))
    salesforce_sandbox.faults.storm_retry_after = 0.01
    salesforce_sandbox.faults.rate_limit_storm = 100
    with pytest.raises(RateLimited) as caught:
        pull_ids(client, None)
    assert caught.value.policy == "REQUEST_LIMIT_EXCEEDED"
    assert sum(client.api_calls.values()) == 4
    salesforce_sandbox.faults.clear()


def test_server_errors_are_retried_until_the_pull_completes(salesforce_sandbox, salesforce_org):
    client = connect(salesforce_sandbox, salesforce_org.id, sleep=lambda s: None)
    salesforce_sandbox.faults.seed = 1
    salesforce_sandbox.faults.error_rate = 0.2
    ids, _ = pull_ids(client, None, "Lead")
    salesforce_sandbox.faults.clear()
    assert len(ids) == len(set(ids)) == 300


def test_a_malformed_query_is_a_request_error(salesforce_client):
    with pytest.raises(CrmRequestInvalid):
        list(salesforce_client._query_batches("SELECT NoSuchField__c FROM Lead"))


class RecordingGate:
    metered_kinds = frozenset()

    def __init__(self):
        self.kinds = Counter()

    def acquire(self, account_key, kind):
        self.kinds[kind] += 1


def test_every_request_passes_the_gate_and_is_counted_by_kind(salesforce_sandbox, salesforce_org):
    gate = RecordingGate()
    client = connect(salesforce_sandbox, salesforce_org.id, gate=gate)
    ids, _ = pull_ids(client, None, "Lead")
    client.write_fields([FieldWrite(i, "Lead", {"Title": "CTO"}) for i in ids[:10]])
    assert gate.kinds == client.api_calls and set(gate.kinds) == {"schema", "read", "write"}
    assert sum(salesforce_sandbox.calls(salesforce_org.id).values()) == sum(client.api_calls.values())
