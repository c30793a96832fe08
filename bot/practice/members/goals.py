"""A member's target interview (issue 25): the goal, its countdown, and the DMs it brings.

Until the date: an opt-in weekly plan (their two weakest criteria with the evidence, the kinds
of prompt that exercise them, a nudge to book mocks); in the last `DRILL_DAYS` days a daily
drill (a prompt of the pack they have not answered, chosen for those criteria). After it:
"How did it go?", once. Each DM is claimed in `goal_messages` per member, kind and period
(a plan per week, a drill per day) before it is sent, and released when it could not be.
DMs go at or after `SEND_FROM` in the member's own time zone; quiet hours still apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.content import Library, Pack, Prompt
from bot.db import insert_for
from bot.models import Answer, Channel, GoalMessage, InterviewGoal, PromptIdea, PromptPost, Vote
from bot.practice.members.settings import MemberPrefs, SettingsError, prefs_of
from bot.practice.schedule import local_now

DRILL_DAYS = 10
SEND_FROM = time(9, 0)
EVIDENCE_WEEKS = 8  # the scores a plan reads
MIN_CRITERION_SCORES = 2  # a criterion needs this many to be called weak
PLAN, DRILL, AFTER = "plan", "drill", "after"


@dataclass(frozen=True)
class Goal:
    interview_on: date
    pack_id: str
    company: str | None
    note: str | None
    weekly_plan: bool


@dataclass(frozen=True)
class Weak:
    criterion: str
    name: str
    mean: float
    scores: int


@dataclass(frozen=True)
class GoalDm:
    """One claimed DM, as plain data for the renderer."""

    team_id: str
    user_id: str
    kind: str
    period: date
    goal: Goal
    days_left: int
    weakest: tuple[Weak, ...] = ()
    kinds: tuple[str, ...] = ()
    drill: Prompt | None = None


def goal_of(session: Session, team_id: str, user_id: str) -> Goal | None:
    row = session.scalar(
        select(InterviewGoal).where(
            InterviewGoal.team_id == team_id, InterviewGoal.user_id == user_id
        )
    )
    if row is None:
        return None
    return Goal(row.interview_on, row.pack_id, row.company, row.note, row.weekly_plan)


def days_left(goal: Goal, prefs: MemberPrefs, now: datetime) -> int:
    return (goal.interview_on - local_now(now, prefs.tz).date()).days


def set_goal(
    session: Session,
    team_id: str,
    user_id: str,
    goal: Goal,
    now: datetime,
    library: Library,
) -> None:
    """Store (or replace) the member's goal; raises SettingsError on a bad one."""
    if library.pack(goal.pack_id) is None:
        known = ", ".join(f"`{p}`" for p in sorted(library.packs)) or "none installed"
        raise SettingsError(f"There is no pack `{goal.pack_id}` (packs: {known}).")
    today = local_now(now, prefs_of(session, team_id, user_id).tz).date()
    if not today < goal.interview_on <= today + timedelta(days=366):
        raise SettingsError("Give a date after today and within a year, like 2026-04-15.")
    values = {
        "interview_on": goal.interview_on,
        "pack_id": goal.pack_id,
        "company": (goal.company or None) and goal.company[:100],
        "note": (goal.note or None) and goal.note[:300],
        "weekly_plan": goal.weekly_plan,
        "updated_at": now,
    }
    insert = insert_for(session)
    session.execute(
        insert(InterviewGoal)
        .values(team_id=team_id, user_id=user_id, **values)
        .on_conflict_do_update(index_elements=["team_id", "user_id"], set_=values)
    )


def set_plan(session: Session, team_id: str, user_id: str, on: bool) -> bool:
    """Opt in or out of the weekly plan; False when there is no goal."""
    found = session.execute(
        update(InterviewGoal)
        .where(InterviewGoal.team_id == team_id, InterviewGoal.user_id == user_id)
        .values(weekly_plan=on)
        .returning(InterviewGoal.id)
    ).first()
    return found is not None


def clear_goal(session: Session, team_id: str, user_id: str) -> bool:
    found = session.execute(
        delete(InterviewGoal)
        .where(InterviewGoal.team_id == team_id, InterviewGoal.user_id == user_id)
        .returning(InterviewGoal.id)
    ).first()
    return found is not None


def share_idea(session: Session, team_id: str, user_id: str, text: str, now: datetime) -> bool:
    """Keep what the real interview asked as an anonymous prompt idea (no user id stored);
    False when the member has no goal to report on."""
    goal = goal_of(session, team_id, user_id)
    if goal is None:
        return False
    session.add(
        PromptIdea(
            team_id=team_id,
            pack_id=goal.pack_id,
            company=goal.company,
            text=text[:1000],
            created_on=now.date(),
        )
    )
    return True


def prompt_ideas(session: Session, team_id: str, pack_id: str) -> list[tuple[str | None, str]]:
    """(company, text) of the ideas shared for `pack_id` in the workspace, newest first."""
    return [
        (company, text)
        for company, text in session.execute(
            select(PromptIdea.company, PromptIdea.text)
            .where(PromptIdea.team_id == team_id, PromptIdea.pack_id == pack_id)
            .order_by(PromptIdea.id.desc())
            .limit(20)
        )
    ]


def weakest_criteria(
    session: Session, team_id: str, user_id: str, pack: Pack, now: datetime, n: int = 2
) -> tuple[Weak, ...]:
    """Their `n` lowest criteria by mean score received over `EVIDENCE_WEEKS` weeks, in the
    workspace's channels, each with enough scores to say so."""
    since = (now - timedelta(weeks=EVIDENCE_WEEKS)).date()
    rows = session.execute(
        select(Vote.criterion, func.avg(Vote.score), func.count())
        .join(Answer, Answer.id == Vote.answer_id)
        .join(PromptPost, PromptPost.id == Answer.post_id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(
            Channel.team_id == team_id,
            Answer.user_id == user_id,
            Answer.withdrawn.is_(False),
            PromptPost.local_date >= since,
        )
        .group_by(Vote.criterion)
    ).all()
    found = []
    for criterion_id, mean, count in rows:
        criterion = pack.criterion(criterion_id)
        if criterion is not None and count >= MIN_CRITERION_SCORES:
            found.append(Weak(criterion_id, criterion.name, float(mean), int(count)))
    found.sort(key=lambda w: (w.mean, w.criterion))
    return tuple(found[:n])


def kinds_for(pack: Pack, weak: tuple[Weak, ...], limit: int = 3) -> tuple[str, ...]:
    """Kinds of the pack's prompts that exercise the weak criteria, most prompts first."""
    ids = {w.criterion for w in weak}
    counts: dict[str, int] = {}
    for prompt in pack.prompts:
        if ids & set(prompt.tags):
            counts[prompt.kind] = counts.get(prompt.kind, 0) + 1
    return tuple(sorted(counts, key=lambda k: (-counts[k], k))[:limit])


def drill_prompt(
    session: Session, team_id: str, user_id: str, pack: Pack, weak: tuple[Weak, ...]
) -> Prompt | None:
    """A prompt of the pack they have neither answered nor been drilled on, the one that
    exercises most of their weak criteria (then the easier, then by id)."""
    answered = set(
        session.scalars(
            select(PromptPost.prompt_id)
            .join(Answer, Answer.post_id == PromptPost.id)
            .join(Channel, Channel.id == PromptPost.channel_pk)
            .where(Channel.team_id == team_id, Answer.user_id == user_id)
        )
    )
    drilled = set(
        session.scalars(
            select(GoalMessage.detail).where(
                GoalMessage.team_id == team_id,
                GoalMessage.user_id == user_id,
                GoalMessage.kind == DRILL,
            )
        )
    )
    ids = {w.criterion for w in weak}
    fresh = [p for p in pack.prompts if p.id not in answered and p.id not in drilled]
    fresh.sort(key=lambda p: (-len(ids & set(p.tags)), p.difficulty, p.id))
    return fresh[0] if fresh else None
