"""API calls per lead for a full pull plus write-back, against the Salesforce sandbox.

Prints one line per figure with its unit. Up to 10,000 leads a pull reads 2,000 per REST query batch; above
that it runs as one Bulk API 2.0 query job (a count, create, poll and one results page per 10,000 rows), and
the pull's own calls per lead and time are printed apart. Write-back is 200 per sObject Collections call up
to 10,000 records and Bulk API 2.0 ingest jobs above (one per object type); describes and the Contact pass
come on top, and converted leads cost one lookup plus their share of a collection call to reach their contact.
The write-back's own calls and time are printed apart too; `--ingest-threshold` above the lead count sends it
through collections whatever its size (how every write-back went before ingest jobs).

    .venv/bin/python -m bench.salesforce_api_calls --leads 10000
    .venv/bin/python -m bench.salesforce_api_calls --leads 100000    # pull and write-back through Bulk API 2.0
    .venv/bin/python -m bench.salesforce_api_calls --leads 100000 --ingest-threshold 1000000  # collections

Measured 2026-12-08 (shared 2-core machine, 100,000 leads): write-back through collections 500 calls
(0.00500 calls/lead), 19.3 s; through Bulk API 2.0 ingest 10 calls (two jobs, Lead and the converted leads'
Contacts: create, upload, close, one poll, failedResults each; 0.00010 calls/lead), 18.6 s. The sandbox
applies rows in process, so the times say little about a real org, which processes a job in its own time;
the calls are what count against the org's daily allocation.
"""
from __future__ import annotations

import argparse
import time

from connector.crm.base import FieldWrite
from connector.crm.salesforce import salesforce_score_fields
from connector.crm.salesforce.ingest import INGEST_THRESHOLD
from connector.sandbox.salesforce import SalesforceSandbox
from connector.sandbox.salesforce.adapter import adapter_client
from connector.sandbox.server import SandboxServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--ingest-threshold", type=int, default=INGEST_THRESHOLD,
                        help="records in a write-back above which it runs as Bulk API 2.0 ingest jobs")
    args = parser.parse_args()

    sandbox = SalesforceSandbox()  # default (Salesforce's real) allocation
    org = sandbox.add_org(leads=args.leads, contacts=0, seed=42)
    with SandboxServer(sandbox.wsgi_app) as server:
        sandbox.base_url = server.base_url  # the instance_url its tokens name
        client = adapter_client(sandbox, org.id, server.base_url, ingest_threshold=args.ingest_threshold)
        names = salesforce_score_fields()
        client.provision_fields(names)
        before = sum(client.api_calls.values())

        started = time.perf_counter()
        pulled = [r for batch in client.pull_changed(None) for r in batch.records if r.object_type == "Lead"]
        pulled_at = time.perf_counter()
        pull_calls = sum(client.api_calls.values()) - before
        # The sandbox finishes an ingest job when it is closed: the time is the calls plus one first-poll wait
        # (ingest.POLL_FIRST) per job. A real org takes its own minutes to process 100,000 rows.
        sandbox.ingest_polls_in_progress = 0
        result = client.write_fields([FieldWrite(r.crm_id, "Lead", {names.score: "50", names.tier: "B"})
                                      for r in pulled])
        finished = time.perf_counter()
        client.close()

    calls = sum(client.api_calls.values()) - before
    print(f"org schema: {len(org.fields['Lead'])} Lead fields, {len(pulled[0].properties) if pulled else 0} pulled")
    print(f"leads pulled and written: {len(pulled)} pulled, {len(result.written)} written, "
          f"{len(result.rejected)} rejected")
    print(f"pull: {pull_calls} calls, {pull_calls / max(len(pulled), 1):.5f} calls/lead, "
          f"{pulled_at - started:.1f} s, Bulk API 2.0 query jobs: {len(org.query_jobs)}")
    write_calls = calls - pull_calls
    print(f"write-back: {write_calls} calls, {write_calls / max(len(pulled), 1):.5f} calls/lead, "
          f"{finished - pulled_at:.1f} s, Bulk API 2.0 ingest jobs: {len(org.ingest_jobs)}")
    print(f"api calls per lead (pull + write-back): {calls / max(len(pulled), 1):.4f} calls/lead")
    print(f"api calls by kind: {dict(client.api_calls)} calls")
    print(f"pull throughput: {len(pulled) / (pulled_at - started):.0f} records/s")
    print(f"write-back throughput: {len(result.written) / (finished - pulled_at):.0f} records/s")
    print(f"end-to-end throughput: {len(pulled) / (finished - started):.0f} records/s")


if __name__ == "__main__":
    main()
