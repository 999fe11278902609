"""The `leadscore` command line: one small module per noun, registered here.

User mistakes surface as `click.ClickException` (one sentence, non-zero exit, no traceback).

Commands are imported when run, not when the CLI starts (click's documented lazy-loading group): the web app
behind `serve`, `db`, `admin` and `keys` takes over a second to import, which `leadscore score` on a CSV
should not pay.
"""
from __future__ import annotations

import importlib

import click

# command name -> "module:attribute"
COMMANDS = {
    "sandbox": "connector.cli.sandbox:sandbox",
    "train": "connector.cli.scoring:train",
    "score": "connector.cli.scoring:score",
    "db": "connector.app.commands:db_group",
    "admin": "connector.app.commands:admin",
    "keys": "connector.app.commands:keys",
    "privacy": "connector.app.privacy_commands:privacy",
    "serve": "connector.cli.app:serve",
    "demo": "connector.cli.demo:demo",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return super().get_command(ctx, name)
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup)
@click.version_option(package_name="leadscore-connector")
def cli() -> None:
    """LeadScore Connector: predictive lead scoring for HubSpot and Salesforce."""


def __getattr__(name: str):
    """`from connector.cli import serve` (and the other commands) still works: imported on first use."""
    for command, target in COMMANDS.items():
        module, attribute = target.split(":")
        if name in (command, attribute):
            return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'connector.cli' has no attribute {name!r}")
