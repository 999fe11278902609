"""Time passing in a sandbox: the daily hazard the population's propensity gives, nurturing's documented effect,
and each CRM's people converting as that CRM shows a conversion, stamped with the sandbox clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from connector import clock
from connector.sandbox.days import DAY, Days, daily_hazard
from connector.sandbox.hubspot import HubSpotSandbox
from connector.sandbox.hubspot.simulation import PortalPeople
from connector.sandbox.salesforce.sandbox import SalesforceSandbox
from connector.sandbox.salesforce.simulation import OrgPeople


def test_left_alone_a_person_converts_within_conversion_days_with_their_propensity():
    hazard = daily_hazard(0.3, conversion_days=30, nurtured=False, nurture_effect=0.5)
    assert 1 - (1 - hazard) ** 30 == pytest.approx(0.3)
    assert daily_hazard(0.3, 30, nurtured=True, nurture_effect=0.5) == pytest.approx(hazard * 1.5)
    assert daily_hazard(0.3, 30, nurtured=True, nurture_effect=0.0) == hazard
    assert daily_hazard(0.99, 1, nurtured=True, nurture_effect=1.0) == 1.0


class FakePeople:
    def __init__(self, nurtured: set[str]):
        self.open = {str(i): 0.2 for i in range(4000)}
        self._nurtured = nurtured

    def open_people(self):
        return dict(self.open)

    def nurtured(self):
        return self._nurtured

    def convert(self, record_ids):
        for record_id in record_ids:
            del self.open[record_id]


@pytest.mark.parametrize("effect", [0.0, 1.0])
def test_nurturing_raises_the_chance_by_the_set_effect_and_zero_changes_nothing(effect):
    people = FakePeople(nurtured={str(i) for i in range(0, 4000, 2)})
    converted = Days(people, nurture_effect=effect, conversion_days=1, seed=1).step()  # one day: hazard 0.2
    nurtured = sum(int(c) % 2 == 0 for c in converted)
    assert nurtured / (len(converted) - nurtured) == pytest.approx(1 + effect, rel=0.1)


def test_each_crm_shows_a_conversion_its_own_way_at_the_sandbox_time():
    hubspot = HubSpotSandbox()
    portal = hubspot.add_portal(contacts=200, seed=3)
    people = PortalPeople(hubspot, portal.id)
    hubspot.clock.advance(DAY)
    first = sorted(people.open_people())[0]
    people.convert([first])
    contact = hubspot.contact(portal.id, first)
    assert contact["lifecyclestage"] == "customer" and first not in people.open_people()
    stamped = datetime.fromisoformat(contact["lastmodifieddate"].replace("Z", "+00:00"))
    assert stamped > datetime.now(timezone.utc) + timedelta(hours=23)

    salesforce = SalesforceSandbox()
    org = salesforce.add_org(leads=200, seed=3)
    leads = OrgPeople(salesforce, org.id)
    lead = sorted(leads.open_people())[0]
    leads.convert([lead])
    assert salesforce.record(org.id, "Lead", lead)["IsConverted"] is True and lead not in leads.open_people()


def test_the_connector_reads_a_handed_clock_and_goes_back_to_real_time():
    later = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with clock.using(lambda: later):
        assert clock.now() == later
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)
