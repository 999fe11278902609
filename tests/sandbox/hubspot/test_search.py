"""Search through the SDK: HubSpot's operators and comparisons, both sort forms, and the 10,000-result cap."""
from __future__ import annotations

import pytest
from hubspot.crm.contacts import ApiException, PublicObjectSearchRequest

from connector.sandbox.hubspot import HubSpotSandbox
from connector.sandbox.server import SandboxServer

from .conftest import sdk


@pytest.fixture(autouse=True)
def fast_search(hubspot_sandbox):
    """These tests are about what search finds; its 5-a-second limit has its own test."""
    hubspot_sandbox.set_limits(search_per_second=1000)


def search(client, filters=(), groups=None, sorts=None, limit=200, after=None, properties=("email",)):
    request = PublicObjectSearchRequest(filter_groups=groups or [{"filters": list(filters)}] if (groups or filters)
                                        else [], sorts=sorts or [], properties=list(properties), limit=limit,
                                        after=after)
    return client.crm.contacts.search_api.do_search(request)


def test_operators_compare_numbers_numerically_and_strings_as_strings(hubspot, portal, hubspot_sandbox):
    views = {i: int(hubspot_sandbox.contact(portal.id, i)["hs_analytics_num_page_views"]) for i in portal.ids}
    found = search(hubspot, [{"propertyName": "hs_analytics_num_page_views", "operator": "GTE", "value": "10"}])
    assert found.total == sum(v >= 10 for v in views.values())  # "9" < "10" would be wrong as strings
    stage = search(hubspot, [{"propertyName": "lifecyclestage", "operator": "IN", "values": ["opportunity", "customer"]}])
    neq = search(hubspot, [{"propertyName": "lifecyclestage", "operator": "NEQ", "value": "customer"}])
    customers = search(hubspot, [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "CUSTOMER"}])
    assert neq.total + customers.total == 300 and stage.total >= customers.total > 0
    has = search(hubspot, [{"propertyName": "leadscore_score", "operator": "NOT_HAS_PROPERTY"}])
    assert has.total == 300
    email = hubspot_sandbox.contact(portal.id, portal.ids[5])["email"]
    one = search(hubspot, [{"propertyName": "email", "operator": "EQ", "value": email}])
    assert [r.id for r in one.results] == [str(portal.ids[5])]


def test_filter_groups_are_or_and_filters_within_are_and(hubspot, portal):
    low, high = portal.ids[10], portal.ids[20]
    found = search(hubspot, groups=[
        {"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": str(low)},
                     {"propertyName": "hs_object_id", "operator": "LTE", "value": str(high)}]},
        {"filters": [{"propertyName": "hs_object_id", "operator": "EQ", "value": str(portal.ids[0])}]}])
    assert sorted(int(r.id) for r in found.results) == [portal.ids[0]] + portal.ids[11:21]


def test_sorts_in_both_forms_and_datetimes_by_epoch_ms(hubspot, portal, hubspot_sandbox):
    hubspot_sandbox.clock.advance(60)
    hubspot_sandbox.bulk_edit(portal.id, portal.ids[:3], {"industry": "Changed"})
    cutoff = int((hubspot_sandbox.clock.time() - 30) * 1000)
    recent = search(hubspot, [{"propertyName": "lastmodifieddate", "operator": "GT", "value": str(cutoff)}],
                    sorts=["-hs_object_id"])
    assert [int(r.id) for r in recent.results] == portal.ids[:3][::-1]
    ascending = search(hubspot, sorts=[{"propertyName": "createdate", "direction": "ASCENDING"}],
                       properties=["createdate"])
    dates = [r.properties["createdate"] for r in ascending.results]
    assert dates == sorted(dates) and ascending.paging.next.after == "200"


def test_paging_past_10000_results_is_a_400(hubspot_sandbox):
    portal = hubspot_sandbox.add_portal(contacts=10_050, seed=3)
    client = sdk(hubspot_sandbox, portal.id)
    last = search(client, limit=200, after="9800")
    assert last.total == 10_050 and last.paging is None
    with pytest.raises(ApiException) as refused:
        search(client, limit=200, after="10000")
    assert refused.value.status == 400 and "VALIDATION_ERROR" in refused.value.body
    with pytest.raises(ApiException):
        search(client, limit=201)


@pytest.mark.slow
def test_25k_contacts_come_through_130_searches_paged_on_hs_object_id():
    sandbox = HubSpotSandbox(search_per_second=1000)
    portal = sandbox.add_portal(contacts=25_000, seed=1)
    with SandboxServer(sandbox.wsgi_app) as server:
        client = sdk(sandbox, portal.id, server.base_url)
        seen, last, pages = [], 0, 0
        while True:
            page = search(client, [{"propertyName": "hs_object_id", "operator": "GT", "value": str(last)}],
                          sorts=["hs_object_id"])
            pages += 1
            if not page.results:
                break
            seen += [int(r.id) for r in page.results]
            last = seen[-1]
    assert seen == portal.ids and pages == 126
    assert sandbox.calls(portal.id)["search"] == 126
