"""Fan-out: the daily post to 1,000 enrolled channels against the emulator enforcing Slack's
limits for chat.postMessage: one message a second per channel, and a per-method cap.

Slack documents chat.postMessage as a "special" tier: about one message per second per channel
with short bursts allowed, plus a workspace-wide limit it does not publish ("several hundred
messages per minute"). We use 600 per minute (10/s) over a sliding 60-s window. With that cap,
N posts cannot finish before (ceil(N / 600) - 1) * 60 s: that is the lower bound reported.
The post-prompt job runs as the scheduler would run it (once a minute, at most 5 times) until
every channel has its prompt; the check is one prompt per channel, no more, no less.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from bench.dbs import temp_database
from bench.emu import EmulatorProcess
from bench.servers import BOT_TOKEN, ROOT, SIGNING_SECRET
from bench.table import Row
from bot.emulator.state import DEFAULT_BOT_USER_ID, DEFAULT_TEAM_ID

PER_METHOD_PER_MINUTE = 600
PER_CHANNEL_PER_SECOND = 1.0
ADMIN = "UADMIN"


def lower_bound(channels: int) -> float:
    return max(0, math.ceil(channels / PER_METHOD_PER_MINUTE) - 1) * 60.0


def run(db: str, quick: bool, log: list[str]) -> list[Row]:
    from bot.db import make_engine, unit_of_work
    from bot.jobs import run_job
    from bot.migrate import upgrade
    from bot.models import PromptPost
    from bot.practice.channels import enrol_channel
    from bot.runtime import bootstrap
    from bot.settings import Settings

    count = 200 if quick else 1000
    channels = [f"CFAN{i:05d}" for i in range(count)]
    with temp_database(db, "fanout") as url, EmulatorProcess() as emulator:
        emulator.call("add_users", [], ADMIN)
        emulator.call("add_channels", channels, ADMIN, [ADMIN, DEFAULT_BOT_USER_ID])
        upgrade(url)
        settings = Settings(
            bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, database_url=url,
            slack_api_url=emulator.api_url, content_dir=ROOT / "content", scheduler=False,
        )  # fmt: skip
        runtime = bootstrap(settings, engine=make_engine(url))
        now = datetime.now(UTC)
        try:
            with unit_of_work(runtime.sessions) as session:
                for channel_id in channels:
                    channel = enrol_channel(
                        session, team_id=DEFAULT_TEAM_ID, channel_id=channel_id, now=now,
                        name=channel_id.lower(), creator_id=ADMIN, inviter_id=ADMIN,
                        inviter_tz="UTC",
                    ).channel  # fmt: skip
                    channel.weekdays = "1,2,3,4,5,6,7"
                    channel.post_time = "00:00"
                session.commit()
            emulator.call("rate_limits", PER_CHANNEL_PER_SECOND,
                          {"chat.postMessage": PER_METHOD_PER_MINUTE})  # fmt: skip
            started = time.perf_counter()
            runs = 0
            while runs < 5:
                runs += 1
                run_job(runtime, "post-prompt", now)
                with unit_of_work(runtime.sessions) as session:
                    posted = session.scalar(
                        select(func.count()).where(PromptPost.message_ts.is_not(None))
                    )
                if posted == count:
                    break
                time.sleep(max(0.0, 60 - (time.perf_counter() - started) % 60))
            wall = time.perf_counter() - started
        finally:
            runtime.close()
        per_channel = emulator.call("top_level_posts", channels)
        limited = emulator.call("limited")
        calls = emulator.call("calls", "chat.postMessage")
    exactly_once = all(per_channel.get(c) == 1 for c in channels) and posted == count
    bound = lower_bound(count)
    log.append(
        f"fanout {db}: {count} channels, {posted} posted in {runs} job run(s), {calls} "
        f"chat.postMessage calls, {limited} answered 429; wall {wall:.1f} s, bound {bound:.0f} s"
    )
    return [
        Row(
            "fan-out",
            db,
            f"daily post to {count:,} channels, wall time",
            wall,
            bound,
            "s",
            "each posted exactly once",
            exactly_once,
            f"baseline: rate-limit lower bound; {limited} 429s",
        ),
    ]
