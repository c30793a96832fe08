"""Recovery: reading 1,000 open threads at start-up against `conversations.replies`' tier.

`conversations.replies` is a Tier 3 method: about 50 calls a minute per workspace. Reading N
threads (one page each here) cannot finish sooner than the start of the last of its
ceil(N / 50) minute windows: that floor is the baseline. The recovery paces itself to 50 calls
in any 60 seconds (`bot/slack/thread_reader.py`), so that it never draws a 429; its waits are
counted on a virtual clock instead of slept (the row would otherwise take 20 minutes to
measure), so "ours" is the real time of the recovery's own work (1,000 HTTP calls to the
emulator, the database writes, the ✅ reactions) plus the waits the pacer asked for. A ratio
near 1 says the tier, not our code, sets the pace.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bench.dbs import temp_database
from bench.emu import EmulatorProcess
from bench.servers import BOT_TOKEN, ROOT, SIGNING_SECRET
from bench.table import Row
from bot.emulator.state import DEFAULT_BOT_USER_ID, DEFAULT_TEAM_ID

ADMIN = "UADMIN"
REPLIES_PER_THREAD = 3


class VirtualClock:
    """The pacer's clock: real time plus every wait it asked for (waits are not slept)."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def now(self) -> float:
        return time.monotonic() + self.skipped

    def sleep(self, seconds: float) -> None:
        self.skipped += seconds


def run(db: str, quick: bool, log: list[str]) -> list[Row]:
    from bot.db import make_engine, unit_of_work
    from bot.migrate import upgrade
    from bot.models import PromptPost, ThreadMessage
    from bot.practice.channels import enrol_channel
    from bot.runtime import bootstrap
    from bot.services.thread_recovery import recover_open_threads
    from bot.settings import Settings
    from bot.slack.answer_receipts import SlackAnswerReceipts
    from bot.slack.thread_reader import (
        TIER3_PER_MINUTE,
        WINDOW,
        Pacer,
        Pacers,
        SlackThreadReader,
    )

    count = 200 if quick else 1000
    channels = [f"CREC{i:05d}" for i in range(count)]
    users = [f"UREC{i}" for i in range(REPLIES_PER_THREAD)]
    now = datetime.now(UTC)
    base = int(now.timestamp()) - 3600
    threads = [
        (c, f"{base + i}.000100", [(u, f"{base + i}.{200 + j:06d}") for j, u in enumerate(users)])
        for i, c in enumerate(channels)
    ]
    with temp_database(db, "recovery") as url, EmulatorProcess() as emulator:
        emulator.call("add_users", users, ADMIN)
        emulator.call("add_channels", channels, ADMIN, [ADMIN, DEFAULT_BOT_USER_ID, *users])
        emulator.call("add_threads", threads)
        upgrade(url)
        settings = Settings(
            bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, database_url=url,
            slack_api_url=emulator.api_url, content_dir=ROOT / "content", scheduler=False,
        )  # fmt: skip
        runtime = bootstrap(settings, engine=make_engine(url))
        clock = VirtualClock()
        pacers = Pacers(lambda: Pacer(clock=clock.now, sleep=clock.sleep))
        try:
            with unit_of_work(runtime.sessions) as session:
                for channel_id, thread_ts, _ in threads:
                    channel = enrol_channel(
                        session, team_id=DEFAULT_TEAM_ID, channel_id=channel_id, now=now,
                        name=channel_id.lower(), creator_id=ADMIN, inviter_id=ADMIN,
                        inviter_tz="UTC",
                    ).channel  # fmt: skip
                    session.flush()
                    session.add(
                        PromptPost(
                            channel_pk=channel.id, local_date=now.date(), pack_id="pmm",
                            prompt_id="bench", prompt={"title": "bench"}, claimed_at=now,
                            posted_at=now, message_ts=thread_ts,
                            answers_close_at=now + timedelta(hours=5),
                            reviews_close_at=now + timedelta(hours=23),
                        )
                    )  # fmt: skip
                session.commit()
            started = time.perf_counter()
            run_ = recover_open_threads(
                runtime.engine,
                runtime.sessions,
                SlackThreadReader(runtime.slack, pacers=pacers),
                SlackAnswerReceipts(runtime.slack),
                runtime.clock,
            )
            work = time.perf_counter() - started
            with unit_of_work(runtime.sessions) as session:
                stored = session.scalar(select(func.count()).select_from(ThreadMessage))
        finally:
            runtime.close()
        calls = emulator.call("calls", "conversations.replies")
        limited = emulator.call("limited")
    floor = max(0, math.ceil(calls / TIER3_PER_MINUTE) - 1) * WINDOW  # the first window is free
    total = work + clock.skipped
    complete = stored == count * REPLIES_PER_THREAD and run_.threads == count
    log.append(
        f"recovery {db}: {count} open threads, {run_.recovered} replies recovered, {calls} "
        f"conversations.replies calls, {limited} answered 429; own work {work:.1f} s, paced "
        f"waits {clock.skipped:.0f} s, Tier 3 floor {floor:.0f} s"
    )
    return [
        Row(
            "recovery",
            db,
            f"start-up recovery of {count:,} open threads (Tier 3, {TIER3_PER_MINUTE}/min)",
            total,
            floor,
            "s",
            "every reply stored, no 429",
            complete and limited == 0,
            f"baseline: the tier's floor; own work {work:.0f} s",
        ),
    ]
