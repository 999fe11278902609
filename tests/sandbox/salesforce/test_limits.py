"""Usage header, the daily allocation as 403 REQUEST_LIMIT_EXCEEDED, faults, and the /_sandbox switches."""
import pytest
import requests
from simple_salesforce.exceptions import SalesforceGeneralError, SalesforceRefusedRequest

from .conftest import sdk


def test_every_response_carries_the_usage_and_limits_agrees(salesforce_sandbox, sf, org):
    sf.query("SELECT Id FROM Lead LIMIT 1")
    assert sf.api_usage["api-usage"].used == 1 and sf.api_usage["api-usage"].total == 100_000
    salesforce_sandbox.set_api_usage(org.id, 95_000)
    limits = sf.limits()
    assert limits["DailyApiRequests"] == {"Max": 100_000, "Remaining": 4_999}


def test_past_the_daily_allocation_is_403_request_limit_exceeded(salesforce_sandbox, sf, org):
    salesforce_sandbox.set_api_usage(org.id, 100_000)
    with pytest.raises(SalesforceRefusedRequest) as raised:
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert raised.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"


def test_storm_and_server_errors(salesforce_sandbox, sf):
    salesforce_sandbox.faults.rate_limit_storm = 1
    with pytest.raises(SalesforceRefusedRequest):
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert sf.query("SELECT Id FROM Lead LIMIT 1")["totalSize"] == 1
    salesforce_sandbox.faults.error_rate = 1.0
    with pytest.raises(SalesforceGeneralError):
        sf.query("SELECT Id FROM Lead LIMIT 1")


def test_switches_and_inspection_over_http(salesforce_sandbox, sf, org):
    base = f"{salesforce_sandbox.base_url}/_sandbox"
    sf.query("SELECT Id FROM Lead LIMIT 1")
    assert requests.get(f"{base}/orgs/{org.id}/calls").json() == {"search": 1}
    assert requests.put(f"{base}/faults", json={"rate_limit_storm": 2}).json()["rate_limit_storm"] == 2
    assert requests.put(f"{base}/faults", json={"nonsense": 1}).status_code == 400
    requests.delete(f"{base}/faults")
    assert requests.put(f"{base}/orgs/{org.id}/usage", json={"used": 7}).json()["used"] == 7
    lead = sf.query("SELECT Id FROM Lead LIMIT 1")["records"][0]["Id"]
    assert requests.get(f"{base}/orgs/{org.id}/records/Lead/{lead}").json()["Id"] == lead
    assert requests.get(f"{base}/orgs/00Dnope/calls").status_code == 404
    requests.post(f"{base}/sessions/expire")
    assert requests.get(f"{salesforce_sandbox.base_url}/services/data/v59.0/limits",
                        headers={"Authorization": "Bearer x"}).json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_old_api_versions_are_not_served(salesforce_sandbox, org):
    token = salesforce_sandbox.issue_tokens(org.id)["access_token"]
    answer = requests.get(f"{salesforce_sandbox.base_url}/services/data/v58.0/limits/",
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404 and answer.json()[0]["errorCode"] == "NOT_FOUND"


def test_a_new_day_brings_a_fresh_allocation(salesforce_sandbox, org):
    salesforce_sandbox.set_api_usage(org.id, 100_000)
    salesforce_sandbox.clock.advance(86_400)  # the day's sessions end with it too: sign in afresh
    sf = sdk(salesforce_sandbox, org.id)
    assert sf.query("SELECT Id FROM Lead LIMIT 1")["totalSize"] == 1
    assert sf.api_usage["api-usage"].used == 1
