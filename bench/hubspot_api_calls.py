"""API calls per contact for a full pull plus write-back, against the HubSpot sandbox at HubSpot's real limits.

The portal has a real portal's default contact schema (276 properties; the adapter pulls only the ones it
uses). Prints one line per figure with its unit: calls per contact (the floor is 0.015: 200 read per search
page, 100 written per batch update, with a handful of schema calls on top; the goal is 0.021 at most) and
bytes per call, request and response bodies measured at the sandbox. Searches are paced at HubSpot's 5 a
second, so the run also prints the 429s it drew (none expected) and the time pacing held it back.

    .venv/bin/python -m bench.hubspot_api_calls --contacts 10000
"""
from __future__ import annotations

import argparse
import time

from connector.crm.base import FieldWrite
from connector.crm.hubspot import hubspot_score_fields
from connector.sandbox.hubspot import HubSpotSandbox
from connector.sandbox.hubspot.adapter import adapter_client
from connector.sandbox.server import SandboxServer


class ByteCounter:
    """WSGI middleware: request and response body bytes of every call, by path kind."""

    def __init__(self, app):
        self.app = app
        self.calls = 0
        self.sent = 0
        self.received = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        self.sent += int(environ.get("CONTENT_LENGTH") or 0)
        chunks = list(self.app(environ, start_response))
        self.received += sum(len(c) for c in chunks)
        return chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    args = parser.parse_args()

    sandbox = HubSpotSandbox()  # HubSpot's real limits: 110 requests / 10 s, 5 searches / s
    portal = sandbox.add_portal(contacts=args.contacts, seed=42)
    counter = ByteCounter(sandbox.wsgi_app)
    with SandboxServer(counter) as server:
        client = adapter_client(sandbox, portal.id, server.base_url)  # searches paced at 5 / s
        names = hubspot_score_fields()
        client.provision_fields(names)
        provision_calls = sum(client.api_calls.values())
        counted = counter.calls, counter.sent, counter.received

        started = time.perf_counter()
        pulled = [r for batch in client.pull_changed(None) for r in batch.records]
        pulled_at = time.perf_counter()
        result = client.write_fields([FieldWrite(r.crm_id, "contacts", {names.score: "50", names.tier: "B"})
                                      for r in pulled])
        finished = time.perf_counter()

    calls = sum(client.api_calls.values()) - provision_calls
    http_calls = counter.calls - counted[0]
    print(f"portal schema: {len(portal.properties)} contact properties, "
          f"{len(pulled[0].properties) if pulled else 0} pulled")
    print(f"contacts pulled and written: {len(pulled)} pulled, {len(result.written)} written")
    print(f"api calls per contact (pull + write-back): {calls / max(len(pulled), 1):.4f} calls/contact")
    print(f"request bytes per call: {(counter.sent - counted[1]) / max(http_calls, 1):.0f} bytes/call")
    print(f"response bytes per call: {(counter.received - counted[2]) / max(http_calls, 1):.0f} bytes/call")
    print(f"api calls by kind: {dict(client.api_calls)} calls")
    print(f"pull throughput: {len(pulled) / (pulled_at - started):.0f} records/s")
    print(f"write-back throughput: {len(result.written) / (finished - pulled_at):.0f} records/s")
    print(f"end-to-end throughput: {len(pulled) / (finished - started):.0f} records/s")
    print(f"requests refused by HubSpot's limits (429): {sandbox.calls(portal.id)['rate_limited']} responses")
    print(f"time held back by search pacing: {client.search_pacer.waited:.1f} s")


if __name__ == "__main__":
    main()
