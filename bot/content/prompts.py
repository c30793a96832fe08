"""One prompt file: its keys read and checked against the pack's rubrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.content import nodes
from bot.content.calibration import read_calibration
from bot.content.facts import check_facts
from bot.content.model import KINDS, ContentError, Prompt
from bot.content.rubrics import PackMeta
from bot.content.tables import read_tables

_PROMPT_KEYS = {
    "id": True,
    "title": True,
    "kind": True,
    "difficulty": True,
    "tags": True,
    "twist": True,
    "guide_example": False,
    "case": True,
    "context": False,
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
    if errs.count or any(v is None for v in values.values()) or "id" not in f:
        return None
    prompt = Prompt(**values, source=f"{file}:{nodes.line_of(f['id'])}")
    if "facts" in f:
        check_facts(f["facts"], prompt, errs)
    return None if errs.count else prompt


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
    if "tags" in f and kind is not None:
        values["tags"] = _tags(f["tags"], kind, meta, errs)
    if "twist" in f:
        values["twist"] = nodes.identifier(f["twist"], "twist", errs)
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
    if "calibration" in f and kind is not None:
        values["calibration"] = read_calibration(f["calibration"], meta.rubric_for(kind), errs)
    return values


def _kind(node: yaml.Node, errs: nodes.Errors) -> str | None:
    kind = nodes.text(node, "kind", errs)
    if kind is not None and kind not in KINDS:
        errs.add(node, f"unknown kind '{kind}' (known: {', '.join(KINDS)})")
        return None
    return kind


def _tags(node: yaml.Node, kind: str, meta: PackMeta, errs: nodes.Errors) -> tuple[str, ...] | None:
    """Tags name criteria of the rubric that scores this kind (so choice can favour them)."""
    tags = nodes.text_list(node, "tags", errs)
    if tags is None:
        return None
    ids = [c.id for c in meta.rubric_for(kind)]
    for tag, tag_node in zip(tags, node.value, strict=True):
        retired = meta.retired_criterion(tag)
        if retired is not None:
            instead = f": use '{retired.replaced_by}'" if retired.replaced_by else ""
            errs.add(tag_node, f"tag '{tag}' is a retired criterion{instead}")
        elif tag not in ids:
            errs.add(
                tag_node,
                f"tag '{tag}' is not a criterion of the rubric for kind '{kind}' "
                f"(known: {', '.join(ids)})",
            )
    if len(set(tags)) != len(tags):
        errs.add(node, "tags must not repeat")
    return tags
