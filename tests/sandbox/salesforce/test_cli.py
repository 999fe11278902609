"""`leadscore sandbox salesforce` started as a user would, then used through simple-salesforce with what it printed."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from simple_salesforce import Salesforce

from connector.sandbox.salesforce import LocalSession

CSV = "/work/shared/data/leads_x_education.csv"
LEADSCORE = str(Path(sys.executable).parent / "leadscore")
PRINTED = r"(Salesforce sandbox at|org id:|access token:|refresh token:|client id:|session id:) (\S+)"


def start(*options: str) -> tuple[subprocess.Popen, dict[str, str]]:
    process = subprocess.Popen([LEADSCORE, "sandbox", "salesforce", "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    printed = {}
    for _ in range(6):
        line = process.stdout.readline()
        match = re.match(PRINTED, line)
        assert match, f"unexpected output {line!r}; stderr: {process.stderr.read() if process.poll() else ''}"
        printed[match.group(1)] = match.group(2)
    return process, printed


def connect(printed) -> Salesforce:
    base = printed["Salesforce sandbox at"]
    return Salesforce(instance_url=base, session_id=printed["access token:"], session=LocalSession(base))


def test_cli_serves_a_seeded_org_with_a_ready_token():
    process, printed = start("--leads", "120", "--app", "app-1:secret-1", "--session-lifetime", "600")
    try:
        sf = connect(printed)
        assert sf.query("SELECT Id FROM Lead")["totalSize"] == 120
        assert printed["org id:"].startswith("00D") and printed["client id:"] == "app-1"
        fixed = Salesforce(instance_url=printed["Salesforce sandbox at"], session_id=printed["session id:"],
                           session=LocalSession(printed["Salesforce sandbox at"]))
        assert fixed.query("SELECT Id FROM Lead LIMIT 2")["totalSize"] == 2
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_seeds_leads_and_custom_fields_from_a_csv():
    process, printed = start("--seed-csv", CSV)
    try:
        sf = connect(printed)
        custom = [f for f in sf.Lead.describe()["fields"] if f["custom"] and f["name"].lower() == "lead_source__c"]
        assert custom and custom[0]["type"] == "picklist"
        assert sf.query("SELECT Id FROM Lead LIMIT 3")["totalSize"] == 3
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_refuses_a_malformed_app_in_one_sentence():
    result = subprocess.run([LEADSCORE, "sandbox", "salesforce", "--app", "nocolon"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "is not CLIENT_ID:SECRET" in result.stderr and "Traceback" not in result.stderr
