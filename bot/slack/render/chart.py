"""The weekly chart as PNG bytes: the top ten's points and the channel's per-criterion trend.

Uses matplotlib's object API (`Figure` with the Agg canvas): no pyplot, no global state, no
display needed, safe in threads. matplotlib is imported on first use: it takes a good part of
a second, which web workers should not pay at boot for a weekly chart.

The layout is fixed (margins in `_MARGINS`, names cut at `NAME_CHARS`) rather than matplotlib's
constrained layout, which drew every chart twice to measure it: 183 -> 98 ms a chart, and a
Monday posts a chart for each channel (250 at once in the busy-morning benchmark).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

from bot.practice.leaderboard.week import Row

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NAME_CHARS = 22  # what the left margin holds at the tick labels' size
_MARGINS = {"left": 0.2, "right": 0.985, "top": 0.86, "bottom": 0.11, "wspace": 0.22}


def weekly_chart(
    rows: Sequence[Row],
    trend: Sequence[tuple[date, Mapping[str, float]]],
    *,
    names: Mapping[str, str] | None = None,
    criterion_names: Mapping[str, str] | None = None,
    title: str = "",
) -> bytes:
    """Two panels: horizontal bars of the top rows' points; one line per criterion over weeks."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = names or {}
    criterion_names = criterion_names or {}
    figure = Figure(figsize=(11, 4.8), dpi=100)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, width_ratios=(1, 1.2), gridspec_kw=_MARGINS)

    top = list(rows)[:10]
    labels = [f"{r.rank}. {_fitted(names.get(r.user_id, r.user_id))}" for r in top]
    values = [r.points for r in top]
    positions = list(range(len(top)))
    bars = left.barh(positions, values, color="#4a7bd0")
    left.set_yticks(positions, labels)
    left.invert_yaxis()
    left.bar_label(bars, labels=[f"{v:g}" for v in values], padding=3, fontsize=8)
    # Each bar carries its points: an axis of points would repeat them (and its ticks were
    # a tenth of the chart's drawing time).
    left.xaxis.set_visible(False)
    left.set_title("Top ten this week, points")
    if values:
        left.set_xlim(0, max(values) * 1.15 + 0.5)

    weeks = [monday for monday, _ in trend]
    criteria = sorted({c for _, means in trend for c in means})
    for criterion in criteria:
        ys = [means.get(criterion, float("nan")) for _, means in trend]
        right.plot(
            range(len(weeks)), ys, marker="o", label=criterion_names.get(criterion, criterion)
        )
    right.set_xticks(range(len(weeks)), [monday.strftime("%d %b") for monday in weeks])
    right.set_ylim(1, 5)
    right.set_yticks(range(1, 6))
    right.set_ylabel("mean score (1-5)")
    right.set_title("Channel per criterion, recent weeks")
    if criteria:
        right.legend(fontsize=7, loc="lower left")
    if title:
        figure.suptitle(title)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    figure.clear()
    return buffer.getvalue()


def _fitted(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "\u2026"
