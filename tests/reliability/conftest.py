"""The reliability suite's fixtures and its results table.

Each test names the fault it tries and what the bot must do with `@pytest.mark.fault(...)`.
At the end of the run every such test's outcome (per database) is written as JSON to
`$RELIABILITY_RESULTS` (default `build/reliability-results.json`);
`python -m tests.reliability.report` renders `docs/reliability.md` from that file, so the
table says what the suite actually observed, not what we hoped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import enrolled, handled, stage

RESULTS = Path(os.environ.get("RELIABILITY_RESULTS", "build/reliability-results.json"))
_rows: list[dict[str, Any]] = []

__all__ = ["enrolled", "handled", "stage"]  # the end-to-end stage fixtures, shared


def _database(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec else {}
    for name in ("database_url", "db"):
        if name in params:
            return str(params[name])
    if "sqlite_url" in getattr(item, "fixturenames", ()):
        return "sqlite"  # a SQLite-only fault (file locking)
    return "any"  # no database involved


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("fault")
    if marker is None:
        return
    fault, did = marker.args
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("stack", "wsgi") != "wsgi":
        return  # the table is the default stack's; a failure on the variant still fails the run
    if report.when == "call" or (report.when == "setup" and not report.passed):
        status = "passed" if report.passed else "skipped" if report.skipped else "failed"
        if report.skipped and isinstance(report.longrepr, tuple):
            status = f"skipped: {report.longrepr[2].removeprefix('Skipped: ')}"
        _rows.append(
            {
                "test": item.nodeid.split("[")[0],
                "fault": fault,
                "outcome": did,
                "database": _database(item),
                "result": status,
                "seconds": round(report.duration, 2),
            }
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _rows:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(_rows, indent=1) + "\n")
