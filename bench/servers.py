"""Start the server under test as a subprocess: `practice-bot serve`, or a bare app: Bolt's `App`
under the same gunicorn configuration (`bot.server.server_options`), or Bolt's `AsyncApp` under
uvicorn with as many workers; and measure its start-up and memory."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-test-token"  # the emulator's default token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bare_command(env: dict[str, str]) -> list[str]:
    from bot.server import server_options

    opts = server_options(Settings(port=int(env["PORT"])), env)
    return [
        sys.executable, "-m", "gunicorn", "bench.bare_app:wsgi",
        "--bind", f"127.0.0.1:{env['PORT']}",
        "--worker-class", str(opts["worker_class"]),
        "--workers", str(opts["workers"]),
        "--threads", str(opts["threads"]),
        "--timeout", str(opts["timeout"]),
        "--graceful-timeout", str(opts["graceful_timeout"]),
        "--keep-alive", str(opts["keepalive"]),
        "--log-level", str(opts["loglevel"]),
    ]  # fmt: skip


def _bare_async_command(env: dict[str, str]) -> list[str]:
    """The AsyncApp baseline under uvicorn, with as many worker processes as gunicorn has."""
    from bot.server import server_options

    opts = server_options(Settings(port=int(env["PORT"])), env)
    return [
        sys.executable, "-m", "uvicorn", "bench.bare_async:asgi",
        "--host", "127.0.0.1", "--port", env["PORT"],
        "--workers", str(opts["workers"]),
        "--timeout-keep-alive", str(opts["keepalive"]),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip


def _bot_async_command(env: dict[str, str]) -> list[str]:
    """The bot's `AsyncApp` variant under uvicorn (`bot/asgi.py`), as many workers as serve."""
    from bot.server import server_options

    opts = server_options(Settings(port=int(env["PORT"])), env)
    return [
        sys.executable, "-m", "uvicorn", "bot.asgi:create", "--factory",
        "--host", "127.0.0.1", "--port", env["PORT"],
        "--workers", str(opts["workers"]),
        "--timeout-keep-alive", str(opts["keepalive"]),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip


def _serve_command() -> list[str]:
    script = Path(sys.executable).parent / "practice-bot"
    return [str(script), "serve"] if script.exists() else [sys.executable, "-m", "bot", "serve"]


@dataclass
class Server:
    kind: str  # "bot", "bot-async" (bot/asgi.py), "bare" (gunicorn gthread), "bare-async"
    process: subprocess.Popen[bytes]
    port: int
    startup_seconds: float

    def rss_mb(self) -> float:
        """Resident memory of the master and all its descendants (VmRSS summed), in MB: a page
        shared by several processes counts once in each."""
        return _sum_kb(self.pids(), "status", "VmRSS:") / 1024

    def pss_mb(self) -> float:
        """What the master and its descendants cost together (Pss summed, in MB): each page
        counts divided by the number of processes sharing it, so pages a worker shares with
        the master it was forked from count once in the total."""
        return _sum_kb(self.pids(), "smaps_rollup", "Pss:") / 1024

    def pids(self) -> list[int]:
        pids = [self.process.pid]
        seen: list[int] = []
        while pids:
            pid = pids.pop()
            seen.append(pid)
            pids += _children(pid)
        return seen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False


def start_server(
    kind: str,
    *,
    database_url: str = "sqlite:///bench/out/unused.db",
    api_url: str = "http://127.0.0.1:9/api/",
    extra_env: dict[str, str] | None = None,
    timeout: float = 30.0,
    log_path: Path | None = None,
) -> Server:
    """Start and wait for the first 200 on /healthz; `startup_seconds` is that wait."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WEB_"))}
    env.update(
        {
            "PORT": str(port),
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": database_url,
            "CONTENT_DIR": str(ROOT / "content"),
            "SCHEDULER": "off",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra_env or {})
    commands = {"bot": _serve_command, "bare": lambda: _bare_command(env),
                "bare-async": lambda: _bare_async_command(env),
                "bot-async": lambda: _bot_async_command(env)}  # fmt: skip
    command = commands[kind]()
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} server exited with {process.returncode}")
            if _healthy(port):
                return Server(kind, process, port, time.perf_counter() - started)
            time.sleep(0.02)
        raise RuntimeError(f"{kind} server not healthy after {timeout:.0f} s")
    except BaseException:
        process.kill()
        process.wait(5)
        raise


def _sum_kb(pids: list[int], proc_file: str, field: str) -> int:
    """Sum one `field: <n> kB` line of /proc/<pid>/<proc_file> over the processes."""
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/{proc_file}").read_text().splitlines():
                if line.startswith(field):
                    total_kb += int(line.split()[1])
        except OSError:
            pass  # the process has exited meanwhile
    return total_kb
