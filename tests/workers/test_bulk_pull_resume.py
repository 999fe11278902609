"""A worker dies inside a Salesforce Bulk API 2.0 query pull: the next sync of the installation resumes the run
it left, reads the same job on from the next results page, and stores every lead once, none lost."""
from __future__ import annotations

from connector.crm.salesforce import bulk
from connector.db import get_session
from connector.db.models import Crm, RecordSnapshot, SyncRun, SyncStatus
from connector.db.scope import InstallationScope
from tests.fixtures.salesforce_client import connect
from tests.nurture.test_sync_task import _salesforce_credentials
from tests.workers.conftest import in_the_past, install, make_app
from workers.sync import run_sync

LEADS = 4_500


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: no `except Exception` sees it, so the run stays running."""


def _dying_after(client, batches: int):
    pull = client.pull_changed

    def pull_changed(cursor):
        for n, batch in enumerate(pull(cursor)):
            if n == batches:
                raise WorkerKilled()
            yield batch

    client.pull_changed = pull_changed
    return client


def test_a_sync_killed_between_bulk_results_pages_resumes_the_same_job(tmp_path, salesforce_sandbox, monkeypatch):
    monkeypatch.setattr(bulk, "RESULTS_PAGE", 1_000)  # five results pages for 4,500 leads
    sandbox = salesforce_sandbox
    with in_the_past(sandbox, 180):
        org = sandbox.add_org(leads=LEADS, contacts=0, seed=21)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'sync.sqlite'}", SALESFORCE_LOGIN_URL=sandbox.base_url,
                   SALESFORCE_CLIENT_ID=sandbox.app.client_id, SALESFORCE_CLIENT_SECRET=sandbox.app.client_secret)
    installation_id = install(app, Crm.SALESFORCE, _salesforce_credentials(org.id, sandbox.issue_tokens(org.id)),
                              f"Org {org.id}")
    people = {r["Id"] for r in sandbox.records(org.id, "Lead")} | {r["Id"] for r in sandbox.records(org.id, "Contact")}
    try:
        with app.app_context():
            session = get_session()
            scope = InstallationScope.load(session, installation_id)
            try:
                run_sync(scope, _dying_after(connect(sandbox, org.id, bulk_threshold=2_000), batches=2))
            except WorkerKilled:
                session.rollback()
            [killed] = session.query(SyncRun).all()
            assert killed.status is SyncStatus.RUNNING and killed.counts["pulled"] == 2_000
            assert killed.cursor_after["bulk"]["locator"] and killed.cursor_after["Lead"] is None

            run = run_sync(InstallationScope.load(session, installation_id),
                           connect(sandbox, org.id, bulk_threshold=2_000))

            assert run.id == killed.id and run.status in (SyncStatus.SUCCEEDED, SyncStatus.PARTIAL)
            stored = [s.crm_id for s in session.query(RecordSnapshot).all()]
            assert sorted(stored) == sorted(people)  # every lead and contact, each once
            assert run.counts["pulled"] == len(people)  # the resumed run read no page twice
            assert len(sandbox.org(org.id).query_jobs) == 1  # the same job, read on
            assert "bulk" not in run.cursor_after and run.cursor_after["Lead"] is not None
    finally:
        app.extensions["db_engine"].dispose()
