"""A TCP proxy between the app and PostgreSQL that can play a server restart.

Restarting the shared PostgreSQL server under the suite would break every other test's pooled
connections (and anyone else's work on the machine), so the simulation restarts it as the app
sees it: `restart()` cuts every open connection (as a server going down does) and refuses new
ones for a short real window (connection refused, as while it starts up), then accepts again.
Stdlib only: one thread accepting, two pumping bytes per connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType

from sqlalchemy.engine import make_url


class PgProxy:
    """`with PgProxy() as proxy:` connect to `proxy.url(database_url)` instead of the server."""

    def __init__(self, host: str = "127.0.0.1", port: int = 5432) -> None:
        self.target = (host, port)
        self.port = 0
        self.restarts = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def url(self, database_url: str) -> str:
        """`database_url` pointed at the proxy (same database, user and driver)."""
        found = make_url(database_url)
        self.target = (found.host or "127.0.0.1", found.port or 5432)
        return found.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    # --- lifecycle -----------------------------------------------------------------------
    def start(self) -> PgProxy:
        self._listen()
        return self

    def stop(self) -> None:
        self._close_listener()
        self._cut_all()

    def __enter__(self) -> PgProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def restart(self, down: float = 1.0) -> int:
        """The server goes down (every connection cut), stays down `down` real seconds
        (connections refused), and comes back on the same port. How many were cut."""
        self._close_listener()
        cut = self._cut_all()
        time.sleep(down)
        self._listen()
        self.restarts += 1
        return cut

    # --- inside --------------------------------------------------------------------------
    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        # shutdown wakes the thread blocked in accept() (close alone does not, on Linux)
        _close(listener)

    def _cut_all(self) -> int:
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            _close(sock)
        return len(sockets) // 2

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: the server is down
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._listener is not listener:  # went down meanwhile
                    _close(client)
                    _close(upstream)
                    return
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
