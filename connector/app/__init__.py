"""The Flask application factory: configuration from defaults, then LEADSCORE_* environment variables.

This is the only place that reads the environment; everything else gets configuration from `app.config`.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from connector import db
from connector.security import headers as security_headers
from connector.security import log_scrub
from connector.security.throttle import throttle_sign_in
from connector.security.vault import TokenVault

from .celery import celery_init_app
from .commands import admin, db_group, keys
from .privacy_commands import privacy
from .config import DEFAULTS, key_list, normalise_database_url, shared_redis_url
from .errors import register_error_handlers
from .instance_secrets import make_private, read_or_create
from .public_url import require_public_url_under_gunicorn

csrf = CSRFProtect()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    # The instance folder holds the embedded SQLite file and generated secrets; deployments may move it.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("LEADSCORE_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    # Hosting platforms set a bare DATABASE_URL; an explicit LEADSCORE_DATABASE_URL still wins below.
    if os.environ.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("LEADSCORE")
    if test_config is not None:
        app.config.from_mapping(test_config)

    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_MAX_SECONDS"]
    require_public_url_under_gunicorn(app)
    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    _fill_embedded_defaults(app, instance)
    make_private(instance, app.config["DATABASE_URL"])
    security_headers.init_app(app)
    log_scrub.install()

    db.init_app(app)
    app.extensions["vault"] = TokenVault(app.config["ENCRYPTION_KEYS"])
    celery_init_app(app)
    csrf.init_app(app)
    register_error_handlers(app)
    app.add_template_filter(_when, "when")

    from connector import api, auth, cards, dashboard, install, webhooks

    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(install.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(cards.bp)
    # Machine clients prove themselves otherwise: a Bearer key (API), the CRM's signature (webhooks, cards).
    for blueprint in (api.bp, webhooks.bp, cards.bp):
        csrf.exempt(blueprint)
    throttle_sign_in(app, "auth.login", shared_redis_url(app.config) or "memory://")
    for command in (db_group, admin, keys, privacy):
        app.cli.add_command(command)
    return app


def _fill_embedded_defaults(app: Flask, instance: Path) -> None:
    config = app.config
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'leadscore.sqlite'}"
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = read_or_create(instance / "secret_key", lambda: os.urandom(32).hex())
    if config["ENCRYPTION_KEYS"]:
        config["ENCRYPTION_KEYS"] = key_list(config["ENCRYPTION_KEYS"])
    else:
        config["ENCRYPTION_KEYS_FILE"] = instance / "encryption_keys"
        read_or_create(config["ENCRYPTION_KEYS_FILE"], TokenVault.generate_key)
        config["ENCRYPTION_KEYS"] = config["ENCRYPTION_KEYS_FILE"].read_text().split()


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"
