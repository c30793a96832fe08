"""`SlackEmulator`: a loopback HTTP server that speaks the Slack Web API.

Point slack_sdk's `WebClient(base_url=emulator.api_url)` at it. Every call is recorded, faults
can be queued per method, and Slack's rate limits can be switched on for benchmarks.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.emulator.faults import FaultPlan, RateLimiter, Refusal
from bot.emulator.methods import WebApi, decode_args
from bot.emulator.state import ApiError, Ephemeral, StoredFile, Team, WorkspaceState

# oauth.v2.access authenticates with client credentials, not a bearer token.
TOKENLESS_METHODS = frozenset({"oauth.v2.access"})


@dataclass
class Call:
    """One Web API request as the emulator saw and answered it."""

    method: str
    args: dict[str, Any]
    response: dict[str, Any]
    status: int
    at: float
    team_id: str | None
    headers: dict[str, str] = field(default_factory=dict)
    token: str | None = None  # the bearer token the call came with (None: none)
    # The connection was closed without an answer (`fail_next(drop=...)`): the client saw no
    # response, whatever `response` says Slack did.
    dropped: bool = False


# `_api_call`'s status for "close the connection, answer nothing".
DROP = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: SlackEmulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-call (killed on purpose by a test) is not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive for clients that reuse connections
    # Headers and body go out in two writes; with Nagle on, keep-alive clients stall ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; it would dominate benchmark time."""

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def _dispatch(self, body: bytes) -> None:
        url = urlsplit(self.path)
        emulator = self.server.emulator
        if url.path.startswith("/api/"):
            args = dict(parse_qsl(url.query, keep_blank_values=True))
            args.update(_parse_body(body, self.headers.get("Content-Type", "")))
            token = _bearer(self.headers.get("Authorization")) or args.pop("token", None)
            status, payload, headers = emulator._api_call(url.path[5:], args, token)
        elif url.path.startswith("/upload/"):
            content = _multipart_file(body, self.headers.get("Content-Type", "")) or body
            status, payload, headers = emulator._upload(url.path[8:], content)
        elif url.path.startswith("/response/"):
            status, payload, headers = emulator._respond(url.path[10:], body)
        else:
            status, payload, headers = 404, {"ok": False, "error": "not_found"}, {}
        if status == DROP:  # as a load balancer or a dead peer would: no status line at all
            self.close_connection = True
            return
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def _parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if "application/json" in content_type:
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else {}
    if "multipart/form-data" in content_type:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            fields[str(name)] = data if part.get_filename() else data.decode()
        return fields
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def _multipart_file(body: bytes, content_type: str) -> bytes | None:
    """The first file part of a multipart upload, or None for a raw-bytes upload."""
    if "multipart/form-data" not in content_type:
        return None
    for value in _parse_body(body, content_type).values():
        if isinstance(value, bytes):
            return value
    return None


class SlackEmulator:
    """A fake Slack (Web API + response_urls + upload URLs) on 127.0.0.1:<free port>."""

    def __init__(self, state: WorkspaceState | None = None) -> None:
        self.state = state or WorkspaceState()
        self.calls: list[Call] = []
        self.faults = FaultPlan()
        self.rate_limiter = RateLimiter(lambda: self.state.clock())
        self.web_api = WebApi(self.state, lambda: self.base_url)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._calls_lock = threading.Lock()
        self._changed = threading.Condition(self._calls_lock)

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> SlackEmulator:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.emulator = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackEmulator is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def api_url(self) -> str:
        """What to pass as `WebClient(base_url=...)`."""
        return self.base_url + "api/"

    def clock(self) -> float:
        return self.state.clock()

    # --- fault injection and limits ----------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        drop: str | None = None,
    ) -> None:
        """Make the next `times` calls to `method` fail with an HTTP status or `ok: false`.

        `delay` (real seconds) makes each such call hang first; with no status and no error the
        call then succeeds (a slow Slack), e.g. to kill a client while its request is in flight.
        `drop`: the connection is closed with no answer, "before" the method runs or "after" it
        (a timeout, when `delay` outlasts the client's): the client cannot tell which.
        """
        self.faults.add(
            method, status=status, error=error, retry_after=retry_after, times=times, delay=delay,
            drop=drop,
        )  # fmt: skip

    def enforce_rate_limits(
        self,
        per_channel_per_second: float | None = 1.0,
        per_method_per_minute: dict[str, int] | None = None,
    ) -> None:
        """Answer 429 + Retry-After like Slack once these limits are exceeded."""
        self.rate_limiter.configure(per_channel_per_second, per_method_per_minute)

    @property
    def rate_limited_count(self) -> int:
        """How many calls were answered 429 by the rate limiter (not by `fail_next`)."""
        return sum(self.rate_limiter.limited.values())

    # --- request handling (called from server threads) ---------------------------------
    def _api_call(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        team: Team | None = None
        with self.state.lock:
            team_id = self.state.tokens.get(token or "")
            if team_id is not None:
                team = self.state.teams[team_id]
            elif method in TOKENLESS_METHODS:
                team = next(iter(self.state.teams.values()))
        status, headers = 200, {}
        refusal: Refusal | None = None
        drop: str | None = None
        drop_delay = 0.0
        bad_args: str | None = None
        try:
            # Record decoded args so tests can assert on blocks/metadata as structures.
            args = decode_args(args)
        except ApiError as error:
            bad_args = error.error
        if team is None:
            body: dict[str, Any] = {
                "ok": False,
                "error": "not_authed" if not token else "invalid_auth",
            }
        elif bad_args is not None:
            body = {"ok": False, "error": bad_args}
        elif not self.web_api.knows(method):
            body = {"ok": False, "error": "unknown_method"}
        else:
            refusal = self.faults.take(method)
            if refusal is not None and refusal.drop is not None:
                drop, drop_delay = refusal.drop, refusal.delay
            if drop == "before":
                time.sleep(drop_delay)
                body = {"ok": False, "error": "connection_dropped"}
                self._record(Call(method, args, body, DROP, self.clock(), team.id, {}, token,
                                  dropped=True))  # fmt: skip
                return DROP, body, {}
            if refusal is not None and refusal.delay and drop is None:
                time.sleep(refusal.delay)
            if refusal is not None and refusal.proceed:
                refusal = None
            refusal = refusal or self.rate_limiter.check(
                method, str(args.get("channel") or "") or None
            )
            if refusal is not None:
                status = refusal.status
                body = {"ok": False, "error": refusal.error}
                if refusal.retry_after is not None:
                    headers["Retry-After"] = str(refusal.retry_after)
            else:
                try:
                    body = {"ok": True, **self.web_api.call(method, args, team)}
                except ApiError as error:
                    body = {"ok": False, "error": error.error, **error.extra}
        self._record(
            Call(
                method, args, body, status, self.clock(), team.id if team else None, headers,
                token, dropped=drop == "after",
            )
        )  # fmt: skip
        if drop == "after":  # done, and then the answer never reaches the client
            time.sleep(drop_delay)
            return DROP, body, headers
        return status, body, headers

    def _upload(self, file_id: str, content: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        status, body = 200, dict[str, Any](ok=True)
        try:
            self.web_api.store_upload(file_id, content)
        except ApiError:
            status, body = 404, {"ok": False, "error": "file_not_found"}
        # Recorded under pseudo-method names so tests can see every request the app made.
        args = {"file_id": file_id, "size": len(content)}
        self._record(Call("upload", args, body, status, self.clock(), None))
        return status, body, {}

    def _respond(self, response_id: str, raw: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            payload = {"text": raw.decode(errors="replace")}
        status, body = 200, dict[str, Any](ok=True)
        try:
            self.web_api.respond(response_id, payload)
        except ApiError as error:
            status, body = 404, {"ok": False, "error": error.error}
        args = dict(payload, response_id=response_id) if isinstance(payload, dict) else {}
        self._record(Call("response_url", args, body, status, self.clock(), None))
        return status, body, {}

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # --- assertions helpers ------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._calls_lock:
            return [c for c in self.calls if c.method == method]

    def clear_calls(self) -> None:
        with self._calls_lock:
            self.calls.clear()

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 3.0) -> Any:
        """Block until `predicate()` is truthy (Bolt acks before its listeners finish)."""
        deadline = time.monotonic() + timeout
        while True:
            # Evaluate outside the lock: predicates read state under their own locks.
            result = predicate()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("condition not met within timeout")
            with self._changed:
                self._changed.wait(min(remaining, 0.05))

    def wait_for_call(self, method: str, count: int = 1, timeout: float = 3.0) -> list[Call]:
        return self.wait_for(
            lambda: (c := self.calls_to(method)) and len(c) >= count and c, timeout
        )

    def messages(
        self, channel: str, *, thread_ts: str | None = None, include_thread: bool = False
    ) -> list[dict[str, Any]]:
        """Messages in post order: top level only, one thread, or everything."""
        with self.state.lock:
            stored = self.state.messages.get(channel, [])
            if thread_ts is not None:
                chosen = [m for m in stored if m.ts == thread_ts or m.thread_ts == thread_ts]
            elif include_thread:
                chosen = list(stored)
            else:
                chosen = [m for m in stored if m.thread_ts in (None, m.ts)]
            return [m.to_json() for m in chosen]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        return self.messages(channel, thread_ts=ts)

    def ephemerals(self, user: str | None = None, channel: str | None = None) -> list[Ephemeral]:
        with self.state.lock:
            return [
                e
                for e in self.state.ephemerals
                if (user is None or e.user == user) and (channel is None or e.channel == channel)
            ]

    def dm_channel(self, user: str) -> str | None:
        return self.state.dm_id([user])

    def dms(self, user: str) -> list[dict[str, Any]]:
        """Messages in the app's IM with `user` (threads included), oldest first."""
        channel = self.dm_channel(user)
        return self.messages(channel, include_thread=True) if channel else []

    def open_views(self, user: str) -> list[dict[str, Any]]:
        with self.state.lock:
            return [
                r.view
                for r in self.state.views.values()
                if r.user == user and r.open and r.kind == "modal"
            ]

    def view(self, view_id: str) -> dict[str, Any]:
        with self.state.lock:
            return self.state.view_record(view_id).view

    def home(self, user: str) -> dict[str, Any] | None:
        with self.state.lock:
            view_id = self.state.homes.get(user)
            return self.state.views[view_id].view if view_id else None

    def reactions(self, channel: str, ts: str) -> dict[str, list[str]]:
        with self.state.lock:
            found = self.state.find_message(channel, ts).reactions
            return {name: list(users) for name, users in found.items()}

    def files(self) -> list[StoredFile]:
        with self.state.lock:
            return [f for f in self.state.files.values() if f.completed]

    def files_in(self, channel_id: str) -> list[StoredFile]:
        """The files shared in one channel or DM, oldest first, with their bytes."""
        return [f for f in self.files() if f.channel_id == channel_id]

    def add_users(self, users: Iterable[tuple[str, str]]) -> None:
        """Shorthand for several `state.add_user(id, name)` calls."""
        for user_id, name in users:
            self.state.add_user(user_id, name)
