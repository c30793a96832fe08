"""A content folder's fingerprint: how running bots notice that the packs changed.

Running processes compare `content_fingerprint` on every scheduler tick (once a minute);
`practice-bot content reload` touches `RELOAD_MARKER`, which changes it even when only a
file's content, not its size, changed.
"""

from __future__ import annotations

from pathlib import Path

RELOAD_MARKER = ".reload"


def content_fingerprint(content_dir: Path | str) -> tuple[int, int]:
    """(file count, newest mtime in ns) of a content folder: cheap change detection."""
    newest, count = 0, 0
    for path in Path(content_dir).rglob("*"):
        if path.is_file() and (path.suffix in (".yaml", ".yml") or path.name == RELOAD_MARKER):
            count += 1
            newest = max(newest, path.stat().st_mtime_ns)
    return count, newest
