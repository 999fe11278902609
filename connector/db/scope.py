"""The one way to read or write an installation's rows: every query goes through its `InstallationScope`."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .models import Installation, InstallationOwned

Owned = TypeVar("Owned", bound=InstallationOwned)


class InstallationScope:
    """A session seen through one installation: selects are filtered, new rows are stamped with its id."""

    def __init__(self, session: Session, installation: Installation):
        self.session = session
        self.installation = installation
        self.installation_id = installation.id

    @classmethod
    def load(cls, session: Session, installation_id: int) -> "InstallationScope | None":
        installation = session.get(Installation, installation_id)
        return cls(session, installation) if installation is not None else None

    def select(self, model: type[Owned], *where: Any) -> Select:
        return select(model).where(model.installation_id == self.installation_id, *where)

    def all(self, model: type[Owned], *where: Any, order_by: Any = None, limit: int | None = None) -> list[Owned]:
        query = self.select(model, *where)
        if order_by is not None:
            query = query.order_by(order_by)
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def one_or_none(self, model: type[Owned], *where: Any) -> Owned | None:
        return self.session.scalars(self.select(model, *where)).one_or_none()

    def get(self, model: type[Owned], row_id: int) -> Owned | None:
        """The row with this primary key, or None when it is missing *or belongs to another installation*."""
        return self.one_or_none(model, model.id == row_id)

    def add(self, row: Owned) -> Owned:
        if row.installation_id not in (None, self.installation_id):
            raise ValueError("row belongs to another installation")
        row.installation_id = self.installation_id
        self.session.add(row)
        return row
