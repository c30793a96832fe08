"""A fixed, in-process workload of the thread-reply path, for profiling and before/after timing.

    python -m bench.ingest_profile [--replies 4000] [--db sqlite|postgres] [--profile DIR]

The bench's own setup (a fresh database, the emulator in its own process, an enrolled channel,
a posted prompt), then, in this process and its main thread:

- the ack path: the signed `message` events through the WSGI app (`bot.web.make_wsgi`), the
  writer's queue replaced by a list, so only the ack-path work is timed;
- with `--burst N`, a burst: N more replies (follow-ups) handed to a fresh writer's `submit`
  by 6 threads at once (Bolt's listener threads when the ack path found the queue full),
  timed to the end of `close()`, with the number of transactions it took;
- the writer: the captured replies recorded by `ReplyWriter.record` in batches of 200, the
  first reply of each user being a new answer (a reaction on the emulator), as in the bench:
  the recording thread's CPU and wall time per batch (how long the writer is busy), and the
  process's CPU and wall time for the whole phase, up to the last Slack call.

CPU time (`time.thread_time`) per request and per batch is nearly independent of the load
other processes put on the machine, unlike the bench's rates; `--profile DIR` also writes a
cProfile of each phase, in CPU time (read with `python -m pstats`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench.dbs import temp_database
from bench.emu import EmulatorProcess
from bench.latency import ADMIN, CHANNEL, _prepare_database, bench_runtime
from bench.latency import reply_requests as signed_requests
from bot.emulator.state import DEFAULT_BOT_USER_ID

BATCH = 200


def _environ(raw: bytes) -> dict[str, Any]:
    """A WSGI environ for one raw HTTP request as `bench.load` sends it."""
    head, body = raw.split(b"\r\n\r\n", 1)
    request_line, *lines = head.decode().split("\r\n")
    method, path, _ = request_line.split(" ")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "0",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
    }
    for line in lines:
        name, value = line.split(":", 1)
        key = name.strip().upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = f"HTTP_{key}"
        environ[key] = value.strip()
    return environ


class _Captured:
    """The writer's place in the runtime during the ack phase: takes every offer."""

    def __init__(self) -> None:
        self.replies: list[Any] = []

    def offer(self, reply: Any) -> bool:
        self.replies.append(reply)
        return True

    def close(self, timeout: float = 0.0) -> None:
        pass


def _timed(work: Callable[[], object], profiler: cProfile.Profile | None) -> float:
    started = time.thread_time()
    if profiler is not None:
        profiler.enable()
    work()
    if profiler is not None:
        profiler.disable()
    return time.thread_time() - started


def run(db: str, count: int, profile_dir: Path | None, burst: int = 0) -> None:
    from bot.slack.answer_receipts import acknowledge
    from bot.slack.app import build_app
    from bot.slack.ingest import ReplyWriter
    from bot.web import make_wsgi

    users = [f"U{i:05d}" for i in range(count // 2)]
    with temp_database(db, "profile") as url, EmulatorProcess() as emulator:
        emulator.call("add_users", users, ADMIN)
        emulator.call("add_channels", [CHANNEL], ADMIN, [*users, ADMIN, DEFAULT_BOT_USER_ID])
        thread_ts = _prepare_database(url, emulator)
        base = int(float(thread_ts)) + 1
        replies = [(users[i % len(users)], f"{base}.{i:06d}") for i in range(count)]
        for start in range(0, count, 2000):
            emulator.call("add_replies", CHANNEL, thread_ts, replies[start : start + 2000])
        runtime = bench_runtime(url, emulator)
        captured = _Captured()
        runtime.reply_writer = captured  # type: ignore[assignment]
        try:
            wsgi = make_wsgi(build_app(runtime), runtime)
            environs = [_environ(r) for r in signed_requests(0, thread_ts, replies)]

            def ack() -> None:
                for environ in environs:
                    status = _post(wsgi, environ)
                    assert status == "200 OK", status

            ack_profile = cProfile.Profile(time.thread_time) if profile_dir else None
            ack_cpu = _timed(ack, ack_profile)
            assert len(captured.replies) == count, len(captured.replies)

            writer = ReplyWriter(runtime, acknowledge)
            writer_profile = cProfile.Profile(time.thread_time) if profile_dir else None
            batches = [captured.replies[i : i + BATCH] for i in range(0, count, BATCH)]
            cpu, wall = [], []
            phase_cpu, phase_wall = time.process_time(), time.perf_counter()
            for batch in batches:
                started = time.perf_counter()
                cpu.append(_timed(lambda b=batch: writer.record(b), writer_profile))
                wall.append(time.perf_counter() - started)
            writer.close()  # every Slack call made
            phase_cpu = time.process_time() - phase_cpu
            phase_wall = time.perf_counter() - phase_wall
            reactions = emulator.call("calls", "reactions.add")
            if burst:
                _burst(runtime, captured.replies, burst, base + 1)
        finally:
            runtime.close()
    first, rest = cpu[: len(users) // BATCH], cpu[len(users) // BATCH :]
    print(f"{db}, {count} replies, {len(users)} users, {reactions} reactions")
    print(f"ack path: {ack_cpu / count * 1e6:,.0f} us CPU per request")
    print(
        f"writer, batches of {BATCH} new answers: median {statistics.median(first) * 1e3:,.1f} ms "
        f"thread CPU ({_per_reply(first)}), "
        f"wall {statistics.median(wall[: len(first)]) * 1e3:,.1f} ms"
    )
    print(
        f"writer phase, Slack calls included: {phase_cpu / count * 1e6:,.0f} us process CPU per "
        f"reply, {count / phase_wall:,.0f} replies/s"
    )
    if rest:
        print(
            f"writer, batches of {BATCH} follow-ups: median {statistics.median(rest) * 1e3:,.1f} "
            f"ms CPU ({_per_reply(rest)}), wall {statistics.median(wall[len(first) :]) * 1e3:,.1f}"
            " ms"
        )
    if profile_dir is not None and ack_profile and writer_profile:
        profile_dir.mkdir(parents=True, exist_ok=True)
        ack_profile.dump_stats(profile_dir / f"ack-{db}.pstats")
        writer_profile.dump_stats(profile_dir / f"writer-{db}.pstats")
        print(f"profiles in {profile_dir}")


def _burst(runtime: Any, template: list[Any], count: int, base: int) -> None:
    import dataclasses
    import threading

    from bot.slack import ingest
    from bot.slack.answer_receipts import acknowledge

    replies = [
        dataclasses.replace(
            template[i % len(template)], ts=f"{base}.{i:06d}", delivery_key=f"burst:{i}"
        )
        for i in range(count)
    ]
    real = ingest.record_thread_replies
    transactions = []

    def counted(*args: Any) -> Any:
        transactions.append(len(args[2]))
        return real(*args)

    ingest.record_thread_replies = counted  # type: ignore[assignment]
    try:
        writer = ingest.ReplyWriter(runtime, acknowledge)
        cpu, wall = time.process_time(), time.perf_counter()
        threads = [
            threading.Thread(target=lambda k=k: [writer.submit(r) for r in replies[k::6]])
            for k in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        writer.close(timeout=120)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        ingest.record_thread_replies = real
    print(
        f"burst of {count} through submit: {count / wall:,.0f} replies/s, "
        f"{cpu / count * 1e6:,.0f} us process CPU per reply, {len(transactions)} transactions "
        f"({sum(1 for n in transactions if n == 1)} of one reply)"
    )


def _per_reply(cpu: list[float]) -> str:
    return f"{statistics.median(cpu) / BATCH * 1e6:,.0f} us per reply"


def _post(wsgi: Callable[..., Iterable[bytes]], environ: dict[str, Any]) -> str:
    """The status line of one request through the WSGI app."""
    status: list[str] = []
    for _ in wsgi(environ, lambda line, headers, *exc: status.append(line)):
        pass
    return status[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=4000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--burst", type=int, default=0)
    args = parser.parse_args()
    run(args.db, args.replies, args.profile, args.burst)


if __name__ == "__main__":
    main()
