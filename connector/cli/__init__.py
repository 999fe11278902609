"""The `leadscore` command line: one small module per noun, registered here.

User mistakes surface as `click.ClickException` (one sentence, non-zero exit, no traceback).
"""
from __future__ import annotations

import click

from connector.app.commands import admin, db_group, keys
from connector.app.privacy_commands import privacy

from .app import serve
from .demo import demo
from .sandbox import sandbox
from .scoring import score, train


@click.group()
@click.version_option(package_name="leadscore-connector")
def cli() -> None:
    """LeadScore Connector: predictive lead scoring for HubSpot and Salesforce."""


cli.add_command(sandbox)
cli.add_command(train)
cli.add_command(score)
cli.add_command(db_group)
cli.add_command(admin)
cli.add_command(keys)
cli.add_command(privacy)
cli.add_command(serve)
cli.add_command(demo)
