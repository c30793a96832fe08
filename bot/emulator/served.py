"""The stage's app served in-process on a loopback port: the WSGI app under wsgiref's threading
server, or the `AsyncApp` variant (`bot/asgi.py`) under uvicorn."""

from __future__ import annotations

import socket
import threading
import time
from socketserver import ThreadingMixIn
from typing import Any, Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.web import WSGIApp


class Served(Protocol):
    port: int

    def stop(self) -> None: ...


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # socketserver's default backlog (5) resets connections when many clients send at once.
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Per-request lines would drown the test output."""


class WsgiServed:
    def __init__(self, wsgi: WSGIApp) -> None:
        self._server = make_server(
            "127.0.0.1", 0, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self.port = int(self._server.server_address[1])
        # A short poll: `stop` waits one poll for the loop to see the shutdown (default 0.5 s).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class AsgiServed:
    """uvicorn on its own event loop, in a thread (no lifespan: the stage built the app)."""

    def __init__(self, asgi: Any) -> None:
        import uvicorn

        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        config = uvicorn.Config(
            asgi, lifespan="off", log_level="warning", access_log=False, loop="asyncio",
            timeout_graceful_shutdown=1,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()
