"""One installation never sees another's rows."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from connector.db import get_session
from connector.db.models import CurrentScore, NurtureRule, RecordSnapshot
from connector.db.scope import InstallationScope

from .conftest import add_installation

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_each_installation_sees_only_its_own_rows(app):
    first, second = add_installation(app, account_id="1"), add_installation(app, account_id="2")
    with app.app_context():
        db = get_session()
        mine, theirs = InstallationScope.load(db, first), InstallationScope.load(db, second)
        mine.add(RecordSnapshot(object_type="contacts", crm_id="100", properties={}, modified_at=NOW))
        theirs.add(RecordSnapshot(object_type="contacts", crm_id="100", properties={}, modified_at=NOW))
        theirs_rule = theirs.add(NurtureRule(name="theirs", trigger={}, actions=[]))
        db.commit()

        assert [s.installation_id for s in mine.all(RecordSnapshot)] == [first]
        assert mine.get(NurtureRule, theirs_rule.id) is None
        assert theirs.get(NurtureRule, theirs_rule.id) is theirs_rule
        assert mine.all(CurrentScore) == []


def test_a_row_of_another_installation_cannot_be_added_through_a_scope(app):
    first, second = add_installation(app, account_id="1"), add_installation(app, account_id="2")
    with app.app_context():
        scope = InstallationScope.load(get_session(), first)
        with pytest.raises(ValueError):
            scope.add(NurtureRule(installation_id=second, name="x", trigger={}, actions=[]))


def test_an_unknown_installation_has_no_scope(app):
    with app.app_context():
        assert InstallationScope.load(get_session(), 999) is None
