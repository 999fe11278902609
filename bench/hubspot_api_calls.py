"""API calls per contact for a full pull plus write-back, against the HubSpot sandbox at HubSpot's real limits.

Prints one line per figure with its unit. The floor is 0.015 calls per contact (200 read per search page,
100 written per batch update); a handful of schema calls come on top. Searches are paced at HubSpot's 5 a
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    args = parser.parse_args()

    sandbox = HubSpotSandbox()  # HubSpot's real limits: 110 requests / 10 s, 5 searches / s
    portal = sandbox.add_portal(contacts=args.contacts, seed=42)
    with SandboxServer(sandbox.wsgi_app) as server:
        client = adapter_client(sandbox, portal.id, server.base_url)  # searches paced at 5 / s
        names = hubspot_score_fields()
        client.provision_fields(names)
        provision_calls = sum(client.api_calls.values())

        started = time.perf_counter()
        pulled = [r for batch in client.pull_changed(None) for r in batch.records]
        pulled_at = time.perf_counter()
        result = client.write_fields([FieldWrite(r.crm_id, "contacts", {names.score: "50", names.tier: "B"})
                                      for r in pulled])
        finished = time.perf_counter()

    calls = sum(client.api_calls.values()) - provision_calls
    print(f"contacts pulled and written: {len(pulled)} pulled, {len(result.written)} written")
    print(f"api calls per contact (pull + write-back): {calls / max(len(pulled), 1):.4f} calls/contact")
    print(f"api calls by kind: {dict(client.api_calls)} calls")
    print(f"pull throughput: {len(pulled) / (pulled_at - started):.0f} records/s")
    print(f"write-back throughput: {len(result.written) / (finished - pulled_at):.0f} records/s")
    print(f"end-to-end throughput: {len(pulled) / (finished - started):.0f} records/s")
    print(f"requests refused by HubSpot's limits (429): {sandbox.calls(portal.id)['rate_limited']} responses")
    print(f"time held back by search pacing: {client.search_pacer.waited:.1f} s")


if __name__ == "__main__":
    main()
