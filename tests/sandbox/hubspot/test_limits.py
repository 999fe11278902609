"""HubSpot's limits and the fault switches, as the SDK sees them: 429 bodies, Retry-After, rate-limit headers."""
from __future__ import annotations

import json

import pytest
import requests
from hubspot.crm.contacts import ApiException, PublicObjectSearchRequest

from tests.fixtures.hubspot_client import seeded_sandbox


def test_reads_carry_rate_limit_headers_and_the_111th_gets_a_429(hubspot_sandbox, portal, hubspot):
    hubspot_sandbox.set_limits(request_limit=5)
    headers = {"Authorization": f"Bearer {hubspot.access_token}"}
    url = f"{hubspot_sandbox.base_url}/crm/v3/objects/contacts"
    answers = [requests.get(url, headers=headers) for _ in range(5)]
    assert [a.headers["X-HubSpot-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    assert answers[0].headers["X-HubSpot-RateLimit-Max"] == "5"
    assert answers[0].headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    with pytest.raises(ApiException) as limited:
        hubspot.crm.contacts.basic_api.get_page(limit=1)
    assert limited.value.status == 429 and int(limited.value.headers["Retry-After"]) >= 1
    body = json.loads(limited.value.body)
    assert body["errorType"] == "RATE_LIMIT" and body["policyName"] == "TEN_SECONDLY_ROLLING"
    hubspot_sandbox.clock.advance(10)  # the rolling window moves on
    assert hubspot.crm.contacts.basic_api.get_page(limit=1).results


def test_search_has_its_own_secondly_limit_and_no_rate_limit_headers(hubspot_sandbox, portal, hubspot):
    hubspot_sandbox.set_limits(request_limit=1)
    hubspot.crm.contacts.basic_api.get_page(limit=1)  # the 10-second window is now full
    url = f"{hubspot_sandbox.base_url}/crm/v3/objects/contacts/search"
    headers = {"Authorization": f"Bearer {hubspot.access_token}"}
    answers = [requests.post(url, json={"limit": 1}, headers=headers) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert not any(h.startswith("X-HubSpot-RateLimit") for a in answers[:5] for h in a.headers)
    assert answers[5].json()["policyName"] == "SECONDLY"
    assert hubspot_sandbox.calls(portal.id)["search"] == 6


def test_storm_5xx_and_latency_switches(hubspot_sandbox, portal, hubspot):
    hubspot_sandbox.faults.rate_limit_storm = 2
    for _ in range(2):
        with pytest.raises(ApiException) as stormed:
            hubspot.crm.contacts.search_api.do_search(PublicObjectSearchRequest(limit=1))
        assert stormed.value.status == 429
    assert hubspot.crm.contacts.search_api.do_search(PublicObjectSearchRequest(limit=1)).total == 300
    hubspot_sandbox.faults.error_rate = 1.0
    with pytest.raises(Exception) as broken:
        hubspot.crm.contacts.basic_api.get_page(limit=1)
    assert getattr(broken.value, "status", None) == 502


def test_switches_and_inspection_over_http(hubspot_sandbox, portal, hubspot):
    base = f"{hubspot_sandbox.base_url}/_sandbox"
    assert requests.post(f"{base}/faults", json={"rate_limit_storm": 1}).json()["rate_limit_storm"] == 1
    assert requests.post(f"{base}/faults", json={"bogus": 1}).status_code == 400
    with pytest.raises(ApiException):
        hubspot.crm.contacts.basic_api.get_page(limit=1)
    assert requests.get(f"{base}/portals/{portal.id}/calls").json() == {"read": 1, "rate_limited": 1}
    contact_id = portal.ids[0]
    stored = requests.get(f"{base}/portals/{portal.id}/contacts/{contact_id}").json()
    assert stored["hs_object_id"] == str(contact_id)
    token = requests.post(f"{base}/portals/{portal.id}/tokens").json()["access_token"]
    requests.post(f"{base}/tokens/expire")
    expired = requests.get(f"{hubspot_sandbox.base_url}/crm/v3/objects/contacts",
                           headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401


def test_a_private_app_token_is_metered_by_the_day_and_oauth_tokens_are_not():
    with seeded_sandbox(contacts=5, daily_limit=3) as (sandbox, portal_id, base_url):  # its clock jumps a day
        token = sandbox.add_private_app_token(portal_id, "pat-test-daily")
        url = f"{base_url}/crm/v3/objects/contacts"

        def get(bearer):
            return requests.get(url, headers={"Authorization": f"Bearer {bearer}"})

        answers = [get(token) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["X-HubSpot-RateLimit-Daily-Remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert answers[0].headers["X-HubSpot-RateLimit-Daily"] == "3"
        assert answers[3].json()["policyName"] == "DAILY" and int(answers[3].headers["Retry-After"]) >= 1
        # OAuth calls have no daily limit and no daily headers, as HubSpot documents.
        oauth = get(sandbox.issue_tokens(portal_id)["access_token"])
        assert oauth.status_code == 200 and "X-HubSpot-RateLimit-Daily" not in oauth.headers
        sandbox.clock.advance(86_400)  # midnight has passed
        assert get(token).status_code == 200
        sandbox.expire_all_tokens()  # a private app's token has no expiry to reach
        assert get(token).status_code == 200
