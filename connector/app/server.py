"""Serve a WSGI app (the connector, or a sandbox CRM) with werkzeug: in a background thread (tests, demo) or in
the foreground (`leadscore serve`, `leadscore sandbox`)."""
from __future__ import annotations

import logging
import threading

from werkzeug.serving import BaseWSGIServer, make_server


class WsgiServer:
    """A running server: `base_url` is what a browser, or an SDK's host setting, points at."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        self.app = app
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self.host = host
        self.port = self._server.server_port
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "WsgiServer":
        # werkzeug logs a line per request; at sandbox volumes that drowns everything else.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"wsgi:{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "WsgiServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
