"""Fixtures for the security tests: the app fixtures of tests/app, signed requests for every CRM callback,
and a trained champion model (trained once per session: scoring tests need one, not a fresh one each)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

from connector.db import get_session
from connector.db.models import ModelVersion
from connector.db.scope import InstallationScope
from connector.sandbox.hubspot import signature_v3
from tests.app.test_api import give_key
from tests.app.conftest import (  # noqa: F401  (fixtures)
    AdminActions, add_installation, admin, app, client, database_url, installation_id, runner, sent_tasks,
    throwaway_postgres,
)

HUBSPOT_SECRET = "hubspot-app-secret"
SALESFORCE_SECRET = "salesforce-consumer-secret"
SF_ORG = "00D000000000001AAA"


@pytest.fixture
def app_config() -> dict:
    return {"HUBSPOT_CLIENT_SECRET": HUBSPOT_SECRET, "SALESFORCE_CLIENT_SECRET": SALESFORCE_SECRET}


@pytest.fixture(scope="session")
def champion_artefact() -> bytes:
    from scoring.training import TrainingOptions, train
    from tests.scoring.datasets import b2b_leads

    frame, facts = b2b_leads(n=300)
    return train(frame, TrainingOptions(target=facts["target"], id_column=facts["id"], learner="logistic")).model.to_bytes()


@pytest.fixture
def api_key(app, installation_id, champion_artefact) -> str:
    """A key of an installation whose champion model is trained."""
    with app.app_context():
        InstallationScope.load(get_session(), installation_id).add(ModelVersion(
            version=1, learner="logistic", artefact=champion_artefact, fingerprint="f", is_champion=True))
        get_session().commit()
    return give_key(app, installation_id)


def hubspot_v3_headers(url: str, body: bytes, method: str = "POST", stamp_ms: int | None = None,
                       secret: str = HUBSPOT_SECRET) -> dict:
    from connector.webhooks.signatures import _decode_uri

    stamp = str(int(time.time() * 1000) if stamp_ms is None else stamp_ms)
    # HubSpot signs the URI with a few characters decoded (%40 as @, %3A as :, ...) and the rest as sent.
    return {"Content-Type": "application/json", "X-HubSpot-Request-Timestamp": stamp,
            "X-HubSpot-Signature-v3": signature_v3(secret, method, _decode_uri(url), body, stamp)}


def hubspot_v2_headers(url: str, body: bytes = b"", method: str = "GET", secret: str = HUBSPOT_SECRET) -> dict:
    return {"X-HubSpot-Signature": hashlib.sha256(secret.encode() + method.encode() + url.encode() + body).hexdigest(),
            "X-HubSpot-Signature-Version": "v2"}


def post_webhook(client, body: bytes, **kwargs):
    url = "http://localhost/webhooks/hubspot"
    return client.post("/webhooks/hubspot", data=body, headers=hubspot_v3_headers(url, body, **kwargs))


def canvas_signed_request(payload, secret: str = SALESFORCE_SECRET) -> str:
    """A Canvas signed_request over any JSON value (or raw bytes), signed with the consumer secret."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    envelope = base64.b64encode(raw).decode()
    signature = base64.b64encode(hmac.new(secret.encode(), envelope.encode(), hashlib.sha256).digest()).decode()
    return f"{signature}.{envelope}"


def canvas_context(org_id: str = SF_ORG, record_id: str = "00Q000000000001AAA", issued_at: int | None = None) -> dict:
    return {"algorithm": "HMACSHA256", "issuedAt": int(time.time()) if issued_at is None else issued_at,
            "context": {"organization": {"organizationId": org_id}, "environment": {"record": {"Id": record_id}}}}
