"""Answers from thread replies: the stored result never depends on delivery order."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Answer, PromptPost
from bot.practice.answers import Reply, record_delete, record_edit, record_replies
from tests import builders as b

POSTED = 1_772_442_000  # 2026-03-02 09:00 UTC
OPEN = f"{POSTED + 600}.000100"  # ten minutes in
LATER = f"{POSTED + 1200}.000200"
LATE = f"{POSTED + 7 * 3600}.000300"  # the window is six hours


@pytest.fixture
def post(session: Session) -> PromptPost:
    """Posted at 09:00 UTC on 2 March 2026 (`POSTED`); answers close six hours later."""
    post = b.post(session, b.channel(session), date(2026, 3, 2))
    session.commit()
    assert post.posted_at is not None and post.posted_at.timestamp() == POSTED
    return post


def answer_of(session: Session, user: str = "U1") -> Answer:
    session.expire_all()
    return session.scalars(select(Answer).where(Answer.user_id == user)).one()


def test_first_reply_is_the_answer_and_later_ones_follow_ups(
    session: Session, post: PromptPost
) -> None:
    first = b.reply(session, post, "U1", OPEN, "Run a geo holdout")
    second = b.reply(session, post, "U1", LATER, "Also: Day-7 retention")
    session.commit()
    answer = answer_of(session)
    assert (answer.text, answer.message_ts, answer.followups) == ("Run a geo holdout", OPEN, 1)
    assert first.counted and first.react
    assert second.counted and not second.react  # the reaction is added once


def test_reply_arriving_before_an_earlier_one_is_demoted(
    session: Session, post: PromptPost
) -> None:
    b.reply(session, post, "U1", LATER, "second thought")
    b.reply(session, post, "U1", OPEN, "first thought")
    session.commit()
    answer = answer_of(session)
    assert (answer.text, answer.followups) == ("first thought", 1)


def test_edit_updates_the_answer(session: Session, post: PromptPost) -> None:
    b.reply(session, post, "U1", OPEN, "draft")
    record_edit(session, post, "U1", OPEN, "final", f"{POSTED + 900}.000000")
    session.commit()
    answer = answer_of(session)
    assert answer.text == "final" and answer.edited_at is not None


def test_deleting_the_answer_withdraws_it(session: Session, post: PromptPost) -> None:
    b.reply(session, post, "U1", OPEN, "oops")
    change = record_delete(session, post, OPEN, "U1")
    session.commit()
    assert answer_of(session).withdrawn and not change.counted


def test_reply_after_the_window_is_late_and_told_once(session: Session, post: PromptPost) -> None:
    first = b.reply(session, post, "U2", LATE, "sorry I'm late")
    again = b.reply(session, post, "U2", LATE, "sorry I'm late")  # a redelivery
    session.commit()
    answer = answer_of(session, "U2")
    assert answer.late and not first.counted
    assert first.tell_late and not again.tell_late


EVENTS: dict[str, Callable[[Session, PromptPost], object]] = {
    "reply": lambda s, p: b.reply(s, p, "U1", OPEN, "draft"),
    "edit1": lambda s, p: record_edit(s, p, "U1", OPEN, "better", f"{POSTED + 700}.000000"),
    "edit2": lambda s, p: record_edit(s, p, "U1", OPEN, "best", f"{POSTED + 800}.000000"),
    "followup": lambda s, p: b.reply(s, p, "U1", LATER, "one more point"),
}


@pytest.mark.parametrize("order", list(itertools.permutations(EVENTS)))
def test_any_delivery_order_gives_the_same_answer(
    session: Session, post: PromptPost, order: tuple[str, ...]
) -> None:
    for name in order:
        EVENTS[name](session, post)
        EVENTS[name](session, post)  # and every delivery twice
    session.commit()
    answer = answer_of(session)
    assert (answer.text, answer.message_ts, answer.followups, answer.withdrawn) == (
        "best",
        OPEN,
        1,
        False,
    )


def test_deletion_before_the_message_still_withdraws(session: Session, post: PromptPost) -> None:
    record_delete(session, post, OPEN, "U1")
    b.reply(session, post, "U1", OPEN, "arrives after its deletion")
    session.commit()
    assert answer_of(session).withdrawn


def test_a_batch_records_what_one_by_one_would(session: Session, post: PromptPost) -> None:
    results = record_replies(
        session,
        [
            Reply(post, "U1", LATER, "second thought"),
            Reply(post, "U1", OPEN, "first thought"),
            Reply(post, "U1", OPEN, "first thought"),  # a redelivery in the same batch
            Reply(post, "U2", LATE, "sorry I'm late"),
        ],
    )
    session.commit()
    by_user = {r.user_id: r for r in results}
    assert sorted(by_user) == ["U1", "U2"]
    answer = answer_of(session)
    assert (answer.text, answer.message_ts, answer.followups) == ("first thought", OPEN, 1)
    assert by_user["U1"].counted and by_user["U1"].react and not by_user["U1"].tell_late
    assert by_user["U1"].message_ts == OPEN
    assert not by_user["U2"].counted and by_user["U2"].tell_late and not by_user["U2"].react
    # Flags are once-only across batches.
    again = record_replies(session, [Reply(post, "U1", LATER, "x"), Reply(post, "U2", LATE, "y")])
    assert not any(r.react or r.tell_late for r in again)
    assert not b.reply(session, post, "U1", OPEN, "first thought").react


def test_a_batch_after_a_deletion_keeps_it_withdrawn(session: Session, post: PromptPost) -> None:
    record_delete(session, post, OPEN, "U1")
    (result,) = record_replies(session, [Reply(post, "U1", OPEN, "arrives after its deletion")])
    session.commit()
    assert answer_of(session).withdrawn and not result.counted and not result.react


def test_a_batch_across_posts_keeps_each_persons_replies_to_their_own_post(
    session: Session, post: PromptPost
) -> None:
    # The writer reads a batch's stored replies as "these posts' replies by these people"
    # and keeps each (post, person) pair's own: U2's stored reply to the first post must not
    # join their answer to the second, nor U1's the other way round.
    tuesday = b.post(session, post.channel, date(2026, 3, 3))
    b.reply(session, post, "U2", OPEN, "monday's answer")
    session.commit()
    next_day = f"{POSTED + 86_400 + 600}.000100"
    results = record_replies(
        session,
        [Reply(post, "U1", LATER, "U1 on monday"), Reply(tuesday, "U2", next_day, "U2 on tuesday")],
    )
    session.commit()
    assert sorted((r.post_id, r.user_id) for r in results) == [(post.id, "U1"), (tuesday.id, "U2")]
    session.expire_all()
    answers = {
        (a.post_id, a.user_id): (a.text, a.followups) for a in session.scalars(select(Answer))
    }
    assert answers == {
        (post.id, "U1"): ("U1 on monday", 0),
        (post.id, "U2"): ("monday's answer", 0),
        (tuesday.id, "U2"): ("U2 on tuesday", 0),
    }
