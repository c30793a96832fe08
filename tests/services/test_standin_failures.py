"""A stand-in's click when the database fails before the claim is decided (found by the
simulation on PostgreSQL with its connections dropped): a clear "try again", no crash."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.practice.reviews.standins import TAKE_REFUSALS
from bot.services.reviews import accept_standin
from tests.fakes import FakeReviewNotifier


class DownDatabase:
    """A session factory whose every session fails at once, as a dropped server does."""

    def __call__(self) -> AbstractContextManager[Session]:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))


def test_a_failed_database_makes_the_stand_in_try_again_not_crash() -> None:
    notifier = FakeReviewNotifier()
    taken = accept_standin(
        DownDatabase(),  # type: ignore[arg-type]
        7,
        "U1",
        datetime(2026, 3, 3, 12, tzinfo=UTC),
        notifier=notifier,
    )
    assert taken.brief is None and taken.message == TAKE_REFUSALS["retry"]
    assert notifier.briefs == [] and notifier.passed == []
