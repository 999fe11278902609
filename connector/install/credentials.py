"""An installation's grant as workers use it: decrypted, refreshed before expiry, persisted encrypted, and an
authenticated `CrmClient` built on it.

All functions need an app context (a Celery task has one). Token writes go through a session of their own and
commit at once: a refreshed grant must survive even when the task that triggered the refresh rolls back
(Salesforce may rotate refresh tokens; losing the new one would lock the installation out).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from connector.app.config import crm_endpoints
from connector import clock
from connector.crm.base import CrmClient, CrmEndpoints, Credentials, RequestGate
from connector.crm.errors import AuthRevoked
from connector.crm.hubspot import HubSpotClient
from connector.crm.hubspot import oauth as hubspot_oauth
from connector.crm.salesforce import SalesforceClient
from connector.crm.salesforce import oauth as salesforce_oauth
from connector.crm.salesforce.local_session import LocalSession
from connector.db.audit import record_event
from connector.db.models import Crm, Installation, InstallationStatus
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings
from connector.security.credential_store import load_credentials, save_credentials

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)  # refresh this long before HubSpot's stated expiry (tokens live 30 min)
USABLE = (InstallationStatus.ACTIVE, InstallationStatus.PAUSED)


class NotConnected(AuthRevoked):
    """The installation has no usable grant: disconnected, or waiting for an admin to reconnect it."""


def client_for(installation: Installation, gate: RequestGate | None = None) -> CrmClient:
    """The HubSpot or Salesforce adapter for this installation, on fresh credentials; refreshed tokens are saved.

    `gate` is the shared request limiter (workers pass the Redis one). Raises `NotConnected` when the
    installation cannot talk to its CRM, `AuthRevoked` (after marking it "reconnect needed") when the CRM
    refuses the refresh; catch `AuthRevoked` for both.
    """
    credentials = fresh_credentials(installation)
    client_id, client_secret = app_credentials(installation.crm)
    saver = _saver(installation.id)
    if installation.crm is Crm.HUBSPOT:
        return HubSpotClient(endpoints_for(installation, credentials), credentials, client_id, client_secret,
                             on_token_refresh=saver, gate=gate, score_fields=installation.settings.field_names,
                             pull_extra=settings_properties(installation.settings))
    return SalesforceClient(endpoints_for(installation, credentials), credentials, client_id, client_secret,
                            on_token_refresh=saver, gate=gate, session_factory=_salesforce_session(credentials),
                            score_fields=installation.settings.field_names,
                            pull_extra=settings_properties(installation.settings))


def settings_properties(settings: InstallationSettings) -> tuple[str, ...]:
    """Properties an installation's settings name (its label, segments, kept columns, opt-out): pulled even when
    the adapter would not choose them itself."""
    opt_out = (settings.opt_out_property,) if settings.opt_out_property else ()
    return (settings.label.property, *(s.property for s in settings.segments), *settings.keep_columns, *opt_out)


def fresh_credentials(installation: Installation, margin: timedelta = REFRESH_MARGIN) -> Credentials:
    """The decrypted grant, refreshed first (and the new tokens stored) when it expires within `margin`."""
    if installation.status not in USABLE:
        raise NotConnected(f"installation {installation.id} is {installation.status.value.replace('_', ' ')}")
    with _own_session() as session:
        credentials = load_credentials(_scope(session, installation.id), current_app.extensions["vault"])
    if credentials is None:
        raise NotConnected(f"installation {installation.id} has no stored credentials")
    expires_at = credentials.expires_at
    if expires_at is not None and expires_at - margin <= clock.now():
        credentials = _refresh(installation, credentials)
        _saver(installation.id)(credentials)
    return credentials


def mark_reconnect_needed(installation_id: int, reason: str) -> None:
    """The CRM revoked the grant: stop using it and tell the admin (dashboard badge, syncs paused)."""
    with _own_session() as session:
        installation = session.get(Installation, installation_id)
        if installation is None or installation.status not in USABLE:
            return  # already marked, or disconnected on purpose
        installation.status = InstallationStatus.RECONNECT_NEEDED
        record_event(session, "system", "install.reconnect_needed", installation_id, reason=reason)
        session.commit()
    log.warning("installation %s needs reconnecting: %s", installation_id, reason)


def endpoints_for(installation: Installation, credentials: Credentials) -> CrmEndpoints:
    """Where this installation's CRM lives: a Salesforce org keeps the login host it was installed through."""
    return crm_endpoints(current_app, installation.crm.value, login_url=credentials.extra.get("login_url"),
                         instance_url=credentials.instance_url)


def app_credentials(crm: Crm) -> tuple[str, str]:
    """The connector's own OAuth app (client id, client secret) for a CRM."""
    prefix = crm.value.upper()
    return current_app.config[f"{prefix}_CLIENT_ID"], current_app.config[f"{prefix}_CLIENT_SECRET"]


def salesforce_http(credentials: Credentials):
    """A requests session for simple-salesforce: plain-HTTP hosts (the local sandbox) need URLs rewritten,
    because the SDK rebuilds every URL as https://<instance>/...; real orgs get a normal session."""
    factory = _salesforce_session(credentials)
    return factory() if factory is not None else None


def _salesforce_session(credentials: Credentials):
    instance_url = credentials.instance_url or ""
    return (lambda: LocalSession(instance_url)) if instance_url.startswith("http://") else None


def _refresh(installation: Installation, credentials: Credentials) -> Credentials:
    client_id, client_secret = app_credentials(installation.crm)
    endpoints = endpoints_for(installation, credentials)
    try:
        if installation.crm is Crm.HUBSPOT:
            fresh = hubspot_oauth.refresh(endpoints, client_id, client_secret, credentials.refresh_token or "",
                                          credentials.account_id)
        else:
            fresh = salesforce_oauth.refresh(endpoints, client_id, client_secret, credentials,
                                             session=salesforce_http(credentials))
    except AuthRevoked as exc:
        mark_reconnect_needed(installation.id, str(exc))
        raise
    return fresh


def _saver(installation_id: int):
    def save(credentials: Credentials) -> None:
        vault = current_app.extensions["vault"]
        with _own_session() as session:
            scope = _scope(session, installation_id)
            stored = load_credentials(scope, vault)
            if stored is not None:
                # An adapter's refresh knows nothing of the login host we keep beside the tokens.
                credentials.extra = {**stored.extra, **credentials.extra}
            save_credentials(scope, vault, credentials)
            session.commit()

    return save


def _scope(session, installation_id: int) -> InstallationScope:
    scope = InstallationScope.load(session, installation_id)
    if scope is None:
        raise NotConnected(f"installation {installation_id} no longer exists")
    return scope


def _own_session():
    return current_app.extensions["db_sessions"]()
