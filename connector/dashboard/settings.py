"""The settings page: shows an installation's settings, with the tiers as they are written to the CRM, previews
other cut points, and saves only when every setting is valid."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from connector.db.audit import record_event
from connector.db.models import InstallationStatus

from . import bp, scope_or_404
from .settings_form import FIELD_KEYS, form_values, keep_unposted, parse_settings
from .tier_figures import histogram_svg, tier_figures


@bp.route("/installations/<int:installation_id>/settings", methods=("GET", "POST"))
def settings(installation_id: int):
    scope = scope_or_404(installation_id)
    installation = scope.installation
    crm = installation.crm.value

    def page(values, errors, figures, preview=False, status=200):
        return render_template("dashboard/settings.html", installation=installation, field_keys=FIELD_KEYS,
                               values=values, errors=errors, figures=figures, preview=preview,
                               histogram=histogram_svg(figures) if figures else None), status

    if request.method == "GET":
        figures = tier_figures(scope)
        return page(form_values(installation.settings, figures.cuts if figures else None), {}, figures)
    new, errors = parse_settings(request.form)
    new = keep_unposted(new, installation.settings, request.form)
    errors = {**new.validate(crm), **errors}  # a parse error (not a number) says more than the range check
    if request.form.get("action") == "preview":
        tier_errors = {key: message for key, message in errors.items() if key == "tier_cuts"}
        figures = None if tier_errors else tier_figures(scope, new)
        return page(request.form, tier_errors, figures, preview=True, status=422 if tier_errors else 200)
    if errors:
        return page(request.form, errors, tier_figures(scope), status=422)
    installation.settings = new
    if new.paused and installation.status == InstallationStatus.ACTIVE:
        installation.status = InstallationStatus.PAUSED
    elif not new.paused and installation.status == InstallationStatus.PAUSED:
        installation.status = InstallationStatus.ACTIVE
    record_event(scope.session, g.admin.email, "settings.updated", installation_id, settings=new.to_json())
    scope.session.commit()
    flash("Settings saved.")
    return redirect(url_for("dashboard.settings", installation_id=installation_id))
