"""Content packs: loading and validating `content/` (YAML packs of prompts and a rubric).

The format is documented in docs/content.md. A broken pack is reported (one
`file:line: message` per problem) and skipped; it never stops the other packs or the bot.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)


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


def prompt_from_snapshot(data: dict[str, Any]) -> Prompt:
    table = data.get("table")
    return Prompt(
        **{
            **{k: v for k, v in data.items() if k != "table"},
            "tags": tuple(data.get("tags", ())),
            "covers": tuple(data.get("covers", ())),
            "challenges": tuple(data.get("challenges", ())),
            "strong_answers": tuple(data.get("strong_answers", ())),
            "table": (
                ContextTable(
                    caption=table["caption"],
                    columns=tuple(table["columns"]),
                    rows=tuple(tuple(r) for r in table["rows"]),
                )
                if table
                else None
            ),
        }
    )


def load_library(content_dir: Path) -> Library:
    """Load every pack under `content_dir` (each a folder with a pack.yaml)."""
    packs: dict[str, Pack] = {}
    errors: list[ContentError] = []
    for pack_file in sorted(Path(content_dir).glob("*/pack.yaml")):
        pack, pack_errors = load_pack(pack_file.parent)
        errors.extend(pack_errors)
        if pack is None:
            continue
        if pack.id in packs:
            errors.append(ContentError(str(pack_file), 1, f"duplicate pack id '{pack.id}'"))
            continue
        packs[pack.id] = pack
    for error in errors:
        log.warning("content: %s", error)
    return Library(packs=packs, errors=tuple(errors))


def load_pack(folder: Path) -> tuple[Pack | None, list[ContentError]]:
    """A minimal loader; full validation arrives with the case library (issue 3)."""
    errors: list[ContentError] = []
    meta = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    rubric = tuple(
        Criterion(
            id=c["id"],
            name=c["name"],
            question=c["question"],
            anchors={int(k): v for k, v in c["anchors"].items()},
        )
        for c in meta["rubric"]
    )
    prompts = []
    for f in sorted(folder.glob("*.yaml")):
        if f.name == "pack.yaml":
            continue
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        table = d.get("table")
        prompts.append(
            Prompt(
                id=d["id"],
                title=d["title"],
                kind=d["kind"],
                difficulty=int(d["difficulty"]),
                tags=tuple(d["tags"]),
                case=d["case"],
                covers=tuple(d["covers"]),
                challenges=tuple(d["challenges"]),
                strong_answers=tuple(d["strong_answers"]),
                context=d.get("context", ""),
                table=(
                    ContextTable(
                        caption=table.get("caption", ""),
                        columns=tuple(str(c) for c in table["columns"]),
                        rows=tuple(tuple(str(v) for v in r) for r in table["rows"]),
                    )
                    if table
                    else None
                ),
                source=f"{f}:1",
            )
        )
    pack = Pack(
        id=meta["id"],
        title=meta["title"],
        description=meta.get("description", ""),
        rubric=rubric,
        prompts=tuple(prompts),
        path=folder,
    )
    return pack, errors
