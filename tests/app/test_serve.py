"""The app as an operator starts it: `leadscore serve` on the embedded default, and the Procfile's web line under
gunicorn on PostgreSQL. Real processes on free ports, a real browser session (requests), the sandbox over HTTP."""
from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select

from connector.app.config import DEFAULTS
from connector.db.models import SyncKind, SyncRun, SyncStatus

from tests.workers.conftest import in_the_past, install_portal, make_app, sandbox_config

from .browser_session import AdminBrowser
from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from .test_install_flows import install_hubspot

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv's bin: `leadscore`, `gunicorn`


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], env: dict, ready: re.Pattern, timeout: float = 60):
    """Start `command`, wait for a line of its output matching `ready`, yield the match; stop it afterwards."""
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    seen = []
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"{command[0]} did not get ready in {timeout} s; it said:\n{''.join(seen)}")
            seen.append(line)
            if (match := ready.search(line)) is not None:
                break
        yield match
    finally:
        process.terminate()
        process.wait(timeout=20)


def cli(*args: str, env: dict, stdin: str | None = None) -> str:
    done = subprocess.run([str(BIN / "leadscore"), *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def sync_runs(database_url: str) -> list[SyncRun]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(SyncRun).where(SyncRun.kind != SyncKind.RESCORE)
                                           .order_by(SyncRun.id)))
    finally:
        engine.dispose()


def wait_for_syncs(database_url: str, count: int, timeout: float = 90) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [run for run in sync_runs(database_url) if run.status == SyncStatus.SUCCEEDED]
        if len(done) >= count:
            return done
        time.sleep(0.3)
    pytest.fail(f"{count} finished sync run(s) expected; the database holds {sync_runs(database_url)}")


@pytest.mark.slow
def test_serve_migrates_serves_and_runs_the_jobs_it_queues_in_process(tmp_path, hubspot_sandbox):
    portal = hubspot_sandbox.add_portal(contacts=30)
    base = hubspot_sandbox.base_url
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "LEADSCORE_INSTANCE_PATH": str(tmp_path),
           "LEADSCORE_HUBSPOT_API_BASE": base, "LEADSCORE_HUBSPOT_AUTHORIZE_URL": base + "/oauth/authorize",
           "LEADSCORE_HUBSPOT_TOKEN_URL": base + "/oauth/v1/token",
           "LEADSCORE_HUBSPOT_CLIENT_ID": hubspot_sandbox.app.client_id,
           "LEADSCORE_HUBSPOT_CLIENT_SECRET": hubspot_sandbox.app.client_secret}
    with running([str(BIN / "leadscore"), "serve", "--port", "0"], env,
                 re.compile(r"Serving on (http://\S+?)/?$")) as ready:
        app_url = ready.group(1)
        assert requests.get(app_url + "/auth/login", timeout=10).status_code == 200
        assert (tmp_path / "leadscore.sqlite").exists()  # migrated by `serve` itself
        cli("admin", "create", "--email", ADMIN_EMAIL, "--password-stdin", env=env, stdin=ADMIN_PASSWORD + "\n")

        browser = AdminBrowser(app_url)
        browser.sign_in()
        landed = install_hubspot(browser, portal.id)  # queues the first sync and training
        assert landed.status_code == 200 and "HubSpot connected" in landed.text
        page = landed.url.removeprefix(app_url)
        database_url = f"sqlite:///{tmp_path / 'leadscore.sqlite'}"
        first, = wait_for_syncs(database_url, 1)
        assert first.counts["pulled"] == 30

        browser.submit(page, page + "/sync")  # the dashboard's "Sync now"
        assert len(wait_for_syncs(database_url, 2)) == 2


@pytest.mark.slow
def test_serve_runs_the_sync_schedule_in_process(tmp_path, hubspot_sandbox):
    # An installation nobody has synced yet (installed before this process started): only beat will sync it.
    with in_the_past(hubspot_sandbox):
        portal = hubspot_sandbox.add_portal(contacts=20)
    key = Fernet.generate_key().decode()
    database_url = f"sqlite:///{tmp_path / 'scheduled.sqlite'}"
    app = make_app(tmp_path, database_url, ENCRYPTION_KEYS=[key],
                   **sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url))
    install_portal(app, hubspot_sandbox, portal.id)
    app.extensions["db_engine"].dispose()
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "LEADSCORE_INSTANCE_PATH": str(tmp_path / "serve"),
           "LEADSCORE_DATABASE_URL": database_url, "LEADSCORE_ENCRYPTION_KEYS": key,
           "LEADSCORE_SCHEDULE_CHECK_SECONDS": "1",
           **{f"LEADSCORE_{k}": v for k, v in sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url).items()}}
    with running([str(BIN / "leadscore"), "serve", "--port", "0"], env, re.compile(r"Serving on")):
        scheduled, = wait_for_syncs(database_url, 1)
    assert scheduled.counts["pulled"] == 20 and scheduled.kind == SyncKind.FULL
    assert list((tmp_path / "serve").glob("celerybeat-schedule*"))  # kept in the instance folder, not the cwd


@pytest.mark.slow
@pytest.mark.postgres
def test_the_procfile_web_line_serves_under_gunicorn_on_postgresql(tmp_path, throwaway_postgres):
    web = next(line.split(":", 1)[1].strip() for line in (ROOT / "Procfile").read_text().splitlines()
               if line.startswith("web:"))
    port = _free_port()
    # What a deployment sets (README "Production set-up"): the database, the secret key, the encryption keys,
    # the public URL.
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "PORT": str(port), "WEB_CONCURRENCY": "2",
           "DATABASE_URL": throwaway_postgres, "LEADSCORE_INSTANCE_PATH": str(tmp_path),
           "LEADSCORE_SECRET_KEY": os.urandom(16).hex(), "LEADSCORE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
           "LEADSCORE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    cli("db", "upgrade", env=env)
    cli("admin", "create", "--email", ADMIN_EMAIL, "--password-stdin", env=env, stdin=ADMIN_PASSWORD + "\n")
    with running(["sh", "-c", f"exec {web}"], env, re.compile(r"Booting worker")):
        browser = AdminBrowser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while True:  # the first worker may still be importing the app
            try:
                assert browser.get("/auth/login").status_code == 200
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        browser.sign_in()  # a session written by one gunicorn worker, read by whichever answers next
        assert "Installations" in browser.get("/").text
    assert not list(tmp_path.glob("*.sqlite"))  # it really ran on PostgreSQL


def test_the_readme_configuration_table_lists_every_key():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration"):]
    table = table[:table.index("\n## ")]
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.MULTILINE))
    assert listed == set(DEFAULTS)
