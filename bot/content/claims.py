"""Claims in a prompt's prose, checked: every number is bound, every comparative is a fact.

A number in the prose (title, case, context, hint, covers, challenges, strong answers, sample
answers) must be *bound*: equal to a number in a table (cell, column or caption), inside the
words (`says`) of a fact, or in an `assumptions` entry. Identifiers, versions and years are
exempt. A comparative or superlative ("cheapest", "grew faster", "lags") in the key (covers,
strong answers, sample answers) must lie inside the `says` of a fact, whose arithmetic the
fact check runs. The exact rules are in docs/content.md; each problem is reported at the
line of the number or word in the file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from bot.content import nodes
from bot.content.model import ContextTable

# A number as written: an optional currency sign, digits (thousands commas, decimals, or a
# dotted version), and an optional unit or scale.
_NUMBER = re.compile(
    r"(?P<cur>[$£€])?(?P<num>\d+(?:,\d{3})*(?:\.\d+)*)"
    r"(?P<unit>\s?%|\s(?:million|billion|thousand)\b|(?:bn|[kKMB]|x|pp)(?![A-Za-z]))?"
)
_SCALE = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6}
_SCALE.update({"B": 1e9, "bn": 1e9, "billion": 1e9})
# Letters glued after a number that still make it a measurement, not an identifier ("3s").
_MEASURE_SUFFIXES = {"s", "ms", "sec", "secs", "min", "mins", "h", "hr", "hrs"}
# A number right after one of these words is a label or an identifier: "week 2", "Tier 1".
_LABEL_WORDS = frozenset(
    (
        "day", "week", "month", "quarter", "wave", "phase", "step", "stage", "round", "level",
        "tier", "option", "row", "column", "table", "slide", "chapter", "part", "version",
        "release", "build", "ios", "android", "figure", "rule", "arm", "variant", "cohort",
        "group", "test",
    )
)  # fmt: skip
_VERSION_AFTER = re.compile(r"^\s(?:release|build|version|update)\b", re.IGNORECASE)
YEARS = range(1990, 2040)
# A number written in words: enough for an assumption to declare one ("a test of six weeks").
NUMBER_WORD = re.compile(
    r"\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|half|third|quarter|twice|double|dozen)\b",
    re.IGNORECASE,
)

# Words that claim an order between quantities: a lesson built on one must be a fact.
COMPARATIVE_WORDS: tuple[str, ...] = (
    # superlatives
    "cheapest", "costliest", "priciest", "fastest", "slowest", "quickest", "largest",
    "biggest", "smallest", "highest", "lowest", "best", "worst", "strongest", "weakest",
    "greatest", "fewest", "shortest", "longest", "newest", "oldest", "the most", "the least",
    # comparatives
    "cheaper", "costlier", "pricier", "faster", "slower", "quicker", "larger", "bigger",
    "smaller", "higher", "lower", "better", "worse", "stronger", "weaker", "greater",
    "fewer", "shorter", "longer", "more than", "less than",
    # verbs and multiples that order two quantities
    "outperform", "outperforms", "outperformed", "outpace", "outpaces", "outpaced",
    "outgrew", "outgrow", "outgrows", "outsell", "outsells", "outsold", "exceed", "exceeds",
    "exceeded", "lag", "lags", "lagged", "lagging", "trail", "trails", "trailed",
    "trailing", "twice", "double", "doubles", "doubled", "triple", "tripled", "halved",
    "times as", "times more", "times less", "times the",
)  # fmt: skip
_COMPARATIVE = re.compile(
    r"(?<![A-Za-z-])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in
    sorted(COMPARATIVE_WORDS, key=len, reverse=True)) + r")(?![A-Za-z-])",
    re.IGNORECASE,
)  # fmt: skip
# Not an order between quantities: "no longer", "any longer".
_NOT_COMPARATIVE = re.compile(r"\b(?:no|any)\s+longer\b", re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    """One piece of prose and where it is: its field (for facts' `in`) and its YAML node."""

    field: str
    text: str
    node: yaml.Node


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str  # "%", "$", "x" or "" (a plain count)


def passages(f: dict[str, yaml.Node], fields: tuple[str, ...]) -> list[Passage]:
    """The prose of a prompt file's `fields`, one passage per text or list item."""
    out: list[Passage] = []
    for name in fields:
        if name == "calibration":
            out.extend(Passage("calibration", n.value, n) for n in _sample_answers(f))
            continue
        node = f.get(name)
        items = node.value if isinstance(node, yaml.SequenceNode) else [node] if node else []
        for item in items:
            if isinstance(item, yaml.ScalarNode):
                out.append(Passage(name, item.value, item))
    return out


def _sample_answers(f: dict[str, yaml.Node]) -> Iterator[yaml.ScalarNode]:
    node = f.get("calibration")
    if not isinstance(node, yaml.MappingNode):
        return
    for _, sample in node.value:
        if isinstance(sample, yaml.MappingNode):
            for key, value in sample.value:
                if key.value == "answer" and isinstance(value, yaml.ScalarNode):
                    yield value


def figures_of(text: str) -> list[Figure]:
    """Every number in a table cell, column, caption or assumption (no exemptions)."""
    return [fig for _, fig in _numbers(text)]


def _numbers(text: str) -> Iterator[tuple[re.Match[str], Figure]]:
    for m in _NUMBER.finditer(text):
        num = m.group("num")
        if num.count(".") > 1:
            continue  # a dotted version (8.1.2) is never a quantity
        base = float(num.replace(",", ""))
        unit_text = (m.group("unit") or "").strip()
        unit = (
            "$" if m.group("cur") else "%" if unit_text == "%" else "x" if unit_text == "x" else ""
        )
        yield m, Figure(base, unit)
        if unit_text in _SCALE:
            yield m, Figure(base * _SCALE[unit_text], unit)


def table_figures(tables: tuple[ContextTable, ...]) -> list[Figure]:
    out: list[Figure] = []
    for t in tables:
        for text in (t.caption, *t.columns, *(cell for row in t.rows for cell in row)):
            out.extend(figures_of(text.replace("\u2212", "-")))
    return out


def exempt(text: str, m: re.Match[str]) -> bool:
    """An identifier, a label's number, a version or a year: not a quantity to bind."""
    start, end = m.start(), m.end()
    num = m.group("num")
    before = text[:start]
    if not m.group("cur"):
        if before[-1:].isalnum() or before[-1:] in (".", "_"):
            return True  # Q1, D7, H2, v2, the 1 of 8.1
        if before[-1:] == "-" and before[-2:-1].isalpha():
            return True  # Day-7, COVID-19
    after = text[end:]
    glued = re.match(r"[A-Za-z]+", after) if not m.group("unit") else None
    if glued and glued.group(0) not in _MEASURE_SUFFIXES:
        return True  # 1st, 2nd, 1080p, 5G
    word = re.search(r"([A-Za-z]+)[\s-]$", before)
    if word and word.group(1).lower() in _LABEL_WORDS and not m.group("cur"):
        return True  # week 2, Tier 1, Android 8.1, version 3
    if word and word.group(1).lower() == "per":
        return True  # a rate's unit: per 1k impressions, per 1,000 views
    if "." in num and _VERSION_AFTER.match(after):
        return True  # the 8.1 release
    plain = not m.group("cur") and not m.group("unit") and "," not in num and "." not in num
    return plain and len(num) == 4 and int(num) in YEARS


def _matches(fig: Figure, bound: list[Figure]) -> bool:
    return any(
        abs(abs(fig.value) - abs(b.value)) <= 1e-9 * max(1.0, abs(b.value))
        and (fig.unit == b.unit or not fig.unit or not b.unit)
        for b in bound
    )


def says_spans(text: str, field: str, facts: list[tuple[str, str | None]]) -> list[tuple[int, int]]:
    """Where the words of each fact that applies to `field` occur in `text`."""
    spans: list[tuple[int, int]] = []
    for says, where in facts:
        if where is not None and where != field:
            continue
        pattern = _says_pattern(says)
        if pattern is not None:
            spans.extend(m.span() for m in pattern.finditer(text))
    return spans


@functools.cache
def _says_pattern(says: str) -> re.Pattern[str] | None:
    """A fact's words, any spacing between them. Compiled once: every passage is matched
    against every fact, more patterns than `re`'s own cache holds (a third of loading the
    packs went to escaping and compiling them again)."""
    words = says.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def check_numbers(
    items: list[Passage],
    bound: list[Figure],
    facts: list[tuple[str, str | None]],
    errs: nodes.Errors,
) -> None:
    """Report each number that no table cell, fact or assumption binds."""
    for p in items:
        spans = says_spans(p.text, p.field, facts)
        by_span: dict[tuple[int, int], tuple[re.Match[str], list[Figure]]] = {}
        for m, fig in _numbers(p.text):
            by_span.setdefault(m.span(), (m, []))[1].append(fig)
        for span, (m, figs) in by_span.items():
            if exempt(p.text, m) or _inside(span, spans) or any(_matches(f, bound) for f in figs):
                continue
            num = m.group("num")
            errs.add(
                line_in(p.node, num, _nth(p.text, num, m.start("num"))),
                f"{p.field}: the number '{m.group(0).strip()}' is bound to nothing: not in a "
                "table, not in a fact's `says`, not in `assumptions`",
            )


def check_comparatives(
    items: list[Passage], facts: list[tuple[str, str | None]], errs: nodes.Errors
) -> None:
    """Report each comparative or superlative in the key that no fact's words contain."""
    for p in items:
        spans = says_spans(p.text, p.field, facts)
        skip = [m.span() for m in _NOT_COMPARATIVE.finditer(p.text)]
        for m in _COMPARATIVE.finditer(p.text):
            if _inside(m.span(), spans) or _inside(m.span(), skip):
                continue
            word = " ".join(m.group(0).split())
            first = m.group(0).split()[0]
            errs.add(
                line_in(p.node, first, _nth(p.text, first, m.start())),
                f"{p.field}: '{word}' claims an order between quantities; put it inside the "
                "`says` of a fact that checks it, or say it without the comparison",
            )


def line_in(node: yaml.Node, needle: str, nth: int = 0) -> int:
    """The file line of the `nth` occurrence of `needle` (a number or word, matched whole)
    inside a scalar node's source text; the node's own line when it cannot be found."""
    mark, end = node.start_mark, node.end_mark
    buffer = getattr(mark, "buffer", None)
    if not isinstance(buffer, str):
        return nodes.line_of(node)
    raw = buffer[mark.index : end.index]
    found = list(re.finditer(_whole(needle), raw))
    at = found[min(nth, len(found) - 1)].start() if found else 0
    return mark.line + 1 + raw[:at].count("\n")


def _whole(needle: str) -> str:
    return r"(?<![\w.,])" + re.escape(needle) + r"(?![\d])"


def _nth(text: str, needle: str, start: int) -> int:
    """How many occurrences of `needle` come before `start` in `text`."""
    return sum(1 for m in re.finditer(_whole(needle), text) if m.start() < start)


# Words too common to give anything away when a hint shares them with the key.
_COMMON = frozenset(
    (
        "about", "above", "after", "again", "also", "answer", "before", "being", "below",
        "between", "both", "could", "decide", "decision", "does", "each", "every", "first",
        "from", "have", "into", "just", "look", "make", "more", "most", "much", "need", "only",
        "other", "over", "same", "should", "some", "start", "such", "than", "that", "their",
        "them", "then", "there", "these", "they", "think", "this", "those", "through", "under",
        "what", "when", "where", "whether", "which", "while", "will", "with", "would", "your",
        "case", "data", "figure", "number", "table",
    )
)  # fmt: skip
_WORD = re.compile(r"[a-z][a-z-]{3,}")


def key_terms(text: str) -> set[str]:
    """Content words of four letters or more, singular, without the common ones."""
    out = set()
    for word in _WORD.findall(text.lower()):
        word = word.strip("-")
        if word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if len(word) >= 4 and word not in _COMMON:
            out.add(word)
    return out


def hint_leaks(hint: str, key: str, posted: str) -> list[str]:
    """Terms the hint shares with the key (covers, strong answers) that the posted case,
    context and tables do not already show: a hint that names part of the answer."""
    return sorted((key_terms(hint) & key_terms(key)) - key_terms(posted))
