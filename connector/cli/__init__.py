"""The `leadscore` command line: one small module per noun, registered here.

User mistakes surface as `click.ClickException` (one sentence, non-zero exit, no traceback).
"""
from __future__ import annotations

import click

from .sandbox import sandbox


@click.group()
@click.version_option(package_name="leadscore-connector")
def cli() -> None:
    """LeadScore Connector: predictive lead scoring for HubSpot and Salesforce."""


cli.add_command(sandbox)
