"""`leadscore sandbox hubspot|salesforce`: run a local CRM emulator in the foreground."""
from __future__ import annotations

import click


@click.group()
def sandbox() -> None:
    """Run a local CRM sandbox that the official SDKs can talk to."""
