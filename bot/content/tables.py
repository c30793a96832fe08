"""Context tables: reading them from a prompt file, and the one way they are laid out.

`table_lines` is what the prompt message shows (in a code block, under the caption) and what
`content check` measures: the check and the message cannot disagree about a line's width.
"""

from __future__ import annotations

import yaml

from bot.content import nodes
from bot.content.model import ContextTable

MAX_LINE = 60  # characters: wider lines wrap and misalign on a phone
_TABLE_KEYS = {"caption": False, "columns": True, "rows": True}


def table_lines(table: ContextTable) -> list[str]:
    """The table as displayed: header, rule, rows; columns padded, two spaces apart."""
    widths = [
        max(len(str(row[i])) for row in (table.columns, *table.rows))
        for i in range(len(table.columns))
    ]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(table.columns), "  ".join("-" * w for w in widths), *map(line, table.rows)]


def read_tables(node: yaml.Node, errs: nodes.Errors) -> tuple[ContextTable, ...] | None:
    """`table:` is one table (a mapping) or several (a list of mappings)."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not items:
        errs.add(node, "table must be a table or a non-empty list of tables")
        return None
    tables = [
        _table(item, f"table {i}" if len(items) > 1 else "table", errs)
        for i, item in enumerate(items, start=1)
    ]
    if any(t is None for t in tables):
        return None
    return tuple(t for t in tables if t is not None)


def _table(node: yaml.Node, what: str, errs: nodes.Errors) -> ContextTable | None:
    t = nodes.mapping(node, _TABLE_KEYS, what, errs)
    if t is None or "columns" not in t or "rows" not in t:
        return None
    caption = (
        nodes.text(t["caption"], f"{what} caption", errs, one_line=True) if "caption" in t else ""
    )
    columns_node = t["columns"]
    if not isinstance(columns_node, yaml.SequenceNode) or not columns_node.value:
        errs.add(columns_node, f"{what} columns must be a non-empty list")
        return None
    columns = [nodes.scalar(c, f"each {what} column", errs) for c in columns_node.value]
    rows = _rows(t["rows"], len(columns), what, errs)
    if caption is None or rows is None or any(c is None for c in columns):
        return None
    table = ContextTable(
        caption=caption, columns=tuple(c for c in columns if c is not None), rows=rows
    )
    _check_width(table, t, what, errs)
    return table


def _rows(
    rows_node: yaml.Node, n_columns: int, what: str, errs: nodes.Errors
) -> tuple[tuple[str, ...], ...] | None:
    if not isinstance(rows_node, yaml.SequenceNode) or not rows_node.value:
        errs.add(rows_node, f"{what} rows must be a non-empty list of rows")
        return None
    rows: list[tuple[str, ...]] = []
    ok = True
    for i, row_node in enumerate(rows_node.value, start=1):
        if not isinstance(row_node, yaml.SequenceNode):
            errs.add(row_node, f"{what} row {i} must be a list of values")
            ok = False
            continue
        if len(row_node.value) != n_columns:
            errs.add(
                row_node,
                f"{what} row {i} has {len(row_node.value)} values but there are "
                f"{n_columns} columns",
            )
            ok = False
            continue
        cells = [nodes.scalar(v, f"each value of {what} row {i}", errs) for v in row_node.value]
        if any(c is None for c in cells):
            ok = False
            continue
        rows.append(tuple(c for c in cells if c is not None))
    return tuple(rows) if ok else None


def _check_width(
    table: ContextTable, t: dict[str, yaml.Node], what: str, errs: nodes.Errors
) -> None:
    if len(table.caption) > MAX_LINE:
        errs.add(
            t["caption"],
            f"{what} caption is {len(table.caption)} characters; at most {MAX_LINE} "
            "(move detail into the context)",
        )
    lines = table_lines(table)
    # The widest line, a data row rather than the header when they tie: that is what to edit.
    i = max(range(len(lines)), key=lambda k: (len(lines[k]), k >= 2))
    if len(lines[i]) > MAX_LINE:
        at = t["columns"] if i < 2 else t["rows"].value[i - 2]
        errs.add(
            at,
            f"{what} renders {len(lines[i])} characters wide; at most {MAX_LINE} on a phone "
            "(shorter headers or labels, fewer columns, or split it)",
        )
