"""Property-based fuzzing (Hypothesis) of every endpoint machines call: the JSON API (as its OpenAPI description
at /api/v1/openapi.json says, and beyond), both webhooks and the card endpoints, with valid signatures where
one is needed, so the fuzzed input reaches the code behind the signature check. Every answer must be < 500.

Run with `-s` to see the figures: requests tried per endpoint and the statuses seen.
"""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.test_webhooks import NOTIFICATION, OUTBOUND, outbound_path

from .conftest import (
    SF_ORG, add_installation, canvas_signed_request, hubspot_v3_headers, post_webhook,
)

EXAMPLES = 200
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
SEEN: dict[str, Counter] = defaultdict(Counter)

# JSON as hostile clients send it: any nesting of odd keys and values, plus the literals Python's parser takes.
scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=30) | st.sampled_from(["²", "٣", "9" * 25, "-0", "1e400", "", " 5", "\x00"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                          max_size=4), max_leaves=12)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=60)  # what HTTP can carry
number_texts = st.sampled_from(["Infinity", "-Infinity", "NaN", "1e400", "9" * 4000, "-" + "9" * 30, "1.5", "0"])


def dumps(value) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


def raw_json() -> st.SearchStrategy[bytes]:
    """Valid JSON, JSON with non-standard numbers spliced in, deep nesting, and bytes that are not JSON."""
    spliced = st.tuples(values, number_texts).map(lambda p: dumps(p[0]).replace(b"null", p[1].encode(), 1))
    deep = st.integers(1, 30_000).map(lambda n: b"[" * n + b"]" * n)
    return st.one_of(values.map(dumps), spliced, deep, st.binary(max_size=200))


def record(endpoint: str, status: int) -> None:
    SEEN[endpoint][status] += 1
    assert status < 500, f"{endpoint} answered {status}"


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    print("\nfuzz figures (requests per endpoint, statuses seen):")
    for endpoint, statuses in sorted(SEEN.items()):
        print(f"  {endpoint:40s} {sum(statuses.values()):5d}  {dict(sorted(statuses.items()))}")


hubspot_events = st.lists(st.fixed_dictionaries({}, optional={
    "eventId": values, "portalId": st.sampled_from([777, "777", 778, True, -1, 2 ** 70]) | values,
    "objectId": st.integers() | st.text(max_size=6) | values,
    "subscriptionType": st.sampled_from(["contact.creation", "contact.propertyChange", "deal.creation"]) | values,
    "occurredAt": values, "subscriptionId": values, "attemptNumber": values,
}), max_size=6)


@FUZZ
@given(body=raw_json())
def test_api_score_raw_bodies(client, api_key, body):
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    record("POST /api/v1/score (raw body)", client.post("/api/v1/score", data=body, headers=headers).status_code)


@FUZZ
@given(properties=st.dictionaries(st.text(max_size=25) | st.sampled_from(
    ["Pricing page visits", "Industry", "Job Title", "Newsletter", "created_at"]), values, max_size=6))
def test_api_score_properties(client, api_key, properties):
    headers = {"Authorization": f"Bearer {api_key}"}
    answer = client.post("/api/v1/score", data=dumps({"properties": properties}),
                         headers={**headers, "Content-Type": "application/json"})
    record("POST /api/v1/score (properties)", answer.status_code)


@FUZZ
@given(crm_id=st.text(min_size=1, max_size=40), object_type=st.none() | st.text(max_size=20),
       key=st.none() | header_text)
def test_api_record_score(client, api_key, crm_id, object_type, key):
    query = "?" + urlencode({"object_type": object_type}) if object_type is not None else ""
    headers = {"Authorization": f"Bearer {api_key if key is None else key}"}
    answer = client.get(f"/api/v1/records/{quote(crm_id, safe='')}/score{query}", headers=headers)
    record("GET /api/v1/records/<id>/score", answer.status_code)


@FUZZ
@given(body=st.one_of(hubspot_events.map(dumps), raw_json()))
def test_hubspot_webhook_signed(app, client, sent_tasks, body):
    if not SEEN["POST /webhooks/hubspot (signed)"]:
        add_installation(app, account_id="777")
    record("POST /webhooks/hubspot (signed)", post_webhook(client, body).status_code)


@FUZZ
@given(stamp=header_text | st.integers().map(str), signature=header_text, body=st.binary(max_size=50))
def test_hubspot_webhook_bad_signatures(client, stamp, signature, body):
    headers = {"X-HubSpot-Request-Timestamp": stamp, "X-HubSpot-Signature-v3": signature}
    answer = client.post("/webhooks/hubspot", data=body, headers=headers)
    record("POST /webhooks/hubspot (forged)", answer.status_code)


def notification(record_id: str, note_id: str) -> str:
    return NOTIFICATION.replace("04l00000000000{n}AAA", note_id).replace("{id}", record_id)


xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<>&"), max_size=20)


@FUZZ
@given(org=xml_text | st.just(SF_ORG), notes=st.lists(st.tuples(xml_text | st.just("00Q000000000001AAA"), xml_text),
                                                      max_size=4),
       raw=st.none() | st.binary(max_size=300))
def test_salesforce_outbound_messages(app, client, sent_tasks, org, notes, raw):
    if not SEEN["POST /webhooks/salesforce/<secret>"]:
        app.config["FUZZ_OUTBOUND"] = outbound_path(app, add_installation(app, crm="salesforce", account_id=SF_ORG))
    body = raw if raw is not None else OUTBOUND.format(
        org=org, notifications="".join(notification(r, n) for r, n in notes)).encode()
    answer = client.post(app.config["FUZZ_OUTBOUND"], data=body, content_type="text/xml")
    record("POST /webhooks/salesforce/<secret>", answer.status_code)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["portalId", "associatedObjectId", "associatedObjectType", "userId"]),
                              st.text(max_size=12) | st.integers().map(str) | st.just("777"), max_size=4))
def test_hubspot_card_signed(app, client, params):
    if not SEEN["GET /cards/hubspot (signed v3)"]:
        add_installation(app, account_id="777")
    query = urlencode(params)
    url = f"http://localhost/cards/hubspot?{query}"
    answer = client.get(f"/cards/hubspot?{query}", headers=hubspot_v3_headers(url, b"", method="GET"))
    record("GET /cards/hubspot (signed v3)", answer.status_code)


canvas_payloads = st.one_of(
    values,
    st.fixed_dictionaries({"issuedAt": st.just(None).map(lambda _: int(time.time())) | values,
                           "context": values | st.fixed_dictionaries({
                               "organization": values | st.fixed_dictionaries({"organizationId": st.just(SF_ORG) | values}),
                               "environment": values | st.fixed_dictionaries({"record": values | st.fixed_dictionaries(
                                   {"Id": st.just("00Q000000000001AAA") | values})})})}),
    raw_json(),
)


@FUZZ
@given(payload=canvas_payloads)
def test_salesforce_canvas_signed(app, client, payload):
    if not SEEN["POST /cards/salesforce/canvas (signed)"]:
        add_installation(app, crm="salesforce", account_id=SF_ORG)
    answer = client.post("/cards/salesforce/canvas", data={"signed_request": canvas_signed_request(payload)})
    record("POST /cards/salesforce/canvas (signed)", answer.status_code)


@FUZZ
@given(signed_request=st.text(max_size=80))
def test_salesforce_canvas_forged(client, signed_request):
    answer = client.post("/cards/salesforce/canvas", data={"signed_request": signed_request})
    record("POST /cards/salesforce/canvas (forged)", answer.status_code)


@FUZZ
@given(token=st.text(max_size=120), claims=st.none() | st.fixed_dictionaries({"i": values, "r": values})
       | st.fixed_dictionaries({"i": st.integers(), "r": st.text(max_size=30)}))
def test_salesforce_card_score(app, client, token, claims):
    if claims is not None:
        from connector.cards.salesforce import _serializer

        with app.test_request_context():
            token = _serializer().dumps(claims)  # validly signed claims of any shape
    answer = client.get("/cards/salesforce/score?" + urlencode({"token": token}))
    record("GET /cards/salesforce/score", answer.status_code)


def test_the_openapi_description_is_published_and_describes_the_api(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.json["openapi"].startswith("3.")
    assert set(answer.json["paths"]) == {"/records/{crm_id}/score", "/score"}
    record("GET /api/v1/openapi.json", answer.status_code)
