"""Running seeds and reporting them: one line per seed; for a failure, the violations, the
command that replays it and the shrunk plan's trace."""

from __future__ import annotations

import time
from typing import TextIO

from bot.assets import DEFAULT_CONTENT_DIR
from bot.content import Library, load_library
from tests.simulation.databases import fresh_database
from tests.simulation.invariants import kind_of
from tests.simulation.plan import Step, make_plan
from tests.simulation.run import WORKSPACES, Outcome, simulate
from tests.simulation.shrink import shrink
from tests.simulation.world import community

CHANNELS_PER_SEED = 4


def replay_command(seed: int, weeks: int, postgres: bool, workspaces: int = WORKSPACES) -> str:
    extra = " POSTGRES=1" if postgres else ""
    extra += f" WORKSPACES={workspaces}" if workspaces != WORKSPACES else ""
    return f"make simulate SEED={seed} WEEKS={weeks}{extra}"


def run_one(
    seed: int,
    weeks: int,
    *,
    postgres: bool,
    faults: bool,
    library: Library,
    steps: list[Step] | None = None,
    workspaces: int = WORKSPACES,
) -> Outcome:
    with fresh_database(postgres) as url:
        return simulate(url, seed, weeks, faults=faults, postgres=postgres, steps=steps,
                        library=library, workspaces=workspaces)  # fmt: skip


def shrunk(
    seed: int,
    weeks: int,
    *,
    postgres: bool,
    faults: bool,
    library: Library,
    budget: int = 40,
    workspaces: int = WORKSPACES,
) -> tuple[list[Step], Outcome]:
    """The seed's plan cut to the shortest that still fails, and that run's outcome."""
    plan = make_plan(community(seed, workspaces), weeks, faults=faults, postgres=postgres)
    first = run_one(seed, weeks, postgres=postgres, faults=faults, library=library, steps=plan,
                    workspaces=workspaces)  # fmt: skip
    if first.ok:
        return plan, first
    # Steps after the failing one cannot matter.
    plan = plan[: (first.failed_step if first.failed_step is not None else len(plan)) + 1]
    found: dict[int, Outcome] = {}

    wanted = kind_of(first.violations[0])

    def fails(steps: list[Step]) -> bool:
        """The same kind of failure (shrinking must not wander off to another one)."""
        outcome = run_one(seed, weeks, postgres=postgres, faults=faults, library=library,
                          steps=steps, workspaces=workspaces)  # fmt: skip
        found[len(steps)] = outcome
        return any(kind_of(v) == wanted for v in outcome.violations)

    smallest = shrink(plan, fails, budget)
    return smallest, found.get(len(smallest)) or run_one(
        seed, weeks, postgres=postgres, faults=faults, library=library, steps=smallest,
        workspaces=workspaces,
    )  # fmt: skip


def run_seeds(
    seeds: list[int],
    weeks: int,
    *,
    postgres: bool,
    faults: bool,
    show_trace: bool,
    out: TextIO,
    workspaces: int = WORKSPACES,
) -> list[int]:
    library = load_library(DEFAULT_CONTENT_DIR)
    failed = []
    for seed in seeds:
        started = time.monotonic()
        outcome = run_one(seed, weeks, postgres=postgres, faults=faults, library=library,
                          workspaces=workspaces)  # fmt: skip
        took = time.monotonic() - started
        if show_trace:
            out.write("\n".join(outcome.trace) + "\n")
        if outcome.ok:
            weeks_run = CHANNELS_PER_SEED * weeks
            out.write(f"seed {seed}: {len(outcome.trace)} steps, "
                      f"{weeks_run} channel-weeks clean ({took:.0f} s)\n")  # fmt: skip
            out.flush()
            continue
        failed.append(seed)
        out.write(f"seed {seed}: FAILED at step {outcome.failed_step} ({took:.0f} s)\n")
        out.writelines(f"  {line}\n" for line in outcome.violations)
        out.write(f"  replay: {replay_command(seed, weeks, postgres, workspaces)}\n")
        steps, small = shrunk(seed, weeks, postgres=postgres, faults=faults, library=library,
                              workspaces=workspaces)  # fmt: skip
        out.write(f"  shortest failing plan: {len(steps)} steps\n")
        out.writelines(f"    {line}\n" for line in small.trace)
        out.writelines(f"  -> {line}\n" for line in small.violations)
    return failed
