"""Fresh planner statistics for the tables a sync fills, on PostgreSQL.

A first full sync grows the snapshot and score tables from empty faster than autovacuum looks (and
autovacuum may be off). Without column statistics the planner takes an installation's rows for a handful:
it found a batch's snapshots by filtering all of them rather than probing the (installation, object type,
crm id) index, and joined current scores by rescanning them all for every record, so each batch cost more
than the last and a 100,000-contact sync went quadratic. One sampled ANALYZE once a table holds a batch
sets the estimates right for the rest of the run.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def analyze(session: Session, *models) -> None:
    """ANALYZE the models' tables (a fraction of a second: PostgreSQL samples), then commit; elsewhere nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        session.execute(text(f"ANALYZE {model.__tablename__}"))
    session.commit()
