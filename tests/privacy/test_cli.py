"""`leadscore privacy export` and `forget` end to end: a portal synced from the HubSpot sandbox by the real sync
task, then the top-level `leadscore` command (as an operator runs it, configured by the environment)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from connector.cli import cli
from connector.db import get_session
from connector.db.models import AuditEvent
from tests.nurture.test_sync_task import _hubspot
from tests.workers.conftest import run_task

from .rows_naming import rows_naming
from .test_deletion import _an_owned_record, _make_rows_about


def test_export_prints_every_row_about_a_person_and_forget_erases_them(tmp_path, hubspot_sandbox):
    with _hubspot(tmp_path, hubspot_sandbox) as (app, installation_id, account):
        run_task(app, "workers.sync", installation_id=installation_id)
        crm_id, email = _an_owned_record(account, map(str, account.sandbox.portal(account.account_id).ids))
        _make_rows_about(app, installation_id, account, crm_id)
        env = {"LEADSCORE_INSTANCE_PATH": str(tmp_path / "instance"),
               "LEADSCORE_DATABASE_URL": app.config["DATABASE_URL"]}
        runner = CliRunner()

        exported = runner.invoke(cli, ["privacy", "export", "--installation", str(installation_id),
                                       "--record", crm_id], env=env)

        assert exported.exit_code == 0, exported.output
        held = json.loads(exported.output)
        assert held["record"] == crm_id and held["installation"]["crm"] == "hubspot"
        [snapshot] = held["tables"]["record_snapshots"]
        assert snapshot["properties"]["email"] == email
        assert {"current_scores", "score_history", "action_log"} <= set(held["tables"])
        assert len(held["tables"]["score_history"]) >= 2

        forgotten = runner.invoke(cli, ["privacy", "forget", "--installation", str(installation_id),
                                        "--record", crm_id], env=env)

        assert forgotten.exit_code == 0, forgotten.output
        assert forgotten.output.startswith("Erased ") and "record_snapshots" in forgotten.output
        assert rows_naming(app, crm_id, email) == []
        with app.app_context():
            [event] = get_session().query(AuditEvent).filter_by(action="privacy.erased").all()
        assert event.actor == "cli" and event.installation_id == installation_id
        assert event.detail["records"] == 1 and event.detail["rows"]["record_snapshots"] == 1
        again = runner.invoke(cli, ["privacy", "export", "--installation", str(installation_id),
                                    "--record", crm_id], env=env)
        assert json.loads(again.output)["tables"] == {}


def test_an_unknown_installation_is_one_sentence(tmp_path):
    env = {"LEADSCORE_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(cli, ["privacy", "forget", "--installation", "999", "--record", "1"], env=env)
    assert result.exit_code == 1 and result.output.splitlines()[-1] == "Error: no installation 999"
    assert "Traceback" not in result.output
