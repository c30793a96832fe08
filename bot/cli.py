"""`practice-bot` (and `python -m bot`): serve, socket, job, migrate, content, demo."""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.jobs.registry import DAILY_ORDER
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot")


def _parse_at(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--at {text!r} is not an ISO 8601 time") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def installed_version() -> str:
    """The version of the installed package (pyproject.toml's `version`; CHANGELOG.md)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("practice-bot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="practice-bot", description="Group interview practice for Slack."
    )
    parser.add_argument(
        "--version", action="version", version=f"practice-bot {installed_version()}"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="HTTP mode: POST /slack/events and GET /healthz on $PORT")
    sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)")
    job = sub.add_parser("job", help="run one job's due work once, then exit")
    job.add_argument("name", choices=DAILY_ORDER)
    job.add_argument("--channel", help="only this channel id")
    job.add_argument("--at", type=_parse_at, help="the time to act as (ISO 8601; default: now)")
    sub.add_parser("migrate", help="alembic upgrade head on DATABASE_URL")
    content = sub.add_parser("content", help="content packs")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate packs; errors as file:line: message")
    check.add_argument("dir", nargs="?", help="content folder (default: CONTENT_DIR)")
    content_sub.add_parser("reload", help="validate, then make running bots reload content")
    demo = sub.add_parser("demo", help="a simulated workspace, no Slack account needed")
    demo.add_argument("--out", default="demo-out", help="folder for the demo's files")
    demo.add_argument(
        "--html", metavar="FILE", help="also write the demo as one self-contained web page"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.transaction_guard import install_from_environment

    install_from_environment()  # only when the test suite started this process
    try:
        if args.command == "demo":
            from bot.demo import run_demo

            return run_demo(Path(args.out), html=Path(args.html) if args.html else None)
        if args.command == "content" and args.content_command == "check" and args.dir:
            return _content_check(Path(args.dir))
        settings = load_settings()
        from bot.logs import configure_logging

        configure_logging(settings.log_format, settings.log_level)
        return _dispatch(args, settings)
    except SettingsError as exc:
        print(f"practice-bot: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from slack_bolt.error import BoltError

        # Bolt checks the bot token at start (auth.test): a revoked or wrong one is a setting
        # to fix, said in one line, not a traceback.
        if not isinstance(exc, BoltError):
            raise
        print(
            f"practice-bot: Slack refused SLACK_BOT_TOKEN ({exc}): reinstall the app to the "
            "workspace and set the new xoxb- token",
            file=sys.stderr,
        )
        return 2


def _content_check(folder: Path) -> int:
    from bot.content_cli import check

    return check(folder)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        settings.require_slack()
        from bot.migrate import is_at_head

        if not is_at_head(settings.database_url) and not _upgrade_in_child(settings.database_url):
            return 1
        from bot.server import serve

        serve(settings)
        return 0
    from bot.migrate import upgrade

    if args.command == "migrate":
        upgrade(settings.database_url)
        print("database is at the latest schema")
        return 0
    if args.command == "content":
        if args.content_command == "check":
            return _content_check(settings.content_dir)
        from bot.content_cli import reload

        return reload(settings.content_dir)
    if args.command == "socket":
        settings.require_slack(socket=True)
        upgrade(settings.database_url)
        return _socket(settings)
    if args.command == "job":
        _require_token(settings)
        upgrade(settings.database_url)
        return _job(settings, args.name, args.at or datetime.now(UTC), args.channel)
    raise AssertionError(args.command)


def _upgrade_in_child(database_url: str) -> bool:
    """`serve` migrates in a short-lived child process, so that the gunicorn master, which
    every worker is forked from, never holds alembic and the migration scripts in memory
    (about 30 MB in each process, master and workers). Only when the schema is not at head:
    the child took about 0.9 s of every start-up."""
    code = "import sys; from bot.migrate import upgrade; upgrade(sys.argv[1])"
    done = subprocess.run([sys.executable, "-c", code, database_url], check=False)
    if done.returncode != 0:
        print(f"practice-bot: migrating the database failed (exit {done.returncode})",
              file=sys.stderr)  # fmt: skip
        return False
    return True


def _require_token(settings: Settings) -> None:
    if not settings.oauth and not settings.bot_token:
        raise SettingsError(
            "SLACK_BOT_TOKEN is not set: jobs post to Slack with the bot token (see README)"
        )


def _job(settings: Settings, name: str, at: datetime, channel: str | None) -> int:
    from bot.jobs import load_jobs, run_job
    from bot.runtime import bootstrap

    if name not in load_jobs():
        print(f"practice-bot: job {name} is not available in this version", file=sys.stderr)
        return 2
    runtime = bootstrap(settings)
    try:
        result = run_job(runtime, name, at, channel)
    finally:
        runtime.close()
    print(result.summary())
    return 0


def _socket(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.metrics import ACK_LATENCY
    from bot.startup import serving_runtime, start_process
    from bot.web import serve_ops

    runtime = serving_runtime(settings)
    app = start_process(runtime)
    serve_ops(runtime, settings.port)  # GET /healthz and /metrics on PORT

    class MeteredHandler(SocketModeHandler):
        # `SocketModeHandler.handle(client, req)` is the adapter's per-request entry point.
        # Checked against slack-bolt 1.30.0; tests/slack/test_library_seams.py pins it.
        def handle(self, client: Any, req: Any) -> None:
            started = time.perf_counter()  # the ack goes back over the socket in here
            try:
                super().handle(client, req)
            finally:
                ACK_LATENCY.observe(time.perf_counter() - started)

    MeteredHandler(app, settings.app_token).start()
    return 0
