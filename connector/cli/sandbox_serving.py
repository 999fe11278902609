"""What the `leadscore sandbox` commands share (the options every sandbox takes, apps given as ID:SECRET), and
serving in the foreground until Ctrl-C (which `leadscore serve` shares too)."""
from __future__ import annotations

from typing import Callable

import click

from connector.app.server import WsgiServer


def app_pairs(_ctx, _param, values: tuple[str, ...]) -> dict[str, str]:
    apps = {}
    for value in values:
        client_id, sep, secret = value.partition(":")
        if not sep or not client_id or not secret:
            raise click.BadParameter(f"{value!r} is not CLIENT_ID:SECRET")
        apps[client_id] = secret
    return apps


def fault_switches(_ctx, _param, value: str) -> dict:
    """--faults SPEC as the sandbox's fault switches."""
    from connector.sandbox.faults import parse_spec

    try:
        return parse_spec(value or "")
    except ValueError as problem:
        raise click.BadParameter(str(problem)) from None


def sandbox_options(default_port: int, account: str) -> Callable:
    """--host, --port, --seed, --seed-csv, --app and --faults, worded for the sandbox's kind of `account`."""
    options = [
        click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on."),
        click.option("--port", default=default_port, show_default=True, type=click.IntRange(0, 65535),
                     help="0 picks a free port."),
        click.option("--seed", default=42, show_default=True, type=int, help="Seed of the generated people."),
        click.option("--seed-csv", type=click.Path(exists=True, dir_okay=False),
                     help=f"Seed the {account} from a CSV instead of generated people."),
        click.option("--app", "apps", multiple=True, callback=app_pairs, metavar="ID:SECRET",
                     help="Register an app; once any is registered, only registered apps may use OAuth "
                          "(repeatable)."),
        click.option("--faults", default="", callback=fault_switches, metavar="SPEC",
                     help="Misbehave from the start, e.g. storm=200,errors=0.1,ambiguous=0.1,latency=0.2 "
                          "(429s in a row, share of 5xx, share of writes applied then answered 502, seconds added; "
                          "expiry=N expires every access token after N pull pages)."),
    ]

    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def listen(wsgi_app, host: str, port: int) -> WsgiServer:
    try:
        return WsgiServer(wsgi_app, host=host, port=port)
    except OSError as problem:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {problem.strerror or problem}") from None


def serve_until_interrupted(server: WsgiServer) -> None:
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
