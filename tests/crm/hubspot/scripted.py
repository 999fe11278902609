"""A HubSpot stand-in that answers from a script, for the edge cases the sandbox has no switch for.

It still speaks real HTTP, so the SDK, urllib3 and the adapter run unpatched; only the answers are canned.
"""
from __future__ import annotations

import json
from collections import deque

from werkzeug.wrappers import Request, Response


class ScriptedHubSpot:
    def __init__(self):
        self.answers: deque[tuple[int, object, dict]] = deque()
        self.requests: list[tuple[str, str, object]] = []  # (method, path, json body or form)

    def answer(self, status: int, body: object = None, **headers: str) -> "ScriptedHubSpot":
        self.answers.append((status, body, {k.replace("_", "-"): v for k, v in headers.items()}))
        return self

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_json(silent=True)
        self.requests.append((request.method, request.path, body if body is not None else dict(request.form)))
        status, payload, headers = self.answers.popleft() if self.answers else (599, {"message": "unscripted"}, {})
        text = "" if payload is None else json.dumps(payload)
        return Response(text, status=status, headers=headers, content_type="application/json")(environ, start_response)
