"""`practice-bot serve`: the Bolt app under gunicorn with threaded (gthread) workers.

Each worker builds its own runtime (database pool, clients) after the fork, and runs the
scheduler too when enabled: due-work is idempotent, so several workers or instances agree.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.settings import Settings


class PracticeServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        self.runtime: Any = None  # the worker's, once `load` has run in it
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("worker_exit", self._worker_exit)

    def _worker_exit(self, _arbiter: Any, _worker: Any) -> None:
        # A stopping worker records the thread replies still queued (bot/slack/ingest.py)
        # before it exits; atexit would too, this makes it explicit and early.
        if self.runtime is not None:
            self.runtime.close()

    def load(self) -> Any:
        from bot.jobs.recovery import start_recovery
        from bot.runtime import bootstrap
        from bot.scheduler import start_scheduler
        from bot.slack.app import build_app
        from bot.web import make_wsgi

        runtime = self.runtime = bootstrap(self.settings)
        app = build_app(runtime)
        if self.settings.scheduler:
            start_scheduler(runtime)
        start_recovery(runtime)  # answers written while no process was up get their ✅
        return make_wsgi(app, runtime)


def server_options(settings: Settings, environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    return {
        "bind": f"0.0.0.0:{settings.port}",
        "worker_class": "gthread",
        "workers": int(env.get("WEB_CONCURRENCY", "2")),
        "threads": int(env.get("WEB_THREADS", "8")),
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
    }


def serve(settings: Settings) -> None:
    PracticeServer(settings, server_options(settings)).run()
