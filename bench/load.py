"""A bounded load generator: C keep-alive HTTP/1.1 clients on asyncio streams, pre-built requests.

Each client sends its next request as soon as the previous answer is in (closed loop), so the
offered load is "C users hammering the server". Latency is measured per request from the first
byte written to the last byte of the answer read. Every run is bounded in requests and in time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, completed requests only
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[index] * 1000

    @property
    def ok(self) -> bool:
        return self.errors == 0 and set(self.statuses) <= {200}


def build_request(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    close = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


async def _run(
    host: str, port: int, requests: list[bytes], concurrency: int, max_seconds: float
) -> LoadResult:
    result = LoadResult()
    queue = iter(requests)
    deadline = time.perf_counter() + max_seconds

    async def client() -> None:
        reader = writer = None
        try:
            for raw in queue:
                if time.perf_counter() > deadline:
                    return
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                    sock = writer.get_extra_info("socket")
                    if sock is not None:
                        import socket

                        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                started = time.perf_counter()
                try:
                    writer.write(raw)
                    status, close = await asyncio.wait_for(_read_response(reader), 10)
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                    result.errors += 1
                    writer.close()
                    reader = writer = None
                    continue
                result.latencies.append(time.perf_counter() - started)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if close:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def run_load(
    url_host: str,
    port: int,
    requests: list[bytes],
    *,
    concurrency: int = 50,
    max_seconds: float = 30.0,
) -> LoadResult:
    """Send every request in `requests` (at most `max_seconds`) from `concurrency` clients."""
    return asyncio.run(_run(url_host, port, requests, concurrency, max_seconds))
