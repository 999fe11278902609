"""The privacy SQL on both databases: the opt-out filter reads a JSON property (json_extract on SQLite, ->> on
PostgreSQL), and erasure deletes and scrubs rows the same way on each."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import CurrentScore, RecordSnapshot, SyncRun, SyncKind, SyncStatus, utcnow
from connector.db.scope import InstallationScope
from connector.privacy.erasure import forget
from connector.privacy.opt_out import not_opted_out

from .conftest import add_installation

FLAGS = {"1": "true", "2": " True ", "3": "false", "4": None, "5": "1", "6": "yes", "7": ""}


@pytest.fixture
def database_url(request, tmp_path):
    if getattr(request, "param", "sqlite") == "postgres":
        return request.getfixturevalue("throwaway_postgres")
    return f"sqlite:///{tmp_path / 'leadscore.sqlite'}"


@pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_opt_out_filter_and_erasure_on_each_database(app):
    installation_id = add_installation(app, account_id="777")
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        now = utcnow()
        for crm_id, flag in FLAGS.items():
            properties = {"email": f"p{crm_id}@example.com"} | ({} if crm_id == "8" else {"hs_email_optout": flag})
            scope.add(RecordSnapshot(object_type="contacts", crm_id=crm_id, properties=properties, modified_at=now))
            scope.add(CurrentScore(object_type="contacts", crm_id=crm_id, score=50, probability=0.5, tier="B"))
        scope.add(RecordSnapshot(object_type="contacts", crm_id="8", properties={}, modified_at=now))
        scope.add(SyncRun(kind=SyncKind.INCREMENTAL, status=SyncStatus.PARTIAL, counts={}, api_calls={},
                          errors=[{"crm_id": "3", "message": "bad"}, {"crm_id": "4", "message": "bad"}],
                          cursor_after={"since": 1, "until": 2, "last_id": 3}))
        get_session().commit()

        kept = set(get_session().scalars(scope.select(RecordSnapshot).with_only_columns(RecordSnapshot.crm_id)
                                         .where(not_opted_out(scope.installation.settings))))
        assert kept == {"3", "4", "7", "8"}

        erasure = forget(scope, ["3"], actor="test", reason="test")
        get_session().commit()
        assert erasure.rows == {"record_snapshots": 1, "current_scores": 1, "sync_runs": 1}
        [run] = scope.all(SyncRun)
        assert run.errors == [{"crm_id": "4", "message": "bad"}] and run.cursor_after["last_id"] == 2
        assert not scope.all(RecordSnapshot, RecordSnapshot.crm_id == "3")


def test_no_opt_out_property_filters_nothing(app):
    from dataclasses import replace

    installation_id = add_installation(app, account_id="778")
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        scope.add(RecordSnapshot(object_type="contacts", crm_id="1", properties={"hs_email_optout": "true"},
                                 modified_at=utcnow()))
        get_session().commit()
        off = replace(scope.installation.settings, opt_out_property="")
        assert get_session().scalars(scope.select(RecordSnapshot).where(not_opted_out(off))).all()
