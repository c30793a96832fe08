"""What must hold after every step of a simulation, checked against Slack's own record (the
emulator) and an independent ledger of what members did, never against the bot's own sums."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from bot.models import (
    Answer,
    Base,
    Channel,
    LeaderboardPost,
    MockMatch,
    PromptPost,
    ReviewAssignment,
    StandinOffer,
    ThreadNotice,
    Vote,
)
from bot.practice.claims import QUIET
from tests.simulation.world import Community, SimChannel

# Defaults of `ScoringRules` (bot/practice/scoring.py), restated: the recount is independent.
PARTICIPATION, QUALITY_WEIGHT, REVIEW_CREDIT, SHRINKAGE, MIDDLE = 1.0, 2.0, 1.0, 2.0, 3.0
# Two identical DMs closer than this (virtual seconds) are one sent twice.
DM_REPEAT = 24 * 3600
ROW = re.compile(r"<@(\w+)>: \*([0-9.e+-]+) pts?\* · (\d+) answers? · (\d+) reviews?")


@dataclass(frozen=True)
class Review:
    assignment: int
    reviewer: str
    scores: dict[str, int]
    at: datetime


@dataclass
class Ledger:
    """What the simulated members did, as they saw it acknowledged."""

    world: Community
    weeks: int
    ticks: set[datetime] = field(default_factory=set)
    reviews: dict[int, Review] = field(default_factory=dict)
    forgotten: list[str] = field(default_factory=list)
    # Every text each answer message had, with when: an edit made after the answers closed and
    # never delivered by Slack may leave the stored answer at the text it had at the close.
    texts: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)
    # member -> (start, end) local hours, and since when (epoch seconds)
    # Leaderboards already compared with the recount: a posted board is history (forget-me
    # later changes the recount, not the message), so each is judged right after its tick.
    boards_checked: set[int] = field(default_factory=set)
    # workspace -> when its token was revoked: it is down from then, the others carry on
    revoked: dict[str, datetime] = field(default_factory=dict)
    # channel -> [(removed, invited back)]: the bot was out of the channel (no prompt due)
    out: dict[str, list[tuple[datetime, datetime | None]]] = field(default_factory=dict)
    quiet: dict[str, tuple[int, int, float]] = field(default_factory=dict)
    # member -> (first, last) local days, and when they said so
    away: dict[str, tuple[date, date, datetime]] = field(default_factory=dict)
    # Reviewers each answer had when its post was assigned (forget-me removes assignments later).
    assigned: dict[int, Counter[int]] = field(default_factory=dict)

    def ticked(self, day: date, channel: SimChannel) -> bool:
        """Did the scheduler tick on `day` after its post time (so a prompt was due)? A plan cut
        down by shrinking may have dropped that day's ticks."""
        post = datetime.combine(day, time(9), ZoneInfo(channel.tz))
        end = datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(channel.tz))
        revoked = self.revoked.get(channel.team)
        if revoked is not None and revoked <= post:
            return False  # its workspace was down: no prompt was due
        for removed, back in self.out.get(channel.id, []):
            if removed <= post and (back is None or back > post):
                return False  # the bot was out of the channel at post time
        return any(post <= at < end for at in self.ticks)

    def removed(self, channel: str, at: datetime) -> None:
        self.out.setdefault(channel, []).append((at, None))

    def invited(self, channel: str, at: datetime) -> None:
        spans = self.out.get(channel, [])
        if spans and spans[-1][1] is None:
            spans[-1] = (spans[-1][0], at)

    def reviewed(self, value: str) -> bool:
        return int(value) in self.reviews

    def add_review(self, review: Review) -> None:
        self.reviews[review.assignment] = review

    def wrote(self, ts: str, at: datetime, text: str) -> None:
        self.texts.setdefault(ts, []).append((at, text))

    def acceptable(self, ts: str, closed: datetime, current: str) -> set[str]:
        history = self.texts.get(ts, [])
        before = [i for i, (at, _) in enumerate(history) if at <= closed]
        start = before[-1] if before else 0
        return {current, *(text for _, text in history[start:])}

    def set_quiet(self, member: str, hours: str, since: datetime) -> None:
        start, end = (int(part.split(":")[0]) for part in hours.split("-"))
        self.quiet[member] = (start, end, since.timestamp())

    def set_away(self, member: str, said: datetime, last: date) -> None:
        """Away from the member's own date when they said so, until `last` (inclusive)."""
        first = said.astimezone(ZoneInfo(self.tz_of(member))).date()
        self.away[member] = (first, last, said)

    def tz_of(self, member: str) -> str:
        return next(m.tz for m in self.world.members if m.id == member)

    def forget(self, member: str) -> None:
        self.forgotten.append(member)

    def summary(self, stage: Stage) -> str:
        with unit_of_work(stage.runtime.sessions) as session:
            boards = session.scalar(select(func.count()).select_from(LeaderboardPost))
        return f"reviews={len(self.reviews)} forgotten={len(self.forgotten)} leaderboards={boards}"


def check_all(stage: Stage, ledger: Ledger, *, full: bool, final: bool = False) -> list[str]:
    """Every invariant; with `full` False only those a member's own action can break at once
    (one prompt a day, one vote, one DM): the rest change only when jobs run, and are checked
    after every tick, every forget-me and at the end."""
    with unit_of_work(stage.runtime.sessions) as session:
        channels = {c.channel_id: c for c in session.scalars(select(Channel))}
        posts = list(session.scalars(select(PromptPost).order_by(PromptPost.id)))
        votes = list(session.scalars(select(Vote)))
        matches = list(session.scalars(select(MockMatch).where(MockMatch.status == "live")))
        if full:
            answers = list(session.scalars(select(Answer)))
            assignments = list(session.scalars(select(ReviewAssignment)))
            notices = list(session.scalars(select(ThreadNotice)))
            boards = list(session.scalars(select(LeaderboardPost)))
            offers = list(session.scalars(select(StandinOffer)))
            rows = _rows_naming(session, ledger)
        session.expunge_all()
    by_pk = {c.id: c for c in channels.values()}
    problems = _one_prompt_a_day(stage, posts, by_pk, ledger, final)
    problems += _votes_once(votes)
    problems += _dms_once(stage, ledger)
    problems += _mocks_paired_once(matches)
    if not full:
        return problems
    problems += _answers_counted_once(stage, posts, answers, by_pk, ledger)
    problems += _reviewed_or_noted(
        stage, posts, answers, assignments, notices, by_pk, ledger, final
    )
    problems += _leaderboards(stage, posts, answers, assignments, boards, by_pk, ledger, final)
    problems += [f"forgotten {m} still named in {t}" for m, t in rows]
    problems += _away_respected(assignments, offers, ledger)
    problems += _quiet_respected(stage, ledger)
    return problems


def _away_respected(
    assignments: list[ReviewAssignment], offers: list[StandinOffer], ledger: Ledger
) -> list[str]:
    """Nobody away is given a review or offered one. A stand-in review they take themselves
    (clicking an offer that reached them before they left) is their own choice."""
    given = [(a.reviewer_id, a.assigned_at, "got a review") for a in assignments
             if a.source != "standin"]  # fmt: skip
    given += [(o.user_id, o.created_at, "was offered a review") for o in offers]
    problems = []
    for member, at, what in given:
        away = ledger.away.get(member)
        if away is None or at < away[2]:
            continue
        day = at.astimezone(ZoneInfo(ledger.tz_of(member))).date()
        if away[0] <= day <= away[1]:
            problems.append(f"{member} was away on {day} and {what}")
    return problems


def _quiet_respected(stage: Stage, ledger: Ledger) -> list[str]:
    """No DM a job sends (at a tick) lands in the member's quiet hours. DMs answering what the
    member just did are sent whenever they act, so only the ticks' sends are judged."""
    if not ledger.quiet:
        return []
    ticks = {at.timestamp() for at in ledger.ticks}
    dm_of = {stage.slack.dm_channel(m): m for m in ledger.quiet}
    problems = []
    for call in stage.slack.calls_to("chat.postMessage"):
        channel = str(call.args.get("channel") or "")
        member = channel if channel in ledger.quiet else dm_of.get(channel)
        if member is None or call.at not in ticks or not call.response.get("ok"):
            continue
        start, end, since = ledger.quiet[member]
        if call.at < since:
            continue
        hour = datetime.fromtimestamp(call.at, ZoneInfo(ledger.tz_of(member))).hour
        inside = start <= hour or hour < end if start > end else start <= hour < end
        if inside:
            problems.append(f"{member} got a DM at {hour}:00 local, in quiet hours {start}-{end}")
    return problems


def _local(ts: str, tz: str) -> date:
    return datetime.fromtimestamp(float(ts), ZoneInfo(tz)).date()


def is_prompt(message: dict[str, Any]) -> bool:
    """A daily prompt as Slack shows it: the bot's message headed "Practice prompt: ..."."""
    return bool(message.get("bot_id")) and any(
        b.get("type") == "header" and b["text"]["text"].startswith("Practice prompt:")
        for b in message.get("blocks") or []
    )


def _one_prompt_a_day(
    stage: Stage,
    posts: list[PromptPost],
    channels: dict[int, Channel],
    ledger: Ledger,
    final: bool,
) -> list[str]:
    problems = []
    per_day = Counter((p.channel_pk, p.local_date) for p in posts)
    problems += [f"{n} prompt posts for {channels[k].channel_id} on {d}"
                 for (k, d), n in per_day.items() if n > 1]  # fmt: skip
    for channel in ledger.world.channels:
        shown = Counter(
            _local(m["ts"], channel.tz) for m in stage.slack.messages(channel.id) if is_prompt(m)
        )
        problems += [f"{n} prompts in Slack in {channel.id} on {d}" for d, n in shown.items()
                     if n > 1]  # fmt: skip
        if final:
            for offset in range(7 * ledger.weeks):
                day = ledger.world.start + timedelta(days=offset)
                if day.weekday() < 5 and ledger.ticked(day, channel) and shown[day] != 1:
                    # After another workspace's token was revoked, this one carries on.
                    others = [t for t, at in ledger.revoked.items() if t != channel.team
                              and at.date() <= day]  # fmt: skip
                    after = f" (after {', '.join(others)} was revoked)" if others else ""
                    problems.append(f"{channel.id} had {shown[day]} prompts on {day}{after}")
        revoked = ledger.revoked.get(channel.team)
        if revoked is not None:  # a revoked workspace's work stops: nothing new is posted
            problems += [f"{channel.id} got a prompt after {channel.team} was revoked"
                         for m in stage.slack.messages(channel.id)
                         if is_prompt(m) and float(m["ts"]) > revoked.timestamp()]  # fmt: skip
    return problems


def _answers_counted_once(
    stage: Stage,
    posts: list[PromptPost],
    answers: list[Answer],
    channels: dict[int, Channel],
    ledger: Ledger,
) -> list[str]:
    """For each post whose answers closed: the on-time answers Slack's thread shows (earliest
    reply per member before the close, not deleted) are exactly the bot's, with the last text."""
    problems = []
    gone = set(ledger.forgotten)
    for post in posts:
        if post.assigned_at is None or post.message_ts is None:
            continue
        channel = channels[post.channel_pk]
        earliest: dict[str, dict[str, Any]] = {}
        for message in stage.slack.thread(channel.channel_id, post.message_ts)[1:]:
            user = message.get("user")
            if user and not message.get("bot_id") and user not in earliest:
                earliest[user] = message
        close = post.answers_close_at.timestamp()
        expected = {u: m["text"] for u, m in earliest.items()
                    if float(m["ts"]) < close and u not in gone}  # fmt: skip
        counted = Counter(a.user_id for a in answers
                          if a.post_id == post.id and not a.withdrawn and not a.late)  # fmt: skip
        got = {a.user_id: a.text for a in answers
               if a.post_id == post.id and not a.withdrawn and not a.late}  # fmt: skip
        if set(expected) != set(got):
            problems.append(
                f"post {post.local_date} {channel.channel_id}: on-time answers in Slack "
                f"{sorted(expected)} but counted {sorted(got)}"
            )
        problems += [f"{u} counted {n} times on {post.local_date}" for u, n in counted.items()
                     if n > 1]  # fmt: skip
        for user, current in expected.items():
            allowed = ledger.acceptable(earliest[user]["ts"], post.answers_close_at, current)
            if user in got and got[user] not in allowed:
                problems.append(f"{user}'s answer on {post.local_date} reads {got[user]!r}, "
                                f"Slack shows {current!r}")  # fmt: skip
    return problems


def _reviewed_or_noted(
    stage: Stage,
    posts: list[PromptPost],
    answers: list[Answer],
    assignments: list[ReviewAssignment],
    notices: list[ThreadNotice],
    channels: dict[int, Channel],
    ledger: Ledger,
    final: bool,
) -> list[str]:
    problems = []
    for post in posts:
        if post.assigned_at is not None and post.id not in ledger.assigned:
            ledger.assigned[post.id] = Counter(a.answer_id for a in assignments
                                               if a.post_id == post.id)  # fmt: skip
    noted = {(n.post_id, n.kind) for n in notices if n.posted_at is not None}
    for post in posts:
        if post.message_ts is None:
            continue
        channel = channels[post.channel_pk]
        thread = stage.slack.thread(channel.channel_id, post.message_ts)
        notes = Counter(
            "short" if "/practice review on" in m.get("text", "") else "closing"
            for m in thread[1:]
            if m.get("bot_id") and ("/practice review on" in m.get("text", "")
                                    or m.get("text", "").startswith("Reviews are closed"))
        )  # fmt: skip
        problems += [f"{n} {kind} notes in {channel.channel_id}'s thread of {post.local_date}"
                     for kind, n in notes.items() if n > 1]  # fmt: skip
        if not final or post.assigned_at is None:
            continue
        given = ledger.assigned[post.id]
        short = [a for a in answers if a.post_id == post.id and not a.withdrawn and not a.late
                 and given[a.id] < channel.reviewers_per_answer]  # fmt: skip
        if short and (post.id, "short") not in noted:
            problems.append(f"{len(short)} answers short of reviewers on {post.local_date} "
                            f"in {channel.channel_id}, and no note")  # fmt: skip
    return problems


def _mocks_paired_once(live: list[MockMatch]) -> list[str]:
    people = Counter(u for m in live for u in (m.user_a, m.user_b))
    problems = [f"{u} is in {n} live mocks" for u, n in people.items() if n > 1]
    return problems + [f"{m.user_a} matched with themselves" for m in live if m.user_a == m.user_b]


def _votes_once(votes: list[Vote]) -> list[str]:
    seen = Counter((v.answer_id, v.reviewer_id, v.criterion) for v in votes)
    return [f"vote {key} stored {n} times" for key, n in seen.items() if n > 1]


def _dms_once(stage: Stage, ledger: Ledger) -> list[str]:
    """No DM sent twice: every chat.postMessage Slack accepted into a member's DM, compared by
    its text and blocks (a reply that replaces a clicked message is not a new DM). The same
    words a week apart are two things (a mock request made again, expired again); a repeat
    from a retry comes by the next day's ticks, so only sends within `DM_REPEAT` count."""
    dm_of = {stage.slack.dm_channel(m.id): m.id for m in ledger.world.members}
    members = {m.id for m in ledger.world.members}
    sent: dict[tuple[str, str], list[float]] = defaultdict(list)
    for call in stage.slack.calls_to("chat.postMessage"):
        channel = str(call.args.get("channel") or "")
        member = channel if channel in members else dm_of.get(channel)
        if member is None or call.status != 200 or not call.response.get("ok"):
            continue
        body = json.dumps([call.args.get("text"), call.args.get("blocks")], sort_keys=True)
        sent[(member, body)].append(call.at)
    problems = []
    for (member, body), times in sent.items():
        times.sort()
        repeats = sum(1 for a, b in pairwise(times) if b - a < DM_REPEAT)
        if repeats:
            problems.append(f"{member} got the same DM {repeats + 1} times: "
                            f"{json.loads(body)[0]!r:.80}")  # fmt: skip
    return problems


def _rows_naming(session: Any, ledger: Ledger) -> list[tuple[str, str]]:
    """(member, table) for every forgotten member still named somewhere (they act no more in
    the simulation, so nothing may name them again)."""
    found = []
    for member in ledger.forgotten:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                if member in json.dumps([str(v) for v in row]):
                    found.append((member, table.name))
                    break
    return found


def _leaderboards(
    stage: Stage,
    posts: list[PromptPost],
    answers: list[Answer],
    assignments: list[ReviewAssignment],
    boards: list[LeaderboardPost],
    channels: dict[int, Channel],
    ledger: Ledger,
    final: bool,
) -> list[str]:
    problems = []
    weeks = Counter((b.channel_pk, b.week_start) for b in boards)
    problems += [f"{n} leaderboards for {channels[k].channel_id}, week of {w}"
                 for (k, w), n in weeks.items() if n > 1]  # fmt: skip
    for board in boards:
        if board.message_ts is None or board.id in ledger.boards_checked:
            continue
        ledger.boards_checked.add(board.id)
        channel = channels[board.channel_pk]
        if board.message_ts == QUIET:  # marked quiet: nothing posted, and nobody to show
            expected = recount(board.week_start, channel, posts, answers, assignments, ledger)
            if expected:
                problems.append(f"{channel.channel_id} week {board.week_start} marked quiet "
                                f"with {len(expected)} people active")  # fmt: skip
            continue
        message = next((m for m in stage.slack.messages(channel.channel_id)
                        if m["ts"] == board.message_ts), None)  # fmt: skip
        if message is None:
            problems.append(f"leaderboard {channel.channel_id} {board.week_start} not in Slack")
            continue
        shown = {u: (float(p), int(a), int(r))
                 for u, p, a, r in ROW.findall(json.dumps(message.get("blocks"),
                                                          ensure_ascii=False))}  # fmt: skip
        expected = recount(board.week_start, channel, posts, answers, assignments, ledger)
        for user, (points, answered, reviewed) in expected.items():
            if user not in shown:
                problems.append(f"{user} missing from {channel.channel_id} {board.week_start}")
                continue
            got = shown[user]
            if (
                got[1:] != (answered, reviewed) or abs(got[0] - points) > 0.05 + 1e-6
            ):  # shown to 0.1
                problems.append(
                    f"{channel.channel_id} week {board.week_start} {user}: shown {got}, "
                    f"recount ({points:.2f}, {answered}, {reviewed})"
                )
        problems += [f"{u} shown on {channel.channel_id} {board.week_start} without activity"
                     for u in shown if u not in expected]  # fmt: skip
    return problems


def recount(
    week_start: date,
    channel: Channel,
    posts: list[PromptPost],
    answers: list[Answer],
    assignments: list[ReviewAssignment],
    ledger: Ledger,
) -> dict[str, tuple[float, int, int]]:
    """Each member's (points, on-time answers, completed reviews) for the week, from the
    ledger's reviews and the answers the thread check above has matched to Slack's record."""
    week = {p.id for p in posts if p.channel_pk == channel.id
            and week_start <= p.local_date < week_start + timedelta(days=7)}  # fmt: skip
    on_time = [a for a in answers if a.post_id in week and not a.withdrawn and not a.late]
    by_answer: dict[int, list[int]] = defaultdict(list)
    credit: Counter[str] = Counter()
    answer_of = {a.id: a for a in answers}
    for assignment in assignments:
        review = ledger.reviews.get(assignment.id)
        if review is None or assignment.post_id not in week:
            continue
        credit[review.reviewer] += 1
        if review.reviewer not in ledger.forgotten:
            by_answer[assignment.answer_id] += list(review.scores.values())
    means = {a.id: sum(by_answer[a.id]) / len(by_answer[a.id]) for a in on_time
             if by_answer.get(a.id)}  # fmt: skip
    channel_mean = (sum(means.values()) + SHRINKAGE * MIDDLE) / (len(means) + SHRINKAGE)
    people: dict[str, list[Answer]] = defaultdict(list)
    for answer in on_time:
        people[answer.user_id].append(answer)
    result = {}
    for user in set(people) | set(credit):
        if user in ledger.forgotten:
            continue
        scored = [means[a.id] for a in people[user] if a.id in means]
        quality = (sum(scored) + SHRINKAGE * channel_mean) / (len(scored) + SHRINKAGE)
        count = len(people[user])
        points = count * (PARTICIPATION + QUALITY_WEIGHT * quality) + credit[user] * REVIEW_CREDIT
        result[user] = (points, count, credit[user])
    del answer_of
    return result


def kind_of(violation: str) -> str:
    """A violation without its ids, dates, numbers and quoted text: what shrinking keeps."""
    return re.sub(
        r"'[^']*'|\"[^\"]*\"|\b[A-Z0-9][A-Za-z0-9:.\-]*\d[A-Za-z0-9:.\-]*\b|\d+", "", violation
    )
