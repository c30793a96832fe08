"""Several `serve` instances on one database: every scheduled post happens once.

Each instance is a runtime of its own (its own engine and connection pool, as a separate
process has), against the same database and the same Slack; all tick at the same instant.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext

import pytest

from bot.emulator.stage import Stage
from bot.jobs import registry, run_all_due
from bot.runtime import Runtime, bootstrap
from tests.e2e.conftest import CREATOR, MEMBERS
from tests.e2e.reads import NINE_NY, prompts

CHANNELS = [f"C0MANY{i}" for i in range(6)]
INSTANCES = 4


@pytest.mark.parametrize("advisory_lock", ["on", "always-granted"])
def test_instances_ticking_at_the_same_instant_post_each_prompt_once(
    stage: Stage, advisory_lock: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if advisory_lock == "always-granted":  # the claims alone must keep it once
        monkeypatch.setattr(registry, "job_lock", lambda engine, name: nullcontext(True))
    for channel in CHANNELS:
        stage.add_channel(channel, channel.lower(), creator=CREATOR, members=[CREATOR, *MEMBERS])
        stage.enrol(channel, inviter=CREATOR)
    stage.set_time(NINE_NY)
    runtimes: list[Runtime] = [stage.runtime] + [
        bootstrap(stage.settings(), library=stage.runtime.library, clock=stage.now)
        for _ in range(INSTANCES - 1)
    ]
    barrier = threading.Barrier(INSTANCES)
    errors: list[BaseException] = []

    def tick(runtime: Runtime) -> None:
        try:
            barrier.wait()
            run_all_due(runtime, NINE_NY)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=tick, args=(r,)) for r in runtimes]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for runtime in runtimes[1:]:
            runtime.close()
    assert errors == []
    assert {c: len(prompts(stage, c)) for c in CHANNELS} == dict.fromkeys(CHANNELS, 1)
    posts = stage.slack.calls_to("chat.postMessage")
    assert len(posts) == 2 * len(CHANNELS)  # one welcome and one prompt each

    for runtime in runtimes[:1]:  # a later tick anywhere finds nothing left to do
        run_all_due(runtime, NINE_NY)
    assert len(stage.slack.calls_to("chat.postMessage")) == 2 * len(CHANNELS)
