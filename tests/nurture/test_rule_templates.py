"""The rule form checks the names a task template reads: a typo would otherwise render empty in every task."""
from __future__ import annotations

from datetime import datetime, timezone

from connector.db import get_session
from connector.db.models import NurtureRule, RecordSnapshot
from connector.db.scope import InstallationScope
from tests.app.conftest import admin, app, app_config, client, database_url, installation_id  # noqa: F401
from tests.app.test_dashboard_views import RULE


def _records_with(app, installation_id, properties):
    with app.app_context():
        db = get_session()
        db.add(RecordSnapshot(installation_id=installation_id, object_type="contacts", crm_id="1",
                              properties=properties, modified_at=datetime.now(timezone.utc)))
        db.commit()


def test_an_unknown_template_variable_is_named_and_nothing_saved(app, admin, installation_id):  # noqa: F811
    _records_with(app, installation_id, {"firstname": "Ada", "company": "Acme"})
    page = f"/installations/{installation_id}/rules/new"

    response = admin.submit(page, {**RULE, "task_subject": "Call {{ frstname }} at {{ company }}",
                                   "task_body": "{{ reasons_txt }} {{ scroe }}"})

    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Unknown variable: frstname." in text
    assert "Unknown variables: reasons_txt, scroe." in text
    with app.app_context():
        assert InstallationScope.load(get_session(), installation_id).all(NurtureRule) == []

    good = {**RULE, "task_subject": "Call {{ firstname }} at {{ company }} ({{ tier }})",
            "task_body": "{{ reasons_text }} {{ score }} {% for r in reasons %}{{ r }}{% endfor %}"}
    assert admin.submit(page, good).status_code == 302


def test_before_the_first_sync_property_names_are_not_checked(app, admin, installation_id):  # noqa: F811
    response = admin.submit(f"/installations/{installation_id}/rules/new", {**RULE, "task_subject": "Call {{ anything }}"})
    assert response.status_code == 302
