"""The choices a nurture rule form offers (workflows or campaigns to enroll in, properties to set), read from
the CRM when the form is opened and kept, so that while the CRM cannot be reached the form still offers the
last lists it read and takes a typed id."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from connector.crm.base import CatalogItem
from connector.crm.errors import CrmError
from connector.db.models import CrmCatalog, utcnow
from connector.db.scope import InstallationScope
from connector.install.credentials import client_for

log = logging.getLogger(__name__)

KINDS = ("enroll_targets", "settable_properties")  # `CrmClient` methods, and the stored lists' kinds
# The form field each list fills: the value posted must be one of the list's ids while the CRM answers.
FIELDS = {"enroll_target_id": "enroll_targets", "set_property_name": "settable_properties"}


@dataclass(frozen=True)
class RuleChoices:
    crm: str  # "HubSpot" / "Salesforce"
    lists: dict[str, list[CatalogItem]]  # by kind; empty before the CRM was ever read
    read_at: datetime | None  # when these lists were read from the CRM (None: never)
    unreachable: str | None = None  # why the CRM could not be asked now; the lists are then the last known

    @property
    def target_word(self) -> str:
        return "workflow" if self.crm == "HubSpot" else "campaign"

    def ids(self, kind: str) -> set[str]:
        return {item.id for item in self.lists.get(kind, [])}

    def label(self, kind: str, item_id: str) -> str | None:
        return next((item.label for item in self.lists.get(kind, []) if item.id == item_id), None)


def rule_choices(scope: InstallationScope) -> RuleChoices:
    """The lists as the CRM has them now (and stored), else the last stored ones with the reason."""
    try:
        client = client_for(scope.installation)
        try:
            lists = {kind: getattr(client, kind)() for kind in KINDS}
        finally:
            client.close()
    except CrmError as exc:
        log.warning("rule form: %s lists not read for installation %s: %s", scope.installation.crm.label,
                    scope.installation_id, exc)
        return _last_known(scope, f"{scope.installation.crm.label} could not be reached ({exc})")
    now = utcnow()
    stored = {row.kind: row for row in scope.all(CrmCatalog)}
    for kind, items in lists.items():
        row = stored.get(kind) or scope.add(CrmCatalog(kind=kind))
        row.items, row.read_at = [{"id": item.id, "label": item.label} for item in items], now
    scope.session.commit()
    return RuleChoices(scope.installation.crm.label, lists, now)


def _last_known(scope: InstallationScope, reason: str) -> RuleChoices:
    rows = scope.all(CrmCatalog)
    lists = {row.kind: [CatalogItem(item["id"], item["label"]) for item in row.items] for row in rows}
    return RuleChoices(scope.installation.crm.label, lists, min((row.read_at for row in rows), default=None), reason)


def choice_errors(choices: RuleChoices, values: dict[str, str]) -> dict[str, str]:
    """A posted workflow, campaign or property the CRM does not have, by form field. Only checked against a
    list read just now: the last known list may miss what was created since, so a typed id then stands."""
    if choices.unreachable is not None:
        return {}
    errors = {}
    for field, kind in FIELDS.items():
        value = values.get(field)
        if value and value not in choices.ids(kind):  # a blank is `rule_errors`' to report
            what = f"active {choices.target_word}" if kind == "enroll_targets" else "property a rule may set"
            errors[field] = f"{choices.crm} has no {what} named “{value}”: choose one from the list."
    return errors
