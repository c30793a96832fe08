"""Figures a prompt states about its tables, checked: `facts` entries in a prompt file.

Each fact names words that must appear in the prompt's text (`says`, optionally `in` one
field) and either an expression over table cells with the value those words claim
(`value` / `is` / `within`) or a condition that must hold (`holds`). Expressions are parsed
with `ast` and evaluated by walking the tree: numbers, cells, + - * /, abs/min/max/sum,
comparisons, and/or. Nothing else runs, so a prompt file can never execute code.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Sequence

import yaml

from bot.content import nodes
from bot.content.model import ContextTable, Prompt

FIELDS = (
    "title",
    "case",
    "context",
    "hint",
    "covers",
    "challenges",
    "strong_answers",
    "calibration",
)
_FACT_KEYS = {
    "says": True,
    "in": False,
    "value": False,
    "is": False,
    "within": False,
    "holds": False,
}
_CELL = re.compile(r"^([A-Z]{1,2})([0-9]+)$")
_TABLE = re.compile(r"^T([0-9]+)$")
_NUMBER = re.compile(r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_SCALE = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9}
_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARE: dict[type, Callable[[float, float], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: lambda a, b: abs(a - b) < 1e-9,
}
_CALLS: dict[str, Callable[[list[float]], float]] = {
    "abs": lambda xs: abs(xs[0]) if len(xs) == 1 else _arity("abs"),
    "min": min,
    "max": max,
    "sum": sum,
}


class FactError(Exception):
    """An expression that cannot be evaluated; the message says why."""


def _arity(name: str) -> float:
    raise FactError(f"{name}() takes one value")


def read_number(text: str) -> tuple[float, float] | None:
    """(value, unit of the last digit written) of a cell or figure, or None if not a number.

    `$`, `,`, `%`, `x` and `+` are dropped and a k/M/B suffix scales: `18%` reads 18,
    `$1.79M` 1790000 (its last digit is worth 10000).
    """
    s = text.strip().replace("\u2212", "-")
    for ch in "$,%x+":
        s = s.replace(ch, "")
    scale = 1.0
    if s[-1:] in _SCALE:
        scale, s = _SCALE[s[-1]], s[:-1]
    s = s.strip()
    if not _NUMBER.match(s):
        return None
    decimals = len(s.split(".")[1]) if "." in s else 0
    return float(s) * scale, 10.0**-decimals * scale


def evaluate(expression: str, tables: Sequence[ContextTable]) -> float | bool:
    """The value of an expression over the prompt's table cells (A1 = first data row)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise FactError(f"cannot read expression '{expression}': {exc.msg}") from None
    return _Evaluator(tables).visit(tree.body)


class _Evaluator:
    def __init__(self, tables: Sequence[ContextTable]) -> None:
        self.tables = tables

    def visit(self, node: ast.AST) -> float | bool:
        value = node.value if isinstance(node, ast.Constant) else None
        # bool is an int subclass: `True` is not a number here.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        ref = _cell_ref(node)
        if ref is not None:
            return self.cell(*ref)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.number(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.number(node.left), self.number(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                raise FactError("division by zero")
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.BoolOp):
            values = [self.condition(v) for v in node.values]
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node)
        raise FactError(f"'{ast.unparse(node)}' is not allowed in a fact")

    def number(self, node: ast.AST) -> float:
        value = self.visit(node)
        if isinstance(value, bool):
            raise FactError(f"'{ast.unparse(node)}' is a condition, not a number")
        return value

    def condition(self, node: ast.AST) -> bool:
        value = self.visit(node)
        if not isinstance(value, bool):
            raise FactError(f"'{ast.unparse(node)}' is a number, not a condition")
        return value

    def compare(self, node: ast.Compare) -> bool:
        left = self.operand(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.operand(right_node)
            if isinstance(left, str) or isinstance(right, str):
                holds = _compare_text(node, op, left, right)
            elif type(op) in _COMPARE:
                holds = _COMPARE[type(op)](left, right)
            else:
                raise FactError(f"comparison '{ast.unparse(node)}' is not allowed")
            if not holds:
                return False
            left = right
        return True

    def operand(self, node: ast.AST) -> float | str:
        """A side of a comparison: a number, or text (a quoted word or a text cell)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        ref = _cell_ref(node)
        if ref is not None and read_number(self.raw(*ref)) is None:
            return self.raw(*ref)
        return self.number(node)

    def call(self, node: ast.Call) -> float:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in _CALLS or node.keywords or not node.args:
            raise FactError(f"'{ast.unparse(node)}': only abs, min, max and sum are allowed")
        args: list[float] = []
        for arg in node.args:
            items = arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]
            args.extend(self.number(item) for item in items)
        return _CALLS[name](args)

    def cell(self, table_no: int, ref: str) -> float:
        raw = self.raw(table_no, ref)
        number = read_number(raw)
        if number is None:
            label = ref if table_no == 1 else f"T{table_no}.{ref}"
            raise FactError(f"cell {label} ('{raw}') is not a number")
        return number[0]

    def raw(self, table_no: int, ref: str) -> str:
        match = _CELL.match(ref)
        label = ref if table_no == 1 else f"T{table_no}.{ref}"
        if not match:
            raise FactError(f"'{label}' is not a cell (A1 is column A, first data row)")
        if not 1 <= table_no <= len(self.tables):
            raise FactError(f"'{label}': the prompt has {len(self.tables)} table(s)")
        table = self.tables[table_no - 1]
        col = _column_index(match.group(1))
        row = int(match.group(2))
        if col >= len(table.columns) or not 1 <= row <= len(table.rows):
            raise FactError(
                f"'{label}' is outside the table ({len(table.columns)} columns, "
                f"{len(table.rows)} data rows)"
            )
        return table.rows[row - 1][col]


def _compare_text(node: ast.Compare, op: ast.cmpop, left: float | str, right: float | str) -> bool:
    """Text cells ("yes", "from Q3") are compared as words, with == or != only."""
    if not (isinstance(left, str) and isinstance(right, str)):
        raise FactError(f"'{ast.unparse(node)}' compares text with a number")
    if not isinstance(op, ast.Eq | ast.NotEq):
        raise FactError(f"'{ast.unparse(node)}': text is compared with == or != only")
    same = left.strip().lower() == right.strip().lower()
    return same if isinstance(op, ast.Eq) else not same


def _cell_ref(node: ast.AST) -> tuple[int, str] | None:
    """(table number, A1 reference) when the node names a cell, else None."""
    if isinstance(node, ast.Name):
        return 1, node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        table = _TABLE.match(node.value.id)
        if table:
            return int(table.group(1)), node.attr
    return None


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - ord("A") + 1)
    return index - 1


def field_texts(prompt: Prompt) -> dict[str, str]:
    """Every text field a fact may point at, as one string each."""
    return {
        "title": prompt.title,
        "case": prompt.case,
        "context": prompt.context,
        "hint": prompt.hint,
        "covers": "\n".join(prompt.covers),
        "challenges": "\n".join(prompt.challenges),
        "strong_answers": "\n".join(prompt.strong_answers),
        "calibration": "\n".join(s.answer for s in prompt.calibration),
    }


def fact_phrases(node: yaml.Node) -> list[tuple[str, str | None]]:
    """(says, in) of each fact in a `facts` node, read leniently (check_facts reports errors)."""
    out: list[tuple[str, str | None]] = []
    for item in node.value if isinstance(node, yaml.SequenceNode) else ():
        if not isinstance(item, yaml.MappingNode):
            continue
        keys = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
        says, where = keys.get("says"), keys.get("in")
        if isinstance(says, yaml.ScalarNode) and says.value.strip():
            field = where.value.strip() if isinstance(where, yaml.ScalarNode) else None
            # An unknown `in` is reported by check_facts; here it reads as the whole prompt.
            out.append((says.value.strip(), field if field in FIELDS else None))
    return out


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def check_facts(node: yaml.Node, prompt: Prompt, errs: nodes.Errors) -> None:
    """Report every fact whose words are missing or whose figure the tables do not bear out."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        errs.add(node, "facts must be a non-empty list")
        return
    texts = field_texts(prompt)
    for item in node.value:
        f = nodes.mapping(item, _FACT_KEYS, "fact", errs)
        if f is not None and "says" in f:
            _check_fact(item, f, prompt, texts, errs)


def _check_fact(
    item: yaml.Node,
    f: dict[str, yaml.Node],
    prompt: Prompt,
    texts: dict[str, str],
    errs: nodes.Errors,
) -> None:
    says = nodes.scalar(f["says"], "says", errs)
    where = nodes.text(f["in"], "in", errs) if "in" in f else None
    if says is None or ("in" in f and where is None):
        return
    if where is not None and where not in FIELDS:
        errs.add(f["in"], f"fact: unknown field '{where}' (one of: {', '.join(FIELDS)})")
        return
    haystack = texts[where] if where else "\n".join(texts.values())
    if _normal(says) not in _normal(haystack):
        errs.add(item, f"fact: '{says}' does not appear in {where or 'the prompt'}")
    if ("holds" in f) == ("value" in f):
        errs.add(item, "fact: give either `holds` or `value` with `is`")
    elif "holds" in f:
        _check_holds(f["holds"], says, prompt, errs)
    elif "is" not in f:
        errs.add(item, "fact: `value` needs `is` (the figure the words claim)")
    else:
        _check_value(f, says, prompt, errs)


def _check_holds(node: yaml.Node, says: str, prompt: Prompt, errs: nodes.Errors) -> None:
    expression = nodes.scalar(node, "holds", errs)
    if expression is None:
        return
    try:
        result = evaluate(expression, prompt.tables)
    except FactError as exc:
        errs.add(node, f"fact '{says}': {exc}")
        return
    if not isinstance(result, bool):
        errs.add(node, f"fact '{says}': `holds` needs a condition, such as E2 > E3")
    elif not result:
        errs.add(node, f"fact '{says}': {expression} is false in the table")


def _check_value(f: dict[str, yaml.Node], says: str, prompt: Prompt, errs: nodes.Errors) -> None:
    expression = nodes.scalar(f["value"], "value", errs)
    claimed_text = nodes.scalar(f["is"], "is", errs)
    if expression is None or claimed_text is None:
        return
    claimed = read_number(claimed_text)
    if claimed is None:
        errs.add(f["is"], f"fact '{says}': `is` must be a number, not '{claimed_text}'")
        return
    tolerance = claimed[1] / 2
    if "within" in f:
        within = read_number(nodes.scalar(f["within"], "within", errs) or "")
        if within is None:
            errs.add(f["within"], f"fact '{says}': `within` must be a number")
            return
        tolerance = within[0]
    try:
        result = evaluate(expression, prompt.tables)
    except FactError as exc:
        errs.add(f["value"], f"fact '{says}': {exc}")
        return
    if isinstance(result, bool):
        errs.add(f["value"], f"fact '{says}': `value` needs a number; use `holds` for a condition")
    elif abs(result - claimed[0]) > tolerance + 1e-9:
        errs.add(
            f["value"],
            f"fact '{says}': {expression} is {result:.4g}, not {claimed_text} "
            f"(within {tolerance:.4g})",
        )
