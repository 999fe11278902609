"""`leadscore sandbox hubspot` started as a user would, then used through the SDK with what it printed."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from hubspot import HubSpot
from hubspot.crm.contacts import PublicObjectSearchRequest
from urllib3.util.retry import Retry

CSV = "/work/shared/data/leads_x_education.csv"
LEADSCORE = str(Path(sys.executable).parent / "leadscore")  # the console script, as a user runs it


def start(*options: str) -> tuple[subprocess.Popen, dict[str, str]]:
    process = subprocess.Popen([LEADSCORE, "sandbox", "hubspot", "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    printed = {}
    for _ in range(6):
        line = process.stdout.readline()
        match = re.match(r"(HubSpot sandbox at|portal id:|access token:|refresh token:|client id:|private app token:) "
                         r"(\S+)(?: \((.*)\))?", line)
        assert match, f"unexpected output {line!r}; stderr: {process.stderr.read() if process.poll() else ''}"
        printed[match.group(1)] = match.group(2)
        printed[match.group(1) + " note"] = match.group(3)
    return process, printed


def test_cli_serves_a_csv_seeded_portal_with_custom_properties():
    process, printed = start("--seed-csv", CSV, "--app", "app-1:secret-1")
    try:
        client = HubSpot(access_token=printed["access token:"], host=printed["HubSpot sandbox at"], retry=Retry(0))
        schema = {p.name: p for p in client.crm.properties.core_api.get_all("contacts").results}
        assert schema["lead_source"].type == "enumeration" and schema["totalvisits"].type == "number"
        page = client.crm.contacts.basic_api.get_page(limit=5, properties=["converted", "lead_origin"])
        assert page.results[0].properties["converted"] in ("true", "false")
        assert printed["client id:"] == "app-1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_serves_n_generated_contacts_with_the_token_lifetime_asked_for():
    process, printed = start("--contacts", "50", "--token-lifetime", "120", "--daily-limit", "1000")
    try:
        assert printed["access token: note"] == "expires in 120 s"
        assert printed["private app token:"] == "pat-local-sandbox"
        assert printed["private app token: note"] == "no expiry, 1000 requests a day"
        for token in (printed["access token:"], printed["private app token:"]):
            client = HubSpot(access_token=token, host=printed["HubSpot sandbox at"], retry=Retry(0))
            assert client.crm.contacts.search_api.do_search(PublicObjectSearchRequest(limit=1)).total == 50
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_refuses_a_malformed_app_in_one_sentence():
    result = subprocess.run([LEADSCORE, "sandbox", "hubspot", "--app", "nocolon"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "is not CLIENT_ID:SECRET" in result.stderr and "Traceback" not in result.stderr
