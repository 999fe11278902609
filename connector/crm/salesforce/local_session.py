"""A requests Session for simple-salesforce against a plain-HTTP org (the local sandbox, in demos and tests).

simple-salesforce 1.12 reduces `instance_url` to a host and rebuilds every URL as https://{instance}/...
(queries, nextRecordsUrl, oauth2), so plain-HTTP localhost is unreachable without rewriting the URL here."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import requests


class LocalSession(requests.Session):
    def __init__(self, base_url: str):
        if not base_url:
            raise ValueError("LocalSession needs the sandbox's base URL")
        super().__init__()
        self.trust_env = False  # proxies or CA bundles from the environment must not reroute localhost
        self._target = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit((self._target.scheme, self._target.netloc, parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)
