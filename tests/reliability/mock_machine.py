"""The mock-queue state machine (needs bot/practice/mocks.py; imported only when it exists)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import delete, select

from bot.content import Library
from bot.db import SessionFactory, unit_of_work
from bot.models import Base, MockMatch, MockRequest
from bot.services import mock_due, mocks
from tests.conftest import utc
from tests.fakes import FakeMockNotifier

TEAM = "T1"
USERS = ["M1", "M2", "M3", "M4", "M5"]


def mock_queue_machine(sessions: SessionFactory, library: Library) -> type[RuleBasedStateMachine]:
    class MockQueueRules(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            with unit_of_work(sessions) as session:
                for table in reversed(Base.metadata.sorted_tables):
                    session.execute(delete(table))
                session.commit()
            self.now = utc(2026, 3, 2, 9)
            self.notifier = FakeMockNotifier()

        @rule(user=st.sampled_from(USERS), tz=st.sampled_from([-300, 0, 60, 540]))
        def request(self, user: str, tz: int) -> None:
            mocks.request_partner(
                sessions, self.now, TEAM, user, "", tz, library=library, notifier=self.notifier
            )
            self.now += timedelta(minutes=1)

        @rule(user=st.sampled_from(USERS))
        def cancel(self, user: str) -> None:
            mocks.cancel(sessions, self.now, TEAM, user)

        @rule(hours=st.integers(1, 30))
        def time_passes(self, hours: int) -> None:
            self.now += timedelta(hours=hours)
            mock_due.expire_due(sessions, self.now, library=library, notifier=self.notifier)

        @invariant()
        def nobody_is_matched_twice_or_with_themselves(self) -> None:
            with unit_of_work(sessions) as session:
                live = session.execute(
                    select(MockMatch.user_a, MockMatch.user_b).where(MockMatch.status == "live")
                ).all()
                waiting = list(
                    session.scalars(
                        select(MockRequest.user_id).where(MockRequest.status == "waiting")
                    )
                )
            assert all(a != b for a, b in live)
            in_live = Counter(u for pair in live for u in pair)
            assert all(n == 1 for n in in_live.values()), in_live
            assert all(n == 1 for n in Counter(waiting).values()), waiting
            assert not set(waiting) & set(in_live)

    return MockQueueRules
