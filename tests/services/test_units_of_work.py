"""Services read through `read_only` and write through `unit_of_work` (docs/architecture.md,
"Rules"): a `unit_of_work` block that never commits only reads, and on SQLite it would take
the write lock (`BEGIN IMMEDIATE`) for nothing, queueing behind every writer. And no ORM row
leaves a unit of work: nothing in `bot/` needs `expunge` to keep one loaded."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def _opens(node: ast.With, name: str) -> bool:
    return any(
        isinstance(item.context_expr, ast.Call)
        and isinstance(item.context_expr.func, ast.Name)
        and item.context_expr.func.id == name
        for item in node.items
    )


def _commits(node: ast.With) -> bool:
    return any(
        isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Attribute)
        and inner.func.attr == "commit"
        for inner in ast.walk(node)
    )


def reading_units_of_work(root: Path) -> list[str]:
    """`file:line` of each `with unit_of_work(...)` block under `root` that never commits."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative == "db.py":  # read_only is built on it
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.With) and _opens(node, "unit_of_work") and not _commits(node):
                found.append(f"{relative}:{node.lineno}")
    return found


def test_every_unit_of_work_that_only_reads_is_read_only() -> None:
    assert reading_units_of_work(BOT) == []


def test_the_check_finds_a_reading_unit_of_work(tmp_path: Path) -> None:
    (tmp_path / "reads.py").write_text(
        "def f(sessions):\n"
        "    with unit_of_work(sessions) as session:\n"
        "        return session.get(1)\n"
        "    with unit_of_work(sessions) as session:\n"
        "        session.add(2)\n"
        "        session.commit()\n"
    )
    assert reading_units_of_work(tmp_path) == ["reads.py:2"]


def test_nothing_in_bot_expunges_a_row() -> None:
    users = [
        path.relative_to(BOT).as_posix()
        for path in sorted(BOT.rglob("*.py"))
        if "expunge" in path.read_text()
    ]
    assert users == []
