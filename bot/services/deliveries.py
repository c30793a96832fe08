"""Taking a Slack delivery's claim, so each delivery is processed at most once."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from bot.db import SessionFactory, unit_of_work


class Delivery(Protocol):
    def take(self, session: Session) -> bool:
        """Claim the Slack delivery in this transaction; False when it was processed before."""
        ...


def take_delivery(sessions: SessionFactory, delivery: Delivery) -> bool:
    """Claim the delivery on its own (for a listener that records nothing with it); False
    when it was processed before."""
    with unit_of_work(sessions) as session:
        first = delivery.take(session)
        session.commit()
    return first
