"""Export and forget-me over every table that mentions a person, on real databases."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import (
    Answer,
    AwayPeriod,
    Base,
    Challenge,
    MemberSettings,
    MockMatch,
    MockRating,
    MockRound,
    MockScore,
    PromptPost,
    ReviewAssignment,
    ReviewRating,
    StandinOffer,
    Vote,
)
from bot.practice.calibration import SampleRef, record_calibration
from bot.practice.privacy.export import export_user
from bot.practice.privacy.forget import forget_user
from tests import builders as b
from tests.conftest import utc

POSTED = utc(2026, 3, 4, 9)  # a Wednesday
NOW = utc(2026, 3, 5, 12)


def seed(session: Session) -> dict[str, int]:
    """U1 and U2 answer, review each other, score, challenge; a mock between them; and a
    second workspace where U1 also exists (it must be left alone)."""
    ids: dict[str, int] = {}
    for team in ("T1", "T2"):
        channel = b.channel(session, "C1", team_id=team, creator_id="U1")
        post = b.post(session, channel, POSTED.date())
        answers = {}
        for i, user in enumerate(("U1", "U2")):
            ts = f"{POSTED.timestamp() + 60 + i:.6f}"
            answers[user] = b.replied_answer(session, post, user, ts, f"{user}'s answer")
        b.opt_in(session, channel, "U1", NOW)
        sample = SampleRef("pmm", "p1", "weak")
        record_calibration(session, channel, "U1", sample, {"focus": 2}, {"focus": 1}, NOW)
        given = {}
        for reviewer, author in (("U1", "U2"), ("U2", "U1")):
            given[reviewer] = b.review(
                session,
                answers[author],
                reviewer,
                {"clarity": 4, "evidence": 4},
                challenge=f"{reviewer} asks why",
                challenge_ts="1772600000.000001",
                comment="fine",
            )
        # U1 predicted their score, rated U2's review of it, was offered and took a review.
        answers["U1"].predicted_score, answers["U1"].predicted_at = 3, NOW
        session.add(
            ReviewRating(assignment_id=given["U2"].id, author_id="U1", helpful=True, created_at=NOW)
        )
        session.add(StandinOffer(assignment_id=given["U2"].id, user_id="U1", created_at=NOW))
        given["U2"].passed_to = "U1"
        match = b.mock(session, "U1", "U2", {"clarity": 3}, NOW, team_id=team, status="live")
        b.mock_round(session, match)
        b.mock_rating(session, match, 4, comment="U2 asked great questions")
        b.mock_request(session, "U1", NOW, team_id=team, match=match, status="done")
        b.mock_request(session, "U1", NOW, team_id=team)
        session.add(MemberSettings(team_id=team, user_id="U1", listed=False, updated_at=NOW))
        session.add(AwayPeriod(team_id=team, user_id="U1", first=NOW.date(), last=NOW.date()))
        ids[team] = channel.id
    session.commit()
    return ids


def rows_mentioning(session: Session, user: str) -> list[str]:
    """Tables with a row that has `user` as a whole column value."""
    return sorted(
        {
            table.name
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
            if user in tuple(row)
        }
    )


def nothing_about(data: dict[str, object]) -> bool:
    keys = (
        "answers",
        "thread_replies",
        "reviews_given",
        "votes_without_assignment",
        "calibration_scores",
        "mock_requests",
        "mock_matches",
        "reviewer_opt_ins",
        "channels_created_or_enrolled",
        "settings",
        "away",
        "review_ratings_given",
        "standin_offers",
    )
    return all(data[k] == [] for k in keys)


def test_export_holds_everything_about_the_user_in_that_workspace(session: Session) -> None:
    seed(session)
    data = export_user(session, "T1", "U1")
    json.dumps(data)  # JSON-ready
    (answer,) = data["answers"]
    assert answer["text"] == "U1's answer" and len(answer["scores_received"]) == 2
    assert answer["challenges_received"] == ["U2 asks why"]
    (review,) = data["reviews_given"]
    assert review["challenges"][0]["text"] == "U1 asks why" and len(review["scores"]) == 2
    assert len(data["thread_replies"]) == 1 and len(data["reviewer_opt_ins"]) == 1
    assert len(data["mock_requests"]) == 2 and data["mock_matches"][0]["scores"][0]["score"] == 3
    assert data["channels_created_or_enrolled"][0]["channel_id"] == "C1"
    (calibration,) = data["calibration_scores"]
    assert (calibration["score"], calibration["reference"]) == (2, 1)
    assert data["settings"][0]["listed"] is False and len(data["away"]) == 1
    assert answer["predicted_score"] == 3
    (rated,) = data["review_ratings_given"]
    assert rated["helpful"] is True
    assert len(data["standin_offers"]) == 1


def test_forget_erases_the_users_data_and_keeps_what_others_depend_on(session: Session) -> None:
    ids = seed(session)
    report = forget_user(session, "T1", "U1", NOW)
    session.commit()
    session.expire_all()
    token = report.token
    assert token.startswith("forgotten-") and "U1" not in token
    assert nothing_about(export_user(session, "T1", "U1"))
    assert report.bot_messages == [("C1", "1772600000.000001")]
    assert report.affected_weeks == [("C1", date(2026, 3, 2))]
    t1_answers = select(Answer).join(PromptPost).where(PromptPost.channel_pk == ids["T1"])
    anon = session.scalars(t1_answers.where(Answer.user_id == token)).one()
    assert anon.text == "" and anon.withdrawn
    # U2's review of U1's answer still counts for U2; U2's own answer keeps U2's reviewers,
    # minus U1's scores and challenge, which are gone.
    kept = session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.answer_id == anon.id)
    ).one()
    assert kept.reviewer_id == "U2" and kept.scored_at is not None
    assert session.scalars(select(Challenge).where(Challenge.assignment_id == kept.id)).all()
    u2_answer = session.scalars(t1_answers.where(Answer.user_id == "U2")).one()
    assert session.scalars(select(Vote).where(Vote.answer_id == u2_answer.id)).all() == []
    match = session.scalars(select(MockMatch).where(MockMatch.team_id == "T1")).one()
    assert (match.user_a, match.user_b, match.candidate_id) == (token, "U2", token)
    assert match.status == "done"
    score = session.scalars(select(MockScore).where(MockScore.match_id == match.id)).one()
    assert (score.candidate_id, score.interviewer_id, score.score) == (token, "U2", 3)
    rnd = session.scalars(select(MockRound).where(MockRound.match_id == match.id)).one()
    assert (rnd.candidate_id, rnd.interviewer_id) == (token, "U2")
    rating = session.scalars(select(MockRating).where(MockRating.match_id == match.id)).one()
    assert (rating.rater_id, rating.score, rating.comment) == (token, 4, None)
    # The other workspace is untouched.
    other = export_user(session, "T2", "U1")
    assert other["answers"][0]["text"] == "U1's answer" and len(other["mock_requests"]) == 2
    # Forgetting again finds nothing; forgetting in the other workspace too leaves no row at
    # all with their id.
    assert not forget_user(session, "T1", "U1", NOW).anything
    assert rows_mentioning(session, "U1") != []
    forget_user(session, "T2", "U1", NOW)
    session.commit()
    assert rows_mentioning(session, "U1") == []
