"""End-to-end fixtures: real `celery worker` processes on Redis, PostgreSQL, and the sandbox over HTTP.

Each test gets its own PostgreSQL database, its own Redis database index and queue name, so parallel runs
on one machine never consume each other's tasks or share locks.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from connector.sandbox.server import SandboxServer
from tests.app.conftest import throwaway_postgres  # noqa: F401  (a fixture: a database created and dropped)
from tests.workers.conftest import make_app, sandbox_config

CELERY = str(Path(sys.executable).with_name("celery"))


class CeleryWorker:
    """One `celery --app workers.celery_app worker` process (as in the Procfile), its output in a log file."""

    def __init__(self, env: dict, log: Path, name: str, concurrency: int = 2, pool: str = "prefork",
                 extra: tuple[str, ...] = ()):
        self.log = log
        self._handle = open(log, "wb")
        self.process = subprocess.Popen(
            [CELERY, "--app", "workers.celery_app", "worker", "--loglevel", "INFO", "--concurrency", str(concurrency),
             "--pool", pool, "--hostname", f"{name}@%h", "--queues", env["LEADSCORE_CELERY_QUEUE"], "--without-gossip",
             "--without-mingle", "--without-heartbeat", *extra],
            env=env, stdout=self._handle, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b" ready." in self.log.read_bytes():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready after {timeout}s:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """kill -9 the whole worker (main process and pool children): no chance to clean up or ack."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._handle.close()


@pytest.fixture
def e2e(tmp_path, throwaway_postgres, redis_url, hubspot_sandbox):  # noqa: F811
    """An app on PostgreSQL + Redis pointed at the sandbox, the same configuration in the environment for
    worker processes, and `start_worker()` to launch them."""
    redis_db = random.randint(1, 15)
    base_redis = redis_url.rsplit("/", 1)[0]
    keys = Fernet.generate_key().decode()
    config = {"DATABASE_URL": throwaway_postgres, "CELERY_BROKER_URL": f"{base_redis}/{redis_db}",
              "CELERY_RESULT_BACKEND": f"{base_redis}/{redis_db}", "CELERY_QUEUE": f"e2e-{uuid.uuid4().hex[:8]}",
              "CELERY_VISIBILITY_TIMEOUT": 15, "SYNC_LOCK_SECONDS": 8,
              # Its own Redis namespace, so test runs side by side on one Redis never share locks or rate windows.
              "REDIS_NAMESPACE": f"e2e-{uuid.uuid4().hex[:8]}",
              **sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)}
    app = make_app(tmp_path, throwaway_postgres, **{k: v for k, v in config.items() if k != "DATABASE_URL"},
                   ENCRYPTION_KEYS=[keys])
    env = {**os.environ, "LEADSCORE_INSTANCE_PATH": str(tmp_path / "worker-instance"),
           "LEADSCORE_SECRET_KEY": "e2e-secret", "LEADSCORE_ENCRYPTION_KEYS": keys,
           **{f"LEADSCORE_{k}": str(v) for k, v in config.items()}}
    workers: list[CeleryWorker] = []

    class E2E:
        def __init__(self):
            self.app = app
            self.env = env
            self.workers = workers
            self.served = None

        def start_worker(self, name: str = "w1", concurrency: int = 2) -> CeleryWorker:
            worker = CeleryWorker(env, tmp_path / f"{name}-{len(workers)}.log", name, concurrency)
            workers.append(worker)
            return worker

        def send(self, task: str, **kwargs):
            return app.extensions["celery"].send_task(task, kwargs=kwargs)

        def serve_app(self) -> str:
            """Serve the connector itself over HTTP (webhooks need a URL the sandbox can post to)."""
            self.served = SandboxServer(app).start()
            return self.served.base_url

    harness = E2E()
    yield harness
    for worker in workers:
        worker.stop()
    if harness.served is not None:
        harness.served.stop()
    app.extensions["db_engine"].dispose()
