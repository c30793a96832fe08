"""`python -m bench` (or `make bench`): run the benchmarks, print the table, write
docs/benchmarks.md. See docs/benchmarks.md for what each row measures.

    python -m bench [--quick] [--only NAME[,NAME]] [--db sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    assignment,
    fanout,
    footprint,
    ingest,
    latency,
    leaderboard,
    morning,
    recovery,
    scrape,
)
from bench.dbs import postgres_available
from bench.table import Row, render

NAMES = (
    "latency",
    "ingest",
    "leaderboard",
    "assignment",
    "fanout",
    "recovery",
    "footprint",
    "morning",
)
DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


# Each bot stack and the bare app on the same server stack, as the table labels them.
PAIRS = (("bot", "bare", ""), ("bot-async", "bare-async", ", AsyncApp"))


def _server_benchmarks(dbs: list[str], names: set[str], quick: bool, log: list[str]) -> list[Row]:
    """Per database, each bot stack with its bare app up beside it: their ack phases take
    turns (`latency.alternate`), then their ingest phases (`ingest.alternate`); the default
    stack also has /metrics scraped. The floor is the faster bare stack of that database's two
    pairs."""
    sizes = latency.Sizes.for_run(quick)
    rows: list[Row] = []
    for db in dbs:
        bares: dict[str, latency.Measured] = {}
        bare_ingest: dict[str, ingest.Ingested] = {}
        ours: dict[str, latency.Measured] = {}
        ours_ingest: dict[str, ingest.Ingested] = {}
        for kind, same, _label in PAIRS:
            with (
                latency.bare_stack(sizes, same) as bare,
                latency.bot_stack(db, sizes, kind=kind) as stack,
            ):
                if "latency" in names:
                    got = latency.alternate({same: bare, kind: stack}, sizes)
                    bares[same], ours[kind] = got[same], got[kind]
                    if kind == "bot":
                        rows += scrape.rows(db, scrape.measure(stack, sizes.events))
                if "ingest" in names:
                    phases = ingest.alternate({same: bare, kind: stack}, sizes.ingest)
                    bare_ingest[same], ours_ingest[kind] = phases[same], phases[kind]
        for same, m in bares.items():
            log.append(
                f"{db} run, bare {latency.BARE_STACKS[same]}: commands p99 "
                f"{m.percentile('commands', 99):.1f} ms {m.rate('commands'):,.0f}/s, event acks "
                f"p99 {m.percentile('events', 99):.1f} ms {m.rate('events'):,.0f}/s"
            )
        for same, phases in bare_ingest.items():
            log.append(
                f"{db} run, bare {latency.BARE_STACKS[same]}: ingest acks {phases.rate:,.0f}/s"
                f" ({phases.spread()})"
            )
        for kind, same, label in PAIRS:
            if kind in ours:
                rows += latency.rows(db + label, ours[kind], bares, same=same)
                log.append(
                    f"latency {db}{label}: commands {ours[kind].rate('commands'):,.0f}/s, "
                    f"event acks {ours[kind].rate('events'):,.0f}/s"
                )
            if kind in ours_ingest:
                rows += ingest.rows(db + label, ours_ingest[kind], bare_ingest, same)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument("--only", default="", help=f"comma-separated subset of {', '.join(NAMES)}")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--no-write", action="store_true", help="print only, keep the docs")
    args = parser.parse_args(argv)
    names = set(filter(None, args.only.split(","))) or set(NAMES)
    unknown = names - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in dbs and not postgres_available():
        print("PostgreSQL is not reachable (BENCH_POSTGRES_URL); running SQLite only",
              file=sys.stderr)  # fmt: skip
        dbs = [d for d in dbs if d != "postgres"]

    started = time.perf_counter()
    log: list[str] = []
    rows: list[Row] = []

    def step(label: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {label}", file=sys.stderr, flush=True)

    if names & {"latency", "ingest"}:
        step("ack latency and ingest")
        rows += _server_benchmarks(dbs, names, args.quick, log)
    if "leaderboard" in names:
        for db in dbs:
            step(f"leaderboard at scale ({db})")
            rows += leaderboard.run(db, args.quick, log)
    if "assignment" in names:
        step("assignment at scale")
        rows += assignment.run(args.quick, log)
    if "fanout" in names:
        for db in dbs:
            step(f"fan-out ({db})")
            rows += fanout.run(db, args.quick, log)
    if "recovery" in names:
        for db in dbs:
            step(f"recovery of open threads ({db})")
            rows += recovery.run(db, args.quick, log)
    if "morning" in names:
        for db in dbs:
            step(f"busy morning ({db})")
            rows += morning.run(db, args.quick, log, step)
    if "footprint" in names:
        for db in dbs:
            step(f"footprint ({db})")
            rows += footprint.run(db, args.quick, log)
    total = time.perf_counter() - started
    step("done")

    table = render(rows)
    print(table)
    print()
    print("\n".join(f"- {line}" for line in log))
    if not args.no_write:
        _write_doc(table, log, total, args)
        print(f"\nwritten to {DOC}")
    return 0


def _write_doc(table: str, log: list[str], total: float, args: argparse.Namespace) -> None:
    """Replace everything after the `<!-- results -->` marker; the text above it is kept."""
    marker = "<!-- results -->"
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{marker}\n"
    head = text.split(marker)[0] if marker in text else text.rstrip() + "\n\n"
    flags = " ".join(sys.argv[1:]) or "(everything, both databases)"
    notes = "\n".join(f"- {line}" for line in log)
    DOC.write_text(
        f"{head}{marker}\n\nLast run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"`python -m bench {flags}`, {total:.0f} s in all; "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores.\n\n{table}\n\nNotes from the run:\n\n{notes}\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
