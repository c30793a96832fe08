"""Stand-ins on real databases: who is offered a review left undone, the first to accept
takes it once under a race, the original can finish until the stand-in scores, and it counts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory
from bot.models import AwayPeriod, ReviewAssignment, StandinOffer
from bot.practice.reviews.assign import set_volunteer
from bot.practice.reviews.standins import OpenReview, plan_offers, take_standin
from bot.services.reviews import accept_standin
from tests import builders as b
from tests.at_once import run_at_once
from tests.practice.test_reviews import (
    ANSWERS_CLOSE,
    MIDPOINT,
    REVIEWS_CLOSE,
    assignments,
    day_with,
    run_closing,
    score,
)

USERS = ["U1", "U2", "U3", "U4"]


def test_offers_never_go_to_the_author_or_a_reviewer_and_the_least_loaded_come_first() -> None:
    reviews = [
        OpenReview(1, "ana", frozenset({"ben", "cal"})),
        OpenReview(2, "ben", frozenset({"ana", "cal"}), covered=True),
        OpenReview(3, "cal", frozenset({"ana", "ben"})),
    ]
    plan = plan_offers(reviews, ["ana", "vic", "wes"], {"ana": 2}, seed=1, per_review=2)
    assert "ana" not in plan[1] and "ana" not in plan[2] and "ana" not in plan[3]
    assert set(plan[1]) == set(plan[3]) == {"vic", "wes"}  # no reviews yet: before ana
    assert plan == plan_offers(reviews, ["ana", "vic", "wes"], {"ana": 2}, seed=1, per_review=2)
    # Nobody more than `per_person` offers, and the uncovered answers are served first.
    capped = plan_offers(reviews, ["vic"], {}, seed=1, per_person=2)
    assert set(capped) == {1, 3}


def test_undone_reviews_are_offered_once_at_half_time_to_volunteers_and_the_done(
    session: Session, library: Library
) -> None:
    channel = b.channel(session)
    set_volunteer(session, channel, "V1", True, ANSWERS_CLOSE - timedelta(hours=1))
    session.commit()
    post, answers, notifier = day_with(session, channel, library, USERS)
    for a in assignments(session, post):
        if a.reviewer_id == "U1":
            assert score(session, library, a.answer_id, "U1", ANSWERS_CLOSE).ok
    session.commit()
    run_closing(session, MIDPOINT - timedelta(minutes=1), notifier=notifier, library=library)
    assert notifier.offers == []
    run_closing(session, MIDPOINT, notifier=notifier, library=library)
    run_closing(session, MIDPOINT + timedelta(minutes=5), notifier=notifier, library=library)
    offered = {(o.user, o.assignment_id) for o in notifier.offers}
    assert len(offered) == len(notifier.offers)  # each offer sent once
    assert {user for user, _ in offered} <= {"U1", "V1"}  # done with their reviews, or volunteers
    by_id = {a.id: a for a in assignments(session, post)}
    for user, aid in offered:
        assert by_id[aid].reviewer_id != "U1" and by_id[aid].scored_at is None
        assert user not in answers or answers[user].id != by_id[aid].answer_id  # not their own
        assert user not in {
            a.reviewer_id for a in by_id.values() if a.answer_id == by_id[aid].answer_id
        }


def test_nobody_away_is_offered_a_stand_in_review(session: Session, library: Library) -> None:
    """Found by the simulation: an away member was offered reviews at half-time."""
    channel = b.channel(session)
    for volunteer in ("V1", "V2"):
        set_volunteer(session, channel, volunteer, True, ANSWERS_CLOSE - timedelta(hours=1))
    away_day = MIDPOINT.date()
    session.add(
        AwayPeriod(
            team_id=channel.team_id,
            user_id="V2",
            first=away_day - timedelta(days=1),
            last=away_day + timedelta(days=1),
        )
    )
    session.commit()
    _post, _answers, notifier = day_with(session, channel, library, USERS)
    run_closing(session, MIDPOINT, notifier=notifier, library=library)
    offered = {o.user for o in notifier.offers}
    assert "V1" in offered and "V2" not in offered


def test_the_first_to_accept_takes_it_once_under_a_race(
    sessions: SessionFactory, library: Library
) -> None:
    with sessions() as session:
        channel = b.channel(session)
        for volunteer in ("V1", "V2", "V3"):
            set_volunteer(session, channel, volunteer, True, ANSWERS_CLOSE)
        session.commit()
        _post, _, notifier = day_with(session, channel, library, ["U1", "U2", "U3"])
        run_closing(session, MIDPOINT, notifier=notifier, library=library)
        offers = list(session.execute(select(StandinOffer.assignment_id, StandinOffer.user_id)))
    target = next(aid for aid, _ in offers if sum(a == aid for a, _ in offers) >= 2)
    takers = [user for aid, user in offers if aid == target]
    results = []

    def take(user: str) -> None:
        results.append(
            accept_standin(
                sessions, target, user, MIDPOINT + timedelta(minutes=1), notifier=notifier
            )
        )

    assert run_at_once([lambda u=u: take(u) for u in takers]) == []
    assert sum(r.brief is not None for r in results) == 1
    assert sorted(r.refusal or "" for r in results) == ["", *["taken"] * (len(takers) - 1)]
    with sessions() as session:
        standins = session.scalars(
            select(ReviewAssignment).where(ReviewAssignment.standin_for == target)
        ).all()
        assert len(standins) == 1 and standins[0].source == "standin"
        original = session.get(ReviewAssignment, target)
        assert original is not None and original.passed_to == standins[0].reviewer_id
    assert [p.assignment_id for p in notifier.passed] == [target]  # told once
    brief = [x for x in notifier.briefs if x.reviewer == standins[0].reviewer_id]
    assert len(brief) == 1 and brief[0].items[0].assignment_id == standins[0].id


def test_the_original_can_finish_until_the_stand_in_scores_and_the_review_counts(
    session: Session, library: Library
) -> None:
    channel = b.channel(session)
    set_volunteer(session, channel, "V1", True, ANSWERS_CLOSE)
    session.commit()
    _post, _, notifier = day_with(session, channel, library, USERS)
    run_closing(session, MIDPOINT, notifier=notifier, library=library)
    offer = next(o for o in notifier.offers if o.user == "V1")
    now = MIDPOINT + timedelta(minutes=10)
    taken = take_standin(session, offer.assignment_id, "V1", now)
    session.commit()
    assert taken.brief is not None
    original = session.get(ReviewAssignment, offer.assignment_id)
    assert original is not None
    answer_id, reviewer = original.answer_id, original.reviewer_id
    assert take_standin(session, offer.assignment_id, "V1", now).refusal == "taken"
    # The original still may score (nobody has yet); then the stand-in scores too.
    assert score(session, library, answer_id, reviewer, now).ok
    session.commit()
    assert score(session, library, answer_id, "V1", now, 5).ok
    session.commit()
    # Once the stand-in has scored, the original is done: a change is refused politely.
    assert score(session, library, answer_id, reviewer, now, 2).refusal == "passed"
    run_closing(session, REVIEWS_CLOSE, notifier=notifier, library=library)
    mine = session.scalars(
        select(ReviewAssignment).where(
            ReviewAssignment.answer_id == answer_id, ReviewAssignment.reviewer_id == "V1"
        )
    ).one()
    assert mine.scored_at is not None and not mine.missed
    summary = next(s for s in notifier.summaries if s.answer_id == answer_id)
    assert "V1" in {r for _, r in summary.rateable}
