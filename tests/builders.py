"""The one way tests make data: small builders written straight through the models (post,
thread notice, answer, review with its challenge and votes, reviewer opt-in, mock match with its
scores, round, rating and request, leaderboard claim), or through the domain where it owns the
write (`channel`, `reply`). Times are aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.content import Prompt
from bot.db import SessionFactory, make_session_factory
from bot.models import (
    Answer,
    Challenge,
    Channel,
    LeaderboardPost,
    MockMatch,
    MockRating,
    MockRequest,
    MockRound,
    MockScore,
    PromptPost,
    ReviewAssignment,
    ReviewerOptIn,
    ThreadNotice,
    Vote,
)
from bot.practice.answers import PostRef, RecordedAnswer, Reply, record_replies
from bot.practice.channels import enrol_channel
from bot.practice.schedule import ChannelClock, local_instant

CRITERIA = ("hypothesis", "measurement", "focus", "rollout", "platform", "numbers")


def channel(
    session: Session,
    channel_id: str = "C1",
    tz: str = "UTC",
    team_id: str = "T1",
    **settings: object,
) -> Channel:
    ch = enrol_channel(
        session,
        team_id=team_id,
        channel_id=channel_id,
        now=datetime(2026, 1, 1, tzinfo=UTC),
        inviter_tz=tz,
    ).channel
    for key, value in settings.items():
        setattr(ch, key, value)
    session.commit()
    return ch


def clock(ch: Channel) -> ChannelClock:
    """The channel's schedule as the jobs' scan reads it (`active_clocks`)."""
    return ChannelClock._make(getattr(ch, name) for name in ChannelClock._fields)


def sessions_like(session: Session) -> SessionFactory:
    """A session factory on the test session's database, for calling a service (which opens
    its own units of work); the test session's transaction is ended first, so it holds no
    lock, and its objects are reloaded on next use."""
    session.commit()
    session.expire_all()
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    return make_session_factory(bind)


def reply(session: Session, p: PostRef, user_id: str, ts: str, text: str) -> RecordedAnswer:
    """A reply in the post's thread, recorded the way the live reply writer records it."""
    (recorded,) = record_replies(session, [Reply(p, user_id, ts, text)])
    return recorded


def replied_answer(session: Session, p: PostRef, user_id: str, ts: str, text: str) -> Answer:
    """`reply`, then the answer it made."""
    recorded = reply(session, p, user_id, ts, text)
    found = session.get(Answer, recorded.answer_id, populate_existing=True)
    assert found is not None
    return found


_ts = [1_770_000_000]


def _next_ts() -> str:
    _ts[0] += 1
    return f"{_ts[0]}.000100"


def post(
    session: Session,
    ch: Channel,
    day: date,
    *,
    posted: bool = True,
    prompt: Prompt | None = None,
) -> PromptPost:
    """The channel's post of `day` at 09:00 local time, of the pack's `prompt` when given (else
    a made-up case); answers close 6 hours later, reviews 24."""
    at = local_instant(day, time(9, 0), ch.timezone)
    p = PromptPost(
        channel_pk=ch.id,
        local_date=day,
        pack_id="pmm",
        prompt_id=prompt.id if prompt else f"prompt-{day.isoformat()}",
        prompt=prompt.snapshot() if prompt else {"title": f"Case of {day.isoformat()}"},
        claimed_at=at,
        posted_at=at if posted else None,
        message_ts=_next_ts() if posted else None,
        answers_close_at=at + timedelta(hours=6),
        reviews_close_at=at + timedelta(hours=24),
    )
    session.add(p)
    session.flush()
    return p


def thread_notice(session: Session, p: PromptPost, kind: str, message_ts: str) -> ThreadNotice:
    """A note of `kind` ("short", "notes") claimed and posted in the post's thread."""
    assert p.posted_at is not None
    at = p.posted_at
    row = ThreadNotice(post_id=p.id, kind=kind, claimed_at=at, posted_at=at, message_ts=message_ts)
    session.add(row)
    session.flush()
    return row


def answer(
    session: Session,
    p: PromptPost,
    user_id: str,
    *,
    minutes: int = 30,
    late: bool = False,
    withdrawn: bool = False,
) -> Answer:
    assert p.posted_at is not None
    a = Answer(
        post_id=p.id,
        user_id=user_id,
        message_ts=_next_ts(),
        text=f"{user_id}'s answer",
        answered_at=p.posted_at + timedelta(minutes=minutes),
        late=late,
        withdrawn=withdrawn,
    )
    session.add(a)
    session.flush()
    return a


def review(
    session: Session,
    a: Answer,
    reviewer_id: str,
    scores: dict[str, int] | int | None = None,
    *,
    challenge: str | None = "But why?",
    challenge_ts: str | None = None,
    comment: str | None = None,
    missed: bool = False,
) -> ReviewAssignment:
    """An assignment; with `scores` (a dict, or one score for every criterion) it is scored.
    Its reviewer's `challenge` (None: none), posted as `challenge_ts` when given."""
    p = session.get(PromptPost, a.post_id)
    assert p is not None and p.posted_at is not None
    at = p.posted_at + timedelta(hours=7)
    assignment = ReviewAssignment(
        post_id=a.post_id,
        answer_id=a.id,
        reviewer_id=reviewer_id,
        source="answerer",
        assigned_at=at,
        missed=missed,
        comment=comment,
    )
    session.add(assignment)
    session.flush()
    if challenge is not None:
        session.add(
            Challenge(
                assignment_id=assignment.id, text=challenge, created_at=at, message_ts=challenge_ts
            )
        )
    if scores is not None:
        if isinstance(scores, int):
            scores = dict.fromkeys(CRITERIA, scores)
        for criterion, score in scores.items():
            session.add(
                Vote(
                    answer_id=a.id,
                    reviewer_id=reviewer_id,
                    criterion=criterion,
                    score=score,
                    updated_at=at,
                )
            )
        assignment.scored_at = at + timedelta(hours=1)
    session.flush()
    return assignment


def mock(
    session: Session,
    candidate: str,
    interviewer: str,
    scores: dict[str, int] | int,
    at: datetime,
    *,
    team_id: str = "T1",
    round_: int = 1,
    status: str = "done",
) -> MockMatch:
    """A mock match of `candidate` with `interviewer`, with the interviewer's scores, its
    feedback revealed (docs/mock.md, "Feedback")."""
    match = MockMatch(
        team_id=team_id,
        user_a=candidate,
        user_b=interviewer,
        created_at=at,
        pack_id="pmm",
        prompt_id="mock",
        prompt={},
        candidate_id=candidate,
        interviewer_id=interviewer,
        status=status,
    )
    session.add(match)
    session.flush()
    if isinstance(scores, int):
        scores = dict.fromkeys(CRITERIA[:3], scores)
    for criterion, score in scores.items():
        session.add(
            MockScore(
                match_id=match.id,
                round=round_,
                candidate_id=candidate,
                interviewer_id=interviewer,
                criterion=criterion,
                score=score,
                created_at=at,
            )
        )
    rnd = mock_round(session, match, round_=round_)
    rnd.scored_at = rnd.revealed_at = at
    session.flush()
    return match


def mock_round(session: Session, match: MockMatch, *, round_: int = 1) -> MockRound:
    """The match's round, with its candidate and interviewer, started when it was made."""
    found = session.scalars(
        select(MockRound).where(MockRound.match_id == match.id, MockRound.round == round_)
    ).one_or_none()
    if found is not None:
        return found
    row = MockRound(
        match_id=match.id,
        round=round_,
        candidate_id=match.candidate_id,
        interviewer_id=match.interviewer_id,
        pack_id=match.pack_id,
        prompt_id=match.prompt_id,
        prompt=match.prompt,
        started_at=match.created_at,
    )
    session.add(row)
    session.flush()
    return row


def mock_rating(
    session: Session, match: MockMatch, score: int, *, round_: int = 1, comment: str | None = None
) -> MockRating:
    """The candidate's rating of the interviewer in the match's round."""
    row = MockRating(
        match_id=match.id,
        round=round_,
        rater_id=match.candidate_id,
        interviewer_id=match.interviewer_id,
        score=score,
        comment=comment,
        created_at=match.created_at,
    )
    session.add(row)
    session.flush()
    return row


def mock_request(
    session: Session,
    user_id: str,
    at: datetime,
    *,
    team_id: str = "T1",
    match: MockMatch | None = None,
    status: str | None = None,
    note: str = "",
    tz_offset_minutes: int = 0,
    tz: str = "UTC",
    picks: list[str] | None = None,
) -> MockRequest:
    """A `/mock` request made at `at`, open for a day: waiting, or "matched" with `match`;
    free at `picks` in `tz` (default: working hours)."""
    from bot.practice.mocks.availability import windows_for, working_hours_picks

    chosen = picks if picks is not None else working_hours_picks(tz, at)
    row = MockRequest(
        team_id=team_id,
        user_id=user_id,
        note=note,
        tz_offset_minutes=tz_offset_minutes,
        tz=tz,
        picks=chosen,
        windows=[list(w) for w in windows_for(chosen, tz)],
        source="working-hours" if picks is None else "modal",
        created_at=at,
        expires_at=at + timedelta(days=1),
        status=status or ("matched" if match is not None else "waiting"),
        match_id=match.id if match is not None else None,
    )
    session.add(row)
    session.flush()
    return row


def opt_in(session: Session, ch: Channel, user_id: str, at: datetime) -> ReviewerOptIn:
    """`user_id` opted in to review in the channel."""
    row = ReviewerOptIn(channel_pk=ch.id, user_id=user_id, updated_at=at)
    session.add(row)
    session.flush()
    return row


def leaderboard_post(session: Session, ch: Channel, week_start: date) -> LeaderboardPost:
    """The channel's weekly leaderboard for the week from `week_start`, claimed then."""
    claimed = local_instant(week_start, time(9, 0), ch.timezone)
    row = LeaderboardPost(channel_pk=ch.id, week_start=week_start, claimed_at=claimed)
    session.add(row)
    session.flush()
    return row
