"""Content packs: loading and validating `content/` (YAML packs of prompts and a rubric).

The format is documented in docs/content.md. A broken pack is reported (one
`file:line: message` per problem) and skipped; it never stops the other packs or the bot.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

# The kinds of prompt a pack may use. Fixed in code so that a typo ("mesurement") is caught
# and so that kind rotation in bot.practice.choice works on a known set.
KINDS: tuple[str, ...] = (
    "case",  # go-to-market plan for a new, loosely defined product
    "measurement",  # proving an effect: holdouts, incrementality, thresholds
    "data-diagnosis",  # a metric moved: find the driver before acting
    "prioritization",  # pick one market or segment and say what waits
    "behavioural",  # a story from the candidate's own past, with before/after numbers
    "ecosystem",  # creators, ranking and organic distribution instead of paid playbooks
    # Reading a shipped launch and inferring the bet behind it: interviewers ask for it and
    # it trains hypothesis-thinking from the outside in, unlike any kind above.
    "launch-teardown",
    # Product-sense packs: design a product or feature for a user problem.
    "product-design",
)


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    question: str
    anchors: dict[int, str]  # score (1, 3, 5) -> what an answer at that level does


@dataclass(frozen=True)
class ContextTable:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Prompt:
    id: str
    title: str
    kind: str
    difficulty: int  # 1 (warm-up) .. 3 (hard)
    tags: tuple[str, ...]  # rubric criterion ids the prompt exercises
    case: str
    covers: tuple[str, ...]
    challenges: tuple[str, ...]
    strong_answers: tuple[str, ...]
    context: str = ""
    table: ContextTable | None = None
    source: str = ""  # "file:line" of the prompt's definition

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able copy kept with each post, so old posts survive content edits."""
        return asdict(self)


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    description: str
    rubric: tuple[Criterion, ...]
    prompts: tuple[Prompt, ...]
    path: Path = field(default=Path("."))
    source: str = ""  # "file:line" of the pack's id in pack.yaml

    def prompt(self, prompt_id: str) -> Prompt | None:
        return next((p for p in self.prompts if p.id == prompt_id), None)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.rubric if c.id == criterion_id), None)


@dataclass(frozen=True)
class ContentError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Library:
    packs: dict[str, Pack]
    errors: tuple[ContentError, ...] = ()

    def pack(self, pack_id: str) -> Pack | None:
        return self.packs.get(pack_id)


def prompt_from_snapshot(data: Mapping[str, Any]) -> Prompt:
    """Rebuild a Prompt from `Prompt.snapshot()` (also after a JSON round trip)."""
    table = data.get("table")
    known = {f.name for f in fields(Prompt)}
    return Prompt(
        **{
            # Unknown keys are dropped so that snapshots from newer versions still load.
            **{k: v for k, v in data.items() if k in known and k != "table"},
            "difficulty": int(data.get("difficulty", 1)),
            "tags": tuple(data.get("tags", ())),
            "covers": tuple(data.get("covers", ())),
            "challenges": tuple(data.get("challenges", ())),
            "strong_answers": tuple(data.get("strong_answers", ())),
            "table": (
                ContextTable(
                    caption=table.get("caption", ""),
                    columns=tuple(table["columns"]),
                    rows=tuple(tuple(r) for r in table["rows"]),
                )
                if table
                else None
            ),
        }
    )


def load_library(content_dir: Path) -> Library:
    """Load every pack under `content_dir` (each a folder with a pack.yaml).

    Never raises on bad content: each problem becomes a ContentError and only the broken
    prompt (or, for a broken pack.yaml, the broken pack) is left out.
    """
    packs: dict[str, Pack] = {}
    errors: list[ContentError] = []
    root = Path(content_dir)
    if not root.is_dir():
        errors.append(ContentError(str(root), 0, "content folder not found"))
    for pack_file in sorted(root.glob("*/pack.yaml")):
        pack, pack_errors = load_pack(pack_file.parent)
        errors.extend(pack_errors)
        if pack is None:
            continue
        if pack.id in packs:
            first = packs[pack.id].source or str(packs[pack.id].path / "pack.yaml")
            file, line = _split_source(pack.source, str(pack_file))
            message = f"duplicate pack id '{pack.id}' (first defined at {first})"
            errors.append(ContentError(file, line, message))
            continue
        packs[pack.id] = pack
    for error in errors:
        log.warning("content: %s", error)
    return Library(packs=packs, errors=tuple(errors))


def load_pack(folder: Path) -> tuple[Pack | None, list[ContentError]]:
    """Load and validate one pack folder: its pack.yaml and one YAML file per prompt.

    Returns (None, errors) when pack.yaml is broken or no prompt survives validation;
    otherwise the pack with every valid prompt, and the errors of the prompts left out.
    """
    folder = Path(folder)
    pack_file = folder / "pack.yaml"
    errors: list[ContentError] = []
    meta = _read_pack_meta(pack_file, errors)
    if meta is None:
        return None, errors
    pack_id, title, description, rubric, id_line = meta
    criterion_ids = {c.id for c in rubric}
    prompts: list[Prompt] = []
    seen: dict[str, str] = {}
    for file in sorted(folder.glob("*.yaml")):
        if file.name == "pack.yaml":
            continue
        prompt = _read_prompt(file, criterion_ids, errors)
        if prompt is None:
            continue
        file_name, line = _split_source(prompt.source, str(file))
        if prompt.id in seen:
            errors.append(
                ContentError(
                    file_name,
                    line,
                    f"duplicate prompt id '{prompt.id}' (first defined at {seen[prompt.id]})",
                )
            )
            continue
        if file.stem != prompt.id:
            # One file per prompt named after its id keeps ids unique and easy to find.
            errors.append(
                ContentError(
                    file_name, line, f"file name must match the id: expected '{prompt.id}.yaml'"
                )
            )
            continue
        seen[prompt.id] = prompt.source
        prompts.append(prompt)
    if not prompts:
        errors.append(ContentError(str(pack_file), 1, f"pack '{pack_id}' has no valid prompts"))
        return None, errors
    pack = Pack(
        id=pack_id,
        title=title,
        description=description,
        rubric=rubric,
        prompts=tuple(prompts),
        path=folder,
        source=f"{pack_file}:{id_line}",
    )
    return pack, errors


# --- validation helpers -------------------------------------------------------------------
#
# Files are parsed with yaml.compose so every value keeps its position (node.start_mark);
# each problem is reported at the line of the offending key or value, not just the file.

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PACK_KEYS = {"id": True, "title": True, "description": True, "rubric": True}
_CRITERION_KEYS = {"id": True, "name": True, "question": True, "anchors": True}
_PROMPT_KEYS = {
    "id": True,
    "title": True,
    "kind": True,
    "difficulty": True,
    "tags": True,
    "case": True,
    "context": False,
    "table": False,
    "covers": True,
    "challenges": True,
    "strong_answers": True,
}
_TABLE_KEYS = {"caption": False, "columns": True, "rows": True}
_REQUIRED_ANCHORS = (1, 3, 5)


class _Errors:
    """Collects the problems of one file; `ok` tells whether the file is still usable."""

    def __init__(self, file: Path, sink: list[ContentError]) -> None:
        self.file = str(file)
        self.sink = sink
        self.count = 0

    def add(self, node: yaml.Node | int, message: str) -> None:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        self.sink.append(ContentError(self.file, line, message))
        self.count += 1


def _split_source(source: str, default_file: str) -> tuple[str, int]:
    file, _, line = source.rpartition(":")
    return (file, int(line)) if file and line.isdigit() else (default_file, 1)


def _compose(file: Path, errs: _Errors) -> yaml.Node | None:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errs.add(1, f"cannot read file: {exc}")
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        errs.add(line, f"invalid YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        errs.add(1, f"invalid YAML: {exc}")
        return None
    if node is None:
        errs.add(1, "file is empty")
    return node


def _mapping(
    node: yaml.Node, keys: Mapping[str, bool], what: str, errs: _Errors
) -> dict[str, yaml.Node] | None:
    """Check a mapping's keys (unknown, duplicate, missing required); return key -> value."""
    if not isinstance(node, yaml.MappingNode):
        errs.add(node, f"{what} must be a mapping of keys to values")
        return None
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in keys:
            allowed = ", ".join(keys)
            errs.add(key_node, f"unknown key '{key}' in {what} (allowed: {allowed})")
            continue
        if key in out:
            errs.add(key_node, f"duplicate key '{key}' in {what}")
            continue
        out[key] = value_node
    for key, required in keys.items():
        if required and key not in out:
            errs.add(node, f"missing required field '{key}' in {what}")
    return out


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _text(node: yaml.Node, what: str, errs: _Errors, *, one_line: bool = False) -> str | None:
    """A non-empty string. Numbers are refused so that `title: 2024` is not silently cast."""
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        errs.add(node, f"{what} must be text")
        return None
    value = node.value.strip()
    if not value:
        errs.add(node, f"{what} must not be empty")
        return None
    if one_line and "\n" in value:
        errs.add(node, f"{what} must fit on one line")
        return None
    return value


def _cell(node: yaml.Node, what: str, errs: _Errors) -> str | None:
    """A table cell: any scalar, kept exactly as written (so 0.40 stays '0.40')."""
    if not isinstance(node, yaml.ScalarNode) or _is_null(node):
        errs.add(node, f"{what} must be a single value")
        return None
    return node.value.strip()


def _text_list(
    node: yaml.Node,
    what: str,
    errs: _Errors,
    *,
    min_items: int = 1,
    max_items: int | None = None,
) -> tuple[str, ...] | None:
    if not isinstance(node, yaml.SequenceNode):
        errs.add(node, f"{what} must be a list")
        return None
    n = len(node.value)
    if n == 0:
        errs.add(node, f"{what} must not be empty")
        return None
    if n < min_items or (max_items is not None and n > max_items):
        bound = f"{min_items} to {max_items}" if max_items is not None else f"at least {min_items}"
        errs.add(node, f"{what} must have {bound} items, found {n}")
        return None
    items = [_text(item, f"each item of {what}", errs) for item in node.value]
    if any(item is None for item in items):
        return None
    return tuple(item for item in items if item is not None)


def _difficulty(node: yaml.Node, errs: _Errors) -> int | None:
    if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int"):
        errs.add(node, "difficulty must be a whole number 1, 2 or 3")
        return None
    value = int(node.value)
    if value not in (1, 2, 3):
        errs.add(node, f"difficulty must be 1, 2 or 3, not {value}")
        return None
    return value


def _identifier(node: yaml.Node, what: str, errs: _Errors) -> str | None:
    value = _text(node, what, errs)
    if value is not None and not _ID_RE.match(value):
        errs.add(node, f"{what} '{value}' must be lowercase letters, digits and dashes")
        return None
    return value


def _read_pack_meta(
    pack_file: Path, sink: list[ContentError]
) -> tuple[str, str, str, tuple[Criterion, ...], int] | None:
    errs = _Errors(pack_file, sink)
    root = _compose(pack_file, errs)
    if root is None:
        return None
    fields_ = _mapping(root, _PACK_KEYS, "pack.yaml", errs)
    if fields_ is None:
        return None
    pack_id = _identifier(fields_["id"], "pack id", errs) if "id" in fields_ else None
    title = _text(fields_["title"], "title", errs, one_line=True) if "title" in fields_ else None
    description = (
        _text(fields_["description"], "description", errs) if "description" in fields_ else None
    )
    rubric = _rubric(fields_["rubric"], errs) if "rubric" in fields_ else None
    if errs.count or pack_id is None or title is None or description is None or rubric is None:
        return None
    return pack_id, title, description, rubric, fields_["id"].start_mark.line + 1


def _rubric(node: yaml.Node, errs: _Errors) -> tuple[Criterion, ...] | None:
    if not isinstance(node, yaml.SequenceNode):
        errs.add(node, "rubric must be a list of criteria")
        return None
    if not node.value:
        errs.add(node, "rubric must have at least one criterion")
        return None
    criteria: list[Criterion] = []
    for item in node.value:
        c = _mapping(item, _CRITERION_KEYS, "rubric criterion", errs)
        if c is None:
            continue
        cid = _identifier(c["id"], "criterion id", errs) if "id" in c else None
        name = _text(c["name"], "criterion name", errs, one_line=True) if "name" in c else None
        question = (
            _text(c["question"], "criterion question", errs, one_line=True)
            if "question" in c
            else None
        )
        anchors = _anchors(c["anchors"], cid or "?", errs) if "anchors" in c else None
        if cid is None or name is None or question is None or anchors is None:
            continue
        if any(existing.id == cid for existing in criteria):
            errs.add(c["id"], f"duplicate criterion id '{cid}'")
            continue
        criteria.append(Criterion(id=cid, name=name, question=question, anchors=anchors))
    return tuple(criteria) if not errs.count else None


def _anchors(node: yaml.Node, cid: str, errs: _Errors) -> dict[int, str] | None:
    """Score -> description. 1, 3 and 5 are required so reviewers always have the extremes
    and the middle; 2 and 4 are optional."""
    if not isinstance(node, yaml.MappingNode):
        errs.add(node, f"anchors of '{cid}' must map scores (1, 3, 5) to descriptions")
        return None
    anchors: dict[int, str] = {}
    ok = True
    for key_node, value_node in node.value:
        if not (
            isinstance(key_node, yaml.ScalarNode)
            and key_node.tag == "tag:yaml.org,2002:int"
            and int(key_node.value) in (1, 2, 3, 4, 5)
        ):
            errs.add(key_node, f"anchor score '{key_node.value}' of '{cid}' must be 1 to 5")
            ok = False
            continue
        score = int(key_node.value)
        if score in anchors:
            errs.add(key_node, f"duplicate anchor {score} in '{cid}'")
            ok = False
            continue
        text = _text(value_node, f"anchor {score} of '{cid}'", errs, one_line=True)
        if text is None:
            ok = False
            continue
        anchors[score] = text
    for score in _REQUIRED_ANCHORS:
        if score not in anchors and ok:
            errs.add(node, f"criterion '{cid}' is missing anchor {score}")
            ok = False
    return dict(sorted(anchors.items())) if ok else None


def _table(node: yaml.Node, errs: _Errors) -> ContextTable | None:
    t = _mapping(node, _TABLE_KEYS, "table", errs)
    if t is None or "columns" not in t or "rows" not in t:
        return None
    caption = _text(t["caption"], "table caption", errs, one_line=True) if "caption" in t else ""
    columns_node = t["columns"]
    if not isinstance(columns_node, yaml.SequenceNode) or not columns_node.value:
        errs.add(columns_node, "table columns must be a non-empty list")
        return None
    columns = [_cell(c, "each table column", errs) for c in columns_node.value]
    rows_node = t["rows"]
    if not isinstance(rows_node, yaml.SequenceNode) or not rows_node.value:
        errs.add(rows_node, "table rows must be a non-empty list of rows")
        return None
    rows: list[tuple[str, ...]] = []
    ok = caption is not None and all(c is not None for c in columns)
    for i, row_node in enumerate(rows_node.value, start=1):
        if not isinstance(row_node, yaml.SequenceNode):
            errs.add(row_node, f"table row {i} must be a list of values")
            ok = False
            continue
        if len(row_node.value) != len(columns):
            errs.add(
                row_node,
                f"table row {i} has {len(row_node.value)} values but there are "
                f"{len(columns)} columns",
            )
            ok = False
            continue
        cells = [_cell(v, f"each value of table row {i}", errs) for v in row_node.value]
        if any(c is None for c in cells):
            ok = False
            continue
        rows.append(tuple(c for c in cells if c is not None))
    if not ok:
        return None
    return ContextTable(
        caption=caption or "",
        columns=tuple(c for c in columns if c is not None),
        rows=tuple(rows),
    )


def _read_prompt(file: Path, criterion_ids: set[str], sink: list[ContentError]) -> Prompt | None:
    errs = _Errors(file, sink)
    root = _compose(file, errs)
    if root is None:
        return None
    f = _mapping(root, _PROMPT_KEYS, "prompt", errs)
    if f is None:
        return None
    values: dict[str, Any] = {}
    if "id" in f:
        values["id"] = _identifier(f["id"], "prompt id", errs)
    if "title" in f:
        values["title"] = _text(f["title"], "title", errs, one_line=True)
    if "kind" in f:
        kind = _text(f["kind"], "kind", errs)
        if kind is not None and kind not in KINDS:
            errs.add(f["kind"], f"unknown kind '{kind}' (known: {', '.join(KINDS)})")
            kind = None
        values["kind"] = kind
    if "difficulty" in f:
        values["difficulty"] = _difficulty(f["difficulty"], errs)
    if "tags" in f:
        tags = _text_list(f["tags"], "tags", errs)
        if tags is not None:
            for tag, tag_node in zip(tags, f["tags"].value, strict=True):
                if tag not in criterion_ids:
                    known = ", ".join(sorted(criterion_ids))
                    errs.add(tag_node, f"tag '{tag}' names no rubric criterion (known: {known})")
            if len(set(tags)) != len(tags):
                errs.add(f["tags"], "tags must not repeat")
        values["tags"] = tags
    for key in ("case", "context"):
        if key in f:
            values[key] = _text(f[key], key, errs)
    if "table" in f:
        values["table"] = _table(f["table"], errs)
    if "covers" in f:
        values["covers"] = _text_list(f["covers"], "covers", errs)
    if "challenges" in f:
        values["challenges"] = _text_list(
            f["challenges"], "challenges", errs, min_items=3, max_items=5
        )
    if "strong_answers" in f:
        values["strong_answers"] = _text_list(f["strong_answers"], "strong_answers", errs)
    if errs.count or any(v is None for v in values.values()):
        return None
    return Prompt(**values, source=f"{file}:{f['id'].start_mark.line + 1}")
