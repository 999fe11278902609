"""Helpers for the Salesforce adapter tests: the official SDK on the sandbox (to look at what landed), and
pulling ids."""
from simple_salesforce import Salesforce


def sdk(sandbox, org_id, base_url=None):
    """A plain simple-salesforce client on one sandbox org (for setup and inspection, not under test)."""
    base_url = base_url or sandbox.base_url
    tokens = sandbox.issue_tokens(org_id)
    return Salesforce(instance_url=tokens["instance_url"], session_id=tokens["access_token"],
                      session=sandbox.local_session(base_url))


def pull_ids(client, cursor, object_type=None):
    """Every record id one pull yields (in order, duplicates kept; only `object_type`'s when given) and its
    final cursor."""
    ids = []
    for batch in client.pull_changed(cursor):
        ids += [r.crm_id for r in batch.records if object_type in (None, r.object_type)]
        cursor = batch.cursor
    return ids, cursor
