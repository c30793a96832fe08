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
from tests.simulation.databases import fresh_database
from tests.simulation.plan import (
    ANSWER_HOURS,
    DELIVERIES,
    FAULTS,
    POST_AT,
    PROCESS_FAULTS,
    Step,
    local,
    make_plan,
)
from tests.simulation.report import replay_command
from tests.simulation.run import simulate
from tests.simulation.shrink import shrink
from tests.simulation.world import Community, community

# The seeds CI runs on each database: one simulated week (and the Monday after) each, faults
# on, two workspaces. Chosen so that, together, clocks spring forward and fall back on each
# database, and every fault the planner knows happens at least once
# (`test_ci_seeds_cover_every_fault` checks it from the plans). `make simulate` runs many more,
# two weeks a seed.
CI_SEEDS = {"sqlite": (3, 7), "postgresql": (10, 15)}
WEEKS = 1


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(DEFAULT_CONTENT_DIR)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_seeded_weeks_hold_every_invariant(database_url: str, library: Library) -> None:
    postgres = database_url.startswith("postgresql")
    failures = []
    for seed in CI_SEEDS["postgresql" if postgres else "sqlite"]:
        with fresh_database(postgres) as url:
            outcome = simulate(url, seed, WEEKS, postgres=postgres, library=library)
        if outcome.ok:
            assert len(outcome.trace) > 150  # it really ran the week
        else:
            failures.append(
                f"seed {seed} broke an invariant at step {outcome.failed_step}: "
                f"{outcome.violations}\n  replay: {replay_command(seed, WEEKS, postgres)}"
            )
    assert not failures, "\n".join(failures)


def _ci_plans() -> dict[str, list[tuple[Community, list[Step]]]]:
    return {
        database: [
            (world := community(seed), make_plan(world, WEEKS, faults=True,
                                                 postgres=database == "postgresql"))
            for seed in seeds
        ]
        for database, seeds in CI_SEEDS.items()
    }  # fmt: skip


def test_ci_seeds_cover_every_fault() -> None:
    """What CI's few seeds must see between them, read from their plans (no run needed)."""
    plans = _ci_plans()
    for database, runs in plans.items():
        months = {world.start.month for world, _ in runs}
        # March: New York springs forward; September or October: Sydney springs forward and
        # Berlin or New York fall back.
        assert 3 in months and months & {9, 10}, (database, months)
        assert all(len(world.teams) >= 2 for world, _ in runs), database
        teams = {c.team for world, _ in runs for c in world.channels}
        assert len(teams) >= 2, database
    every = [step for runs in plans.values() for _, plan in runs for step in plan]
    faults = {step.detail for step in every if step.kind == "fault"}
    assert {f"{method}:{how}" for method, how in FAULTS} <= faults
    deliveries = {step.detail for step in every if step.kind in ("answer", "edit")}
    assert set(DELIVERIES) <= deliveries
    kinds = {step.kind for step in every}
    assert {"revoke", "forget", "away", "quiet", "volunteer", "mock", "restart"} <= kinds
    # The bot removed from a channel, Slack's events about it delivered and lost.
    assert {s.detail for s in every if s.kind == "remove-bot"} == {"delivered", "lost"}
    postgres = {step.kind for _, plan in plans["postgresql"] for step in plan}
    assert set(PROCESS_FAULTS) <= postgres
    # A revoked workspace must not stop the process from starting again (OAuth mode).
    assert any(
        step.kind == "restart" and any(r.kind == "revoke" and r.at < step.at for r in plan)
        for runs in plans.values()
        for _, plan in runs
        for step in plan
    )


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
    # One workspace: the single-token mode stays exercised in CI.
    world = community(4, workspaces=1)
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
        outcome = simulate(url, 4, 1, steps=candidate, library=library, workspaces=1)
        return any("Slack shows" in v for v in outcome.violations)  # the edit was lost

    assert fails(steps), "the simulation missed the planted bug"
    smallest = shrink(steps, fails, budget=30)
    assert fails(smallest) and len(smallest) < len(steps)
    kinds = [s.kind for s in smallest]
    assert "edit" in kinds and "answer" in kinds and kinds.count("tick") <= 3, kinds
