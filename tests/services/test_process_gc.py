"""Every bot process runs the garbage collector's youngest generation less often than
Python's default (`bot.runtime.tune_gc`, why: its comment)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import gc
from bot.runtime import GC_YOUNGEST, bootstrap
from bot.settings import Settings

before = gc.get_threshold()
runtime = bootstrap(Settings(bot_token="xoxb-test", signing_secret="s", database_url={url!r}))
runtime.close()
after = gc.get_threshold()
assert before[0] == 700, before
assert after == (GC_YOUNGEST, before[1], before[2]), after
print("ok")
"""


def test_bootstrap_sets_the_collectors_thresholds(tmp_path: Path) -> None:
    # A fresh interpreter: the test process's own thresholds are whatever earlier tests left.
    url = f"sqlite:///{tmp_path / 'gc.db'}"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(url=url)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
