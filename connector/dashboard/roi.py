"""The ROI report: the admin's four inputs, saved per installation (audited), and the quarter's benefits, costs
and ROI with every intermediate figure; the same lines as CSV."""
from __future__ import annotations

import csv
import io

from flask import Response, flash, g, redirect, render_template, request, url_for

from connector.db.audit import record_event
from connector.db.models import RoiInputs
from connector.experiment.roi import roi_report

from . import bp, scope_or_404

FIELDS = (("deal_value", "Average deal value", "money"), ("monthly_cost", "Tool cost per month", "money"),
          ("rep_cost_per_hour", "Rep cost per hour", "money"),
          ("minutes_per_lead", "Rep minutes per lead contacted", "minutes"))
LIMIT = 1e9  # a typo guard: no deal, tool or hour costs a billion


def _parse(form) -> tuple[dict[str, float], dict[str, str]]:
    values, errors = {}, {}
    for key, label, _ in FIELDS:
        text = form.get(key, "").strip().replace(",", "")
        try:
            value = float(text)
        except ValueError:
            errors[key] = f"{label}: enter a number."
            continue
        if not 0 <= value < LIMIT:
            errors[key] = f"{label}: enter a number from 0 to below 1,000,000,000."
            continue
        if key == "monthly_cost" and value == 0:
            errors[key] = f"{label}: enter more than 0 (ROI divides by the cost)."
            continue
        values[key] = value
    return values, errors


@bp.route("/installations/<int:installation_id>/roi", methods=("GET", "POST"))
def roi(installation_id: int):
    scope = scope_or_404(installation_id)
    inputs = scope.one_or_none(RoiInputs)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = _parse(request.form)
        if not errors:
            if inputs is None:
                inputs = scope.add(RoiInputs(**values))
            else:
                for key, value in values.items():
                    setattr(inputs, key, value)
            inputs.updated_by = g.admin.email
            record_event(scope.session, g.admin.email, "roi.inputs_updated", installation_id, **values)
            scope.session.commit()
            flash("ROI inputs saved.")
            return redirect(url_for("dashboard.roi", installation_id=installation_id))
    shown = request.form if errors else {key: f"{getattr(inputs, key):g}" for key, _, _ in FIELDS} if inputs else {}
    report = roi_report(scope, inputs) if inputs is not None and not errors else None
    return render_template("dashboard/roi.html", installation=scope.installation, fields=FIELDS, values=shown,
                           errors=errors, report=report), 422 if errors else 200


@bp.get("/installations/<int:installation_id>/roi.csv")
def roi_csv(installation_id: int):
    scope = scope_or_404(installation_id)
    inputs = scope.one_or_none(RoiInputs)
    if inputs is None:
        return Response("Enter the ROI inputs first.\n", status=404, mimetype="text/plain")
    report = roi_report(scope, inputs)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "label", "value", "how"])
    writer.writerow(["uplift_source", "Where the extra conversions come from", report.source, ""])
    for line in report.lines:
        writer.writerow([line.key, line.label, "" if line.value is None else f"{line.value:.6g}", line.how])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="roi-installation-{installation_id}.csv"'
    return response
