"""One prompt file: its keys read and checked against the pack's rubrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.content import claims, nodes
from bot.content.calibration import read_calibration
from bot.content.facts import check_facts, fact_phrases
from bot.content.model import KINDS, SHAPES, ContentError, ContextTable, Criterion, Prompt
from bot.content.rubrics import PackMeta
from bot.content.tables import read_tables

_PROMPT_KEYS = {
    "id": True,
    "title": True,
    "kind": True,
    "difficulty": True,
    "tags": True,
    "twist": True,
    "shape": True,
    "criteria": False,
    "guide_example": False,
    "case": True,
    "context": False,
    "hint": False,
    "assumptions": False,
    "table": False,
    "facts": False,
    "covers": True,
    "challenges": True,
    "strong_answers": True,
    "calibration": True,
}


def read_prompt(file: Path, meta: PackMeta, sink: list[ContentError]) -> Prompt | None:
    errs = nodes.Errors(file, sink)
    root = nodes.compose(file, errs)
    if root is None:
        return None
    f = nodes.mapping(root, _PROMPT_KEYS, "prompt", errs)
    if f is None:
        return None
    values = _read_fields(f, meta, errs)
    # Claims are checked even when another field is broken, so an author sees every problem.
    check_claims(f, values.get("tables") or (), values.get("assumptions") or (), errs)
    if errs.count or any(v is None for v in values.values()) or "id" not in f:
        return None
    prompt = Prompt(**values, source=f"{file}:{nodes.line_of(f['id'])}")
    if "facts" in f:
        check_facts(f["facts"], prompt, errs)
    return None if errs.count else prompt


# Prose whose numbers must be bound, and the key, whose comparatives must be facts.
NUMBER_FIELDS = (
    "title",
    "case",
    "context",
    "hint",
    "covers",
    "challenges",
    "strong_answers",
    "calibration",
)
KEY_FIELDS = ("covers", "strong_answers", "calibration")


def check_claims(
    f: dict[str, yaml.Node],
    tables: tuple[ContextTable, ...],
    assumptions: tuple[str, ...],
    errs: nodes.Errors,
) -> None:
    """Numbers bound, comparatives in the key backed by facts, a hint that gives nothing away."""
    facts = fact_phrases(f["facts"]) if "facts" in f else []
    bound = claims.table_figures(tables)
    for assumption in assumptions:
        bound.extend(claims.figures_of(assumption))
    claims.check_numbers(claims.passages(f, NUMBER_FIELDS), bound, facts, errs)
    claims.check_comparatives(claims.passages(f, KEY_FIELDS), facts, errs)
    hint = f.get("hint")
    if isinstance(hint, yaml.ScalarNode):
        key = "\n".join(p.text for p in claims.passages(f, ("covers", "strong_answers")))
        posted = "\n".join(
            [p.text for p in claims.passages(f, ("title", "case", "context"))]
            + [" ".join((t.caption, *t.columns, *sum(t.rows, ()))) for t in tables]
        )
        leaks = claims.hint_leaks(hint.value, key, posted)
        if leaks:
            errs.add(
                hint,
                f"hint shares key terms with covers or strong_answers ({', '.join(leaks)}); "
                "a hint names no conclusion",
            )


def _read_fields(f: dict[str, yaml.Node], meta: PackMeta, errs: nodes.Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "id" in f:
        values["id"] = nodes.identifier(f["id"], "prompt id", errs)
    if "title" in f:
        values["title"] = nodes.text(f["title"], "title", errs, one_line=True)
    kind = _kind(f["kind"], errs) if "kind" in f else None
    values["kind"] = kind
    if "difficulty" in f:
        values["difficulty"] = nodes.whole_number(f["difficulty"], "difficulty", errs, range(1, 4))
    criteria = _criteria(f.get("criteria"), kind, meta, errs) if kind is not None else None
    values["criteria"] = tuple(c.id for c in criteria) if criteria is not None else None
    if "tags" in f and criteria is not None:
        values["tags"] = _tags(f["tags"], criteria, meta, errs)
    if "twist" in f:
        values["twist"] = nodes.identifier(f["twist"], "twist", errs)
    if "shape" in f:
        values["shape"] = _shape(f["shape"], errs)
    if "hint" in f:
        values["hint"] = nodes.text(f["hint"], "hint", errs, one_line=True)
    if "assumptions" in f:
        values["assumptions"] = _assumptions(f["assumptions"], errs)
    if "guide_example" in f:
        values["guide_example"] = nodes.boolean(f["guide_example"], "guide_example", errs)
    for key in ("case", "context"):
        if key in f:
            values[key] = nodes.text(f[key], key, errs)
    if "table" in f:
        values["tables"] = read_tables(f["table"], errs)
    if "covers" in f:
        values["covers"] = nodes.text_list(f["covers"], "covers", errs)
    if "challenges" in f:
        values["challenges"] = nodes.text_list(
            f["challenges"], "challenges", errs, min_items=3, max_items=5
        )
    if "strong_answers" in f:
        values["strong_answers"] = nodes.text_list(f["strong_answers"], "strong_answers", errs)
    if "calibration" in f and criteria is not None:
        values["calibration"] = read_calibration(f["calibration"], criteria, errs)
    return values


def _shape(node: yaml.Node, errs: nodes.Errors) -> str | None:
    shape = nodes.identifier(node, "shape", errs)
    if shape is not None and shape not in SHAPES:
        errs.add(node, f"unknown shape '{shape}' (known: {', '.join(SHAPES)})")
        return None
    return shape


def _assumptions(node: yaml.Node, errs: nodes.Errors) -> tuple[str, ...] | None:
    """One-line declarations of numbers not read from a table; each states a number."""
    items = nodes.text_list(node, "assumptions", errs)
    if items is None:
        return None
    for item, item_node in zip(items, node.value, strict=True):
        if "\n" in item:
            errs.add(item_node, "each assumption must fit on one line")
        elif not claims.figures_of(item) and not claims.NUMBER_WORD.search(item):
            errs.add(item_node, "an assumption declares a number; this one states none")
    return items


def _criteria(
    node: yaml.Node | None, kind: str, meta: PackMeta, errs: nodes.Errors
) -> tuple[Criterion, ...] | None:
    """The kind's rubric criteria that apply (in rubric order); all of them when not given."""
    rubric = meta.rubric_for(kind)
    if node is None:
        return rubric
    ids = nodes.text_list(node, "criteria", errs)
    if ids is None:
        return None
    known = [c.id for c in rubric]
    ok = True
    for cid, item in zip(ids, node.value, strict=True):
        if cid not in known:
            errs.add(item, f"criterion '{cid}' is not in the rubric for kind '{kind}' "
                     f"(known: {', '.join(known)})")  # fmt: skip
            ok = False
    if len(set(ids)) != len(ids):
        errs.add(node, "criteria must not repeat")
        ok = False
    if len(set(ids)) < 2:
        errs.add(node, "criteria: name at least 2 (or leave the key out to use the whole rubric)")
        ok = False
    return tuple(c for c in rubric if c.id in ids) if ok else None


def _kind(node: yaml.Node, errs: nodes.Errors) -> str | None:
    kind = nodes.text(node, "kind", errs)
    if kind is not None and kind not in KINDS:
        errs.add(node, f"unknown kind '{kind}' (known: {', '.join(KINDS)})")
        return None
    return kind


def _tags(
    node: yaml.Node, criteria: tuple[Criterion, ...], meta: PackMeta, errs: nodes.Errors
) -> tuple[str, ...] | None:
    """Tags name applicable criteria the case exercises (so choice can favour them)."""
    tags = nodes.text_list(node, "tags", errs)
    if tags is None:
        return None
    ids = [c.id for c in criteria]
    for tag, tag_node in zip(tags, node.value, strict=True):
        retired = meta.retired_criterion(tag)
        if retired is not None:
            instead = f": use '{retired.replaced_by}'" if retired.replaced_by else ""
            errs.add(tag_node, f"tag '{tag}' is a retired criterion{instead}")
        elif tag not in ids:
            errs.add(
                tag_node,
                f"tag '{tag}' is not one of the prompt's criteria (known: {', '.join(ids)})",
            )
    if len(set(tags)) != len(tags):
        errs.add(node, "tags must not repeat")
    return tags
