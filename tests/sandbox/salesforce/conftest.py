"""Helpers for the Salesforce sandbox tests: simple-salesforce clients on a fresh org, as a product would hold them."""
import pytest
from simple_salesforce import Salesforce


def sdk(sandbox, org_id, version="59.0"):
    tokens = sandbox.issue_tokens(org_id)
    return Salesforce(instance_url=tokens["instance_url"], session_id=tokens["access_token"],
                      session=sandbox.local_session(), version=version)


@pytest.fixture
def org(salesforce_sandbox):
    return salesforce_sandbox.add_org(leads=300, contacts=20, seed=3)


@pytest.fixture
def sf(salesforce_sandbox, org):
    return sdk(salesforce_sandbox, org.id)
