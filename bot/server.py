"""`practice-bot serve`: the Bolt app under gunicorn with threaded (gthread) workers.

Each worker builds its own runtime (database pool, clients, the reply writer's and the
deferred work's threads) after the fork, and runs the scheduler too when enabled: due-work is
idempotent, so several workers or instances agree.

The master imports the code and loads the content packs before it forks, and freezes them
out of the garbage collector's reach: the workers then share those pages with it instead of
holding a copy each (see `share_with_workers`).
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.content import Library


class PracticeServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        self.runtime: Any = None  # the worker's, once `load` has run in it
        self.content: SharedContent | None = None  # loaded by the master, before the forks
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("on_starting", self._on_starting)
        self.cfg.set("pre_fork", _pre_fork)
        self.cfg.set("worker_exit", self._worker_exit)
        self.cfg.set("child_exit", _child_exit)

    def _on_starting(self, _arbiter: Any) -> None:
        self.content = share_with_workers(self.settings)

    def _worker_exit(self, _arbiter: Any, _worker: Any) -> None:
        # A stopping worker records the thread replies still queued (bot/slack/ingest.py)
        # before it exits; atexit would too, this makes it explicit and early.
        if self.runtime is not None:
            self.runtime.close()

    def load(self) -> Any:
        from bot.startup import serving_runtime, start_process
        from bot.web import make_wsgi

        library = self.content.current() if self.content is not None else None
        runtime = self.runtime = serving_runtime(self.settings, library=library)
        if library is not None and self.content is not None:
            runtime.content_version = self.content.version
        return make_wsgi(start_process(runtime), runtime)


@dataclass(frozen=True)
class SharedContent:
    """The content packs as the master loaded them, with the fingerprint of their files."""

    content_dir: Path
    version: tuple[int, int]
    library: Library

    def current(self) -> Library | None:
        """The master's packs, or None when the files changed since (a worker restarted later
        loads them afresh, as it did before the master loaded them)."""
        from bot.content.fingerprint import content_fingerprint

        unchanged = content_fingerprint(self.content_dir) == self.version
        return self.library if unchanged else None


def share_with_workers(settings: Settings) -> SharedContent:
    """In the master, before the first fork: import every module a worker runs on (SQLAlchemy
    and the mapped models, Bolt, the database driver), configure the mappers and load the
    content packs, so that forked workers share these pages instead of each building its own.

    Only code and read-only data: nothing here opens a connection or a socket or starts a
    thread; `PracticeServer.load` builds those in each worker. `_pre_fork` freezes the lot.
    `serve` has set PROMETHEUS_MULTIPROC_DIR already, which `bot.metrics` (imported here)
    needs: the master's own series stay at zero and add nothing to the workers' sums.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import configure_mappers

    import bot.models
    import bot.runtime
    import bot.scheduler
    import bot.slack.app
    import bot.startup
    import bot.web
    from bot.content import load_library
    from bot.content.fingerprint import content_fingerprint

    if settings.oauth:
        import bot.slack.oauth

    configure_mappers()
    bot.slack.app.load_listeners()  # else imported by each worker's `build_app`
    make_url(settings.database_url).get_dialect().import_dbapi()  # psycopg, sqlite3
    version = content_fingerprint(settings.content_dir)
    return SharedContent(settings.content_dir, version, load_library(settings.content_dir))


def _pre_fork(_arbiter: Any, _worker: Any) -> None:
    # Objects the garbage collector tracks get their GC header written on every collection,
    # which would copy each shared page into the worker that collects: frozen, the collector
    # leaves them alone (https://docs.python.org/3/library/gc.html#gc.freeze).
    gc.freeze()


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
