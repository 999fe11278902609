"""The one list of places where the HubSpot sandbox (or the adapter's request) knowingly differs from
HubSpot's OpenAPI files, each because real HubSpot differs from its own spec, with the source that says so.

A validation failure in `test_spec_contract` passes only when it matches an entry here, and every entry must
still be needed (an entry nothing matches fails the suite), so the list cannot rot."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Deviation:
    method: str
    path: str  # a regular expression over the request path
    part: str  # "request" or "response"
    complaint: str  # a regular expression the validator's complaint must match
    why: str
    source: str

    def covers(self, method: str, path: str, part: str, complaint: str) -> bool:
        return (method == self.method and part == self.part and re.fullmatch(self.path, path) is not None
                and re.search(self.complaint, complaint) is not None)


DEVIATIONS = [
    Deviation(
        "post", r"/crm/v3/objects/contacts/search", "request", r"sorts/0: .* is not of type 'string'",
        "The spec types `sorts` as a list of strings; HubSpot documents and accepts sort objects "
        "({propertyName, direction}), which the adapter sends to page on hs_object_id ascending.",
        "HubSpot CRM search guide, 'Sort search results' "
        "(developers.hubspot.com/docs/api-reference/legacy/crm/search-the-crm); "
        "../shared/reference/sdk-against-local-crm.md 1.2"),
    Deviation(
        "post", r"/crm/v3/objects/contacts/(search|batch/read|batch/update)", "response",
        r"results/\d+/properties/\w+: None (for not nullable|is not of type 'string')",
        "The spec types property values as non-null strings; HubSpot answers null for a requested property "
        "that has no value, and the sandbox does the same.",
        "HubSpot/hubspot-api-nodejs#323 ('one of the properties returned was null, so not a string')"),
    Deviation(
        "post", r"/crm/v3/objects/contacts/search", "response", r"'category' is a required property",
        "A 429 from the rate limiter carries HubSpot's documented limit body (status, message, errorType, "
        "correlationId, policyName, groupName), which has no `category`.",
        "HubSpot API usage guidelines, 'Rate limits' error response; ../shared/reference/crm-api-facts.md "
        "(429 body) [H7][48]"),
    Deviation(
        "post", r"/oauth/2026-03/token/introspect", "response",
        r"\{'active': False\} is not valid under any of the given schemas",
        "An inactive token introspects as {\"active\": false} (RFC 7662 section 2.2); the spec's 200 schema "
        "requires the whole token-info shape, which HubSpot's own reference example leaves out too.",
        "RFC 7662 2.2; HubSpot reference 'Token introspection endpoint' example response {\"active\": true} "
        "(developers.hubspot.com/docs/api-reference/auth-oauth-v3/public-token/post-oauth-v3-token-introspect)"),
    Deviation(
        "post", r"/oauth/2026-03/token/revoke", "response", r".",
        "The spec lists only a `default` (error) response for revocation; success is 200 with an empty body.",
        "RFC 7009 2.2 (the token endpoint answers 200 on revocation); HubSpot's 'v3 OAuth' guide"),
]
