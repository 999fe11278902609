"""Which webhook events are new: a CRM redelivers a batch when our answer was lost or late (HubSpot retries
up to 10 times), and each redelivery would otherwise queue another rescore of the same records.

Receipts live in the database rather than Redis because the embedded mode has no Redis, and because the
unique key makes two deliveries racing on two web workers count once. They are pruned after the window.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from connector.db.models import WebhookReceipt, utcnow

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def first_seen(session: Session, installation_id: int, event_keys: set[str], window_seconds: float) -> set[str]:
    """Record the keys; return those not received for this installation within the window.

    Not committed: the caller commits once the work for the new events is queued, so a failure in between
    leaves them unrecorded and the CRM's retry is acted on. Meanwhile the uncommitted rows hold the unique
    key, so a concurrent delivery of the same events waits for us and then finds them taken.
    """
    now = utcnow()
    session.execute(delete(WebhookReceipt).where(WebhookReceipt.installation_id == installation_id,
                                                 WebhookReceipt.received_at < now - timedelta(seconds=window_seconds)))
    if not event_keys:
        return set()
    insert = _INSERTS[session.get_bind().dialect.name](WebhookReceipt)
    inserted = session.scalars(
        insert.values([{"installation_id": installation_id, "event_key": key, "received_at": now}
                       for key in sorted(event_keys)])
        .on_conflict_do_nothing(index_elements=["installation_id", "event_key"])
        .returning(WebhookReceipt.event_key))
    return set(inserted)
