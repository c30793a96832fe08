"""Functions and modules in bot/ stay short: over 60 lines, a function is split into named
pieces; over 400 lines, a module is split by what it holds.

The emulator (a stand-in for Slack, not the bot) is left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
MAX_LINES = 60
MAX_MODULE_LINES = 400


def _checked(relative: str) -> bool:
    return not relative.startswith("emulator/")


def _long_functions(root: Path) -> list[str]:
    """`file:line name (n lines)` of every function over MAX_LINES under `root`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if not _checked(relative):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_LINES:
                    found.append(f"{relative}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_in_bot_is_over_60_lines() -> None:
    assert _long_functions(BOT) == []


def test_no_module_in_bot_is_over_400_lines() -> None:
    long_modules = [
        f"{path.relative_to(BOT).as_posix()} ({lines} lines)"
        for path in sorted(BOT.rglob("*.py"))
        if _checked(path.relative_to(BOT).as_posix())
        and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert long_modules == []


def test_the_check_finds_a_long_method_and_skips_the_emulator(tmp_path: Path) -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(MAX_LINES))
    short = "    def short(self) -> None:\n        pass\n"
    code = f"class C:\n    def long(self) -> None:\n{body}\n\n{short}"
    (tmp_path / "emulator").mkdir()
    (tmp_path / "practice").mkdir()
    (tmp_path / "practice" / "a.py").write_text(code)
    (tmp_path / "emulator" / "b.py").write_text(code)
    assert _long_functions(tmp_path) == [f"practice/a.py:2 long ({MAX_LINES + 1} lines)"]
