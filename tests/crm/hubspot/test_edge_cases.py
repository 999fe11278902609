"""Answers the sandbox cannot be told to give, over real HTTP from a scripted server."""
from datetime import datetime, timedelta, timezone

import pytest

from connector.crm.base import Credentials, FieldWrite
from connector.crm.errors import AuthRevoked, CrmUnavailable, RateLimited
from connector.crm.hubspot import HubSpotClient, hubspot_endpoints
from connector.crm.hubspot.oauth import exchange_code, revoke
from connector.crm.retry import RetryPolicy
from connector.sandbox.server import SandboxServer

from .scripted import ScriptedHubSpot

SECRET_TOKEN = "at-very-secret"


@pytest.fixture
def scripted():
    app = ScriptedHubSpot()
    with SandboxServer(app) as server:
        app.base_url = server.base_url
        yield app


def client_for(scripted, waits, expires_in=timedelta(hours=1)):
    credentials = Credentials(SECRET_TOKEN, "rt-secret", datetime.now(timezone.utc) + expires_in, "42")
    return HubSpotClient(hubspot_endpoints(scripted.base_url), credentials, "cid", "csecret",
                         retry=RetryPolicy(attempts=3, base=0.01), sleep=waits.append)


def contact(i, **props):
    return {"id": str(i), "properties": {"hs_object_id": str(i), **props},
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z", "archived": False}


def test_429_without_retry_after_waits_for_the_rolling_window(scripted):
    waits = []
    scripted.answer(429, {"status": "error", "errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"},
                    X_HubSpot_RateLimit_Remaining="0", X_HubSpot_RateLimit_Interval_Milliseconds="10000")
    scripted.answer(200, {"status": "COMPLETE", "results": [contact(1, leadscore_score="5")],
                          "startedAt": "2026-01-01T00:00:00Z", "completedAt": "2026-01-01T00:00:00Z"})
    result = client_for(scripted, waits).write_fields([FieldWrite("1", "contacts", {"leadscore_score": "5"})])
    assert result.written == ["1"] and waits == [10.0]


def test_a_daily_limit_surfaces_as_rate_limited_with_its_policy(scripted):
    scripted.answer(429, {"status": "error", "policyName": "DAILY", "message": "daily limit"})
    with pytest.raises(RateLimited) as caught:
        client_for(scripted, []).write_fields([FieldWrite("1", "contacts", {"leadscore_score": "5"})])
    assert caught.value.policy == "DAILY" and caught.value.retry_after == 3600


def test_207_reports_the_refused_records_and_keeps_the_rest(scripted):
    scripted.answer(207, {"status": "COMPLETE", "results": [contact(1), contact(3)],
                          "numErrors": 1, "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND",
                                                      "message": "not found", "context": {"ids": ["2"]}}],
                          "startedAt": "2026-01-01T00:00:00Z", "completedAt": "2026-01-01T00:00:00Z"})
    writes = [FieldWrite(str(i), "contacts", {"leadscore_score": "1"}) for i in (1, 2, 3)]
    result = client_for(scripted, []).write_fields(writes)
    assert result.written == ["1", "3"]
    assert [(r.crm_id, r.code) for r in result.rejected] == [("2", "OBJECT_NOT_FOUND")]


def test_server_errors_are_retried_a_bounded_number_of_times(scripted):
    waits = []
    for _ in range(5):
        scripted.answer(502, {"message": "bad gateway"})
    with pytest.raises(CrmUnavailable):
        client_for(scripted, waits).fetch(["1"])
    assert len(scripted.requests) == 3 and len(waits) == 2


def test_an_unreachable_host_is_crm_unavailable():
    credentials = Credentials(SECRET_TOKEN, "rt", None, "42")
    client = HubSpotClient(hubspot_endpoints("http://127.0.0.1:9"), credentials, "cid", "cs",
                           retry=RetryPolicy(attempts=2, base=0), sleep=lambda s: None)
    with pytest.raises(CrmUnavailable) as caught:
        client.schema()
    assert SECRET_TOKEN not in str(caught.value)


def test_bad_refresh_token_is_auth_revoked_without_leaking_tokens(scripted):
    scripted.answer(401, {"status": "error", "category": "EXPIRED_AUTHENTICATION", "message": "expired"})
    scripted.answer(400, {"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"})
    with pytest.raises(AuthRevoked) as caught:
        client_for(scripted, []).schema()
    assert "secret" not in repr(caught.value) and "secret" not in str(caught.value)
    assert [path for _, path, _ in scripted.requests] == ["/crm/v3/properties/contacts", "/oauth/2026-03/token"]


def test_malformed_writes_are_reported_and_skipped_while_the_rest_is_sent(scripted):
    scripted.answer(200, {"status": "COMPLETE", "results": [contact(7)],
                          "startedAt": "2026-01-01T00:00:00Z", "completedAt": "2026-01-01T00:00:00Z"})
    writes = [FieldWrite("abc", "contacts", {"leadscore_score": "1"}), FieldWrite("8", "contacts", {}),
              FieldWrite("7", "contacts", {"leadscore_score": "9"})]
    result = client_for(scripted, []).write_fields(writes)
    assert result.written == ["7"]
    assert sorted(r.crm_id for r in result.rejected) == ["8", "abc"]
    assert [body["inputs"] for _, path, body in scripted.requests] == [[{"id": "7", "properties": {"leadscore_score": "9"}}]]


def test_exchange_code_on_2026_03_takes_the_portal_from_the_token_answer(scripted):
    scripted.answer(200, {"access_token": "at-1", "refresh_token": "rt-1", "expires_in": 1800, "token_type": "bearer",
                          "token_use": "access_token", "hub_id": 4242, "scopes": ["oauth"], "user_id": 1})
    scripted.answer(400, {"status": "BAD_REFRESH_TOKEN", "error": "invalid_grant", "category": "VALIDATION_ERROR",
                          "correlationId": "c-1", "message": "missing or unknown refresh token"})
    endpoints = hubspot_endpoints(scripted.base_url)
    credentials = exchange_code(endpoints, "cid", "cs", "the-code", "https://me/cb")
    revoke(endpoints, credentials.refresh_token, "cid", "cs")  # already revoked: BAD_REFRESH_TOKEN is done

    assert credentials.account_id == "4242" and credentials.refresh_token == "rt-1"
    (_, token_path, form), (method, revoke_path, revoked) = scripted.requests
    assert token_path == "/oauth/2026-03/token" and form["grant_type"] == "authorization_code"
    assert form["client_secret"] == "cs" and form["code"] == "the-code"
    assert (method, revoke_path) == ("POST", "/oauth/2026-03/token/revoke")
    assert revoked == {"token": "rt-1", "token_type_hint": "refresh_token", "client_id": "cid", "client_secret": "cs"}


def test_exchange_code_on_the_v1_fallback_reads_the_portal_from_token_info(scripted):
    scripted.answer(200, {"access_token": "at-1", "refresh_token": "rt-1", "expires_in": 1800, "token_type": "bearer"})
    scripted.answer(200, {"hub_id": 4242, "token": "at-1", "expires_in": 1799})
    scripted.answer(204)
    endpoints = hubspot_endpoints(scripted.base_url, oauth_version="v1")
    before = datetime.now(timezone.utc)
    credentials = exchange_code(endpoints, "cid", "cs", "the-code", "https://me/cb")
    revoke(endpoints, credentials.refresh_token, "cid", "cs")

    assert credentials.account_id == "4242" and credentials.refresh_token == "rt-1"
    assert before + timedelta(seconds=1790) < credentials.expires_at < before + timedelta(seconds=1810)
    assert "at-1" not in repr(credentials)
    (_, token_path, form), (_, info_path, _), (method, revoke_path, _) = scripted.requests
    assert token_path == "/oauth/v1/token" and form["grant_type"] == "authorization_code"
    assert form["code"] == "the-code" and form["redirect_uri"] == "https://me/cb"
    assert info_path == "/oauth/v1/access-tokens/at-1"
    assert (method, revoke_path) == ("DELETE", "/oauth/v1/refresh-tokens/rt-1")


def test_a_refused_code_is_a_clear_error(scripted):
    scripted.answer(400, {"status": "BAD_AUTH_CODE", "error": "invalid_grant", "message": "code expired"})
    with pytest.raises(AuthRevoked, match="code expired"):
        exchange_code(hubspot_endpoints(scripted.base_url), "cid", "cs", "old-code", "https://me/cb")


EMAIL_PROPERTY = {"name": "email", "label": "Email", "type": "string", "fieldType": "text",
                  "groupName": "contactinformation", "description": "", "options": [], "displayOrder": 1,
                  "calculated": False, "externalOptions": False, "hasUniqueValue": False, "hidden": False,
                  "formField": True}


def test_search_pages_are_read_as_json_and_malformed_objects_skipped(scripted):
    scripted.answer(200, {"results": [EMAIL_PROPERTY]})
    scripted.answer(200, {"total": 3, "results": [
        contact(1, email="a@example.com"),
        {"id": "2", "properties": {"hs_object_id": "2"}},  # no modification time at all
        {"properties": {"email": "x@example.com"}, "updatedAt": "2026-01-02T00:00:00Z"},  # no id
        contact(4, email="d@example.com")]})
    with pytest.raises(CrmUnavailable, match="non-numeric id"):  # the id-less object cannot move the window
        list(client_for(scripted, []).pull_changed(None))
    scripted.answers.clear()
    scripted.answer(200, {"results": [EMAIL_PROPERTY]})
    scripted.answer(200, {"total": 2, "results": [contact(1, email="a@example.com"),
                                                  {"id": "2", "properties": {"hs_object_id": "2"}}]})
    batches = list(client_for(scripted, []).pull_changed(None))
    assert [(r.crm_id, r.properties["email"]) for b in batches for r in b.records] == [("1", "a@example.com")]
    assert batches[0].records[0].modified_at == datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert batches[-1].cursor.get("until") is None


@pytest.mark.parametrize("body", ["<html>gateway</html>", {"status": "COMPLETE"}])
def test_an_unreadable_search_page_is_crm_unavailable(scripted, body):
    scripted.answer(200, {"results": [EMAIL_PROPERTY]})
    scripted.answer(200, body)  # a bare JSON string, or an object without results
    with pytest.raises(CrmUnavailable, match="HubSpot answered"):
        list(client_for(scripted, []).pull_changed(None))
