"""The connector's own operator commands (`db`, `admin`, `keys`): registered on the app's Flask CLI and on
`leadscore`. They live beside the app because the app registers them; the `leadscore` CLI imports the app,
never the other way round.

Each command builds the app with `create_app()` (so it sees the same LEADSCORE_* configuration as the web
process) unless it runs under Flask's CLI or test runner, which hand it an app already.
"""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy import select

from connector.db import get_session, migrate
from connector.db.audit import record_event
from connector.db.models import AdminUser
from connector.security import roles, sessions
from connector.security.credential_store import rotate_all
from connector.security.passwords import WeakPassword, hash_password
from connector.security.vault import TokenVault, VaultError

from .instance_secrets import prepend_line


def needs_app(ctx: click.Context) -> None:
    """Give the command an app built from the environment, unless Flask's CLI (or a test) handed one in."""
    if ctx.find_object(ScriptInfo) is None:
        from . import create_app  # the factory registers these commands, so it is imported only when run

        ctx.obj = ScriptInfo(create_app=create_app)


def _schema_current(config) -> None:
    """An empty or older database is upgraded first when the app would do so itself (AUTO_MIGRATE), otherwise
    the operator is told, in one line, what to run."""
    if migrate.is_current(config["DATABASE_URL"]):
        return
    if not config["AUTO_MIGRATE"]:
        raise click.ClickException("the database is not up to date: run `leadscore db upgrade` first")
    migrate.upgrade(config["DATABASE_URL"])
    click.echo("Upgraded the database first.")


@click.group("db")
@click.pass_context
def db_group(ctx: click.Context) -> None:
    """The connector's database."""
    needs_app(ctx)


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration not yet applied."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the schema change is, in a few words.")
@with_appcontext
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the (upgraded) database."""
    migrate.new_revision(current_app.config["DATABASE_URL"], message)


@click.group()
@click.pass_context
def admin(ctx: click.Context) -> None:
    """Dashboard administrators."""
    needs_app(ctx)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _existing_admin(email: str) -> AdminUser:
    found = get_session().scalars(select(AdminUser).where(AdminUser.email == email.strip().lower())).first()
    if found is None:
        raise click.ClickException(f"no admin with email {email}")
    return found


ROLE_OPTION = click.option("--role", type=click.Choice(roles.ROLES), default=roles.OWNER, show_default=True,
                           help="owner: everything; admin: settings, rules, syncs, installs; viewer: read only.")


@admin.command("create")
@click.option("--email", required=True, help="The admin's sign-in email.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
@ROLE_OPTION
@with_appcontext
def admin_create(email: str, password_stdin: bool, role: str) -> None:
    """Create an admin who can sign in to the dashboard."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("this is not an email address", param_hint="--email")
    password = _read_password(password_stdin)
    _schema_current(current_app.config)
    db = get_session()
    if db.scalars(select(AdminUser).where(AdminUser.email == email)).first() is not None:
        raise click.ClickException(f"an admin with email {email} already exists")
    try:
        db.add(AdminUser(email=email, password_hash=hash_password(password), role=role))
    except WeakPassword as exc:
        raise click.ClickException(str(exc)) from None
    record_event(db, "cli", "admin.created", email=email, role=role)
    db.commit()
    click.echo(f"Admin {email} created.")


@admin.command("set-password")
@click.option("--email", required=True, help="The admin's sign-in email.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
@with_appcontext
def admin_set_password(email: str, password_stdin: bool) -> None:
    """Change an admin's password; every session of theirs ends (a stolen cookie stops working)."""
    found = _existing_admin(email)
    try:
        found.password_hash = hash_password(_read_password(password_stdin))
    except WeakPassword as exc:
        raise click.ClickException(str(exc)) from None
    db = get_session()
    sessions.end_all(db, found.id)
    record_event(db, "cli", "admin.password_changed", email=found.email)
    db.commit()
    click.echo(f"Password of {found.email} changed; their sessions have ended.")


@admin.command("set-role")
@click.option("--email", required=True, help="The admin's sign-in email.")
@ROLE_OPTION
@with_appcontext
def admin_set_role(email: str, role: str) -> None:
    """Change what an admin may do; their sessions end, so the new role applies from their next sign-in."""
    found = _existing_admin(email)
    db = get_session()
    record_event(db, "cli", "admin.role_changed", email=found.email, old=found.role, new=role)
    found.role = role
    sessions.end_all(db, found.id)
    db.commit()
    click.echo(f"{found.email} is now {role}.")


@admin.command("remove")
@click.option("--email", required=True, help="The admin's sign-in email.")
@with_appcontext
def admin_remove(email: str) -> None:
    """Remove an admin; their sessions end with them."""
    found = _existing_admin(email)
    db = get_session()
    db.delete(found)  # admin_sessions rows go with it (ON DELETE CASCADE)
    record_event(db, "cli", "admin.removed", email=found.email)
    db.commit()
    click.echo(f"Admin {found.email} removed.")


@click.group()
@click.pass_context
def keys(ctx: click.Context) -> None:
    """Encryption keys for stored CRM credentials."""
    needs_app(ctx)


@keys.command("rotate")
@with_appcontext
def keys_rotate() -> None:
    """Re-encrypt every stored credential with the newest key.

    With configured keys (LEADSCORE_ENCRYPTION_KEYS, newest first) this re-encrypts with the first one. In
    the embedded mode (keys in the instance folder) it also generates the new key and puts it first.
    """
    config = current_app.config
    keys_file = config.get("ENCRYPTION_KEYS_FILE")
    key_list = list(config["ENCRYPTION_KEYS"])
    if keys_file is not None:
        new_key = TokenVault.generate_key()
        key_list.insert(0, new_key)
        vault = TokenVault(key_list)
    else:
        vault = current_app.extensions["vault"]
    db = get_session()
    try:
        count = rotate_all(db, vault)
    except VaultError as exc:
        raise click.ClickException(str(exc)) from None
    record_event(db, "cli", "keys.rotated", credentials=count)
    if keys_file is not None:
        # Write the key file only once the re-encryption is ready to commit, so a failure leaves both as they were.
        prepend_line(keys_file, new_key)
    db.commit()
    current_app.extensions["vault"] = vault
    config["ENCRYPTION_KEYS"] = key_list
    click.echo(f"Re-encrypted {count} stored credential(s) with the newest key.")
