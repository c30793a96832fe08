"""Content packs: loading and validating `content/` (YAML packs of prompts and rubrics).

The format is documented in docs/content.md. A broken pack is reported (one
`file:line: message` per problem) and skipped; it never stops the other packs or the bot.
"""

from bot.content.loader import load_library, load_pack
from bot.content.model import (
    FAILS,
    KINDS,
    SHAPES,
    ContentError,
    ContextTable,
    Criterion,
    Library,
    Pack,
    Prompt,
    Sample,
    prompt_from_snapshot,
)

__all__ = [
    "FAILS",
    "KINDS",
    "SHAPES",
    "ContentError",
    "ContextTable",
    "Criterion",
    "Library",
    "Pack",
    "Prompt",
    "Sample",
    "load_library",
    "load_pack",
    "prompt_from_snapshot",
]
