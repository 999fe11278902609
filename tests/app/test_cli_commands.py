"""The `leadscore` commands as an operator runs them: the real entry point, the environment (serve: test_serve)."""
from __future__ import annotations

from click.testing import CliRunner

from connector.cli import cli


def test_db_upgrade_and_admin_create_from_the_top_level_command(tmp_path):
    env = {"LEADSCORE_INSTANCE_PATH": str(tmp_path)}
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    assert (tmp_path / "leadscore.sqlite").exists()
    created = runner.invoke(cli, ["admin", "create", "--email", "ops@example.com"], env=env,
                            input="a long enough password\na long enough password\n")
    assert created.exit_code == 0, created.output
    assert "Admin ops@example.com created." in created.output


def test_admin_create_rejects_a_non_email_in_one_sentence(tmp_path):
    result = CliRunner().invoke(cli, ["admin", "create", "--email", "nobody", "--password-stdin"],
                                env={"LEADSCORE_INSTANCE_PATH": str(tmp_path)}, input="x\n")
    assert result.exit_code == 2 and "this is not an email address" in result.output
    assert "Traceback" not in result.output


def test_admin_create_on_an_empty_database_upgrades_it_first(tmp_path):
    result = CliRunner().invoke(cli, ["admin", "create", "--email", "ops@example.com", "--password-stdin"],
                                env={"LEADSCORE_INSTANCE_PATH": str(tmp_path)}, input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Upgraded the database first.", "Admin ops@example.com created."]


def test_admin_create_without_auto_migrate_says_in_one_line_what_to_run(tmp_path):
    result = CliRunner().invoke(cli, ["admin", "create", "--email", "ops@example.com", "--password-stdin"],
                                env={"LEADSCORE_INSTANCE_PATH": str(tmp_path), "LEADSCORE_AUTO_MIGRATE": "false"},
                                input="a long enough password\n")
    assert result.exit_code == 1
    assert result.output == "Error: the database is not up to date: run `leadscore db upgrade` first\n"
