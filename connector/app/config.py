"""Configuration defaults (the embedded mode) and the CRM endpoints they describe.

Every key can be set from the environment as LEADSCORE_<KEY> (see `create_app`). The CRM hosts are
configuration so that the local sandboxes are just other hosts.
"""
from __future__ import annotations

from flask import Flask

from connector.crm.base import CrmEndpoints
from connector.crm.salesforce.oauth import salesforce_endpoints

DEFAULTS = {
    "SECRET_KEY": None,  # generated into the instance folder when unset (embedded mode only)
    "ENCRYPTION_KEYS": None,  # Fernet keys, newest first: a JSON list or comma-separated; generated when unset
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "AUTO_MIGRATE": True,  # `leadscore serve` upgrades the database before serving
    "CELERY_BROKER_URL": "memory://",  # in-process; production points this at Redis or RabbitMQ
    "CELERY_RESULT_BACKEND": None,
    # With a memory:// broker, run tasks on a worker thread in this process; None means "unless TESTING"
    # (unit tests catch what the app sends instead of running it).
    "EMBEDDED_WORKER": None,
    "CELERY_QUEUE": "celery",  # one queue per deployment sharing a broker (and per test run sharing one Redis)
    "CELERY_VISIBILITY_TIMEOUT": 3600,  # seconds before Redis redelivers a task whose worker died
    # Redis for the per-installation sync lock, the shared CRM rate limiter and rescore debouncing.
    # Default: the broker when it is Redis; with neither (embedded mode) all three stay in process.
    "REDIS_URL": None,
    # Prefix of every Redis key the connector makes (locks, limiter, rescore debounce): deployments sharing
    # one Redis each set their own, or they would hold each other's installation locks.
    "REDIS_NAMESPACE": "leadscore",
    "SYNC_LOCK_SECONDS": 120,  # a sync's lock expires this long after its last sign of life
    "RESCORE_DEBOUNCE_SECONDS": 0.5,  # webhook bursts for one record within this window become one rescore
    "RATE_LIMIT_SPEED": 1.0,  # >1 when the CRM is a sandbox on a faster clock (connector/sandbox/clock.py)
    "NIGHTLY_TRAINING_HOUR": 2,  # UTC
    "SCHEDULE_CHECK_SECONDS": 60,  # how often beat looks for installations whose sync interval has passed
    "HUBSPOT_API_BASE": "https://api.hubapi.com",
    "HUBSPOT_AUTHORIZE_URL": "https://app.hubspot.com/oauth/authorize",
    # The date-versioned endpoints; a token URL ending in /oauth/v1/token selects the v1 fallback (retired 2027-02-16).
    "HUBSPOT_TOKEN_URL": "https://api.hubapi.com/oauth/2026-03/token",
    "HUBSPOT_CLIENT_ID": "",
    "HUBSPOT_CLIENT_SECRET": "",  # also the key HubSpot signs webhooks and CRM card requests with
    # Contacts read/write, the score properties, owners for tasks, workflows for enrollment.
    "HUBSPOT_SCOPES": "oauth crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.read "
                      "crm.schemas.contacts.write crm.objects.owners.read automation",
    # https://test.salesforce.com for sandbox orgs; API calls then go to each org's instance_url.
    "SALESFORCE_LOGIN_URL": "https://login.salesforce.com",
    "SALESFORCE_SANDBOX_LOGIN_URL": "https://test.salesforce.com",  # offered when the admin installs a sandbox org
    "SALESFORCE_CLIENT_ID": "",
    "SALESFORCE_CLIENT_SECRET": "",
    # Where CRMs reach this app (e.g. https://leadscore.example.com) when a proxy changes the host or scheme:
    # OAuth redirect URIs and webhook signatures (computed over the full URL) must use the public one.
    "PUBLIC_URL": None,
    "WEBHOOK_MAX_BYTES": 256 * 1024,  # a HubSpot batch of 100 events is ~30 kB; Outbound Messages hold <= 100
    # HubSpot retries a delivery up to 10 times, Salesforce an Outbound Message for up to 24 hours; an event
    # (notification) seen again within this many seconds is not acted on twice.
    "WEBHOOK_DEDUPE_SECONDS": 24 * 3600,
    "CARD_TOKEN_MAX_AGE": 15 * 60,  # seconds a signed Salesforce card token stays valid
    # A Canvas signed request whose issuedAt (when its OAuth token was issued) is further than this from now is
    # refused: Salesforce's tokens last about 2 hours, and Canvas re-posts a fresh signed request after that.
    "CANVAS_MAX_AGE_SECONDS": 2 * 3600,
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # forms and API bodies are small; refuse anything bigger with a 413
    # Failed sign-ins allowed per account and per client address (Flask-Limiter notation) before a 429.
    "SIGN_IN_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "SIGN_IN_LIMIT_PER_ADDRESS": "50 per 15 minutes",
    # Reverse proxies in front of the app whose X-Forwarded-For is trusted (werkzeug's ProxyFix); 0 = none, so
    # a client cannot pick its own address for the per-address limit.
    "TRUSTED_PROXIES": 0,
    "SESSION_IDLE_SECONDS": 2 * 3600,  # a dashboard session unused this long is over
    "SESSION_MAX_SECONDS": 12 * 3600,  # and any session this old, used or not
    "SESSION_COOKIE_SECURE": None,  # None: Secure whenever PUBLIC_URL is https (connector.security.headers)
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # tokens last as long as the session; a long-open settings form still saves
}


def crm_endpoints(app: Flask, crm: str, login_url: str | None = None, instance_url: str | None = None) -> CrmEndpoints:
    """Salesforce: `login_url` picks a login host other than the production default (a sandbox org's), and
    `instance_url` (from the org's token answer) is where its API calls go."""
    config = app.config
    if crm == "hubspot":
        return CrmEndpoints(api_base=config["HUBSPOT_API_BASE"], authorize_url=config["HUBSPOT_AUTHORIZE_URL"],
                            token_url=config["HUBSPOT_TOKEN_URL"])
    if crm == "salesforce":
        return salesforce_endpoints(login_url or config["SALESFORCE_LOGIN_URL"], instance_url)
    raise ValueError(f"unknown CRM {crm!r}")


def shared_redis_url(config) -> str | None:
    """The Redis every process of a deployment shares: REDIS_URL, or the broker when it is Redis; None in
    embedded mode (a memory:// broker), where in-process state is enough."""
    if config.get("REDIS_URL"):
        return config["REDIS_URL"]
    broker = config["CELERY_BROKER_URL"] or ""
    return broker if broker.startswith(("redis://", "rediss://")) else None


def normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a dialect+driver name.
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def key_list(value: str | list[str]) -> list[str]:
    if isinstance(value, str):
        return [key.strip() for key in value.split(",") if key.strip()]
    return list(value)
