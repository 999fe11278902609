"""Bulk snapshot upserts keep the per-record rules: a re-pull of the same record stores nothing, only a change
outside our own score fields marks it for scoring, and objects already loaded see the new values."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from connector.crm.base import CrmRecord
from connector.db import get_session
from connector.db.models import Crm, Installation, RecordSnapshot
from connector.db.scope import InstallationScope
from workers.snapshots import upsert_snapshots

MODIFIED = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def scope(worker_app):
    with worker_app.app_context():
        session = get_session()
        installation = Installation(crm=Crm.HUBSPOT, account_id="snapshots", name="Snapshots")
        session.add(installation)
        session.commit()
        yield InstallationScope(session, installation)


def contact(crm_id: str, modified: datetime = MODIFIED, **properties) -> CrmRecord:
    return CrmRecord(crm_id, "contacts", {"jobtitle": "CEO", **properties}, modified)


def stored(scope) -> dict[str, RecordSnapshot]:
    return {s.crm_id: s for s in scope.all(RecordSnapshot)}


def test_new_records_are_inserted_and_all_need_scoring(scope):
    names = scope.installation.settings.field_names
    assert upsert_snapshots(scope, [contact(str(i)) for i in range(1, 251)], names) == 250
    scope.session.commit()
    assert len(stored(scope)) == 250


def test_only_changes_outside_our_own_fields_mark_a_record_for_scoring(scope):
    names = scope.installation.settings.field_names
    upsert_snapshots(scope, [contact("1"), contact("2"), contact("3")], names)
    scope.session.commit()
    first = {k: s.synced_at for k, s in stored(scope).items()}
    later = MODIFIED + timedelta(minutes=1)
    changed = upsert_snapshots(scope, [
        contact("1"),  # re-pulled unchanged
        contact("2", later, **{names.score: "88", "lastmodifieddate": "1714564860000"}),  # our write-back
        contact("3", later, jobtitle="CTO"),  # a real change
    ], names)
    scope.session.commit()
    now = stored(scope)
    assert changed == 1
    assert now["1"].synced_at == first["1"] and now["2"].synced_at == first["2"]
    assert now["3"].synced_at > first["3"]
    assert now["2"].properties[names.score] == "88" and now["2"].modified_at == later
    assert now["3"].properties["jobtitle"] == "CTO"


def test_a_snapshot_loaded_before_the_upsert_reads_the_new_values(scope):
    names = scope.installation.settings.field_names
    upsert_snapshots(scope, [contact("7")], names)
    scope.session.commit()
    loaded = stored(scope)["7"]  # sessions keep objects across commits
    upsert_snapshots(scope, [contact("7", MODIFIED + timedelta(seconds=5), jobtitle="Intern")], names)
    scope.session.commit()
    assert loaded.properties["jobtitle"] == "Intern"
