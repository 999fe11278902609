"""Carries out one nurture action against the CRM (through the adapter, so through its RequestGate and
retries) or the outbound webhook, and says what happened as a small JSON-able outcome."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from connector import clock

from connector.crm.base import CrmClient, FieldWrite
from connector.crm.errors import RecordRejected
from connector.nurture.templates import template_context

from .templates import render
from .webhook import post_signed


@dataclass(frozen=True)
class ActionRequest:
    """Everything one action needs, rebuilt from the action log row so a later run can finish it."""

    key: str  # the idempotency key, see `idempotency_key`
    action: dict[str, Any]
    transition: dict[str, Any]  # the TierTransition as stored on the log row
    properties: dict[str, Any]  # the record as last pulled, for templates
    retrying: bool  # an earlier attempt may have reached the CRM


@dataclass(frozen=True)
class ActionContext:
    client: CrmClient
    webhook_key: bytes | None
    now: Callable[[], datetime] = clock.now
    webhook_post: Callable[..., int] = post_signed


def idempotency_key(installation_id: int, crm_id: str, rule_id: int, rule_version: int, transition: str,
                    action_index: int) -> str:
    """Names one action on one occurrence of a transition, from what it is about rather than from the action
    log's row id: the same action gets the same key after the connector's database is restored, so the key
    kept in the CRM (a task's body) still finds the task created before."""
    about = f"{installation_id}|{crm_id}|{rule_id}|{rule_version}|{transition}|{action_index}"
    return "ls-" + hashlib.sha256(about.encode()).hexdigest()[:32]


def perform(request: ActionRequest, ctx: ActionContext) -> dict[str, Any]:
    kind = request.action["type"]
    transition = request.transition
    crm_id = transition["crm_id"]
    object_type = None  # each adapter knows its record types from the id (HubSpot contacts; 00Q/003 prefixes)
    if kind == "task":
        if request.retrying:  # an earlier attempt may have created it and died before saying so
            found = ctx.client.find_task(crm_id, object_type, request.key)
            if found is not None:
                return {"task_id": found, "recovered": True}
        context = template_context(transition, request.properties)
        subject = render(request.action["subject"], context)
        body = render(request.action.get("body") or "", context)
        due_at = ctx.now() + timedelta(hours=int(request.action.get("due_in_hours", 24)))
        task_id = ctx.client.create_task(crm_id, object_type, subject, body, due_at, transition.get("owner_id"),
                                         key=request.key)
        return {"task_id": task_id}
    if kind == "enroll":
        # Both CRMs treat a second enrollment of the same record as a no-op, so a retry needs no lookup.
        ctx.client.enroll(crm_id, object_type, request.action["target_id"])
        return {"enrolled_in": request.action["target_id"]}
    if kind == "set_property":
        name, value = request.action["name"], str(request.action.get("value") or "")
        result = ctx.client.write_fields([FieldWrite(crm_id, object_type, {name: value})])
        if result.rejected:
            raise RecordRejected(crm_id, result.rejected[0].reason, result.rejected[0].code)
        return {"set": {name: value}}
    if kind == "webhook":
        if ctx.webhook_key is None:
            raise RecordRejected(crm_id, "no webhook signing key is configured", "NO_SIGNING_KEY")
        payload = {"event": "leadscore.tier_changed", "delivery": request.key,
                   **{k: transition.get(k) for k in ("crm_id", "old_tier", "new_tier", "old_score",
                                                     "new_score", "reasons", "model_tier", "override_tier")}}
        status = ctx.webhook_post(request.action["url"], payload, ctx.webhook_key, request.key)
        return {"status": status}
    raise RecordRejected(crm_id, f"unknown action {kind!r}", "INVALID_ACTION")
