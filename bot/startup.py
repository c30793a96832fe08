"""How a serving process starts, the same for `serve` (each gunicorn worker), `socket` and the
test stage: the runtime with its reply writer, the Bolt app, the scheduler and the start-up
recovery of open threads. A one-shot `practice-bot job` needs only `bootstrap`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.content import Library
from bot.runtime import Runtime, bootstrap, utc_now
from bot.services.thread_recovery import recover_open_threads
from bot.settings import Settings
from bot.slack.answer_receipts import acknowledge
from bot.slack.ingest import ReplyWriter

log = logging.getLogger(__name__)


def serving_runtime(
    settings: Settings,
    *,
    library: Library | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Runtime:
    """`bootstrap` plus the batched writer of thread replies, which only a process that takes
    Slack's events needs (it starts a thread)."""
    runtime = bootstrap(settings, library=library, clock=clock)
    runtime.reply_writer = ReplyWriter(runtime, acknowledge)
    return runtime


def start_process(runtime: Runtime) -> App:
    """The Bolt app for `runtime`, with the in-process scheduler (unless SCHEDULER=off) and
    the start-up recovery running in the background."""
    from bot.scheduler import start_scheduler
    from bot.slack.app import build_app

    app = build_app(runtime)
    if runtime.settings.scheduler:
        start_scheduler(runtime)
    start_recovery(runtime)  # answers written while no process was up get their ✅
    return app


def start_recovery(runtime: Runtime) -> threading.Thread:
    """`recover_open_threads` in the background: start-up is not held up by Slack's pace."""

    def run() -> None:
        try:
            recover_open_threads(
                runtime.engine,
                runtime.sessions,
                runtime.adapters.threads,
                runtime.adapters.receipts,
                runtime.clock,
            )
        except Exception:
            log.exception("start-up recovery failed")

    thread = threading.Thread(target=run, name="startup-recovery", daemon=True)
    thread.start()
    return thread
