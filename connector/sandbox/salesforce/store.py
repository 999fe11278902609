"""An org's data as the sandbox keeps it: records per object, the field catalog, ids that look like Salesforce's."""
from __future__ import annotations

import itertools
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

# Key prefixes of the real objects, so ids in tests and demos read like an org's.
PREFIX = {"Lead": "00Q", "Contact": "003", "User": "005", "Task": "00T", "Campaign": "701", "CampaignMember": "00v",
          "PermissionSet": "0PS", "FieldPermissions": "01k", "PermissionSetAssignment": "0Pa", "CustomField": "00N",
          "Organization": "00D", "AsyncApexJob": "750"}
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
TIME_FIELDS = {"SystemModstamp": "_ms", "LastModifiedDate": "_ms", "CreatedDate": "_created_ms"}
SYSTEM_FIELDS = {"Id", "SystemModstamp", "LastModifiedDate", "CreatedDate", "IsConverted", "ConvertedDate",
                 "ConvertedContactId", "IsDeleted", "MasterRecordId", "CreatedById", "LastModifiedById",
                 "LastActivityDate", "LastViewedDate", "LastReferencedDate", "LastTransferDate", "ConvertedAccountId",
                 "ConvertedOpportunityId", "PhotoUrl", "EmailBouncedDate", "EmailBouncedReason", "IsEmailBounced",
                 "LastCURequestDate", "LastCUUpdateDate", "Address", "MailingAddress", "OtherAddress"}


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str  # describe type: string, picklist, double, int, currency, boolean, datetime, date, textarea, ...
    label: str = ""
    picklist: tuple[str, ...] = ()
    custom: bool = False
    length: int = 0

    @property
    def updateable(self) -> bool:
        return self.name not in SYSTEM_FIELDS and self.type != "id"


def salesforce_id(object_name: str, number: int) -> str:
    """An 18-character id: 3-char key prefix, 12 base-62 digits, then the real case-safety suffix."""
    body = PREFIX[object_name]
    digits = ""
    for _ in range(12):
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    fifteen = body + digits
    suffix = ""
    for chunk in (fifteen[0:5], fifteen[5:10], fifteen[10:15]):
        bits = sum(1 << i for i, ch in enumerate(chunk) if ch.isupper())
        suffix += _ALPHABET[bits]
    return fifteen + suffix


def sf_time(ms: int) -> str:
    """Salesforce's datetime format: 2024-05-01T12:00:00.000+0000."""
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+0000"


@dataclass
class Org:
    id: str
    integration_user_id: str
    name: str = "Sandbox Org"
    tables: dict[str, dict[str, dict]] = field(default_factory=lambda: defaultdict(dict))
    fields: dict[str, dict[str, FieldDef]] = field(default_factory=lambda: defaultdict(dict))
    # Custom fields created through the Tooling API: no field-level security until a permission set grants it.
    secured: set[str] = field(default_factory=set)  # "Lead.LeadScore_Score__c"
    custom_field_ids: dict[str, str] = field(default_factory=dict)
    query_jobs: dict[str, dict] = field(default_factory=dict)  # Bulk API 2.0, by job id
    ingest_jobs: dict[str, dict] = field(default_factory=dict)  # Bulk API 2.0, by job id
    api_used: int = 0
    usage_day: int = 0  # the sandbox-clock day api_used counts; a new day starts a fresh allocation
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    # Not visible through the API: each generated lead's chance of converting, for `simulation.py`.
    propensity: dict[str, float] = field(default_factory=dict, repr=False)


class IdSource:
    """One counter per sandbox so ids never collide across orgs."""

    def __init__(self):
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def new(self, object_name: str) -> str:
        with self._lock:
            return salesforce_id(object_name, next(self._counter))
