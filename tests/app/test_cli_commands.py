"""The `leadscore` commands as an operator runs them: the real entry point, the environment, a real port."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_migrates_then_serves_the_sign_in_page(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from connector.cli import cli; cli()", "serve", "--port", str(port)],
        env={"LEADSCORE_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        status = None
        for _ in range(100):  # the server needs a moment to migrate and bind
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login", timeout=2).status
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
        assert (tmp_path / "leadscore.sqlite").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
