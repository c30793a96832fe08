"""CPU time read from /proc: what a phase cost the server's processes and PostgreSQL's.

The load generator, the emulator, the server and PostgreSQL share the machine's cores, so a
server that spends more CPU on each request leaves less for the requests behind it: the ack
and ingest rows give each side's CPU a request beside its latency, measured over the same
phases.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def process_cpu(pids: list[int], children: bool = False) -> float:
    """utime + stime (and, with `children`, of the children waited for) of the processes, in
    seconds; a process that has gone counts nothing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if children:
            total += int(fields[13]) + int(fields[14])
    return total / tick


def postgres_cpu() -> float:
    """Every PostgreSQL process's CPU, plus what its exited backends used (the postmaster's
    children's times), in seconds."""
    pids, postmaster = [], []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            if comm != "postgres":
                continue
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        parent = Path(f"/proc/{ppid}/comm")
        backend = ppid != 1 and parent.exists() and parent.read_text().strip() == "postgres"
        (pids if backend else postmaster).append(int(entry.name))
    return process_cpu(pids) + process_cpu(postmaster, children=True)


def median_cpu(values: Iterable[Cpu]) -> Cpu:
    """The median phase's (or round's) CPU, ordered by server and database together; nothing
    measured is zero."""
    ordered = sorted(values, key=lambda c: c.total)
    return ordered[(len(ordered) - 1) // 2] if ordered else Cpu()


@dataclass(frozen=True)
class Cpu:
    """CPU seconds: the server's processes and, on PostgreSQL, the database's."""

    server: float = 0.0
    database: float = 0.0

    @classmethod
    def now(cls, pids: list[int], postgres: bool) -> Cpu:
        """What the processes `pids` (and PostgreSQL, when `postgres`) have used so far."""
        return cls(process_cpu(pids), postgres_cpu() if postgres else 0.0)

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.server - other.server, self.database - other.database)

    def per(self, count: int) -> Cpu:
        """Milliseconds a request, over `count` requests."""
        return Cpu(1000 * self.server / max(count, 1), 1000 * self.database / max(count, 1))

    @property
    def total(self) -> float:
        return self.server + self.database

    def shown(self) -> str:
        """ "2.41 ms (server 1.90, database 0.51)", or "0.61 ms" with no database."""
        if not self.database:
            return f"{self.total:.2f} ms"
        return f"{self.total:.2f} ms (server {self.server:.2f}, database {self.database:.2f})"

    def cause_against(self, base: Cpu, base_name: str) -> str:
        """A slower row's measured cause when the run shows one: this side spent markedly more
        CPU a request than `base` on the same cores (both as `per` gives them). Empty when it
        did not, as a row whose cause the run did not find."""
        if not base.total or self.total <= 1.2 * base.total:
            return ""
        return (
            f"{self.total / base.total:.1f} times the CPU a request of the {base_name}: "
            f"{self.shown()} against {base.total:.2f} ms, the work after the ack included, "
            "on the cores the load and the database share"
        )
