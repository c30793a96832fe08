"""What a starting `serve` worker or `socket` process runs besides the app: the scheduler and
the start-up recovery of open threads. One place, so both modes start the same way."""

from __future__ import annotations

import logging
import threading

from bot.runtime import Runtime
from bot.services.thread_recovery import recover_open_threads
from bot.slack.answer_receipts import SlackAnswerReceipts
from bot.slack.thread_reader import SlackThreadReader

log = logging.getLogger(__name__)


def start_recovery(runtime: Runtime) -> threading.Thread:
    """`recover_open_threads` in the background: start-up is not held up by Slack's pace."""

    def run() -> None:
        try:
            recover_open_threads(
                runtime.engine,
                runtime.sessions,
                SlackThreadReader(runtime.slack),
                SlackAnswerReceipts(runtime.slack),
                runtime.clock,
            )
        except Exception:
            log.exception("start-up recovery failed")

    thread = threading.Thread(target=run, name="startup-recovery", daemon=True)
    thread.start()
    return thread
