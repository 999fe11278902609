"""Fixtures for nurturing: a migrated database session, and each sandbox CRM seen the same way.

`crm` is parametrised over HubSpot and Salesforce: every test that takes it runs on both, through the
official SDK adapters over real HTTP.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy.orm import sessionmaker

from connector.crm.base import CrmClient, ScoreFieldNames
from connector.db import make_engine, migrate
from connector.db.models import Crm, Installation, NurtureRule
from tests.fixtures import hubspot_client as hubspot_fixtures
from tests.fixtures import salesforce_client as salesforce_fixtures
from workers.transitions import TierTransition


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'nurture.sqlite'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    session = sessionmaker(engine, expire_on_commit=False)()
    yield session
    session.close()
    engine.dispose()


@dataclass
class SandboxCrm:
    """One sandbox account as a test sees it: a client, a record with an owner, and what the CRM recorded."""

    name: str
    installation: Installation
    connect: Callable[[], CrmClient]  # a fresh client, as a restarted worker would build
    crm_id: str
    owner_id: str
    enroll_target: str
    tasks: Callable[[], list[dict]]  # tasks on `crm_id`, as the CRM holds them
    enrollments: Callable[[], list[dict]]  # enrollments of `crm_id` in `enroll_target`
    rep_sets: Callable[[dict], None]  # a rep edits the record in the CRM
    field: Callable[[str], str | None]  # one field of the record as the CRM stores it
    field_names: ScoreFieldNames
    owned: list[tuple[str, str]]  # (crm_id, owner_id) of every record with an owner, `crm_id` among them
    all_tasks: Callable[[], list[dict]]  # every task in the account

    def task_body(self, task: dict) -> str:
        return task["properties"]["hs_task_body"] if self.name == "hubspot" else task["Description"]

    def task_subject(self, task: dict) -> str:
        return task["properties"]["hs_task_subject"] if self.name == "hubspot" else task["Subject"]

    def task_owner(self, task: dict) -> str:
        return task["properties"]["hubspot_owner_id"] if self.name == "hubspot" else task["OwnerId"]


def _hubspot(db, sandbox) -> SandboxCrm:
    portal = sandbox.add_portal(contacts=20, seed=7)
    contact = next(c for c in portal.contacts.values()
                   if c.properties.get("hubspot_owner_id") and c.properties.get("email"))
    crm_id = str(contact.id)
    installation = _installation(db, "hubspot", str(portal.id))
    return SandboxCrm(
        name="hubspot", installation=installation,
        connect=lambda: hubspot_fixtures.connect(sandbox, portal.id), crm_id=crm_id,
        owner_id=contact.properties["hubspot_owner_id"], enroll_target="4821",
        tasks=lambda: [t for t in sandbox.tasks(portal.id)
                       if any(a["fromType"] == "tasks" and a["fromId"] == t["id"] and a["toId"] == crm_id
                              for a in sandbox.associations(portal.id))],
        enrollments=lambda: [e for e in sandbox.enrollments(portal.id)
                             if e["contactId"] == crm_id and e["workflowId"] == "4821"],
        rep_sets=lambda values: sandbox.bulk_edit(portal.id, [crm_id], values),
        field=lambda name: sandbox.contact(portal.id, crm_id).get(name),
        field_names=installation.settings.field_names,
        owned=[(str(c.id), c.properties["hubspot_owner_id"]) for c in portal.contacts.values()
               if c.properties.get("hubspot_owner_id")],
        all_tasks=lambda: sandbox.tasks(portal.id))


def _salesforce(db, sandbox) -> SandboxCrm:
    org = sandbox.add_org(leads=20, contacts=0, seed=7)
    lead = next(r for r in sandbox.records(org.id, "Lead") if r.get("OwnerId") and not r.get("IsConverted"))
    campaign = sandbox.records(org.id, "Campaign")[0]["Id"]
    crm_id = lead["Id"]
    installation = _installation(db, "salesforce", org.id)
    return SandboxCrm(
        name="salesforce", installation=installation,
        connect=lambda: salesforce_fixtures.connect(sandbox, org.id), crm_id=crm_id, owner_id=lead["OwnerId"],
        enroll_target=campaign,
        tasks=lambda: [t for t in sandbox.tasks(org.id) if t.get("WhoId") == crm_id],
        enrollments=lambda: [m for m in sandbox.campaign_members(org.id)
                             if m.get("LeadId") == crm_id and m.get("CampaignId") == campaign],
        rep_sets=lambda values: sandbox.bulk_edit(org.id, "Lead", [crm_id], values),
        field=lambda name: sandbox.record(org.id, "Lead", crm_id).get(name),
        field_names=installation.settings.field_names,
        owned=[(r["Id"], r["OwnerId"]) for r in sandbox.records(org.id, "Lead")
               if r.get("OwnerId") and not r.get("IsConverted")],
        all_tasks=lambda: sandbox.tasks(org.id))


def _installation(db, crm: str, account_id: str) -> Installation:
    installation = Installation(crm=Crm(crm), account_id=account_id, name=f"{crm} sandbox")
    db.add(installation)
    db.commit()
    return installation


@pytest.fixture(params=["hubspot", "salesforce"])
def crm(request, db) -> SandboxCrm:
    if request.param == "hubspot":
        return _hubspot(db, request.getfixturevalue("hubspot_sandbox"))
    return _salesforce(db, request.getfixturevalue("salesforce_sandbox"))


def add_rule(db, installation, trigger: dict, actions: list[dict], name: str = "Hot lead") -> NurtureRule:
    rule = NurtureRule(installation_id=installation.id, name=name, trigger=trigger, actions=actions)
    db.add(rule)
    db.commit()
    return rule


def c_to_a(crm: SandboxCrm, **changes) -> TierTransition:
    values = dict(crm_id=crm.crm_id, owner_id=crm.owner_id, old_tier="C", new_tier="A", old_score=38,
                  new_score=91, reasons=["Visited pricing 4 times this week", "Job title: VP Sales"],
                  model_tier="A", override_tier=None)
    values.update(changes)
    return TierTransition(**values)
