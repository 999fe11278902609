"""The database enforces what the workers will rely on."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from connector.db import get_session
from connector.db.models import (ActionLog, Installation, ModelVersion, NurtureRule, RecordSnapshot)
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings, TierCuts


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """The constraints below are the workers' safety net, so they are checked on both databases."""
    if request.param == "postgres":
        return request.getfixturevalue("throwaway_postgres")
    return f"sqlite:///{tmp_path / 'leadscore.sqlite'}"


def test_an_action_fires_at_most_once_per_record_transition_and_rule_version(app, installation_id):
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        rule = scope.add(NurtureRule(name="hot", trigger={"type": "enters_tier", "tier": "A"},
                                     actions=[{"type": "enroll", "target_id": "42"}]))
        scope.session.flush()
        log = dict(rule_id=rule.id, rule_version=1, crm_id="7", transition="B->A", action_index=0)
        scope.add(ActionLog(**log))
        scope.session.commit()
        scope.add(ActionLog(**log))
        with pytest.raises(IntegrityError):
            scope.session.commit()
        scope.session.rollback()
        scope.add(ActionLog(**{**log, "rule_version": 2}))  # an edited rule may act again
        scope.session.commit()


def test_only_one_champion_per_installation(app, installation_id):
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        for version in (1, 2):
            scope.add(ModelVersion(version=version, learner="lightgbm", artefact=b"x", fingerprint="f",
                                   is_champion=True))
        with pytest.raises(IntegrityError):
            scope.session.commit()


def test_a_snapshot_is_unique_per_record_and_times_come_back_in_utc(app, installation_id):
    when = datetime(2026, 5, 1, 12, 30, tzinfo=timezone.utc)
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        scope.add(RecordSnapshot(object_type="contacts", crm_id="1", properties={"email": "a@b.c"}, modified_at=when))
        scope.session.commit()
        scope.session.expire_all()
        assert scope.one_or_none(RecordSnapshot).modified_at == when
        scope.add(RecordSnapshot(object_type="contacts", crm_id="1", properties={}, modified_at=when))
        with pytest.raises(IntegrityError):
            scope.session.commit()


def test_settings_read_back_typed_with_crm_defaults(app, installation_id):
    with app.app_context():
        db = get_session()
        installation = db.get(Installation, installation_id)
        settings = installation.settings
        assert settings.schedule_minutes == 15 and not settings.paused
        assert settings.field_names.score == "leadscore_score"
        installation.settings = InstallationSettings(field_names=settings.field_names, tier_cuts=TierCuts(80, 60, 30))
        db.commit()
        db.expire_all()
        assert db.get(Installation, installation_id).settings.tier_cuts.tier_for(70) == "B"


def test_salesforce_defaults_use_custom_field_names():
    settings = InstallationSettings.defaults("salesforce")
    assert settings.field_names.tier == "LeadScore_Tier__c"
    assert settings.validate("salesforce") == {}
