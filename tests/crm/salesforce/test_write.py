"""Write-back through sObject Collections: 200 per call, per-record failures reported, the rest landed,
converted leads redirected to the contact they became."""
import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connector.crm.base import FieldWrite
from connector.crm.salesforce import salesforce_score_fields

from tests.fixtures.salesforce_client import connect, seeded_sandbox

NAMES = salesforce_score_fields()
UNKNOWN = ["00Q000000000000AAA", "00Q000000000001AAA", "003000000000000AAA"]


@pytest.fixture(scope="module")
def written():
    with seeded_sandbox(leads=1200, contacts=100, seed=11) as (sandbox, org_id, base_url):
        client = connect(sandbox, org_id, base_url)
        client.provision_fields(NAMES)
        leads = [r for batch in client.pull_changed(None) for r in batch.records if r.object_type == "Lead"]
        converted = {r.crm_id: r.properties["ConvertedContactId"] for r in leads
                     if r.properties["IsConverted"] == "true"}
        targets = [r.crm_id for r in leads][:1000 - len(UNKNOWN) - 1]
        writes = [FieldWrite(i, "Lead", {NAMES.score: "42", NAMES.tier: "B", NAMES.reasons: "Big company; VP title"})
                  for i in targets]
        writes += [FieldWrite(i, None, {NAMES.score: "42"}) for i in UNKNOWN] + [FieldWrite("not-an-id", "Lead",
                                                                                         {NAMES.score: "1"})]
        fresh = connect(sandbox, org_id, base_url)  # knows no conversions yet: learns them from the refusals
        fresh.schema()
        result = fresh.write_fields(writes)
        yield sandbox, org_id, base_url, fresh, result, targets, converted


def test_every_valid_write_landed_in_collections_of_200(written):
    sandbox, org_id, _, client, result, targets, converted = written
    assert sorted(result.written) == sorted(targets)
    plain = [i for i in targets if i not in converted]
    assert all(float(sandbox.record(org_id, "Lead", i)[NAMES.score]) == 42 for i in plain)
    assert all(sandbox.record(org_id, "Lead", i)[NAMES.tier] == "B" for i in plain)
    # 1000 records: 5 collections, plus one more for the converted leads sent on to their contacts.
    assert client.api_calls["write"] == 5 + (1 if converted else 0)


def test_unknown_and_malformed_ids_are_reported_not_fatal(written):
    _, _, _, _, result, _, _ = written
    rejected = {r.crm_id: r for r in result.rejected}
    assert set(rejected) == set(UNKNOWN) | {"not-an-id"}
    assert rejected["not-an-id"].code == "INVALID_INPUT"
    assert all(rejected[i].code and rejected[i].reason for i in UNKNOWN)


def test_converted_leads_are_written_to_their_contact(written):
    sandbox, org_id, _, _, _, targets, converted = written
    hit = [i for i in targets if i in converted]
    assert hit, "the seeded org should hold converted leads"
    for lead_id in hit:
        assert float(sandbox.record(org_id, "Contact", converted[lead_id])[NAMES.score]) == 42
        assert sandbox.record(org_id, "Lead", lead_id).get(NAMES.score) in (None, "")


def test_known_conversions_go_straight_to_the_contact(written):
    sandbox, org_id, base_url, _, _, targets, converted = written
    client = connect(sandbox, org_id, base_url)
    pulled = [r for batch in client.pull_changed(None) for r in batch.records]
    lead_id = next(i for i in targets if i in converted)
    result = client.write_fields([FieldWrite(lead_id, "Lead", {NAMES.score: "77"})])
    assert result.written == [lead_id] and client.api_calls["write"] == 1 and pulled
    assert float(sandbox.record(org_id, "Contact", converted[lead_id])[NAMES.score]) == 77


def test_none_clears_a_field(written):
    sandbox, org_id, base_url, _, _, targets, converted = written
    client = connect(sandbox, org_id, base_url)
    lead_id = next(i for i in targets if i not in converted)
    assert client.write_fields([FieldWrite(lead_id, "Lead", {NAMES.model: None})]).written == [lead_id]
    assert sandbox.record(org_id, "Lead", lead_id).get(NAMES.model) in (None, "")


def test_alternating_leads_and_contacts_are_grouped_by_type():
    """200 records alternating Lead/Contact are 200 type chunks: a real org refuses that request (more than 10
    chunks, REST API Developer Guide, "Update Records Using sObject Collections"); the adapter groups them."""
    with seeded_sandbox(leads=150, contacts=120, seed=5) as (sandbox, org_id, base_url):
        client = connect(sandbox, org_id, base_url)
        client.provision_fields(NAMES)
        leads = [r["Id"] for r in sandbox.records(org_id, "Lead") if not r["IsConverted"]][:100]
        contacts = [r["Id"] for r in sandbox.records(org_id, "Contact")][:100]
        order = [(kind, crm_id) for pair in zip(leads, contacts) for kind, crm_id in zip(("Lead", "Contact"), pair)]
        as_sent = {"allOrNone": False, "records": [{"attributes": {"type": kind}, "id": crm_id, NAMES.score: "61"}
                                                   for kind, crm_id in order]}
        tokens = sandbox.issue_tokens(org_id)
        sdk = Salesforce(instance_url=tokens["instance_url"], session_id=tokens["access_token"],
                         session=sandbox.local_session())
        with pytest.raises(SalesforceMalformedRequest) as raised:
            sdk.restful("composite/sobjects", method="PATCH", json=as_sent)
        assert raised.value.content[0]["message"].startswith("Cannot have more than 10 chunks")
        assert sandbox.record(org_id, "Lead", leads[0]).get(NAMES.score) in (None, "")

        result = client.write_fields([FieldWrite(crm_id, kind, {NAMES.score: "61"}) for kind, crm_id in order])
        assert sorted(result.written) == sorted(leads + contacts) and not result.rejected
        assert client.api_calls["write"] == 1
        assert all(float(sandbox.record(org_id, kind, crm_id)[NAMES.score]) == 61 for kind, crm_id in order)


def test_a_field_the_user_cannot_see_is_reported_and_the_rest_written(written):
    """Salesforce refuses the whole collection for one unknown or hidden field (400 INVALID_FIELD): the records
    naming it are reported and the others sent again, nothing raised."""
    sandbox, org_id, base_url, _, _, targets, converted = written
    client = connect(sandbox, org_id, base_url)
    plain = [i for i in targets if i not in converted][:3]
    writes = [FieldWrite(plain[0], "Lead", {NAMES.score: "13", "Hidden_Field__c": "x"})]
    writes += [FieldWrite(i, "Lead", {NAMES.score: "13"}) for i in plain[1:]]
    result = client.write_fields(writes)
    assert sorted(result.written) == sorted(plain[1:])
    assert [(r.crm_id, r.code) for r in result.rejected] == [(plain[0], "INVALID_FIELD")]
    assert "Hidden_Field__c" in result.rejected[0].reason and client.api_calls["write"] == 2
    assert float(sandbox.record(org_id, "Lead", plain[0])[NAMES.score]) == 42  # untouched


def test_an_over_long_value_is_cut_to_the_described_length_and_the_rest_land():
    with seeded_sandbox(leads=30, contacts=0, seed=12) as (sandbox, org_id, base_url):
        client = connect(sandbox, org_id, base_url)
        client.provision_fields(NAMES)
        ids = [r.crm_id for batch in client.pull_changed(None) for r in batch.records
               if r.object_type == "Lead" and r.properties.get("IsConverted") != "true"]
        title = "Chief " + "x" * 100_000  # a 100 KB job title, quoted by the reason it ends up in
        reasons = "\n".join(["▲ Lead source: Web", f"▲ Job title: {title}", "▼ No email opened"])
        writes = [FieldWrite(i, "Lead", {NAMES.score: "42", NAMES.reasons: "Big company"}) for i in ids]
        writes[3] = FieldWrite(ids[3], "Lead", {NAMES.score: "90", NAMES.reasons: reasons,
                                                NAMES.model: "v" + "9" * 300})

        result = client.write_fields(writes)

        assert result.rejected == [] and sorted(result.written) == sorted(ids)
        record = sandbox.record(org_id, "Lead", ids[3])
        assert record[NAMES.reasons] == "▲ Lead source: Web\n…"
        assert len(record[NAMES.model]) <= 80 and client.max_length("Lead", NAMES.reasons) == 32768
        assert sandbox.record(org_id, "Lead", ids[4])[NAMES.reasons] == "Big company"

        answer = requests.patch(f"{base_url}/services/data/v59.0/sobjects/Lead/{ids[5]}", timeout=10,
                                json={NAMES.reasons: "y" * 32769},
                                headers={"Authorization": f"Bearer {client.credentials.access_token}"})
        assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "STRING_TOO_LONG"  # as Salesforce
