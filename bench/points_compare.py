"""Time to compare an admin's points rules with the model on past records (the points rules page's cost).

A HubSpot sandbox portal is synced once into a throwaway SQLite file (cold start: a points champion), then
`connector.nurture.points_rules.compare` runs on the newest records (at most COMPARED), as the page does
on GET and on "Compare".
Prints one line per figure with its unit.

    .venv/bin/python -m bench.points_compare --contacts 20000
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from connector.db import make_engine, migrate
from connector.db.models import Crm, Installation
from connector.db.scope import InstallationScope
from connector.nurture.points_rules import champion_model, compare, features_of, parse_rules
from connector.sandbox.hubspot import HubSpotSandbox
from connector.sandbox.hubspot.adapter import adapter_client
from connector.sandbox.server import SandboxServer
from workers.sync import run_sync

RULES = "pricing_page_views >= 3 : 20\nindustry == Software : 10\nhs_analytics_num_visits < 2 : -15"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-points-"))
    try:
        measure(args.contacts, f"sqlite:///{work / 'leadscore.sqlite'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(contacts: int, url: str) -> None:
    migrate.upgrade(url)
    session = sessionmaker(make_engine(url), expire_on_commit=False)()
    sandbox = HubSpotSandbox()
    portal = sandbox.add_portal(contacts=contacts, seed=42)
    with SandboxServer(sandbox.wsgi_app) as server:
        installation = Installation(crm=Crm.HUBSPOT, account_id=str(portal.id), name="bench")
        session.add(installation)
        session.commit()
        scope = InstallationScope(session, installation)
        client = adapter_client(sandbox, portal.id, server.base_url)
        client.provision_fields(installation.settings.field_names)
        started = time.perf_counter()
        run_sync(scope, client)
        print(f"sync (setup): {time.perf_counter() - started:.1f} s for {contacts} contacts")

    started = time.perf_counter()
    model = champion_model(scope)
    rules, problems = parse_rules(RULES, features_of(model))
    assert not problems, problems
    loaded = time.perf_counter()
    result = compare(scope, rules, model)
    finished = time.perf_counter()
    print(f"model load: {1000 * (loaded - started):.0f} ms")
    print(f"compare: {1000 * (finished - loaded):.0f} ms for {result.records} records")
    print(f"points rules AUC: {result.points.auc:.3f}; model AUC (in-sample): {result.model.auc:.3f}")


if __name__ == "__main__":
    main()
