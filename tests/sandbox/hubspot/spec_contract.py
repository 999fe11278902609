"""HubSpot's own OpenAPI files as the judge of the sandbox: a WSGI recorder keeps every exchange the
adapter has with the sandbox, and openapi-core validates each request and response against the file that
documents its path (../shared/data/specs/hubspot, see ../shared/data/README.md).

The specs name https://api.hubapi.com as their server; recorded requests are presented as sent there."""
from __future__ import annotations

import io
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.validation.response.exceptions import MissingData
from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.wrappers import Request

SPECS = Path(__file__).resolve().parents[3] / "../shared/data/specs/hubspot"
HOST = "https://api.hubapi.com"


@dataclass
class SpecRequest:
    """openapi-core's Request protocol over one recorded request."""
    method: str
    path: str
    query: ImmutableMultiDict
    headers: Headers
    body: bytes | None
    content_type: str
    host_url: str = HOST
    parameters: RequestParameters = field(init=False)

    def __post_init__(self):
        self.parameters = RequestParameters(query=self.query, header=self.headers)


@dataclass
class SpecResponse:
    """openapi-core's Response protocol over one recorded response."""
    status_code: int
    headers: Headers
    data: bytes
    content_type: str


@dataclass
class Exchange:
    request: SpecRequest
    response: SpecResponse

    def describe(self) -> str:
        return f"{self.request.method.upper()} {self.request.path} -> {self.response.status_code}"


class Recorder:
    """WSGI middleware: passes every call to the sandbox and keeps (request, response)."""

    def __init__(self, app):
        self.app = app
        self.exchanges: list[Exchange] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        environ["wsgi.input"] = io.BytesIO(body)  # the sandbox reads the body again
        environ["CONTENT_LENGTH"] = str(len(body))
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = int(status.split()[0]), Headers(headers)
            return start_response(status, headers, exc_info)

        chunks = list(self.app(environ, capture))
        headers = seen["headers"]
        self.exchanges.append(Exchange(
            SpecRequest(request.method.lower(), request.path, request.args, Headers(request.headers), body or None,
                        (request.content_type or "").lower()),
            SpecResponse(seen["status"], headers, b"".join(chunks), (headers.get("Content-Type") or "").lower())))
        return chunks


class Specs:
    """Every HubSpot spec file, and which one documents a given path."""

    def __init__(self, folder: Path = SPECS):
        # Error responses are documented as `*/*`; HubSpot sends them as JSON, so read them as JSON.
        config = Config(extra_media_type_deserializers={"*/*": json.loads})
        self.documents = [(json.loads(p.read_text()), OpenAPI.from_file_path(str(p), config=config))
                          for p in sorted(folder.glob("*.json"))]

    def for_path(self, method: str, path: str) -> tuple[OpenAPI | None, str | None]:
        """(the spec documenting this operation, its path template); (None, None) when none does.
        Literal segments beat templated ones (`/batch/read` is not `/{contactId}`)."""
        candidates = [(sum(not part.startswith("{") for part in template.split("/")), template, spec)
                      for document, spec in self.documents for template, operations in document["paths"].items()
                      if method in operations and _matches(template, path)]
        if not candidates:
            return None, None
        _, template, spec = max(candidates, key=lambda c: c[0])
        return spec, template


def _matches(template: str, path: str) -> bool:
    want, got = template.strip("/").split("/"), path.strip("/").split("/")
    return len(want) == len(got) and all(w.startswith("{") or w == g for w, g in zip(want, got))


def problems(spec: OpenAPI, exchange: Exchange) -> list[tuple[str, str]]:
    """[("request" | "response", first line of what the validator said)]; [] when both conform."""
    found = []
    with warnings.catch_warnings():
        # openapi-core cannot check HubSpot's developer_hapikey scheme and warns; authentication is not under test.
        warnings.filterwarnings("ignore", "Unsupported scheme type")
        for part, check in _checks(spec, exchange):
            try:
                check()
            except MissingData:
                # openapi-core reads the spec's `content: {}` (no body, as on every 204) as a body required.
                if exchange.response.status_code != 204 or exchange.response.data:
                    found.append((part, "MissingData: a body was documented and none came"))
            except Exception as exc:  # openapi-core raises one of many ValidationError subclasses
                found.append((part, _explain(exc)))
    return found


def _checks(spec: OpenAPI, exchange: Exchange):
    return (("request", lambda: spec.validate_request(exchange.request)),
            ("response", lambda: spec.validate_response(exchange.request, exchange.response)))


def _explain(exc: BaseException) -> str:
    """The exception's class and, where the schema said no, each complaint at its place in the body."""
    while exc is not None:
        errors = getattr(exc, "schema_errors", None)
        if errors:
            return type(exc).__name__ + ": " + "; ".join(
                sorted({"/".join(map(str, e.absolute_path)) + ": " + e.message[:120] for e in errors}))
        if exc.__cause__ is None:
            return f"{type(exc).__name__}: {str(exc)[:200]}"
        exc = exc.__cause__
    return "unknown"
