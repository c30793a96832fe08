"""Loading `content/`: every pack folder, each pack's prompts, and the pack-wide limits."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.content import nodes
from bot.content.model import ContentError, Library, Pack, Prompt
from bot.content.prompts import read_prompt
from bot.content.rubrics import read_pack_meta

log = logging.getLogger(__name__)

MAX_GUIDE_EXAMPLES = 5  # prompts built on the interview guide's own examples, per pack
TWIST_SHARE = 4  # no twist in more than a quarter (1/4) of a pack's prompts
SHAPE_SHARE = 5  # no shape in more than a fifth (1/5) of a pack's prompts
FAILS_SHARE = 4  # no `fails` label on more than a quarter of a pack's weak samples
WARM_UP_SHARE = 0.15  # at least 15% of a pack's prompts are warm-ups (difficulty 1)
# Below this size a pack cannot vary its twists (a 3-prompt pack breaks any quarter rule).
VARIETY_FROM = 8


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
            file, line = nodes.split_source(pack.source, str(pack_file))
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
    meta = read_pack_meta(pack_file, errors)
    if meta is None:
        return None, errors
    prompts: list[Prompt] = []
    seen: dict[str, str] = {}
    for file in sorted(folder.glob("*.yaml")):
        if file.name == "pack.yaml":
            continue
        prompt = read_prompt(file, meta, errors)
        if prompt is None:
            continue
        file_name, line = nodes.split_source(prompt.source, str(file))
        if prompt.id in seen:
            message = f"duplicate prompt id '{prompt.id}' (first defined at {seen[prompt.id]})"
            errors.append(ContentError(file_name, line, message))
            continue
        if file.stem != prompt.id:
            # One file per prompt named after its id keeps ids unique and easy to find.
            message = f"file name must match the id: expected '{prompt.id}.yaml'"
            errors.append(ContentError(file_name, line, message))
            continue
        seen[prompt.id] = prompt.source
        prompts.append(prompt)
    if not prompts:
        errors.append(ContentError(str(pack_file), 1, f"pack '{meta.id}' has no valid prompts"))
        return None, errors
    pack = Pack(
        id=meta.id,
        title=meta.title,
        description=meta.description,
        rubric=meta.rubric,
        prompts=tuple(prompts),
        path=folder,
        source=f"{pack_file}:{meta.line}",
        rubrics=meta.rubrics,
        retired=meta.retired,
    )
    errors.extend(variety_errors(pack))
    return pack, errors


def variety_errors(pack: Pack) -> list[ContentError]:
    """Pack-wide limits: twists, shapes and weak samples' `fails` spread, few guide examples,
    enough warm-ups.

    Reported at each prompt over a limit (in file order), so the fix is where the line says;
    too few warm-ups is reported at pack.yaml.
    """
    n = len(pack.prompts)
    over: list[tuple[Prompt, str]] = []
    if n >= VARIETY_FROM:
        prompts = pack.prompts
        over += _over_share(prompts, lambda p: p.twist, "twist", "prompts", TWIST_SHARE)
        over += _over_share(prompts, lambda p: p.shape, "shape", "prompts", SHAPE_SHARE)
        weak = [p for p in prompts if p.sample("weak") is not None]
        over += _over_share(weak, _fails, "fails", "weak samples", FAILS_SHARE)
    guided = [p for p in pack.prompts if p.guide_example]
    message = f"{len(guided)} prompts are guide examples; at most {MAX_GUIDE_EXAMPLES} a pack"
    over.extend((p, message) for p in guided[MAX_GUIDE_EXAMPLES:])
    errors = []
    for prompt, message in over:
        file, line = nodes.split_source(prompt.source, str(pack.path))
        errors.append(ContentError(file, line, message))
    warm = sum(p.difficulty == 1 for p in pack.prompts)
    if n >= VARIETY_FROM and warm < WARM_UP_SHARE * n:
        file, line = nodes.split_source(pack.source, str(pack.path / "pack.yaml"))
        errors.append(
            ContentError(
                file,
                line,
                f"{warm} of {n} prompts are warm-ups (difficulty 1); at least "
                f"{WARM_UP_SHARE:.0%} ({math.ceil(WARM_UP_SHARE * n)})",
            )
        )
    return errors


def _fails(prompt: Prompt) -> str:
    weak = prompt.sample("weak")
    return weak.fails if weak is not None else ""


_SHARE_WORDS = {4: "a quarter", 5: "a fifth"}


def _over_share(
    prompts: Sequence[Prompt], label: Callable[[Prompt], str], what: str, of: str, share: int
) -> list[tuple[Prompt, str]]:
    """The prompts beyond the limit for each label used by more than 1/share of `prompts`."""
    limit = len(prompts) // share
    groups: dict[str, list[Prompt]] = {}
    for p in prompts:
        if label(p):
            groups.setdefault(label(p), []).append(p)
    over: list[tuple[Prompt, str]] = []
    for value, group in sorted(groups.items()):
        message = (
            f"{what} '{value}' is used by {len(group)} of {len(prompts)} {of}; "
            f"at most {limit} ({_SHARE_WORDS[share]}): pick another {what} for some"
        )
        over.extend((p, message) for p in group[limit:])
    return over
