"""The bench caches its generated year of history by a hash of the schema's sources: the hash
must read the files the schema lives in (a moved models module once broke `make bench`)."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

import bot.models
from bench.leaderboard import schema_hash


def test_schema_hash_reads_every_models_module_and_the_migrations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[str] = []
    original = Path.read_bytes

    def recording(path: Path) -> bytes:
        read.append(path.as_posix())
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", recording)
    assert len(schema_hash()) == 12
    modules = {m.name for m in pkgutil.iter_modules(bot.models.__path__)} | {"__init__"}
    assert len(modules) > 1
    for name in modules:
        assert any(p.endswith(f"/bot/models/{name}.py") for p in read), name
    assert any("/migrations/versions/" in p for p in read)
