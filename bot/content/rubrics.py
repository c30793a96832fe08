"""pack.yaml: the pack's id and texts, its default rubric, kinds' own rubrics, retired criteria."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.content import nodes
from bot.content.model import KINDS, ContentError, Criterion

MAX_CRITERIA = 6  # a long score modal is a burden on peers
LEVELS = (1, 2, 3, 4, 5)

_PACK_KEYS = {
    "id": True,
    "title": True,
    "description": True,
    "rubric": True,
    "rubrics": False,
    "retired": False,
}
_CRITERION_KEYS = {"id": True, "name": True, "question": True, "anchors": True}
_RETIRED_KEYS = {"id": True, "name": True, "question": False, "replaced_by": False}


@dataclass(frozen=True)
class PackMeta:
    id: str
    title: str
    description: str
    rubric: tuple[Criterion, ...]
    rubrics: dict[str, tuple[Criterion, ...]]
    retired: tuple[Criterion, ...]
    line: int  # of the pack's id

    def rubric_for(self, kind: str) -> tuple[Criterion, ...]:
        return self.rubrics.get(kind, self.rubric)

    def retired_criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.retired if c.id == criterion_id), None)


def read_pack_meta(pack_file: Path, sink: list[ContentError]) -> PackMeta | None:
    errs = nodes.Errors(pack_file, sink)
    root = nodes.compose(pack_file, errs)
    if root is None:
        return None
    f = nodes.mapping(root, _PACK_KEYS, "pack.yaml", errs)
    if f is None:
        return None
    pack_id = nodes.identifier(f["id"], "pack id", errs) if "id" in f else None
    title = nodes.text(f["title"], "title", errs, one_line=True) if "title" in f else None
    description = nodes.text(f["description"], "description", errs) if "description" in f else None
    defined: dict[str, tuple[Criterion, int]] = {}
    raw = _rubric(f["rubric"], "rubric", defined, errs) if "rubric" in f else None
    raw_kinds = _kind_rubrics(f["rubrics"], defined, errs) if "rubrics" in f else {}
    retired = _retired(f["retired"], errs) if "retired" in f else ()
    if errs.count or None in (pack_id, title, description, raw, raw_kinds, retired):
        return None
    assert pack_id and title and description and raw is not None and raw_kinds is not None
    assert retired is not None
    rubric = _resolve(raw, defined, errs)
    rubrics = {kind: _resolve(r, defined, errs) for kind, r in raw_kinds.items()}
    _check_retired({cid: c for cid, (c, _) in defined.items()}, retired, f, errs)
    if errs.count:
        return None
    return PackMeta(pack_id, title, description, rubric, rubrics, retired, nodes.line_of(f["id"]))


@dataclass(frozen=True)
class _Use:
    """`- use: <id>` in a rubric: the criterion defined elsewhere in the pack, by reference."""

    id: str
    line: int


def _resolve(
    items: tuple[Criterion | _Use, ...],
    defined: dict[str, tuple[Criterion, int]],
    errs: nodes.Errors,
) -> tuple[Criterion, ...]:
    out: list[Criterion] = []
    for item in items:
        if isinstance(item, Criterion):
            out.append(item)
        elif item.id in defined:
            out.append(defined[item.id][0])
        else:
            errs.add(item.line, f"'use: {item.id}' names no criterion defined in this pack")
    ids = [c.id for c in out]
    for cid in {i for i in ids if ids.count(i) > 1}:
        errs.add(next(i.line for i in items if isinstance(i, _Use) and i.id == cid),
                 f"criterion '{cid}' is in this rubric twice")  # fmt: skip
    return tuple(out)


def _check_retired(
    by_id: dict[str, Criterion],
    retired: tuple[Criterion, ...],
    f: dict[str, yaml.Node],
    errs: nodes.Errors,
) -> None:
    for c in retired:
        if c.id in by_id:
            errs.add(f["retired"], f"retired criterion '{c.id}' is still in a rubric")
        if c.replaced_by and c.replaced_by not in by_id:
            errs.add(f["retired"], f"'{c.id}' is replaced by '{c.replaced_by}', not in a rubric")


def _kind_rubrics(
    node: yaml.Node, defined: dict[str, tuple[Criterion, int]], errs: nodes.Errors
) -> dict[str, tuple[Criterion | _Use, ...]] | None:
    if not isinstance(node, yaml.MappingNode):
        errs.add(node, "rubrics must map kinds to lists of criteria")
        return None
    out: dict[str, tuple[Criterion | _Use, ...]] = {}
    for key_node, value_node in node.value:
        kind = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        if kind not in KINDS:
            errs.add(key_node, f"rubrics: unknown kind '{kind}' (known: {', '.join(KINDS)})")
            continue
        if kind in out:
            errs.add(key_node, f"rubrics: kind '{kind}' given twice")
            continue
        rubric = _rubric(value_node, f"rubric of kind '{kind}'", defined, errs)
        if rubric is not None:
            out[kind] = rubric
    return out if not errs.count else None


def _rubric(
    node: yaml.Node, what: str, defined: dict[str, tuple[Criterion, int]], errs: nodes.Errors
) -> tuple[Criterion | _Use, ...] | None:
    """A list of criteria, each defined in place or `- use: <id>` of one defined elsewhere.

    One definition per id in the whole pack (votes store only the id): a second definition is
    an error that points at the first; reuse it with `use:`.
    """
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        errs.add(node, f"{what} must be a non-empty list of criteria")
        return None
    if len(node.value) > MAX_CRITERIA:
        errs.add(node, f"{what} has {len(node.value)} criteria; at most {MAX_CRITERIA}")
    before = errs.count
    criteria: list[Criterion | _Use] = []
    for item in node.value:
        if isinstance(item, yaml.MappingNode) and any(k.value == "use" for k, _ in item.value):
            used = nodes.mapping(item, {"use": True}, "criterion reference", errs)
            cid = nodes.identifier(used["use"], "use", errs) if used and "use" in used else None
            if cid is not None:
                criteria.append(_Use(cid, nodes.line_of(item)))
            continue
        c = _criterion(item, errs)
        if c is None:
            continue
        if c.id in defined:
            first = defined[c.id][1]
            errs.add(item, f"criterion '{c.id}' is already defined at line {first}; "
                     f"reuse it with '- use: {c.id}'")  # fmt: skip
            continue
        defined[c.id] = (c, nodes.line_of(item))
        criteria.append(c)
    return tuple(criteria) if errs.count == before else None


def _criterion(item: yaml.Node, errs: nodes.Errors) -> Criterion | None:
    c = nodes.mapping(item, _CRITERION_KEYS, "rubric criterion", errs)
    if c is None:
        return None
    cid = nodes.identifier(c["id"], "criterion id", errs) if "id" in c else None
    name = nodes.text(c["name"], "criterion name", errs, one_line=True) if "name" in c else None
    question = (
        nodes.text(c["question"], "criterion question", errs, one_line=True)
        if "question" in c
        else None
    )
    anchors = _anchors(c["anchors"], cid or "?", errs) if "anchors" in c else None
    if cid is None or name is None or question is None or anchors is None:
        return None
    return Criterion(id=cid, name=name, question=question, anchors=anchors)


def _anchors(node: yaml.Node, cid: str, errs: nodes.Errors) -> dict[int, str] | None:
    """Score -> description, for every level 1..5: reviewers need each step described."""
    if not isinstance(node, yaml.MappingNode):
        errs.add(node, f"anchors of '{cid}' must map scores 1 to 5 to descriptions")
        return None
    anchors: dict[int, str] = {}
    before = errs.count
    for key_node, value_node in node.value:
        if not (
            isinstance(key_node, yaml.ScalarNode)
            and key_node.tag == nodes.INT
            and int(key_node.value) in LEVELS
        ):
            errs.add(key_node, f"anchor score '{key_node.value}' of '{cid}' must be 1 to 5")
            continue
        score = int(key_node.value)
        if score in anchors:
            errs.add(key_node, f"duplicate anchor {score} in '{cid}'")
            continue
        value = nodes.text(value_node, f"anchor {score} of '{cid}'", errs, one_line=True)
        if value is not None:
            anchors[score] = value
    missing = [str(s) for s in LEVELS if s not in anchors]
    if missing and errs.count == before:
        errs.add(node, f"criterion '{cid}' is missing anchor {', '.join(missing)}")
    return dict(sorted(anchors.items())) if errs.count == before else None


def _retired(node: yaml.Node, errs: nodes.Errors) -> tuple[Criterion, ...] | None:
    """Criteria no rubric scores any more; old votes still carry their ids and names."""
    if not isinstance(node, yaml.SequenceNode):
        errs.add(node, "retired must be a list of criteria")
        return None
    before = errs.count
    out: list[Criterion] = []
    for item in node.value:
        c = nodes.mapping(item, _RETIRED_KEYS, "retired criterion", errs)
        if c is None or "id" not in c or "name" not in c:
            continue
        cid = nodes.identifier(c["id"], "criterion id", errs)
        name = nodes.text(c["name"], "criterion name", errs, one_line=True)
        question = (
            nodes.text(c["question"], "criterion question", errs, one_line=True)
            if "question" in c
            else ""
        )
        replaced_by = (
            nodes.identifier(c["replaced_by"], "replaced_by", errs) if "replaced_by" in c else ""
        )
        if cid and name and question is not None and replaced_by is not None:
            out.append(Criterion(cid, name, question, {}, retired=True, replaced_by=replaced_by))
    return tuple(out) if errs.count == before else None
