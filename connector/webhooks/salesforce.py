"""`POST /webhooks/salesforce`: an Outbound Message (SOAP) naming Leads or Contacts; its OrganizationId must be an
installed org. Salesforce redelivers until it sees the `<Ack>true</Ack>` answer (up to 24 hours, at least once,
in any order), so the answer comes as soon as the rescore is queued.
"""
from __future__ import annotations

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from flask import Response, abort, request
from sqlalchemy import select

from connector import jobs
from connector.db import get_session
from connector.db.models import Crm, Installation, InstallationStatus

from . import bp

OUTBOUND = "{http://soap.sforce.com/2005/09/outbound}"
ENTERPRISE = "{urn:sobject.enterprise.soap.sforce.com}"
ACK = ('<?xml version="1.0" encoding="UTF-8"?>'
       '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
       '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>'
       '</notificationsResponse></soapenv:Body></soapenv:Envelope>')


@bp.post("/salesforce")
def salesforce():
    org_id, record_ids = _read_notifications(request.get_data(cache=False))
    installation = get_session().scalars(select(Installation).where(
        Installation.crm == Crm.SALESFORCE, Installation.account_id == org_id)).one_or_none()
    if installation is None:
        abort(404, f"No installation for Salesforce org {org_id}.")
    if installation.status is InstallationStatus.ACTIVE and record_ids:
        jobs.enqueue(jobs.RESCORE, installation_id=installation.id, record_ids=record_ids)
    return Response(ACK, mimetype="text/xml")


def _read_notifications(body: bytes) -> tuple[str, list[str]]:
    """(organization id, record ids) from an Outbound Message; 400 when it is not one."""
    try:
        # defusedxml: no entity expansion or external entities from a request body.
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException):
        abort(400, "The body is not a SOAP Outbound Message (unreadable XML).")
    notifications = root.find(f".//{OUTBOUND}notifications")
    org_id = notifications.findtext(f"{OUTBOUND}OrganizationId") if notifications is not None else None
    if not org_id:
        abort(400, "The Outbound Message has no OrganizationId.")
    record_ids = []
    for notification in notifications.findall(f"{OUTBOUND}Notification"):
        record_id = notification.findtext(f"{OUTBOUND}sObject/{ENTERPRISE}Id")
        if record_id and record_id.strip().isalnum():
            record_ids.append(record_id.strip())
    return org_id.strip(), list(dict.fromkeys(record_ids))
