"""Where the migrations and the default content packs are, from any working directory.

An installed package carries them as `bot/_data/migrations` and `bot/_data/content`
(package data built from the top-level folders, see setup.py); a source checkout, editable
install included, reads the top-level `migrations/` and `content/` themselves.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


MIGRATIONS_DIR = _bundled("migrations")
# The packs used when CONTENT_DIR is not set.
DEFAULT_CONTENT_DIR = _bundled("content")
