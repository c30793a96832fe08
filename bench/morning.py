"""A busy morning: 1,000 channels in four time zones, 50 members each, on one host.

What runs, in simulated time from Thursday evening to Monday afternoon (UTC), the scheduler's
tick every 30 minutes (`run_all_due`, the same due work as production's one-minute tick):

- Friday, each zone at its 09:00: the daily prompt to its 250 channels (Sydney, Kolkata,
  Berlin, New York, in that order of UTC).
- Right after a zone's post, its members answer: 15 answers a channel (3,750 a zone, 15,000
  in all), one in ten edited and one in 33 deleted, sent as signed events over HTTP to
  `practice-bot serve` (gunicorn, the Procfile's defaults) by 50 clients in a separate process,
  while the ticks go on: the other zones' jobs and these acks share the host, as they would.
- At each zone's close: every thread read back (`conversations.replies`, Tier 3, paced), two
  reviewers per answer (30,000 assignments), a brief DM to each reviewer; seven in ten
  reviews are then scored (written straight to the database: the review modals' ack path is
  the latency row's); the half-way reminders; at 24 hours the closes, thread notes and
  summaries; Monday at 09:00, the leaderboards and Monday's prompts.

Slack's limits are enforced by the emulator (its own process): `chat.postMessage` 600 a minute
and one a second per channel, `conversations.replies` 50 a minute. Their waits run on a shared
virtual clock (`bench.emu.VirtualClocks`): a Retry-After or the pacer's wait is counted, not
slept, so a simulated hour of waiting costs nothing, and the jobs' own work is real time on this
host. Each tick's "lag beyond the floor" is its real duration plus its counted waits, minus the
least time Slack's limits allow for the calls it made.

The ticks run in this process (as a server worker's scheduler thread would, one per host);
Monday's 09:00 in Berlin ticks on two processes at once against the same database, to show how
a second instance divides the work (PostgreSQL's job locks hand each job to one of them);
Kolkata's, the same work, on one. The channels practise on Mondays and Fridays.
"""

from __future__ import annotations

import logging
import math
import multiprocessing as mp
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, case, create_engine, func, select, text

from bench.cpu import Cpu
from bench.dbs import temp_database
from bench.emu import EmulatorProcess, VirtualClocks
from bench.latency import event_request
from bench.load import LoadResult, run_load
from bench.servers import BOT_TOKEN, ROOT, SIGNING_SECRET, Server, start_server
from bench.table import Row
from bot.emulator.state import DEFAULT_BOT_USER_ID, DEFAULT_TEAM_ID

if TYPE_CHECKING:
    from bot.runtime import Runtime

ZONES = ("Australia/Sydney", "Asia/Kolkata", "Europe/Berlin", "America/New_York")
FRIDAY = date(2026, 12, 11)
MONDAY = FRIDAY + timedelta(days=3)
START = datetime(2026, 12, 10, 21, 0, 5, tzinfo=UTC)  # before Sydney's Friday 09:00
# When something is due, local time in every zone (a little after the minute turns, as the
# scheduler ticks): the post, the answers' close, the reviews' half-way reminders, the reviews'
# close a day after the post; Monday's post and leaderboard, and its answers' close.
DUE = (
    (FRIDAY, time_of_day(9)), (FRIDAY, time_of_day(15)), (FRIDAY, time_of_day(21)),
    (FRIDAY + timedelta(days=1), time_of_day(9)), (MONDAY, time_of_day(9)),
    (MONDAY, time_of_day(15)),
)  # fmt: skip
MAX_FOLLOW_UPS = 120  # a chain of minute ticks after a due one (two hours)
IDLE_SAMPLES = 5  # ticks with nothing due, measured after the morning
TICKS_PER_DAY = 24 * 60  # production ticks every minute
POSTS_PER_MINUTE = 600  # chat.postMessage per workspace (the fan-out row's assumption)
REPLIES_PER_MINUTE = 50  # conversations.replies, Tier 3
# Per workspace and minute (Slack's tiers: postMessage "special", the rest Tier 3).
LIMITS = {
    "chat.postMessage": POSTS_PER_MINUTE,
    "conversations.replies": REPLIES_PER_MINUTE,
    "conversations.history": 50,
    "conversations.open": 50,
}
SCORED = 0.7  # the share of reviews done
PRACTICE_DAYS_PER_YEAR = 5 * 52
ADMIN = "UADMIN"


def tick_times() -> list[datetime]:
    moments = {
        datetime.combine(day, at, ZoneInfo(zone)).astimezone(UTC) + timedelta(seconds=5)
        for zone in ZONES
        for day, at in DUE
    }
    return sorted(moments)


# Monday 09:00 in these zones is the same work (the zone's prompts and leaderboards, nothing
# else due): Berlin's tick runs on two processes, Kolkata's on one.
TWO_PROCESSES, ONE_PROCESS = "Europe/Berlin", "Asia/Kolkata"
CLIENTS = 50


@dataclass
class Sizes:
    channels: int
    members: int
    answers: int  # per channel and practice day

    @classmethod
    def for_run(cls, quick: bool) -> Sizes:
        return cls(40, 20, 6) if quick else cls(1000, 50, 15)


@dataclass
class Tick:
    at: datetime
    seconds: float  # real time of the tick's work
    waited: float  # counted waits (Retry-After, pacing)
    cpu: float  # CPU time of the ticking thread
    calls: Counter[str]
    channel_posts: int  # the most chat.postMessage calls to one channel in this tick
    done: dict[str, int]
    ticks: int = 1  # with the follow-up ticks of `_chain`
    answered: Counter[str] = field(default_factory=Counter)  # calls Slack answered 200

    @property
    def floor(self) -> float:
        """The least time Slack's limits allow for the calls answered: a sliding minute's
        window per method, one post a second per channel."""
        windows = [
            max(0, math.ceil(self.answered[method] / limit) - 1) * 60.0
            for method, limit in LIMITS.items()
        ]
        return max([*windows, self.channel_posts - 1.0])

    @property
    def lag(self) -> float:
        return max(0.0, self.seconds + self.waited - self.floor)

    @property
    def busy(self) -> bool:
        return any(self.done.values())


@dataclass
class Burst:
    zone: str
    posts: list[int]
    expected: int
    deletes: int
    edits: int
    future: Future[LoadResult]
    # (perf_counter, this process's CPU, the server's and PostgreSQL's CPU) when the burst was
    # sent and when its last ack came back: what else ran on the cores meanwhile.
    began: tuple[float, float, Cpu]
    ended: tuple[float, float, Cpu] | None = None

    def shared(self) -> str:
        """What the cores did while the acks were in flight, as a row's cause gives it."""
        if self.ended is None:
            return ""
        wall = self.ended[0] - self.began[0]
        jobs = self.ended[1] - self.began[1]
        other = self.ended[2] - self.began[2]
        busy = (jobs + other.total) / wall if wall else 0.0
        return (
            f"in the {wall:.1f} s of its acks the jobs' process used {jobs:.1f} s of CPU, the"
            f" server {other.server:.1f} s, PostgreSQL {other.database:.1f} s ({busy:.1f} cores'"
            " worth, the load's process not counted)"
        )


@dataclass
class Morning:
    sizes: Sizes
    ticks: list[Tick] = field(default_factory=list)
    idle: list[Tick] = field(default_factory=list)
    acks: list[LoadResult] = field(default_factory=list)
    bursts: list[Burst] = field(default_factory=list)  # as `acks`, one each
    two: Tick | None = None  # Monday's 09:00 in Berlin, two processes
    two_done: list[dict[str, int]] = field(default_factory=list)
    one: Tick | None = None  # Monday's 09:00 in Kolkata, one process (the same work's shape)
    server_cpu: float = 0.0
    postgres_cpu: float = 0.0
    growth_bytes: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    wall: float = 0.0


def _members(channel: int, sizes: Sizes) -> list[str]:
    return [f"U{channel:04d}M{j:02d}" for j in range(sizes.members)]


def _channels(sizes: Sizes) -> list[tuple[str, str]]:
    return [(f"CMORN{i:05d}", ZONES[i % len(ZONES)]) for i in range(sizes.channels)]


def _virtual_sleeps(clocks: VirtualClocks) -> None:
    """In this process, slack-sdk's Retry-After sleeps and the thread reader's pacing are
    counted on the shared clock instead of slept."""
    import slack_sdk.http_retry.builtin_handlers as builtin
    import slack_sdk.http_retry.handler as handler

    from bot.slack.thread_reader import PACERS, Pacer

    counted = SimpleNamespace(sleep=clocks.skip, time=time.time, monotonic=time.monotonic)
    builtin.time = handler.time = counted  # type: ignore[assignment]
    _count_own_calls()
    PACERS._make = lambda: Pacer(clock=clocks.monotonic, sleep=clocks.skip)
    PACERS._pacers.clear()


OWN_CALLS: Counter[str] = Counter()  # Web API calls made by this process's jobs


def _count_own_calls() -> None:
    """Count the Web API calls of this process (the emulator also sees the server's)."""
    from bot.slack.gateway import MeteredWebClient

    if getattr(MeteredWebClient, "_bench_counted", False):
        return
    original = MeteredWebClient.api_call

    def api_call(self: Any, api_method: str, *args: Any, **kwargs: Any) -> Any:
        OWN_CALLS[api_method] += 1
        return original(self, api_method, *args, **kwargs)

    MeteredWebClient.api_call = api_call  # type: ignore[method-assign]
    MeteredWebClient._bench_counted = True  # type: ignore[attr-defined]


def _runtime(url: str, api_url: str, clocks: VirtualClocks) -> Runtime:
    from bot.db import make_engine
    from bot.runtime import bootstrap
    from bot.settings import Settings

    settings = Settings(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        database_url=url,
        slack_api_url=api_url,
        content_dir=ROOT / "content",
        scheduler=False,
    )
    return bootstrap(
        settings, engine=make_engine(url), clock=lambda: datetime.fromtimestamp(clocks.wall(), UTC)
    )


def _seed(runtime: Runtime, emulator: EmulatorProcess, sizes: Sizes) -> None:
    from bot.db import unit_of_work
    from bot.practice.channels import enrol_channel

    emulator.call("add_users", [], ADMIN)
    for number, (channel_id, _zone) in enumerate(_channels(sizes)):
        members = _members(number, sizes)
        emulator.call("add_users", members, None)
        emulator.call("add_channels", [channel_id], ADMIN, [ADMIN, DEFAULT_BOT_USER_ID, *members])
    with unit_of_work(runtime.sessions) as session:
        for channel_id, zone in _channels(sizes):
            # Mondays and Fridays only: the run starts on a Thursday evening, and a Thursday
            # prompt not yet posted would be caught up in the first tick.
            enrol_channel(
                session,
                team_id=DEFAULT_TEAM_ID,
                channel_id=channel_id,
                now=START,
                name=channel_id.lower(),
                creator_id=ADMIN,
                inviter_id=ADMIN,
                inviter_tz=zone,
            ).channel.weekdays = "1,5"
        session.commit()


def _tick(runtime: Runtime, emulator: EmulatorProcess, clocks: VirtualClocks, at: datetime) -> Tick:
    from bot.jobs import run_all_due

    clocks.offset.value = at.timestamp() - time.time()
    before = Counter(OWN_CALLS)
    answered_before = Counter(emulator.call("ok_calls_by_method"))
    posts_before = emulator.call("posts_by_channel")
    waited, started, cpu = clocks.skipped.value, time.perf_counter(), time.thread_time()
    results = run_all_due(runtime, at)
    seconds, cpu = time.perf_counter() - started, time.thread_time() - cpu
    calls = Counter(OWN_CALLS)
    calls.subtract(before)
    posts = emulator.call("posts_by_channel")
    most = max((n - posts_before.get(c, 0) for c, n in posts.items()), default=0)
    done = {r.name: r.done for r in results}
    answered = Counter(emulator.call("ok_calls_by_method"))
    answered.subtract(answered_before)
    tick = Tick(at, seconds, clocks.skipped.value - waited, cpu, +calls, most, done)
    tick.answered = +answered
    return tick


def _worked(tick: Tick) -> bool:
    return any(n for method, n in tick.calls.items() if method != "auth.test")


def _chain(
    first: Tick, runtime: Runtime, emulator: EmulatorProcess, clocks: VirtualClocks, until: datetime
) -> Tick:
    """The due tick and the scheduler's next ones while they still call Slack (a DM refused
    with a Retry-After too long to wait is released and sent by the next minute's tick),
    as one: its lag runs from the due moment to the end of the last."""
    ticks = [first]
    while _worked(ticks[-1]) and len(ticks) < MAX_FOLLOW_UPS:
        last = ticks[-1]
        spent = last.seconds + last.waited
        later = last.at + timedelta(minutes=max(1, math.ceil(spent / 60)))
        if later >= until:
            break
        clocks.skip(max(0.0, (later - last.at).total_seconds() - spent))
        ticks.append(_tick(runtime, emulator, clocks, later))
    if len(ticks) == 1:
        return first
    end = [t for t in ticks if _worked(t)][-1] if _worked(first) else first  # the last that worked
    span = (end.at - first.at).total_seconds() + end.seconds + end.waited
    work = sum(t.seconds for t in ticks)
    calls: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for t in ticks:
        calls.update(t.calls)
        answered.update(t.answered)
        done.update(t.done)
    return Tick(
        first.at, work, span - work, sum(t.cpu for t in ticks), calls,
        max(t.channel_posts for t in ticks), dict(done), len(ticks), answered,
    )  # fmt: skip


def _events(
    port: int,
    channel: str,
    thread_ts: str,
    members: list[str],
    count: int,
    posted: float,
    first: int,
) -> tuple[list[bytes], list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """Signed answer, edit and delete events for one thread: (requests, replies, edits,
    deleted stamps). Answers are spread over the first five hours of the window; `first` is
    the number of the thread's first answer among all, so one in ten of all is edited and
    one in 33 deleted, whatever a thread's size."""
    timestamp = str(int(time.time()))
    replies, edits, deleted = [], [], []
    originals: list[dict[str, Any]] = []
    for k in range(count):
        user = members[k % len(members)]
        ts = f"{int(posted) + 60 + k * (5 * 3600 // max(count, 1))}.{k:06d}"
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "ts": ts,
            "text": f"answer {k} from {user}: one market first, a holdout, stop below 2%.",
            "thread_ts": thread_ts,
            "parent_user_id": DEFAULT_BOT_USER_ID,
            "team": DEFAULT_TEAM_ID,
            "channel_type": "channel",
            "event_ts": ts,
            "client_msg_id": str(uuid.uuid4()),
        }
        originals.append(event)
        replies.append((user, ts))
    later: list[dict[str, Any]] = []
    for k, original in enumerate(originals):
        ts = original["ts"]
        event_ts = f"{int(float(ts)) + 120}.{k:06d}"
        if (first + k) % 33 == 32:
            deleted.append(ts)
            later.append(
                {
                    "type": "message",
                    "subtype": "message_deleted",
                    "channel": channel,
                    "hidden": True,
                    "deleted_ts": ts,
                    "previous_message": original,
                    "ts": event_ts,
                    "event_ts": event_ts,
                    "channel_type": "channel",
                }
            )
        elif (first + k) % 10 == 9:
            words = original["text"] + " (edited: and a guardrail)"
            edits.append((ts, words))
            current = {
                **original,
                "text": words,
                "edited": {"user": original["user"], "ts": event_ts},
            }
            later.append(
                {
                    "type": "message",
                    "subtype": "message_changed",
                    "channel": channel,
                    "hidden": True,
                    "message": current,
                    "previous_message": original,
                    "ts": event_ts,
                    "event_ts": event_ts,
                    "channel_type": "channel",
                }
            )
    requests = [event_request(port, event, timestamp) for event in originals + later]
    return requests, replies, edits, deleted


def _start_burst(
    engine: Engine,
    emulator: EmulatorProcess,
    server: Server,
    pool: ProcessPoolExecutor,
    sizes: Sizes,
    zone: str,
    day: date,
) -> Burst | None:
    """The zone's answers for `day`, registered in Slack's threads, then sent by 50 clients in
    the load process (the ticks go on meanwhile)."""
    from bot.models import Channel, PromptPost

    with engine.connect() as connection:
        posts = connection.execute(
            select(PromptPost.id, Channel.channel_id, PromptPost.message_ts, PromptPost.posted_at)
            .join(Channel, Channel.id == PromptPost.channel_pk)
            .where(
                Channel.timezone == zone,
                PromptPost.local_date == day,
                PromptPost.message_ts.is_not(None),
            )
        ).all()
    if not posts:
        return None
    numbers = {cid: n for n, (cid, _z) in enumerate(_channels(sizes))}
    requests: list[bytes] = []
    deletes = edits = 0
    for _post_id, channel_id, thread_ts, posted_at in posts:
        members = _members(numbers[channel_id], sizes)
        shift = day.toordinal() % len(members)  # a different third of the channel each day
        made, replies, edited, deleted = _events(
            server.port,
            channel_id,
            thread_ts,
            members[shift:] + members[:shift],
            sizes.answers,
            posted_at.timestamp(),
            numbers[channel_id] * sizes.answers,
        )
        emulator.call("add_replies", channel_id, thread_ts, replies)
        emulator.call("edit_replies", channel_id, edited)
        emulator.call("remove_replies", channel_id, deleted)
        requests += made
        deletes, edits = deletes + len(deleted), edits + len(edited)
    postgres = engine.dialect.name == "postgresql"

    def now() -> tuple[float, float, Cpu]:
        return time.perf_counter(), time.process_time(), Cpu.now(server.pids(), postgres)

    began = now()
    future = pool.submit(
        run_load, "127.0.0.1", server.port, requests, concurrency=CLIENTS, max_seconds=900
    )
    expected = len(posts) * sizes.answers
    burst = Burst(zone, [p[0] for p in posts], expected, deletes, edits, future, began)
    future.add_done_callback(lambda _: setattr(burst, "ended", now()))
    return burst


def _finish_burst(engine: Engine, burst: Burst, morning: Morning, timeout: float = 600) -> None:
    """Wait for the acks, then for the bot to have written every answer, edit and deletion."""
    from bot.models import Answer

    result = burst.future.result(timeout=timeout)
    morning.acks.append(result)
    morning.bursts.append(burst)
    if not result.ok:
        morning.problems.append(f"{burst.zone}: acks {result.statuses}, {result.errors} errors")
    # Every answer stored, edits and deletions applied, and each reacted to (or withdrawn):
    # the server's ✅ follows its commit, and the close's read-back must not race it.
    query = select(
        func.count(),
        func.count(Answer.edited_at),
        func.sum(case((Answer.withdrawn, 1), else_=0)),
        func.sum(case((Answer.reacted | Answer.withdrawn, 1), else_=0)),
    ).where(Answer.post_id.in_(burst.posts))
    wanted = (burst.expected, burst.edits, burst.deletes, burst.expected)
    deadline = time.perf_counter() + timeout
    seen: tuple[int, ...] = (0, 0, 0, 0)
    with engine.connect() as connection:
        while time.perf_counter() < deadline:
            row = connection.execute(query).one()
            connection.rollback()
            seen = tuple(int(value or 0) for value in row)
            if all(got >= want for got, want in zip(seen, wanted, strict=True)):
                return
            time.sleep(0.05)
    morning.problems.append(
        f"{burst.zone}: written (answers, edits, deletions) {seen}, expected {wanted}"
    )


def _score(engine: Engine, runtime: Runtime, posts: list[int], at: datetime) -> int:
    """Seven reviews in ten done: a challenge and a score per criterion that applies."""
    from bot.models import Challenge, PromptPost, ReviewAssignment, Vote

    with engine.begin() as connection:
        snapshots = {
            post: (pack, snapshot)
            for post, pack, snapshot in connection.execute(
                select(PromptPost.id, PromptPost.pack_id, PromptPost.prompt).where(
                    PromptPost.id.in_(posts)
                )
            )
        }
        rows = connection.execute(
            select(
                ReviewAssignment.id,
                ReviewAssignment.post_id,
                ReviewAssignment.answer_id,
                ReviewAssignment.reviewer_id,
            ).where(ReviewAssignment.post_id.in_(posts), ReviewAssignment.scored_at.is_(None))
        ).all()
        done = [r for r in rows if (r[0] * 7919) % 100 < SCORED * 100]
        criteria = {
            post: [c.id for c in runtime.library.packs[pack].criteria_of_snapshot(snapshot)]
            for post, (pack, snapshot) in snapshots.items()
        }
        if not done:
            return 0
        connection.execute(
            Challenge.__table__.insert(),
            [
                {"assignment_id": r[0], "text": "Why that threshold?", "created_at": at}
                for r in done
            ],
        )
        connection.execute(
            Vote.__table__.insert(),
            [
                {
                    "answer_id": r[2],
                    "reviewer_id": r[3],
                    "criterion": c,
                    "score": 1 + (r[0] + i) % 5,
                    "updated_at": at,
                }
                for r in done
                for i, c in enumerate(criteria[r[1]])
            ],
        )
        connection.execute(
            ReviewAssignment.__table__.update()
            .where(ReviewAssignment.id.in_([r[0] for r in done]))
            .values(scored_at=at)
        )
    return len(done)


def _size(engine: Engine) -> int:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return int(connection.scalar(text("SELECT pg_database_size(current_database())")))
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        size = connection.exec_driver_sql("PRAGMA page_size").scalar()
        free = connection.exec_driver_sql("PRAGMA freelist_count").scalar()
        return int((pages - free) * size)


def _second_instance(conn: Any, url: str, api_url: str, clocks: VirtualClocks, at: float) -> None:
    """A second process's tick at the same moment (Monday 09:00 in Berlin); sends what it did."""
    from bot.jobs import run_all_due

    runtime = _runtime(url, api_url, clocks)
    _virtual_sleeps(clocks)
    conn.send("ready")
    conn.recv()  # go
    try:
        done = {r.name: r.done for r in run_all_due(runtime, datetime.fromtimestamp(at, UTC))}
        conn.send(done)
    finally:
        runtime.close()


def run_morning(db: str, sizes: Sizes, progress: Callable[[str], None]) -> Morning:
    from bot.migrate import upgrade
    from bot.models import Answer, PromptPost, ReviewAssignment

    morning = Morning(sizes)
    clocks = VirtualClocks()
    # Each DM refused for a long Retry-After is a warning line: thousands in a morning. The
    # calls and 429s are counted in the table instead.
    logging.getLogger("bot").setLevel(logging.ERROR)
    ctx = mp.get_context("spawn")
    with (
        temp_database(db, "morning") as url,
        EmulatorProcess(clocks) as emulator,
        ProcessPoolExecutor(1, mp_context=ctx) as load,
    ):
        upgrade(url)
        engine = create_engine(url)
        runtime = _runtime(url, emulator.api_url, clocks)
        _virtual_sleeps(clocks)
        server = start_server(
            "bot",
            database_url=url,
            api_url=emulator.api_url,
            log_path=ROOT / "bench" / "out" / f"morning-{db}.log",
        )
        try:
            progress(f"seeding {sizes.channels} channels x {sizes.members} members")
            _seed(runtime, emulator, sizes)
            emulator.call("rate_limits", 1.0, LIMITS)
            size_before = _size(engine)
            server_pids = server.pids()
            cpu_before = Cpu.now(server_pids, postgres=db == "postgres")
            bursts: list[Burst] = []
            posted: set[str] = set()
            started = time.perf_counter()
            previous = START
            for at in tick_times():
                for burst in [b for b in bursts if _closes(engine, b) <= at]:
                    _finish_burst(engine, burst, morning)
                    bursts.remove(burst)
                # Rate windows and the pacer's bucket run on monotonic time: the ticks'
                # interval passes for them too (the real time between ticks is a fraction).
                clocks.skip(max(0.0, (at - previous).total_seconds()))
                berlin = at.astimezone(ZoneInfo(TWO_PROCESSES))
                if berlin.date() == MONDAY and (berlin.hour, berlin.minute) == (9, 0):
                    mine, theirs = ctx.Pipe()
                    other = ctx.Process(
                        target=_second_instance,
                        args=(theirs, url, emulator.api_url, clocks, at.timestamp()),
                    )
                    other.start()
                    if not mine.poll(120):
                        raise RuntimeError("the second instance did not start")
                    mine.recv()
                    go, waited = time.perf_counter(), clocks.skipped.value
                    mine.send("go")
                    tick = _tick(runtime, emulator, clocks, at)
                    if not mine.poll(1800):
                        raise RuntimeError("the second instance did not finish its tick")
                    morning.two_done = [tick.done, mine.recv()]
                    # both processes' time: until the later one is done (their counted
                    # waits are summed, an overstatement when they overlap)
                    tick.seconds = time.perf_counter() - go
                    tick.waited = clocks.skipped.value - waited
                    other.join(30)
                    morning.two = tick
                else:
                    tick = _tick(runtime, emulator, clocks, at)
                tick = _chain(tick, runtime, emulator, clocks, _next(at))
                previous = at + timedelta(seconds=tick.seconds + tick.waited)
                morning.ticks.append(tick)
                if tick.busy:
                    progress(
                        f"{at:%a %H:%M} UTC: {tick.done} in {tick.seconds:.1f} s "
                        f"(+{tick.waited:.0f} s counted waits, floor {tick.floor:.0f} s)"
                    )
                for zone in ZONES:
                    local = at.astimezone(ZoneInfo(zone))
                    if local.date() == FRIDAY and zone not in posted and local.hour >= 9:
                        burst = _start_burst(engine, emulator, server, load, sizes, zone, FRIDAY)
                        if burst is not None:
                            posted.add(zone)
                            bursts.append(burst)
                    monday_post = local.date() == MONDAY and (local.hour, local.minute) == (9, 0)
                    if monday_post and zone == ONE_PROCESS:
                        morning.one = tick
                assigned = _newly_assigned(engine, at)
                if assigned:
                    _score(engine, runtime, assigned, at)
            morning.wall = time.perf_counter() - started
            for minute in range(1, IDLE_SAMPLES + 1):  # nothing due: what every other tick costs
                morning.idle.append(
                    _tick(runtime, emulator, clocks, at + timedelta(minutes=minute))
                )
            spent = Cpu.now(server_pids, postgres=db == "postgres") - cpu_before
            morning.server_cpu, morning.postgres_cpu = spent.server, spent.database
            morning.growth_bytes = _size(engine) - size_before
            with engine.connect() as connection:
                for label, model in (
                    ("posts", PromptPost),
                    ("answers", Answer),
                    ("assignments", ReviewAssignment),
                ):
                    morning.counts[label] = int(
                        connection.scalar(select(func.count()).select_from(model)) or 0
                    )
            morning.counts.update(emulator.call("calls_by_method"))
            morning.counts["limited"] = emulator.call("limited")
            for limit, refused in emulator.call("limited_by").items():
                morning.counts[f"limited per {limit}"] = refused
        finally:
            server.stop()
            runtime.close()
            engine.dispose()
    return morning


def _next(at: datetime) -> datetime:
    """The next due moment after `at` (or a day later)."""
    return next((t for t in tick_times() if t > at), at + timedelta(days=1))


def _closes(engine: Engine, burst: Burst) -> datetime:
    from bot.models import PromptPost

    with engine.connect() as connection:
        value = connection.scalar(
            select(func.min(PromptPost.answers_close_at)).where(PromptPost.id.in_(burst.posts))
        )
    assert value is not None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_scored: set[int] = set()


def _newly_assigned(engine: Engine, at: datetime) -> list[int]:
    from bot.models import PromptPost

    with engine.connect() as connection:
        ids = connection.scalars(select(PromptPost.id).where(PromptPost.assigned_at.is_not(None)))
        fresh = [i for i in ids if i not in _scored]
    _scored.update(fresh)
    return fresh


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] if ordered else 0.0


def rows(db: str, m: Morning, log: list[str]) -> list[Row]:
    members = m.sizes.channels * m.sizes.members
    busy = [t for t in m.ticks if t.busy]
    lags = [t.lag for t in busy]
    acks = LoadResult()
    for result in m.acks:
        acks.elapsed += result.elapsed
        acks.latencies += result.latencies
        acks.errors += result.errors
        for status, n in result.statuses.items():
            acks.statuses[status] = acks.statuses.get(status, 0) + n
    by_burst = ", ".join(
        f"{b.zone.split('/')[-1]} {r.percentile(99):.0f} ms"
        for b, r in zip(m.bursts, m.acks, strict=True)
    )
    slowest = max(
        ((r.percentile(99), b) for b, r in zip(m.bursts, m.acks, strict=True) if r.count),
        key=lambda pair: pair[0],
        default=None,
    )
    jobs_cpu = sum(t.cpu for t in m.ticks)
    # The scheduler ticks every minute: a day's idle ticks cost their CPU too.
    idle_cpu = sum(t.cpu for t in m.idle) / len(m.idle) if m.idle else 0.0
    idle_day = idle_cpu * (TICKS_PER_DAY - len(m.ticks) / 2)
    cpu = jobs_cpu + m.server_cpu + m.postgres_cpu + idle_day
    # Friday's whole cycle and Monday's posts and leaderboards: a little over one practice
    # day's work.
    per_member_day = cpu / members
    per_member_year = m.growth_bytes / members * PRACTICE_DAYS_PER_YEAR
    worst = max(busy, key=lambda t: t.lag) if busy else None
    label = f"{m.sizes.channels:,} channels x {m.sizes.members} members"
    for t in busy:
        log.append(
            f"morning {db} {t.at:%a %H:%M} UTC: {dict(sorted(t.done.items()))} "
            f"work {t.seconds:.1f} s (CPU {t.cpu:.1f} s), counted waits {t.waited:.0f} s, "
            f"floor {t.floor:.0f} s, lag {t.lag:.1f} s, {t.ticks} tick(s); calls {dict(t.calls)}"
        )
    idle_cost = sum(t.seconds for t in m.idle) / len(m.idle) if m.idle else 0.0
    log.append(
        f"morning {db}: {label}, {m.counts}; CPU: jobs {jobs_cpu:.0f} s, server "
        f"{m.server_cpu:.0f} s, PostgreSQL {m.postgres_cpu:.0f} s, a day of idle ticks "
        f"{idle_day:.0f} s; database growth "
        f"{m.growth_bytes / 1e6:.1f} MB; an idle tick {idle_cost * 1000:.0f} ms; wall "
        f"{m.wall:.0f} s" + (f"; problems: {m.problems}" if m.problems else "")
    )
    # Where one host stops: the cores' seconds in a day at half load, over a member's day.
    cores = os.cpu_count() or 1
    capacity = cores * 86_400 * 0.5 / per_member_day if per_member_day else float("inf")
    out = [
        Row(
            "busy morning",
            db,
            f"job lag beyond the rate-limit floor, p99 of {len(busy)} busy ticks ({label})",
            _p99(lags),
            60.0,
            "s",
            "p99 < 60 s",
            bool(lags) and _p99(lags) < 60 and not m.problems,
            f"worst {worst.at:%a %H:%M} UTC: {dict(worst.done)}" if worst else "",
            f"the worst tick's own work: {worst.seconds:.0f} s ({worst.cpu:.0f} s of CPU in the"
            f" ticking thread) for {sum(worst.done.values())} channels' jobs"
            if worst
            else "",
        ),
        Row(
            "busy morning",
            db,
            f"ack p99 during the answer bursts ({acks.count:,} events)",
            acks.percentile(99),
            100.0,
            "ms",
            "< 100 ms",
            acks.ok and acks.percentile(99) < 100,
            f"{acks.rate:,.0f} acks/s; p99 by burst: {by_burst}" if acks.count else "no acks",
            f"the slowest burst ({slowest[1].zone}, p99 {slowest[0]:.0f} ms): "
            + slowest[1].shared()
            if slowest
            else "",
        ),
        Row(
            "busy morning",
            db,
            "CPU seconds per member per practice day (jobs + server + database)",
            per_member_day * 1000,
            None,
            "ms",
            "informational",
            None,
            f"one {cores}-core host at half load: ~{capacity:,.0f} members",
        ),
        Row(
            "busy morning",
            db,
            "database growth per member per year",
            per_member_year / 1e6,
            None,
            "MB",
            "informational",
            None,
            f"{PRACTICE_DAYS_PER_YEAR} practice days a year",
        ),
    ]
    if m.two is not None and m.one is not None:
        out.append(
            Row(
                "busy morning",
                db,
                "Monday 09:00 of a zone's channels, work time: two processes (ours, "
                "Berlin) vs one (baseline, Kolkata)",
                m.two.seconds,
                m.one.seconds,
                "s",
                "work divided, nothing twice",
                _divided(m),
                f"jobs per process: {_split(m)}",
            )
        )
    return out


def _split(m: Morning) -> str:
    return " | ".join(
        ", ".join(f"{k} {v}" for k, v in sorted(d.items()) if v) or "none" for d in m.two_done
    )


def _divided(m: Morning) -> bool:
    """Both processes did part of the due work, and the posts were made once (checked by the
    counts: one post per channel and practice day)."""
    first, second = m.two_done if len(m.two_done) == 2 else ({}, {})
    both = any(first.values()) and any(second.values())
    posts = m.counts.get("posts", 0)
    return both and posts == m.sizes.channels * 2 and not m.problems


def run(db: str, quick: bool, log: list[str], progress: Callable[[str], None]) -> list[Row]:
    _scored.clear()
    morning = run_morning(db, Sizes.for_run(quick), progress)
    return rows(db, morning, log)
