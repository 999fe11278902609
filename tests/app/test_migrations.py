"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from connector.db import make_engine, migrate
from connector.db.models import Base


def schema_diff(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return diff


def test_upgrade_on_an_empty_sqlite_database_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    migrate.upgrade(url)
    assert schema_diff(url) == []
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    engine.dispose()


def test_upgrade_twice_is_harmless(tmp_path):
    url = f"sqlite:///{tmp_path / 'twice.sqlite'}"
    migrate.upgrade(url)
    migrate.upgrade(url)
    assert schema_diff(url) == []


@pytest.mark.postgres
def test_upgrade_on_postgresql_matches_the_models(throwaway_postgres):
    migrate.upgrade(throwaway_postgres)
    assert schema_diff(throwaway_postgres) == []
