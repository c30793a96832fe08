"""Claim, commit, call, then store or release: the one shape of every once-only Slack effect.

A post, a DM or a reaction is claimed in the database (a unique key, or a flag set by a
guarded UPDATE) and the claim is committed before Slack is called, so two processes never
both call, and no transaction (on SQLite: the write lock) is held across the call. When the
call fails the claim is released in a fresh unit of work, so the next run retries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from bot.db import SessionFactory, unit_of_work

Claimed = TypeVar("Claimed")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Called(Generic[Claimed, Result]):
    """A claimed effect whose call went through."""

    claimed: Claimed
    result: Result


def claim_then_call(
    sessions: SessionFactory,
    claim: Callable[[Session], Claimed | None],
    call: Callable[[Claimed], Result],
    *,
    release: Callable[[Session, Claimed, Exception], None],
    store: Callable[[Session, Claimed, Result], None] | None = None,
    release_on: type[Exception] | tuple[type[Exception], ...] = Exception,
) -> Called[Claimed, Result] | None:
    """Run `claim` and commit; None when it claimed nothing (done, or taken elsewhere).
    Then `call` with no transaction open; on success `store` its result, on a `release_on`
    failure `release` the claim (each in its own committed unit of work) and re-raise."""
    with unit_of_work(sessions) as session:
        claimed = claim(session)
        if claimed is None:
            return None
        session.commit()
    try:
        result = call(claimed)
    except release_on as exc:
        with unit_of_work(sessions) as session:
            release(session, claimed, exc)
            session.commit()
        raise
    if store is not None:
        with unit_of_work(sessions) as session:
            store(session, claimed, result)
            session.commit()
    return Called(claimed, result)
