"""Configuration defaults (the embedded mode) and the CRM endpoints they describe.

Every key can be set from the environment as LEADSCORE_<KEY> (see `create_app`). The CRM hosts are
configuration so that the local sandboxes are just other hosts.
"""
from __future__ import annotations

from flask import Flask

from connector.crm.base import CrmEndpoints

DEFAULTS = {
    "SECRET_KEY": None,  # generated into the instance folder when unset (embedded mode only)
    "ENCRYPTION_KEYS": None,  # Fernet keys, newest first: a JSON list or comma-separated; generated when unset
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "AUTO_MIGRATE": True,  # `leadscore serve` upgrades the database before serving
    "CELERY_BROKER_URL": "memory://",  # in-process; production points this at Redis or RabbitMQ
    "CELERY_RESULT_BACKEND": None,
    "HUBSPOT_API_BASE": "https://api.hubapi.com",
    "HUBSPOT_AUTHORIZE_URL": "https://app.hubspot.com/oauth/authorize",
    "HUBSPOT_TOKEN_URL": "https://api.hubapi.com/oauth/v1/token",
    "HUBSPOT_CLIENT_ID": "",
    "HUBSPOT_CLIENT_SECRET": "",
    # https://test.salesforce.com for sandbox orgs; API calls then go to each org's instance_url.
    "SALESFORCE_LOGIN_URL": "https://login.salesforce.com",
    "SALESFORCE_CLIENT_ID": "",
    "SALESFORCE_CLIENT_SECRET": "",
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # forms and API bodies are small; refuse anything bigger with a 413
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # tokens last as long as the session; a long-open settings form still saves
}


def crm_endpoints(app: Flask, crm: str) -> CrmEndpoints:
    config = app.config
    if crm == "hubspot":
        return CrmEndpoints(api_base=config["HUBSPOT_API_BASE"], authorize_url=config["HUBSPOT_AUTHORIZE_URL"],
                            token_url=config["HUBSPOT_TOKEN_URL"])
    if crm == "salesforce":
        login = config["SALESFORCE_LOGIN_URL"].rstrip("/")
        return CrmEndpoints(api_base=login, authorize_url=f"{login}/services/oauth2/authorize",
                            token_url=f"{login}/services/oauth2/token", revoke_url=f"{login}/services/oauth2/revoke")
    raise ValueError(f"unknown CRM {crm!r}")


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
