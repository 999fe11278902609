"""`--faults SPEC` as anyone can switch it on: parsed into the sandboxes' fault switches, refused with a
clear message when malformed, and in force on a sandbox started from the command line."""
from __future__ import annotations

import re
import subprocess

import pytest
import requests
from click.testing import CliRunner

from connector.cli import cli
from connector.sandbox.faults import parse_spec
from connector.sandbox.salesforce.adapter import adapter_client
from tests.workers.conftest import in_the_past

from .hubspot.test_cli import LEADSCORE


def test_a_spec_names_the_switches():
    assert parse_spec("storm=200,errors=0.1,ambiguous=0.1,latency=0.2") == {
        "rate_limit_storm": 200, "error_rate": 0.1, "ambiguous_rate": 0.1, "latency": 0.2}
    assert parse_spec("") == {}
    assert parse_spec("expiry=1") == {"expire_tokens_after_pages": 1}


@pytest.mark.parametrize("spec, problem", [("storms=3", "not one of"), ("errors=lots", "not a number"),
                                           ("ambiguous=1.5", "between 0 and 1"), ("storm=-1", "at least 0"),
                                           ("latency", "not one of")])
def test_a_malformed_spec_is_refused_with_the_reason(spec, problem):
    with pytest.raises(ValueError, match=problem):
        parse_spec(spec)
    result = CliRunner().invoke(cli, ["demo", "--faults", spec])
    assert result.exit_code == 2 and problem in result.output


def test_a_sandbox_started_with_faults_answers_with_them():
    process = subprocess.Popen([LEADSCORE, "sandbox", "hubspot", "--port", "0", "--contacts", "5",
                                "--faults", "storm=2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(7)]
        base = re.match(r"HubSpot sandbox at (\S+)", lines[0]).group(1)
        token = re.match(r"private app token: (\S+)", lines[5]).group(1)
        assert lines[6].strip() == "faults: rate_limit_storm=2"
        answers = [requests.get(f"{base}/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {token}"},
                                timeout=30).status_code for _ in range(3)]
        assert answers == [429, 429, 200]
    finally:
        process.terminate()
        process.wait(20)


def test_tokens_expire_mid_pull_and_the_adapter_refreshes_and_goes_on(salesforce_sandbox):
    with in_the_past(salesforce_sandbox, 180):
        org = salesforce_sandbox.add_org(leads=300, contacts=0, seed=17).id
    client = adapter_client(salesforce_sandbox, org)
    # Page 1 counts the Leads, page 2 reads them: the session dies after it, before the Contacts.
    salesforce_sandbox.faults.set({"expire_tokens_after_pages": 2})
    pulled = [r.crm_id for batch in client.pull_changed(None) for r in batch.records]
    assert salesforce_sandbox.faults.tokens_expired == 1 and client.api_calls["auth"] == 1
    assert len(pulled) == len(set(pulled)) == len(salesforce_sandbox.records(org, "Lead")) + len(
        salesforce_sandbox.records(org, "Contact"))
