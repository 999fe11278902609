"""HubSpot search is limited to 5 requests a second and says so only with 429s (no rate-limit headers): the
adapter paces its searches so a pull of many pages is never refused, instead of leaning on retries."""
from tests.fixtures.hubspot_client import connect, seeded_sandbox

CONTACTS = 2400  # 12 search pages of 200, more than two seconds' worth at 5 a second


def pulled(client):
    return [r.crm_id for batch in client.pull_changed(None) for r in batch.records]


def test_a_pull_of_many_search_pages_gets_no_429_at_hubspots_search_limit():
    with seeded_sandbox(contacts=CONTACTS) as (sandbox, portal_id, base_url):  # HubSpot's limits: 5 searches / s
        assert sandbox.search_window.limit == 5
        paced = connect(sandbox, portal_id, base_url)
        ids = pulled(paced)
        assert len(ids) == len(set(ids)) == CONTACTS
        calls = sandbox.calls(portal_id)
        assert calls["rate_limited"] == 0
        assert calls["search"] == paced.api_calls["search"] >= CONTACTS // 200
        assert paced.search_pacer.waited > 0  # it did hold searches back

        # The same pull without pacing is refused by the sandbox and only gets through by waiting out 429s.
        sandbox.reset()
        unpaced = connect(sandbox, portal_id, base_url, search_per_second=None)
        assert sorted(pulled(unpaced)) == sorted(ids)
        assert sandbox.calls(portal_id)["rate_limited"] > 0
