"""A variant of the server for the bench: the bot's own WSGI app (every listener, the reply
writer, the deferred work, exactly what `practice-bot serve` runs in a worker) served by
uvicorn (uvloop, httptools) instead of gunicorn's gthread workers. uvicorn parses HTTP in C
and runs the Bolt `App`'s dispatch in its WSGI thread pool: what moving the HTTP layer alone
to the fastest bare stack's server would buy (issue 27, docs/benchmarks.md).

    uvicorn bench.bot_uvicorn:create --factory --interface wsgi --workers 2
"""

from __future__ import annotations

from typing import Any


def create() -> Any:
    """One worker's app: its own runtime, built after uvicorn started the worker process."""
    from bot.logs import configure_logging
    from bot.settings import load_settings
    from bot.startup import serving_runtime, start_process
    from bot.web import make_wsgi

    settings = load_settings()
    configure_logging(settings.log_format, settings.log_level)
    runtime = serving_runtime(settings)
    return make_wsgi(start_process(runtime), runtime)
