"""`python -m tests.simulation` (`make simulate SEEDS=N WEEKS=W`): run seeded simulations of
the whole bot with faults and report; on a failure, the command that replays it and the
shortest plan that still fails."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from tests.simulation.report import run_seeds
from tests.simulation.run import WORKSPACES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.simulation", description=__doc__)
    parser.add_argument("--seeds", type=int, default=20, help="run seeds 1..N (default 20)")
    parser.add_argument("--seed", type=int, help="run only this seed (a replay)")
    parser.add_argument("--weeks", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help="on PostgreSQL (else SQLite)")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument(
        "--workspaces", type=int, default=WORKSPACES, help="1: the single-token mode"
    )
    parser.add_argument("--trace", action="store_true", help="print every step's line")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # faults make the bot log on purpose
    seeds = [args.seed] if args.seed is not None else list(range(1, args.seeds + 1))
    started = time.monotonic()
    failed = run_seeds(
        seeds, args.weeks, postgres=args.postgres, faults=not args.no_faults,
        show_trace=args.trace, out=sys.stdout, workspaces=args.workspaces,
    )  # fmt: skip
    print(f"{len(seeds) - len(failed)} of {len(seeds)} seeds clean in "
          f"{time.monotonic() - started:.0f} s")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
