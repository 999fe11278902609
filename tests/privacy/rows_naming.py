"""Search every table of the connector (the SQLAlchemy metadata, so a table added later is searched too) for
anything naming a person: their CRM record id as a whole token, or their email anywhere."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Integer, select

from connector.db import get_session
from connector.db.models import Base


def rows_naming(app, crm_id: str, email: str | None) -> list[str]:
    """"table.column" for each value that names the person; empty when the connector holds nothing of them."""
    token = re.compile(rf"(?<![A-Za-z0-9]){re.escape(crm_id)}(?![A-Za-z0-9])")
    found = []
    with app.app_context():
        session = get_session()
        for table in Base.metadata.sorted_tables:
            # Integer columns are row ids and counts: CRM ids are stored as text wherever they are kept.
            columns = [c for c in table.columns if not isinstance(c.type, Integer)]
            for row in session.execute(select(*columns)).mappings():
                found += [f"{table.name}.{name}" for name, value in row.items()
                          if _names(value, crm_id, token, (email or "").lower())]
    return sorted(set(found))


def _names(value: Any, crm_id: str, token: re.Pattern, email: str) -> bool:
    if isinstance(value, dict):
        return any(_names(k, crm_id, token, email) or _names(v, crm_id, token, email) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_names(v, crm_id, token, email) for v in value)
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return str(value) == crm_id  # a HubSpot pull cursor keeps its last id as a number
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = str(value)
    return bool(token.search(text)) or bool(email and email in text.lower())
