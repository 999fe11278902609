"""Batch write-back: at most 100 per call, bad records reported, every other write landed."""
from connector.crm.base import FieldWrite
from connector.crm.hubspot import hubspot_score_fields

from tests.fixtures.hubspot_client import connect

NAMES = hubspot_score_fields()


def score_writes(ids):
    return [FieldWrite(i, "contacts", {NAMES.score: str(n % 101), NAMES.tier: "ABCD"[n % 4],
                                       NAMES.reasons: f"reason {n}"}) for n, i in enumerate(ids)]


def test_a_thousand_writes_land_in_batches_with_bad_ids_reported(hubspot_sandbox):
    portal = hubspot_sandbox.add_portal(contacts=1000, seed=3)
    client = connect(hubspot_sandbox, portal.id)
    client.provision_fields(NAMES)
    ids = [r.crm_id for batch in client.pull_changed(None) for r in batch.records]
    bad = ["999999901", "999999902", "999999903"]
    writes = score_writes(ids[:500] + bad + ids[500:])

    result = client.write_fields(writes)

    assert sorted(result.written) == sorted(ids)
    assert sorted(r.crm_id for r in result.rejected) == bad
    assert client.api_calls["write"] <= 11 + 3 * 7  # eleven batches of <= 100, plus splitting around bad ids
    for write in writes:
        if write.crm_id not in bad:
            stored = hubspot_sandbox.contact(portal.id, write.crm_id)
            assert {name: stored[name] for name in write.values} == write.values


def test_a_bad_value_refuses_only_its_record(hubspot_client, hubspot_sandbox, hubspot_portal):
    hubspot_client.provision_fields(NAMES)
    ids = [r.crm_id for batch in hubspot_client.pull_changed(None) for r in batch.records][:50]
    writes = score_writes(ids)
    writes[17] = FieldWrite(ids[17], "contacts", {NAMES.tier: "Z"})  # not one of the tier options
    result = hubspot_client.write_fields(writes)  # HubSpot refuses the whole batch (400): halved, never raised
    assert [(r.crm_id, r.code) for r in result.rejected] == [(ids[17], "VALIDATION_ERROR")]
    assert 1 < hubspot_client.api_calls["write"] <= 1 + 2 * 6  # halvings down to the one bad record
    assert sorted(result.written) == sorted(ids[:17] + ids[18:])
    assert hubspot_sandbox.contact(hubspot_portal.id, ids[18])[NAMES.tier] == writes[18].values[NAMES.tier]


def test_a_property_that_does_not_exist_is_reported_for_the_batch_in_one_call(hubspot_client, hubspot_portal):
    """Score properties deleted in the portal: HubSpot refuses the batch (400 PROPERTY_DOESNT_EXIST), which no
    halving can fix; every record is reported after one call, nothing raised."""
    ids = [str(i) for i in hubspot_portal.ids[:40]]
    result = hubspot_client.write_fields([FieldWrite(i, "contacts", {NAMES.score: "5"}) for i in ids])
    assert result.written == [] and sorted(r.crm_id for r in result.rejected) == sorted(ids)
    assert {r.code for r in result.rejected} == {"VALIDATION_ERROR"} and hubspot_client.api_calls["write"] == 1
