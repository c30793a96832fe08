"""The seeded simulation in CI: a bounded set of seeds on SQLite and PostgreSQL with faults on,
a replay that gives the same trace byte for byte, and a planted bug caught and shrunk.
`make simulate SEEDS=N WEEKS=W` runs more (docs/reliability.md)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.assets import DEFAULT_CONTENT_DIR
from bot.content import Library, load_library
from bot.practice import answers
from tests.simulation.plan import ANSWER_HOURS, POST_AT, Step, local, make_plan
from tests.simulation.run import simulate
from tests.simulation.shrink import shrink
from tests.simulation.world import community

# The seed CI runs on each database (one simulated week and the Monday after it, faults on).
# Seed 1 starts on 2 March (New York springs forward on the 8th), seed 7 on 19 October (Europe
# falls back on the 25th): clocks move both ways within CI. `make simulate` runs many more, two
# weeks a seed (about a minute and a half each on a quiet 2-core machine).
CI_SEED = {"sqlite": 1, "postgresql": 7}
WEEKS = 1


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(DEFAULT_CONTENT_DIR)


# Two simulated weeks take one to three minutes on a 2-core machine, and the Block Kit check
# after the test reads every call they made: past pytest's 120 s default.
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_seeded_weeks_hold_every_invariant(database_url: str, library: Library) -> None:
    postgres = database_url.startswith("postgresql")
    seed = CI_SEED["postgresql" if postgres else "sqlite"]
    outcome = simulate(database_url, seed, WEEKS, postgres=postgres, library=library)
    assert outcome.ok, (
        f"seed {seed} broke an invariant at step {outcome.failed_step}: {outcome.violations}\n"
        f"replay: make simulate SEED={seed} WEEKS={WEEKS}{' POSTGRES=1' if postgres else ''}"
    )
    assert len(outcome.trace) > 150  # it really ran the week


def test_ci_seeds_see_clocks_move_both_ways() -> None:
    starts = {community(seed).start for seed in CI_SEED.values()}
    assert {start.month for start in starts} == {3, 10}


def _first_days(seed: int, days: int) -> list[Step]:
    plan = make_plan(community(seed), 1, faults=True, postgres=False)
    end = plan[0].at + timedelta(days=days)
    return [step for step in plan if step.at < end]


def _fresh(template: Path, folder: Path, name: str) -> str:
    shutil.copy(template, folder / name)
    return f"sqlite:///{folder / name}"


@pytest.mark.timeout(600)
def test_the_same_seed_gives_the_same_trace(
    sqlite_template: Path, library: Library, tmp_path: Path
) -> None:
    steps = _first_days(3, 2)
    first = simulate(_fresh(sqlite_template, tmp_path, "a.db"), 3, 1, steps=steps, library=library)
    second = simulate(_fresh(sqlite_template, tmp_path, "b.db"), 3, 1, steps=steps, library=library)
    assert first.ok and second.ok
    assert "\n".join(first.trace).encode() == "\n".join(second.trace).encode()


@pytest.mark.timeout(900)
def test_a_planted_bug_is_caught_and_shrunk(
    sqlite_template: Path, library: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The bug: an edit never replaces the stored text (the newest-version rule inverted).
    monkeypatch.setattr(answers, "_case", lambda condition, then, otherwise: otherwise)
    world = community(4)
    plan = make_plan(world, 1, faults=False, postgres=False)
    tz = {c.id: c.tz for c in world.channels}

    def close(step: Step) -> datetime:
        assert step.day is not None
        return local(step.day, POST_AT, tz[step.channel]) + timedelta(hours=ANSWER_HOURS)

    # An edit made while the answers were open, so the stored answer must show it.
    edit = next(s for s in plan if s.kind == "edit" and s.at < close(s))
    # The edited answer's channel alone, up to the tick after its answers closed: still a plan.
    closes = next(s for s in plan if s.kind == "tick" and s.at >= close(edit))
    steps = [s for s in plan if s.at <= closes.at and s.channel in ("", edit.channel)
             and s.kind in ("tick", "answer", "edit")]  # fmt: skip
    runs = iter(range(1_000))

    def fails(candidate: list[Step]) -> bool:
        url = _fresh(sqlite_template, tmp_path, f"run{next(runs)}.db")
        outcome = simulate(url, 4, 1, steps=candidate, library=library)
        return any("Slack shows" in v for v in outcome.violations)  # the edit was lost

    assert fails(steps), "the simulation missed the planted bug"
    smallest = shrink(steps, fails, budget=30)
    assert fails(smallest) and len(smallest) < len(steps)
    kinds = [s.kind for s in smallest]
    assert "edit" in kinds and "answer" in kinds and kinds.count("tick") <= 3, kinds
