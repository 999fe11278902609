"""The `audit` of `leadscore demo --json`: what the sandbox CRM holds after the run, read back through the
CRM's public API (as any outside auditor would, not through the sandbox's Python objects or the connector's
adapters) and held against what the connector stored: its current scores and its action log."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

import requests

from connector.crm.base import task_marker

AUDIT_TOKEN = "pat-demo-audit"  # HubSpot private app token / Salesforce session id the audit reads with
SALESFORCE_VERSION = "v59.0"
TIMEOUT = 60
_MARKER = re.compile(re.escape(task_marker("KEY")).replace("KEY", r"(\S+?)"))


def audit(app, installation_id: int, crm) -> dict:
    """`crm` is the demo's `DemoCrm`; faults should be off (the audit checks the run, it is not part of it)."""
    scores, names, task_keys = _connector_side(app, installation_id)
    if crm.name == "hubspot":
        records, bodies = _hubspot(crm, names)
    else:
        records, bodies = _salesforce(crm, names)
    with_score = sum(1 for crm_id, shown in records.items() if shown is not None and shown == scores.get(crm_id))
    found = Counter(match.group(1) for body in bodies if (match := _MARKER.search(body)))
    return {"records": len(records), "records_with_score": with_score, "tasks_expected": len(task_keys),
            "tasks_in_crm": sum(found.values()), "duplicate_tasks": sum(n - 1 for n in found.values() if n > 1),
            "missing_tasks": sum(1 for key in task_keys if found[key] == 0)}


def _connector_side(app, installation_id: int):
    """(crm id -> (score, tier, reasons) as written), the score field names, the keys of every task action."""
    from connector.db import get_session
    from connector.db.models import ActionLog, CurrentScore, NurtureRule
    from connector.db.scope import InstallationScope
    from workers.nurture.actions import idempotency_key

    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        scores = {s.crm_id: (str(s.score), s.override_tier or s.tier, "\n".join(s.reasons or []))
                  for s in scope.all(CurrentScore)}
        rules = {r.id: r for r in scope.all(NurtureRule)}
        keys = set()
        for row in scope.all(ActionLog):
            rule = rules.get(row.rule_id)
            if rule is not None and rule.actions[row.action_index].get("type") == "task":
                keys.add(idempotency_key(row.installation_id, row.crm_id, row.rule_id, row.rule_version,
                                         row.transition, row.action_index))
        return scores, scope.installation.settings.field_names, keys


def _hubspot(crm, names):
    crm.sandbox.add_private_app_token(int(crm.account_id), AUDIT_TOKEN)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {AUDIT_TOKEN}"
    base = crm.sandbox.base_url
    fields = (names.score, names.tier, names.reasons)
    records = {}
    for contact in _hubspot_pages(http, f"{base}/crm/v3/objects/contacts", {"properties": ",".join(fields)}):
        values = contact.get("properties") or {}
        records[str(contact["id"])] = _shown(values.get(names.score), values.get(names.tier),
                                             values.get(names.reasons))
    bodies = [(t.get("properties") or {}).get("hs_task_body") or ""
              for t in _hubspot_pages(http, f"{base}/crm/v3/objects/tasks", {"properties": "hs_task_body"})]
    return records, bodies


def _hubspot_pages(http: requests.Session, url: str, params: dict) -> Iterator[dict]:
    after = None
    while True:
        answer = http.get(url, params={**params, "limit": 100, **({"after": after} if after else {})},
                          timeout=TIMEOUT)
        answer.raise_for_status()
        body = answer.json()
        yield from body.get("results") or []
        after = ((body.get("paging") or {}).get("next") or {}).get("after")
        if not after:
            return


def _salesforce(crm, names):
    crm.sandbox.add_session_id(crm.account_id, AUDIT_TOKEN)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {AUDIT_TOKEN}"
    base = crm.sandbox.base_url
    fields = f"Id, {names.score}, {names.tier}, {names.reasons}"
    records = {}
    # A converted lead lives on as its contact, which is where its score is written and audited.
    for soql in (f"SELECT {fields} FROM Lead WHERE IsConverted = false", f"SELECT {fields} FROM Contact"):
        for row in _salesforce_rows(http, base, soql):
            records[row["Id"]] = _shown(row.get(names.score), row.get(names.tier), row.get(names.reasons))
    bodies = [row.get("Description") or "" for row in _salesforce_rows(http, base, "SELECT Id, Description FROM Task")]
    return records, bodies


def _salesforce_rows(http: requests.Session, base: str, soql: str) -> Iterator[dict]:
    answer = http.get(f"{base}/services/data/{SALESFORCE_VERSION}/query", params={"q": soql}, timeout=TIMEOUT)
    while True:
        answer.raise_for_status()
        body = answer.json()
        yield from body.get("records") or []
        if body.get("done", True) or not body.get("nextRecordsUrl"):
            return
        answer = http.get(base + body["nextRecordsUrl"], timeout=TIMEOUT)


def _shown(score, tier, reasons) -> tuple[str, str, str] | None:
    """What the CRM shows, in the connector's terms; None when a field is not set."""
    if score in (None, "") or not tier:
        return None
    return str(int(float(score))), str(tier), reasons or ""  # an empty text field reads back as null
