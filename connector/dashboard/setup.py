"""First run: what to register in each CRM (exact URLs from PUBLIC_URL), whether the configuration can work
(a line per check, green or red), and Connect only where it can; Disconnect behind a confirmation."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, render_template

from connector.app.public_url import public_url_for
from connector.db.models import Crm, InstallationStatus

from . import bp, scope_or_404


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str


@dataclass(frozen=True)
class CrmSetup:
    crm: Crm
    checks: list[Check]
    urls: list[tuple[str, str]]  # (what to paste it into, the URL)

    @property
    def can_connect(self) -> bool:
        return all(check.ok for check in self.checks)


def crm_setups() -> list[CrmSetup]:
    config = current_app.config
    setups = []
    for crm, urls in ((Crm.HUBSPOT, [("App → Auth → Redirect URL", "install.hubspot_callback"),
                                     ("App → Webhooks → Target URL", "webhooks.hubspot"),
                                     ("App → CRM card → Data fetch URL", "cards.hubspot")]),
                      (Crm.SALESFORCE, [("Connected App → OAuth → Callback URL", "install.salesforce_callback"),
                                        ("Outbound Message → Endpoint URL, followed by /<secret> from the installation's page",
                                         "webhooks.salesforce"),
                                        ("Connected App → Canvas → Canvas App URL", "cards.salesforce_record_page")])):
        prefix = crm.value.upper()
        checks = [_is_set(config, f"{prefix}_CLIENT_ID"), _is_set(config, f"{prefix}_CLIENT_SECRET")]
        setups.append(CrmSetup(crm, checks, [(where, public_url_for(endpoint)) for where, endpoint in urls]))
    return setups


def _is_set(config, key: str) -> Check:
    ok = bool(config.get(key))
    return Check(ok, f"LEADSCORE_{key} is {'set' if ok else 'not set'}")


def address_checks() -> list[Check]:
    public = current_app.config.get("PUBLIC_URL") or ""
    return [Check(bool(public), "LEADSCORE_PUBLIC_URL is set (the address CRMs reach this connector at)"
                  if public else "LEADSCORE_PUBLIC_URL is not set: the URLs below use the address you opened this "
                                 "page with, which a CRM may not reach"),
            Check(public_url_for("dashboard.setup").startswith("https://"),
                  "The public address uses https (CRMs refuse plain http outside localhost)")]


@bp.get("/setup")
def setup():
    return render_template("dashboard/setup.html", address=address_checks(), setups=crm_setups())


@bp.get("/installations/<int:installation_id>/disconnect")
def confirm_disconnect(installation_id: int):
    installation = scope_or_404(installation_id).installation
    if installation.status is InstallationStatus.DISCONNECTED:
        abort(409, "This installation is already disconnected.")
    return render_template("dashboard/disconnect.html", installation=installation)
