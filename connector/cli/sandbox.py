"""`leadscore sandbox hubspot|salesforce`: run a local CRM emulator in the foreground."""
from __future__ import annotations

import click


@click.group()
def sandbox() -> None:
    """Run a local CRM sandbox that the official SDKs can talk to."""


from .sandbox_hubspot import hubspot  # noqa: E402  (registered after the group exists)

sandbox.add_command(hubspot)
from .sandbox_salesforce import salesforce  # noqa: E402
sandbox.add_command(salesforce)
