"""The sandboxes are served like the connector itself (tests and benches know it by this name)."""
from connector.app.server import WsgiServer as SandboxServer

__all__ = ["SandboxServer"]
