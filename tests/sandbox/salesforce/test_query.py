"""SOQL through simple-salesforce: the WHERE subset, ORDER BY, LIMIT, 2,000-record pages, clear 400s."""
import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connector.sandbox.salesforce.soql import SoqlError, parse

from .conftest import sdk


def ids(answer):
    return [r["Id"] for r in answer["records"]]


def test_where_with_and_or_parentheses_in_and_datetimes(salesforce_sandbox, sf, org):
    leads = salesforce_sandbox.records(org.id, "Lead")
    middle = sorted(r["SystemModstamp"] for r in leads)[150]  # a literal in Salesforce's own +0000 form
    soql = (f"SELECT Id, IsConverted, SystemModstamp FROM Lead WHERE (SystemModstamp > {middle} OR Id IN "
            f"('{leads[0]['Id']}', '{leads[1]['Id']}')) AND IsConverted = false ORDER BY SystemModstamp DESC, Id")
    rows = sf.query_all(soql)["records"]
    expected = {r["Id"] for r in leads if not r["IsConverted"] and (
        r["SystemModstamp"] > middle or r["Id"] in (leads[0]["Id"], leads[1]["Id"]))}
    assert {r["Id"] for r in rows} == expected and rows
    stamps = [r["SystemModstamp"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)


def test_limit_and_last_modified_date(sf):
    rows = sf.query("SELECT Id, LastModifiedDate FROM Lead WHERE LastModifiedDate >= 2000-01-01T00:00:00Z "
                    "ORDER BY LastModifiedDate, Id LIMIT 7")["records"]
    assert len(rows) == 7 and rows[0]["LastModifiedDate"].endswith("+0000")


def test_thousands_of_leads_come_in_2000_record_pages_with_a_relative_next_url(salesforce_sandbox):
    org = salesforce_sandbox.add_org(leads=4500, seed=9)
    sf = sdk(salesforce_sandbox, org.id, version="60.0")
    first = sf.query("SELECT Id FROM Lead")
    assert len(first["records"]) == 2000 and not first["done"] and first["totalSize"] == 4500
    assert first["nextRecordsUrl"].startswith("/services/data/v60.0/query/")
    everything = sf.query_all("SELECT Id FROM Lead")
    assert len(set(ids(everything))) == 4500


def test_batch_size_header_is_honoured_within_200_to_2000(salesforce_sandbox, org):
    sf = sdk(salesforce_sandbox, org.id)
    sf.headers["Sforce-Query-Options"] = "batchSize=50"  # below the floor: Salesforce uses 200
    assert len(sf.query("SELECT Id FROM Lead")["records"]) == 200


def test_query_all_serves_the_same_rows(sf):
    assert sf.query("SELECT Id FROM Lead", include_deleted=True)["totalSize"] == 300


@pytest.mark.parametrize("soql, code", [
    ("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY"),
    ("SELECT Id FROM Lead WHERE Email LIKE 'a%'", "MALFORMED_QUERY"),
    ("SELECT Id, Shoe_Size__c FROM Lead", "INVALID_FIELD"),
    ("SELECT Id FROM Lead ORDER BY Nope", "INVALID_FIELD"),
    ("SELECT Id FROM Opportunity", "INVALID_TYPE"),
])
def test_what_it_does_not_understand_is_a_clear_400(sf, soql, code):
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query(soql)
    assert raised.value.content[0]["errorCode"] == code


def test_the_parser_builds_a_tree_and_rejects_garbage():
    query = parse("SELECT Id FROM Lead WHERE (A = 1 OR B != 'x') AND C NOT IN (true, null) ORDER BY A DESC LIMIT 5")
    assert query.where[0] == "and" and query.where[1][0] == "or" and query.limit == 5
    assert query.order == [("A", True)]
    for bad in ("SELECT FROM Lead", "SELECT Id FROM Lead LIMIT x", "SELECT Id FROM Lead WHERE (A = 1"):
        with pytest.raises(SoqlError):
            parse(bad)
