"""The results table: one row per measured figure, rendered as markdown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    benchmark: str
    db: str  # "sqlite", "postgres" or "-" when no database is involved
    metric: str
    ours: float | None
    baseline: float | None
    unit: str
    target: str  # human text, e.g. "< 100 ms, ratio <= 2"
    passed: bool | None  # None: informational, no target
    note: str = ""
    # What the run measured that explains a failure (shown only when the row fails): issue
    # 27 asks every row to pass or name its measured cause.
    cause: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def render(rows: list[Row]) -> str:
    head = "| benchmark | db | metric | ours | baseline | ratio | target | result |"
    lines = [head, "|---|---|---|---:|---:|---:|---|---|"]
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
        result = {True: "pass", False: "**FAIL**", None: "info"}[row.passed]
        if row.passed is False and row.cause:
            result += f", measured cause: {row.cause}"
        if row.note:
            result += f" ({row.note})"
        lines.append(
            f"| {row.benchmark} | {row.db} | {row.metric} | {_num(row.ours, row.unit)} | "
            f"{_num(row.baseline, row.unit)} | {ratio} | {row.target} | {result} |"
        )
    return "\n".join(lines)
