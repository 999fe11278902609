"""`leadscore demo`: the whole product loop on the embedded default, for someone with nothing but Python.

A sandbox CRM seeded with realistic people starts in this process, the connector's web app starts beside
it, and a demo admin installs the app through the real OAuth flow (`/install/<crm>`, the sandbox's consent
form, the callback). The install queues the first sync and training exactly as it does in production;
here the embedded worker thread runs them (memory broker, SQLite in a fresh instance folder).
"""
from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin

import click
import requests

from .sandbox_serving import fault_switches

WAIT_LIMIT = 30 * 60  # seconds; a demo of a few thousand contacts takes one or two minutes
DEMO_ADMIN = "demo@example.com"
# Seed the CRM as of this long ago: pulls leave out the last moments of changes (HubSpot's search index and
# Salesforce's commit lag), and a demo's first sync should see every record.
SEED_AGO = 120.0
DEMO_TASK = {"type": "task", "subject": "Call {{ firstname }}: now tier {{ tier }} ({{ score }})",
             "body": "Why:\n{{ reasons_text }}", "due_in_hours": 24}


@dataclass
class DemoCrm:
    name: str  # "hubspot" | "salesforce"
    sandbox: object
    account_id: str
    install_path: str
    config: dict


@click.command("demo")
@click.option("--crm", type=click.Choice(["hubspot", "salesforce"]), default="hubspot", show_default=True,
              help="Which sandbox CRM to install into.")
@click.option("--contacts", type=click.IntRange(100, 200_000), default=3000, show_default=True,
              help="How many people to seed the sandbox with.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--serve", is_flag=True, help="Keep the dashboard and the sandbox running until Ctrl-C.")
@click.option("--instance", type=click.Path(file_okay=False), default=None,
              help="Instance folder for the demo database (default: a fresh temporary folder).")
@click.option("--faults", default="", callback=fault_switches, metavar="SPEC",
              help="Make the sandbox misbehave once installed, e.g. storm=200,errors=0.1,ambiguous=0.1,latency=0.2 "
                   "(429s in a row, share of 5xx, share of writes applied then answered 502, seconds added; "
                   "expiry=N expires every access token after N pull pages).")
@click.option("--days", type=click.IntRange(0, 365), default=0, show_default=True,
              help="Then play this many days forward (an A/B experiment runs from the install): daily syncs, "
                   "conversions in the sandbox, scheduled training; prints the A/B verdict and the ROI.")
@click.option("--nurture-effect", type=click.FloatRange(0), default=0.3, show_default=True,
              help="With --days: how much a task for a person raises their daily chance of converting "
                   "(0.3 = 30% relative lift; 0 = nurturing has no effect).")
@click.option("--conversion-days", type=click.FloatRange(0.1), default=120.0, show_default=True,
              help="With --days: a person left alone converts within this many days with their population "
                   "propensity (shorter: more outcomes in a short demo).")
@click.option("--control-share", type=click.FloatRange(0.01, 0.5), default=0.5, show_default=True,
              help="With --days: the experiment's control share (the product's default is 0.1; an even split "
                   "reaches a verdict with the fewest records).")
@click.option("--retrain-every", type=click.IntRange(1, 365), default=1, show_default=True,
              help="With --days: run the scheduled training every this many simulated days (1 = nightly).")
def demo(crm: str, contacts: int, as_json: bool, serve: bool, instance: str | None, faults: dict, days: int,
         nurture_effect: float, conversion_days: float, control_share: float, retrain_every: int) -> None:
    """Install into a sandbox CRM, sync, train, score and write back, then summarise what happened."""
    from connector import clock
    from connector.sandbox.server import SandboxServer

    from . import demo_days
    from .demo_audit import audit

    say = _Progress()
    with ExitStack() as stack:
        say(f"Seeding the {crm} sandbox with {contacts:,} people")
        demo_crm = _start_crm(crm, contacts, stack)
        # The connector stamps arms, outcomes and sync windows on the sandbox's time line, which --days moves.
        stack.enter_context(clock.using(demo_crm.sandbox.clock.now))
        app = _make_app(instance or tempfile.mkdtemp(prefix="leadscore-demo-"), demo_crm.config)
        app_server = stack.enter_context(SandboxServer(app))
        password = _demo_admin(app)
        installation_id = _demo_rule(app, demo_crm)
        if days:
            demo_days.start_experiment(app, installation_id, control_share, DEMO_TASK)
        say("Installing through the OAuth flow (/install -> consent -> callback)")
        if _install(app_server.base_url, demo_crm, password) != installation_id:
            raise click.ClickException("The install did not take over the demo's installation.")
        if faults:
            say(f"Faults on: {', '.join(f'{k}={v}' for k, v in faults.items())}")
            demo_crm.sandbox.faults.set(faults)
        _wait(app, installation_id, contacts, say)
        demo_crm.sandbox.faults.clear()  # the audit checks the run; it is not part of it
        summary = {**_summary(app, installation_id), "audit": audit(app, installation_id, demo_crm)}
        if days:
            say(f"Playing {days} days forward (nurture effect {nurture_effect:g}, training every "
                f"{retrain_every} day{'s' if retrain_every > 1 else ''})")
            demo_days.play_days(app, installation_id, demo_crm.sandbox, _people(demo_crm), days, nurture_effect,
                                conversion_days, retrain_every, SEED_AGO, say)
            summary.update(demo_days.lift_summary(app, installation_id), days=days)
        dashboard = app_server.base_url + _dashboard_path(app, installation_id)
        if as_json:
            click.echo(json.dumps({**summary, "dashboard": dashboard}))
        else:
            _print(summary, crm, dashboard, password if serve else None)
            if days:
                demo_days.print_lift(summary, days, nurture_effect)
        if serve:
            click.echo("Serving the dashboard and the sandbox; press Ctrl-C to stop.", err=True)
            _sleep_until_interrupted()


# -- the sandbox and the app -------------------------------------------------------------------------


def _start_crm(crm: str, people: int, stack: ExitStack) -> DemoCrm:
    from connector.sandbox.server import SandboxServer

    if crm == "hubspot":
        from connector.sandbox.hubspot import HubSpotSandbox

        sandbox = HubSpotSandbox()
        sandbox.clock.advance(-SEED_AGO)
        account = str(sandbox.add_portal(contacts=people, seed=42).id)
    else:
        from connector.sandbox.salesforce import SalesforceSandbox

        sandbox = SalesforceSandbox()
        sandbox.clock.advance(-SEED_AGO)
        account = sandbox.add_org(leads=people, contacts=0, seed=42).id
    sandbox.clock.advance(SEED_AGO)
    base = stack.enter_context(SandboxServer(sandbox.wsgi_app)).base_url
    sandbox.base_url = base
    app = sandbox.app
    if crm == "hubspot":
        config = {"HUBSPOT_API_BASE": base, "HUBSPOT_AUTHORIZE_URL": f"{base}/oauth/authorize",
                  "HUBSPOT_TOKEN_URL": f"{base}/oauth/2026-03/token", "HUBSPOT_CLIENT_ID": app.client_id,
                  "HUBSPOT_CLIENT_SECRET": app.client_secret}
        return DemoCrm(crm, sandbox, account, "/install/hubspot", config)
    config = {"SALESFORCE_LOGIN_URL": base, "SALESFORCE_CLIENT_ID": app.client_id,
              "SALESFORCE_CLIENT_SECRET": app.client_secret}
    return DemoCrm(crm, sandbox, account, "/install/salesforce?environment=production", config)


def _make_app(instance: str, crm_config: dict):
    from connector.app import create_app
    from connector.db import migrate

    app = create_app({"INSTANCE_PATH": instance, "DATABASE_URL": None, "CELERY_BROKER_URL": "memory://",
                      "REDIS_URL": None, **crm_config})
    migrate.upgrade(app.config["DATABASE_URL"])
    return app


def _people(crm: DemoCrm):
    if crm.name == "hubspot":
        from connector.sandbox.hubspot.simulation import PortalPeople

        return PortalPeople(crm.sandbox, int(crm.account_id))
    from connector.sandbox.salesforce.simulation import OrgPeople

    return OrgPeople(crm.sandbox, crm.account_id)


def _demo_rule(app, crm: DemoCrm) -> int:
    """A nurture rule, so the demo's CRM gets tasks: a call task when a record enters tier A. The rule must
    exist before the first sync, which the install queues, so the installation row is made here (as a
    disconnected one) and the install takes it over as a reconnect."""
    from connector.db import get_session
    from connector.db.models import Crm, Installation, InstallationStatus, NurtureRule

    with app.app_context():
        session = get_session()
        installation = Installation(crm=Crm(crm.name), account_id=crm.account_id, name=f"Demo {crm.name}",
                                    status=InstallationStatus.DISCONNECTED)
        session.add(installation)
        session.flush()
        session.add(NurtureRule(installation_id=installation.id, name="Call new tier A", enabled=True, version=1,
                                trigger={"type": "enters_tier", "tier": "A"}, actions=[DEMO_TASK]))
        session.commit()
        return installation.id


def _demo_admin(app) -> str:
    from connector.db import get_session
    from connector.db.models import AdminUser
    from connector.security.passwords import hash_password

    password = secrets.token_urlsafe(12)
    with app.app_context():
        session = get_session()
        admin = session.query(AdminUser).filter_by(email=DEMO_ADMIN).one_or_none()
        if admin is None:
            admin = AdminUser(email=DEMO_ADMIN, password_hash="")
            session.add(admin)
        admin.password_hash = hash_password(password)
        session.commit()
    return password


# -- the install, as a browser would do it ------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"', re.I)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
_SELECT = re.compile(r'<select name="([^"]+)"')
_APPROVE = re.compile(r'<button type="submit" name="([^"]+)" value="(approve|allow)"')


def _install(app_url: str, crm: DemoCrm, password: str) -> int:
    browser = requests.Session()
    login = browser.get(f"{app_url}/auth/login", timeout=30)
    token = _CSRF.search(login.text).group(1)
    signed_in = browser.post(f"{app_url}/auth/login", timeout=30,
                             data={"email": DEMO_ADMIN, "password": password, "csrf_token": token})
    _check(signed_in, "sign in to the demo app")
    consent = browser.get(app_url + crm.install_path, timeout=30)  # redirected to the CRM's consent page
    _check(consent, "open the CRM's consent page")
    form = {name: unescape(value) for name, value in _HIDDEN.findall(consent.text)}
    form[_SELECT.search(consent.text).group(1)] = crm.account_id  # the account to install into
    button, approve = _APPROVE.search(consent.text).groups()
    form[button] = approve
    action = urljoin(consent.url, _FORM.search(consent.text).group(1))
    finished = browser.post(action, data=form, timeout=120)  # -> callback -> dashboard
    _check(finished, "finish the install")
    found = re.search(r"/installations/(\d+)", finished.url)
    if found is None:
        raise click.ClickException(f"The install did not land on an installation page (ended at {finished.url}).")
    return int(found.group(1))


def _check(response: requests.Response, doing: str) -> None:
    if response.status_code >= 400:
        raise click.ClickException(f"Could not {doing}: HTTP {response.status_code}.")


# -- waiting for the worker ----------------------------------------------------------------------------


def _wait(app, installation_id: int, people: int, say) -> None:
    """Follow the queued sync and training through the database, as the dashboard would."""
    from connector.db import get_session
    from connector.db.models import (AuditEvent, CurrentScore, Installation, InstallationStatus, SyncKind, SyncRun,
                                     SyncStatus)

    deadline = time.monotonic() + WAIT_LIMIT
    while time.monotonic() < deadline:
        with app.app_context():
            session = get_session()
            # The latest run: a sync that failed is retried (a new run) unless it gave up for good.
            run = session.query(SyncRun).filter(SyncRun.installation_id == installation_id,
                                                SyncRun.kind != SyncKind.RESCORE).order_by(SyncRun.id.desc()).first()
            event = session.query(AuditEvent).filter(
                AuditEvent.installation_id == installation_id,
                AuditEvent.action.in_(("model.trained", "model.training_skipped"))).first()
            installation = session.get(Installation, installation_id)
            if installation.status is not InstallationStatus.ACTIVE or (
                    run is not None and run.status is SyncStatus.FAILED and _gave_up(run)):
                raise click.ClickException(f"The first sync failed: {run.message if run else installation.status}")
            if event is not None and run is not None and run.status in (SyncStatus.SUCCEEDED, SyncStatus.PARTIAL):
                if event.action == "model.training_skipped":
                    say(f"Training skipped: {event.detail.get('reason')}")
                return
            if run is None:
                say("Waiting for the first sync to start")
            elif run.status is SyncStatus.FAILED:
                say(f"The sync failed and will be retried: {run.message}")
            elif run.status is SyncStatus.RUNNING:
                scored = session.query(CurrentScore).filter_by(installation_id=installation_id).count()
                pulled = (run.counts or {}).get("pulled", 0)
                say(f"Syncing: {pulled:,} records pulled (about {people:,} seeded)" if scored == 0 else
                    f"Scoring and writing back: {scored:,} of {pulled:,}")
            else:
                say("Training a model on the synced history, then rescoring")
        time.sleep(0.5)
    raise click.ClickException("The demo did not finish within 30 minutes.")


def _gave_up(run) -> bool:
    from workers.tasks import GAVE_UP

    return (run.message or "").startswith(GAVE_UP)


class _Progress:
    """One line per new stage on stderr, so `--json` output on stdout stays clean."""

    def __init__(self):
        self._last = None
        self._started = time.monotonic()

    def __call__(self, message: str) -> None:
        if message != self._last:
            self._last = message
            click.echo(f"[{time.monotonic() - self._started:5.1f}s] {message}", err=True)


# -- the summary ---------------------------------------------------------------------------------------


def _summary(app, installation_id: int) -> dict:
    from connector.db import get_session
    from connector.dashboard.model_figures import tier_rates
    from connector.db.models import AuditEvent, CurrentScore, ModelVersion, SyncKind, SyncRun
    from connector.db.scope import InstallationScope

    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        runs = scope.all(SyncRun, order_by=SyncRun.id)
        scores = scope.all(CurrentScore)
        champion = scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
        trained = scope.all(AuditEvent, AuditEvent.action == "model.trained", order_by=AuditEvent.id.desc(), limit=1)
        training = trained[0].detail if trained else {}
        challenger = scope.one_or_none(ModelVersion, ModelVersion.version == training.get("version"))
        tiers = Counter(s.override_tier or s.tier for s in scores)
        api_calls = Counter()
        for run in runs:
            api_calls.update(run.api_calls or {})
        # The champion's held-out evaluation, as the dashboard shows it: one source for every figure.
        conversion = {r.tier: None if r.rate is None else round(r.rate, 4)
                      for r in tier_rates(champion.metrics or {})} if champion else dict.fromkeys("ABCD")
        ranked = sorted(scores, key=lambda s: -s.score)
        examples = [ranked[0], ranked[len(ranked) // 2], ranked[-1]] if ranked else []
        return {
            "synced": sum((r.counts or {}).get("pulled", 0) for r in runs if r.kind is not SyncKind.RESCORE),
            "scored": len(scores),
            "written": sum((r.counts or {}).get("written", 0) for r in runs),
            "tiers": {t: tiers.get(t, 0) for t in "ABCD"},
            "conversion_by_tier": conversion,
            "api_calls": {"total": sum(api_calls.values()), **dict(sorted(api_calls.items()))},
            "model": {"version": champion.version, "learner": champion.learner,
                      "roc_auc": (champion.metrics or {}).get("roc_auc")} if champion else None,
            # The model trained on the synced history, promoted or not (the registry's rule and its reason).
            "trained": {"version": challenger.version, "learner": challenger.learner,
                        "roc_auc": (challenger.metrics or {}).get("roc_auc"), "promoted": training.get("promoted"),
                        "reason": training.get("reason")} if challenger else None,
            "examples": [{"crm_id": s.crm_id, "score": s.score, "tier": s.override_tier or s.tier,
                          "reasons": s.reasons} for s in examples],
        }


def _print(summary: dict, crm: str, dashboard: str, password: str | None) -> None:
    model = summary["model"] or {}
    auc = model.get("roc_auc")
    click.echo(f"\nLeadScore demo on the {crm} sandbox")
    click.echo(f"  synced {summary['synced']:,} records, scored {summary['scored']:,}, "
               f"wrote {summary['written']:,} score updates back to the CRM")
    if model:
        click.echo(f"  model v{model['version']} ({model['learner']})"
                   + (f", held-out ROC AUC {auc:.3f}" if isinstance(auc, float) else ""))
    trained = summary["trained"]
    if trained and trained["version"] != model.get("version"):
        trained_auc = trained["roc_auc"]
        click.echo(f"  trained v{trained['version']} ({trained['learner']})"
                   + (f", held-out ROC AUC {trained_auc:.3f}" if isinstance(trained_auc, float) else "")
                   + f": not promoted, {trained['reason']}")
    click.echo("  tier   records   converted (held-out records, as on the dashboard)")
    for tier in "ABCD":
        rate = summary["conversion_by_tier"][tier]
        click.echo(f"  {tier:<6} {summary['tiers'][tier]:>7,}   {'-' if rate is None else f'{rate:.1%}':>9}")
    click.echo("  examples:")
    for example in summary["examples"]:
        click.echo(f"    #{example['crm_id']}: score {example['score']}, tier {example['tier']}")
        for reason in example["reasons"][:4]:
            click.echo(f"        {reason}")
    audit = summary["audit"]
    click.echo(f"  read back from the CRM: {audit['records_with_score']:,} of {audit['records']:,} records show "
               f"their score; {audit['tasks_in_crm']:,} tasks for {audit['tasks_expected']:,} expected "
               f"({audit['duplicate_tasks']} duplicated, {audit['missing_tasks']} missing)")
    calls = ", ".join(f"{k} {v:,}" for k, v in summary["api_calls"].items() if k != "total")
    click.echo(f"  API calls used: {summary['api_calls']['total']:,} ({calls})")
    click.echo(f"  dashboard: {dashboard}" + (f"  (sign in as {DEMO_ADMIN} / {password})" if password else
                                             "  (run with --serve to keep it open)"))


def _dashboard_path(app, installation_id: int) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for("dashboard.installation", installation_id=installation_id)


def _sleep_until_interrupted() -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
