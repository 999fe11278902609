"""The Salesforce sandbox against the behaviour Salesforce documents, each test citing its source. The
10-chunk collection limit and the whole-request INVALID_FIELD are in test_records.py."""
import pytest
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceMalformedRequest, SalesforceRefusedRequest

from connector.sandbox.salesforce.store import FieldDef

from .conftest import sdk


def test_an_expired_session_is_401_invalid_session_id(salesforce_sandbox, sf):
    # REST API Developer Guide, "Status Codes and Error Responses" (errorcodes.htm): 401 "The session ID or
    # OAuth token used has expired or is invalid. The response body contains the message and errorCode."
    # SOAP/Metadata API guides, "Error Handling for Session Expiration": the code is INVALID_SESSION_ID.
    salesforce_sandbox.expire_all_sessions()
    with pytest.raises(SalesforceExpiredSession) as raised:
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert raised.value.status == 401
    assert raised.value.content == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID",
                                     "fields": []}]


def test_past_the_allocation_is_403_request_limit_exceeded_with_the_usage_header(salesforce_sandbox, sf, org):
    # REST API Developer Guide, "Status Codes and Error Responses": 403 "The request has been refused";
    # "API Request Limits and Allocations": over the 24-hour allocation, calls fail with REQUEST_LIMIT_EXCEEDED,
    # and every response carries Sforce-Limit-Info: api-usage=used/total.
    salesforce_sandbox.set_api_usage(org.id, 100_000)
    with pytest.raises(SalesforceRefusedRequest) as raised:
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert raised.value.status == 403 and raised.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"


def test_a_converted_lead_refuses_updates_alone_and_in_a_collection(salesforce_sandbox, sf, org):
    # Converted leads are read-only: updates fail with CANNOT_UPDATE_CONVERTED_LEAD; once converted, only
    # ConvertedAccountId or ConvertedContactId can be referenced (Salesforce Help, knowledge article 000384333,
    # https://help.salesforce.com/s/articleView?id=000384333&type=1).
    converted = next(r for r in salesforce_sandbox.records(org.id, "Lead") if r["IsConverted"])
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Lead.update(converted["Id"], {"Title": "x"})
    assert raised.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    answer = sf.restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": [
        {"attributes": {"type": "Lead"}, "id": converted["Id"], "Title": "x"},
        {"attributes": {"type": "Contact"}, "id": converted["ConvertedContactId"], "Title": "x"}]})
    assert answer[0]["errors"][0]["statusCode"] == "CANNOT_UPDATE_CONVERTED_LEAD" and answer[1]["success"]


def test_query_results_page_through_next_records_url_until_done(salesforce_sandbox):
    # REST API Developer Guide, "Query" (resources_query.htm): up to 2,000 records at a time; past that the
    # response has done false and nextRecordsUrl, the URI of the next batch; the last batch has done true.
    org = salesforce_sandbox.add_org(leads=4100, seed=4)
    sf = sdk(salesforce_sandbox, org.id)
    page = sf.query("SELECT Id FROM Lead")
    sizes, seen = [], set()
    while True:
        sizes.append(len(page["records"]))
        seen |= {r["Id"] for r in page["records"]}
        if page["done"]:
            assert "nextRecordsUrl" not in page or page["nextRecordsUrl"] is None
            break
        assert page["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
        page = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)
    assert sizes == [2000, 2000, 100] and len(seen) == 4100 and page["totalSize"] == 4100


def test_two_custom_long_text_fields_cap_query_batches_at_200(salesforce_sandbox, org):
    # SOQL and SOSL Reference, "Change the Batch Size in Queries": "If the SOQL statement selects two or more
    # custom fields of type long text, the batch size can't be greater than 200 records." REST API Developer
    # Guide, "Query Options Header": batchSize defaults to 2,000, minimum 200, maximum 2,000.
    for name in ("Story__c", "Notes__c"):
        org.fields["Lead"][name] = FieldDef(name, "textarea", label=name, custom=True, length=32768)
    sf = sdk(salesforce_sandbox, org.id)
    assert len(sf.query("SELECT Id, Description, Story__c FROM Lead")["records"]) == 300  # one custom: 2,000
    assert len(sf.query("SELECT Id, Story__c, Notes__c FROM Lead")["records"]) == 200


def test_count_query_answers_total_size_alone(sf):
    # SOQL and SOSL Reference, "COUNT()": returns the number of rows as the query's size, no records.
    answer = sf.query("SELECT COUNT() FROM Lead WHERE IsConverted = false")
    assert answer["records"] == [] and 0 < answer["totalSize"] < 300


def test_bulk_2_query_job_created_polled_and_read_in_csv_pages(salesforce_sandbox, sf, org):
    # Bulk API 2.0 Developer Guide: create a job (POST jobs/query), poll it until JobComplete, then read
    # GET jobs/query/{id}/results pages of maxRecords rows, each with Sforce-NumberOfRecords and a
    # Sforce-Locator for the next page ("null" after the last); the SDK's bulk2 client drives exactly that.
    pages = list(sf.bulk2.Lead.query("SELECT Id, Email, IsConverted FROM Lead", max_records=120, wait=0))
    rows = [line for page in pages for line in page.strip().split("\n")[1:]]
    assert len(pages) == 3 and len(rows) == 300 and pages[0].startswith('Id,Email,IsConverted\n')
    assert {line.rsplit(",", 1)[1] for line in rows} == {"true", "false"}
    assert salesforce_sandbox.calls(org.id)["search"] >= 1
