"""`practice-bot serve`: the Bolt app under gunicorn with threaded (gthread) workers.

Each worker builds its own runtime (database pool, clients) after the fork, and runs the
scheduler too when enabled: due-work is idempotent, so several workers or instances agree.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.settings import Settings


class PracticeServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        self.runtime: Any = None  # the worker's, once `load` has run in it
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("worker_exit", self._worker_exit)
        self.cfg.set("child_exit", _child_exit)

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


def _child_exit(_arbiter: Any, worker: Any) -> None:
    from bot.metrics import worker_exited

    worker_exited(worker.pid)


def prepare_metrics_dir(environ: Any = os.environ) -> Path:
    """Give prometheus-client's multiprocess mode a clean folder before any worker starts.

    `/metrics` must add up every gunicorn worker: each writes its values to files in
    `PROMETHEUS_MULTIPROC_DIR`, which has to be set before prometheus-client is first
    imported. An operator's own folder is emptied (files left by an earlier run would count
    twice); without one, a fresh temporary folder is made.
    """
    configured = environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if configured:
        folder = Path(configured)
        if folder.is_dir():
            for item in folder.glob("*.db"):
                item.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="practice-bot-metrics-"))
        environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


def serve(settings: Settings) -> None:
    folder = prepare_metrics_dir()
    master = os.getpid()
    try:
        PracticeServer(settings, server_options(settings)).run()
    finally:
        # A worker leaves through SystemExit up this same (forked) stack: only the master
        # removes the folder it made.
        if os.getpid() == master and folder.name.startswith("practice-bot-metrics-"):
            shutil.rmtree(folder, ignore_errors=True)
