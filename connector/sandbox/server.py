"""Serve a sandbox's WSGI app on localhost, in a background thread (tests, demo) or in the foreground (CLI)."""
from __future__ import annotations

import logging
import threading

from werkzeug.serving import BaseWSGIServer, make_server


class SandboxServer:
    """A running sandbox: `base_url` is what an SDK's host setting points at."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        self.app = app
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self.host = host
        self.port = self._server.server_port
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "SandboxServer":
        # werkzeug logs a line per request; at sandbox volumes that drowns everything else.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"sandbox:{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
