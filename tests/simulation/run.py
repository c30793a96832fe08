"""Runs a plan through the real app: signed requests into Bolt over HTTP, the real jobs, the
emulator as Slack, on a virtual clock; checks the invariants after every step.

The trace (one line per step: what was done and what the database then held) is the run's
fingerprint: the same seed gives the same trace, byte for byte.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry import handler as retry_handler
from sqlalchemy import func, select, text

from bot.content import Library
from bot.db import make_engine, unit_of_work
from bot.emulator.sender import SlackSender
from bot.emulator.stage import Stage
from bot.jobs.registry import DAILY_ORDER
from bot.models import Answer, PromptPost, ReviewAssignment, Vote
from bot.runtime import Runtime
from bot.slack.ingest import ReplyWriter
from bot.slack.thread_reader import PACERS, Pacer
from tests.e2e.conftest import Handled
from tests.e2e.reads import buttons
from tests.simulation.invariants import Ledger, Review, check_all, is_prompt
from tests.simulation.pgproxy import PgProxy
from tests.simulation.plan import Step, enrolment_time, make_plan
from tests.simulation.world import Community, community

log = logging.getLogger(__name__)

# The app's Web API timeout in the simulation (seconds; 15 in production), and how long a
# "timeout" fault keeps the client waiting: low, so a timeout costs about a second, not 15.
SLACK_TIMEOUT = 0.6
TIMEOUT_HANG = 0.75
# slack-sdk's sleeps between retries (Retry-After, backoff) and the thread reader's pacing
# waits in the simulation, as a fraction of the real ones.
RETRY_WAIT_SCALE = 0.02
# A PostgreSQL restart keeps the server down this long (real seconds: sockets have no
# virtual time).
PG_DOWN = 1.0
# Workspaces in a simulated community (1: single-token mode, as before OAuth was simulated).
WORKSPACES = 2
# Steps after which the app's own follow-up work is not waited for (`settle`).
UNSETTLED = ("tick", "fault", "restart", "drop-connections", "pg-restart")


@dataclass
class Outcome:
    seed: int
    weeks: int
    trace: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    failed_step: int | None = None

    @property
    def ok(self) -> bool:
        return not self.violations


@contextmanager
def tracked() -> Iterator[Handled]:
    """The e2e tests' `handled`, outside pytest: every pool and the reply writer tracked; and
    the real waits of slack-sdk's retries and of the thread reader's pacing shortened
    (`RETRY_WAIT_SCALE`)."""
    tracker = Handled()
    pool, record = Runtime.__dict__["pool"], ReplyWriter.record
    Runtime.pool = staticmethod(tracker.executor)  # type: ignore[method-assign,assignment]
    ReplyWriter.record = tracker.recording(record)  # type: ignore[method-assign]
    # The retries still happen, in the same order and number; only their real sleeps shrink.
    # (Profiled: a week's 429s and 5xx slept more than a third of its wall time.)
    clocks = {module: module.time for module in (retry_handler, builtin_handlers)}
    for module in clocks:
        module.time = SimpleNamespace(sleep=_short_sleep)  # type: ignore[assignment]
    # So do the thread reader's waits for Slack's Tier 3 budget (50 reads a minute, in real
    # time, while the simulation reads a day's threads in a fraction of a second): profiled,
    # they were most of a short run's time. The process-wide pacers are swapped, then put back.
    pacers = (PACERS._make, PACERS._pacers)
    PACERS._make, PACERS._pacers = (lambda: Pacer(sleep=_short_sleep)), {}
    try:
        yield tracker
    finally:
        Runtime.pool = pool  # type: ignore[method-assign]
        ReplyWriter.record = record  # type: ignore[method-assign]
        for module, clock in clocks.items():
            module.time = clock  # type: ignore[assignment]
        PACERS._make, PACERS._pacers = pacers


def _short_sleep(seconds: float) -> None:
    time.sleep(seconds * RETRY_WAIT_SCALE)


class Simulation:
    def __init__(
        self,
        database_url: str,
        world: Community,
        weeks: int,
        steps: list[Step],
        library: Library | None = None,
    ) -> None:
        self.library = library
        self.database_url = database_url
        self.world = world
        self.steps = steps
        self.ledger = Ledger(world, weeks, ticks={s.at for s in steps if s.kind == "tick"})
        self.messages: dict[tuple[str, str, date], str] = {}  # (member, channel, day) -> ts
        self.pending: dict[tuple[str, str, date], dict[str, Any]] = {}  # events held back
        self.gone: set[str] = set()  # members forgotten: they act no more
        self.clicked: set[object] = set()  # buttons already clicked (offers, ratings, check-ins)
        self.team_of = {key: c.team for c in world.channels
                        for key in (c.id, *(m.id for m in c.members))}  # fmt: skip
        self._senders: dict[tuple[str, str], SlackSender] = {}
        self.proxy: PgProxy | None = None

    def sender(self, member_or_channel: str) -> SlackSender:
        """Slack's side for the member's (or channel's) own workspace."""
        team = self.team_of[member_or_channel]
        key = (team, self.stage.url)  # a restart serves the app on a new port
        if key not in self._senders:
            self._senders[key] = self.stage.sender_for(team)
        return self._senders[key]

    def run(self, outcome: Outcome) -> Outcome:
        url = self.database_url
        with ExitStack() as stack:
            self.handled = stack.enter_context(tracked())
            if url.startswith("postgresql"):
                # The app reaches PostgreSQL through a proxy that can play a server restart.
                self.proxy = stack.enter_context(PgProxy())
                url = self.proxy.url(url)
            self.stage = stack.enter_context(
                Stage(
                    url,
                    start=enrolment_time(self.world),
                    migrate=False,
                    library=self.library,
                    oauth=self.world.oauth,
                    settings={"slack_timeout": SLACK_TIMEOUT},
                )
            )
            return self.steps_run(outcome)

    def steps_run(self, outcome: Outcome) -> Outcome:
        stage = self.stage
        self.enrol()
        for number, step in enumerate(self.steps):
            if step.at > stage.now():
                stage.set_time(step.at)
            said = self.perform(step)
            if step.kind not in UNSETTLED:
                self.settle()  # what the app does after its acks
            full = step.kind in ("tick", "forget", "revoke", *UNSETTLED[2:])
            problems = check_all(self.stage, self.ledger, full=full)
            outcome.trace.append(f"{step.describe()} -> {said}")
            if problems:
                outcome.violations = problems
                outcome.failed_step = number
                return outcome
        outcome.violations = check_all(self.stage, self.ledger, full=True, final=True)
        outcome.trace.append(f"end -> {self.ledger.summary(self.stage)}")
        return outcome

    def settle(self) -> None:
        self.handled(self.stage, timeout=30)

    def enrol(self) -> None:
        """Each workspace installs the app (OAuth mode), then each channel's creator invites
        the bot and waits for its welcome."""
        stage, state = self.stage, self.stage.slack.state
        for number, team in enumerate(self.world.teams):
            if number:  # the emulator's default workspace is there already
                state.add_team(team, f"Sim {number}", f"sim{number}", f"xoxb-seed-{team}",
                               bot_user_id=f"UBOT{number}", bot_id=f"B000{number}")  # fmt: skip
            if self.world.oauth:
                installed = stage.install(team)
                if installed.status != 200:
                    raise RuntimeError(f"installing {team}: {installed.status}")
        for channel in self.world.channels:
            for member in channel.members:
                state.add_user(member.id, member.name, tz=member.tz, team_id=channel.team)
            state.add_channel(channel.id, channel.name, channel.creator,
                              [m.id for m in channel.members], team_id=channel.team)  # fmt: skip
            self.sender(channel.id).invite_bot(channel.id, channel.creator)
            stage.slack.wait_for(lambda c=channel.id: stage.slack.messages(c), timeout=10)
        self.settle()

    # --- steps ---------------------------------------------------------------------------
    def perform(self, step: Step) -> str:
        if step.member and step.member in self.gone:
            return "skipped: forgotten"
        act: Callable[[Step], str] = getattr(self, "do_" + step.kind.replace("-", "_"))
        return act(step)

    def do_tick(self, step: Step) -> str:
        failed = []
        for name in DAILY_ORDER:
            try:
                self.stage.run_job(name, step.at)
            except Exception as exc:  # a tick that fails is retried by the next one
                failed.append(f"{name}:{type(exc).__name__}")
        return ("failed " + ",".join(failed) + "; " if failed else "") + self.counts()

    def do_fault(self, step: Step) -> str:
        method, how = step.detail.split(":")
        if how.startswith(("drop-", "timeout-")):
            kind, when = how.split("-")
            hang = TIMEOUT_HANG if kind == "timeout" else 0.0
            self.stage.slack.fail_next(method, drop=when, delay=hang)
        elif how == "slow":
            self.stage.slack.fail_next(method, delay=0.2)
        elif how == "429":
            self.stage.slack.fail_next(method, status=429, retry_after=1)
        else:
            self.stage.slack.fail_next(method, status=int(how))
        return "queued"

    def do_restart(self, step: Step) -> str:
        if self.ledger.revoked and not self.world.oauth:
            # A single-workspace bot whose token is revoked stops at start ("`token` is
            # invalid", Bolt's auth.test): nothing to restart into until a new token is set.
            return "not restarted: the token is revoked"
        self.stage.restart()  # in OAuth mode it starts whatever was revoked
        return "restarted"

    def do_pg_restart(self, step: Step) -> str:
        if self.proxy is None:
            return "not PostgreSQL"
        cut = self.proxy.restart(down=PG_DOWN)
        return f"server restarted ({cut} connections cut)"

    def do_drop_connections(self, step: Step) -> str:
        admin = make_engine(self.database_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                dropped = connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
        finally:
            admin.dispose()
        return f"dropped {dropped}"

    def prompt_ts(self, channel_id: str, day: date) -> str | None:
        tz = ZoneInfo(next(c.tz for c in self.world.channels if c.id == channel_id))
        for message in self.stage.slack.messages(channel_id):
            posted = datetime.fromtimestamp(float(message["ts"]), tz).date()
            if is_prompt(message) and posted == day:
                return str(message["ts"])
        return None

    def do_answer(self, step: Step) -> str:
        assert step.day is not None
        thread = self.prompt_ts(step.channel, step.day)
        if thread is None:
            return "no prompt to answer"
        sender = self.sender(step.member)
        words = f"{step.member} on {step.day}: one market first, a holdout, stop below 2%."
        deliver = step.detail in ("ok", "twice")
        ts = sender.post(step.member, step.channel, words, thread, deliver=deliver)
        self.messages[(step.member, step.channel, step.day)] = ts
        self.ledger.wrote(ts, step.at, words)
        if step.detail == "twice" and sender.last is not None:
            sender.resend(sender.last)
        if step.detail in ("late", "reordered"):
            self.pending[(step.member, step.channel, step.day)] = self.event_of(step.channel, ts)
        if step.detail == "reordered":  # an edit arrives before the message it edits
            sender.edit(step.member, step.channel, ts, words + " (edited first)")
            self.ledger.wrote(ts, step.at, words + " (edited first)")
            sender.send_event(self.pending.pop((step.member, step.channel, step.day)))
        return f"posted ({step.detail})"

    def event_of(self, channel_id: str, ts: str) -> dict[str, Any]:
        state = self.stage.slack.state
        found = state.channel(channel_id)
        with state.lock:
            event = state.find_message(found.id, ts).to_json()
        event.update(channel=found.id, channel_type=found.channel_type, event_ts=ts)
        return event

    def do_deliver(self, step: Step) -> str:
        assert step.day is not None
        event = self.pending.pop((step.member, step.channel, step.day), None)
        if event is None:
            return "nothing held back"
        self.sender(step.member).send_event(event)
        return "delivered late"

    def do_edit(self, step: Step) -> str:
        assert step.day is not None
        ts = self.messages.get((step.member, step.channel, step.day))
        if ts is None:
            return "nothing to edit"
        sender = self.sender(step.member)
        words = f"{step.member} on {step.day}: edited at {step.at:%H:%M}."
        try:
            sender.edit(step.member, step.channel, ts, words,
                        deliver=step.detail in ("ok", "twice", "reordered"))  # fmt: skip
        except LookupError:
            return "already deleted"
        self.ledger.wrote(ts, step.at, words)
        if step.detail == "twice" and sender.last is not None:
            sender.resend(sender.last)
        return f"edited ({step.detail})"

    def do_delete(self, step: Step) -> str:
        assert step.day is not None
        ts = self.messages.pop((step.member, step.channel, step.day), None)
        if ts is None:
            return "nothing to delete"
        self.sender(step.member).delete(step.channel, ts)
        return "deleted"

    def do_review(self, step: Step) -> str:
        """The member does the reviews still open in their latest brief (they know its deadline:
        the brief says it)."""
        open_ones = self.open_assignments(step.member, step.at)
        done = 0
        for dm in self.stage.slack.dms(step.member):
            for value in buttons(dm, "review_score"):
                if int(value) in open_ones and not self.ledger.reviewed(value):
                    done += self.review(step, dm, value)
        return f"reviewed {done}"

    def open_assignments(self, member: str, now: datetime) -> set[int]:
        with unit_of_work(self.stage.runtime.sessions) as session:
            return set(
                session.scalars(
                    select(ReviewAssignment.id)
                    .join(PromptPost, PromptPost.id == ReviewAssignment.post_id)
                    .where(
                        ReviewAssignment.reviewer_id == member, PromptPost.reviews_close_at > now
                    )
                )
            )

    def review(self, step: Step, dm: dict[str, Any], value: str) -> bool:
        stage, member, sender = self.stage, step.member, self.sender(step.member)
        modal = _open(stage, sender, member, "review_challenge", dm, value)
        if modal is None:
            return False
        said = sender.submit_view(member, modal["id"], {"challenge/text": "Why that bar?"})
        if (said.json or {}).get("response_action") == "errors" or said.status != 200:
            return False
        modal = _open(stage, sender, member, "review_score", dm, value)
        if modal is None:
            return False
        rng = random.Random(f"{self.world.seed}:{step.order}:{value}")
        criteria = [b["block_id"] for b in modal["blocks"] if b.get("type") == "input"
                    and b["element"]["type"] == "radio_buttons"]  # fmt: skip
        scores = {c: rng.randint(1, 5) for c in criteria}
        said = sender.submit_view(
            member, modal["id"], {f"{c}/score": str(s) for c, s in scores.items()}
        )
        if said.status != 200 or (said.json or {}).get("response_action") == "errors":
            return False
        self.ledger.add_review(Review(int(value), member, scores, step.at))
        return True

    def do_revoke(self, step: Step) -> str:
        team = step.detail or self.world.teams[0]
        channel = next(c.id for c in self.world.channels if c.team == team)
        self.sender(channel).revoke_tokens()
        self.ledger.revoked[team] = step.at
        return f"tokens of {team} revoked"

    def do_remove_bot(self, step: Step) -> str:
        """Someone removes the bot from the channel; with "lost", Slack's events never come."""
        channel = next(c for c in self.world.channels if c.id == step.channel)
        sender = self.sender(channel.id)
        if step.detail == "lost":
            found = sender.state.channel(channel.id)
            with sender.state.lock:
                found.members.discard(sender.team.bot_user_id)
        else:
            sender.remove_bot(channel.id, by=channel.members[-1].id)
        self.ledger.removed(channel.id, step.at)
        return f"bot removed ({step.detail} events)"

    def do_invite_bot(self, step: Step) -> str:
        channel = next(c for c in self.world.channels if c.id == step.channel)
        self.sender(channel.id).invite_bot(channel.id, inviter=channel.creator)
        self.ledger.invited(channel.id, step.at)
        return "bot invited back"

    def do_quiet(self, step: Step) -> str:
        said = self.command(step, "/practice", f"me quiet {step.detail}")
        self.ledger.set_quiet(step.member, step.detail, step.at)
        return f"quiet hours set: {said}"

    def do_away(self, step: Step) -> str:
        """Away from the step's day (local) until `detail`; no reviews may come their way."""
        assert step.day is not None
        said = self.command(step, "/practice", f"me away {step.detail}")
        self.ledger.set_away(step.member, step.at, date.fromisoformat(step.detail))
        return f"away until {step.detail}: {said}"

    def command(self, step: Step, command: str, text: str) -> str:
        """A member's slash command; what the bot answered them (its ack or an ephemeral)."""
        for _ in range(3):  # told "please try again", a member does
            before = len(self.stage.slack.ephemerals(user=step.member))
            reply = self.sender(step.member).send_command(step.member, step.channel, command, text)
            self.settle()
            answers = [e.text for e in self.stage.slack.ephemerals(user=step.member)[before:]]
            said = " | ".join([str((reply.json or {}).get("text") or ""), *answers]).strip(" |")
            if "try again" not in said:
                break
        return said.split("\n", 1)[0][:100] or f"HTTP {reply.status}"

    def do_volunteer(self, step: Step) -> str:
        return f"volunteered: {self.command(step, '/practice', 'review on')}"

    def do_stand_in(self, step: Step) -> str:
        """Take the stand-in reviews offered (first come, first served), then do them."""
        taken = 0
        for dm in self.stage.slack.dms(step.member):
            for value in buttons(dm, "review_standin_take"):
                if (step.member, value) in self.clicked:
                    continue
                self.clicked.add((step.member, value))
                self.sender(step.member).click(step.member, action_id="review_standin_take",
                                        message=dm, value=value)  # fmt: skip
                taken += 1
        if not taken:
            return "no offer"
        self.settle()
        return f"took {taken}; " + self.do_review(step)

    def do_rate(self, step: Step) -> str:
        """Rate every review in the member's summaries as helpful (it never moves points)."""
        rated = 0
        for dm in self.stage.slack.dms(step.member):
            for value in buttons(dm, "review_helpful"):
                if ("rate", value) not in self.clicked:
                    self.clicked.add(("rate", value))
                    self.sender(step.member).click(step.member, action_id="review_helpful",
                                            message=dm, value=value)  # fmt: skip
                    rated += 1
        return f"rated {rated}"

    def do_mock(self, step: Step) -> str:
        self.sender(step.member).send_command(
            step.member, step.channel, "/mock", "any weekday evening"
        )
        return "asked"

    def do_check_in(self, step: Step) -> str:
        action = f"mock_checkin_{step.detail}"
        for dm in self.stage.slack.dms(step.member):
            for value in buttons(dm, action):
                if ("check-in", value) not in self.clicked:
                    self.clicked.add(("check-in", value))
                    self.sender(step.member).click(step.member, action_id=action, message=dm,
                                            value=value)  # fmt: skip
                    return f"answered {step.detail}"
        return "nothing to answer"

    def do_forget(self, step: Step) -> str:
        stage = self.stage
        before = len(stage.slack.ephemerals(user=step.member))
        sender = self.sender(step.member)
        sender.send_command(step.member, self.channel_of(step.member), "/practice", "forget-me")
        self.settle()
        asked = stage.slack.ephemerals(user=step.member)[before:]
        question = next((e for e in asked if "privacy_forget_confirm" in str(e.blocks)), None)
        if question is None:
            return "not asked"
        sender.click(step.member, action_id="privacy_forget_confirm", message=question)
        self.settle()
        self.gone.add(step.member)
        self.ledger.forget(step.member)
        return "forgotten"

    def channel_of(self, member: str) -> str:
        return next(c.id for c in self.world.channels if member in {m.id for m in c.members})

    def counts(self) -> str:
        with unit_of_work(self.stage.runtime.sessions) as session:
            figures = [
                session.scalar(select(func.count()).select_from(model))
                for model in (PromptPost, Answer, ReviewAssignment, Vote)
            ]
        dms = sum(len(self.stage.slack.dms(m.id)) for m in self.world.members)
        prompts, answers, assignments, votes = figures
        return (
            f"prompts={prompts} answers={answers} assignments={assignments} votes={votes} dms={dms}"
        )


def _open(
    stage: Stage, sender: SlackSender, user: str, action_id: str, dm: dict[str, Any], value: str
) -> Any:
    """Click a review button; the modal it opened, or None when it answered otherwise."""
    before = {v["id"] for v in stage.slack.open_views(user)}
    sender.click(user, action_id=action_id, message=dm, value=value)
    try:
        return stage.slack.wait_for(
            lambda: next((v for v in stage.slack.open_views(user) if v["id"] not in before), None),
            timeout=2,
        )
    except TimeoutError:
        return None


def simulate(
    database_url: str,
    seed: int,
    weeks: int,
    *,
    faults: bool = True,
    postgres: bool = False,
    steps: list[Step] | None = None,
    library: Library | None = None,
    workspaces: int = WORKSPACES,
) -> Outcome:
    """Run one seed; `steps` replaces the seed's plan (shrinking runs subsets of it)."""
    world = community(seed, workspaces)
    plan = steps if steps is not None else make_plan(world, weeks, faults=faults,
                                                      postgres=postgres)  # fmt: skip
    return Simulation(database_url, world, weeks, plan, library).run(Outcome(seed, weeks))


__all__ = ["Outcome", "simulate", "timedelta"]
