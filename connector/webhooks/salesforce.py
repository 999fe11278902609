"""`POST /webhooks/salesforce/<secret>`: an Outbound Message (SOAP) naming Leads or Contacts. Outbound Messages
carry no signature, so the endpoint URL holds a per-installation secret (shown on the installation's page, derived
from SECRET_KEY) and the message's OrganizationId must be that installation's org. Salesforce redelivers until it sees the `<Ack>true</Ack>` answer (up to 24 hours, at least once,
in any order), so the answer comes as soon as the rescore is queued. A notification it delivered before (same
notification Id) queues nothing again.
"""
from __future__ import annotations

import hashlib
import hmac

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from flask import Response, abort, current_app, request
from sqlalchemy import select

from connector import jobs
from connector.app.public_url import public_url_for
from connector.db import get_session
from connector.db.models import Crm, Installation, InstallationStatus
from connector.security.compare import same_secret
from connector.security.crm_ids import salesforce_id

from . import bp
from .receipts import first_seen

OUTBOUND = "{http://soap.sforce.com/2005/09/outbound}"
ENTERPRISE = "{urn:sobject.enterprise.soap.sforce.com}"
ACK = ('<?xml version="1.0" encoding="UTF-8"?>'
       '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
       '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>'
       '</notificationsResponse></soapenv:Body></soapenv:Envelope>')


def outbound_secret(installation: Installation) -> str:
    message = f"salesforce-outbound:{installation.id}:{installation.account_id}".encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()[:40]


@bp.app_template_global()
def outbound_message_url(installation: Installation) -> str:
    return public_url_for("webhooks.salesforce", secret=outbound_secret(installation))


@bp.post("/salesforce", defaults={"secret": ""})
@bp.post("/salesforce/<secret>")
def salesforce(secret: str):
    body = request.get_data(cache=False)
    org_id, notifications = _read_notifications(body)
    session = get_session()
    installation = session.scalars(select(Installation).where(
        Installation.crm == Crm.SALESFORCE, Installation.account_id == org_id)).one_or_none()
    # One answer for an unknown org and a wrong secret: a caller learns nothing about which orgs are installed.
    if installation is None or not same_secret(outbound_secret(installation), secret):
        abort(401, "Send Outbound Messages to the endpoint URL shown on the installation's page.")
    if installation.status is InstallationStatus.ACTIVE and notifications:
        # A notification without an Id is keyed by the whole message, so a replay of the same bytes is a repeat.
        body_key = "body:" + hashlib.sha256(body).hexdigest()
        keyed = [(key or body_key, record) for key, record in notifications]
        new = first_seen(session, installation.id, {key for key, _ in keyed}, current_app.config["WEBHOOK_DEDUPE_SECONDS"])
        record_ids = list(dict.fromkeys(record for key, record in keyed if key in new))
        if record_ids:
            jobs.enqueue(jobs.RESCORE, installation_id=installation.id, record_ids=record_ids)
        session.commit()  # after the enqueue, as for HubSpot: a failed enqueue leaves the redelivery new
    return Response(ACK, mimetype="text/xml")


def _read_notifications(body: bytes) -> tuple[str, list[tuple[str, str]]]:
    """(organization id, [(notification id, record id)]) from an Outbound Message; 400 when it is not one."""
    try:
        # defusedxml: no entity expansion or external entities from a request body.
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException):
        abort(400, "The body is not a SOAP Outbound Message (unreadable XML).")
    notifications = root.find(f".//{OUTBOUND}notifications")
    org_id = notifications.findtext(f"{OUTBOUND}OrganizationId") if notifications is not None else None
    if not org_id:
        abort(400, "The Outbound Message has no OrganizationId.")
    found = []
    for notification in notifications.findall(f"{OUTBOUND}Notification"):
        record_id = salesforce_id((notification.findtext(f"{OUTBOUND}sObject/{ENTERPRISE}Id") or "").strip())
        if record_id is not None:
            found.append(((notification.findtext(f"{OUTBOUND}Id") or "").strip()[:120], record_id))
    return org_id.strip(), found
