"""`practice-bot content check [DIR]`: validate content packs and report every problem."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from bot.content import Pack, load_library
from bot.content.fingerprint import RELOAD_MARKER


def check(content_dir: Path | str, out: TextIO | None = None) -> int:
    """Print one `file:line: message` per problem, then one summary line per loaded pack.

    Returns the process exit code: 1 if any problem was found (so CI can gate on it), else 0.
    """
    stream = out if out is not None else sys.stdout
    library = load_library(Path(content_dir))
    for error in library.errors:
        print(error, file=stream)
    for pack_id in sorted(library.packs):
        print(summary(library.packs[pack_id]), file=stream)
    if not library.packs and not library.errors:
        print(f"{content_dir}: no packs found", file=stream)
        return 1
    return 1 if library.errors else 0


def summary(pack: Pack) -> str:
    """One line per pack: size, variety and rubrics, the figures issue 15 asks to hold."""
    n = len(pack.prompts)
    kinds = Counter(p.kind for p in pack.prompts)
    twists = Counter(p.twist for p in pack.prompts)
    shapes = Counter(p.shape for p in pack.prompts)
    top, top_n = twists.most_common(1)[0] if twists else ("-", 0)
    shape, shape_n = shapes.most_common(1)[0] if shapes else ("-", 0)
    warm = sum(p.difficulty == 1 for p in pack.prompts)
    own = f" (+ own rubric for {', '.join(sorted(pack.rubrics))})" if pack.rubrics else ""
    return (
        f"{pack.id}: {n} prompts, {len(pack.rubric)} criteria{own}, "
        f"{len(kinds)} kinds, {len(shapes)} shapes (most used: {shape} {shape_n}), "
        f"warm-ups {warm} ({warm / n if n else 0:.0%}), "
        f"{len(twists)} twists (most used: {top} {top_n}), "
        f"{sum(p.guide_example for p in pack.prompts)} guide examples, "
        f"{sum(bool(p.calibration) for p in pack.prompts)} calibrated"
    )


def reload(content_dir: Path | str, out: TextIO | None = None) -> int:
    """`practice-bot content reload`: validate, then signal running bots to reload.

    Running processes compare `content_fingerprint` (`bot/content/fingerprint.py`) on every
    scheduler tick; touching the marker changes it even when only a file's content changed.
    """
    stream = out if out is not None else sys.stdout
    status = check(content_dir, stream)
    try:
        (Path(content_dir) / RELOAD_MARKER).touch()
    except OSError as exc:  # e.g. the packs shipped inside an installed package
        print(f"{content_dir}: cannot signal running bots ({exc.strerror}); reload is for "
              "packs in a CONTENT_DIR you can write", file=stream)  # fmt: skip
        return 1
    print("running bots will load the packs above within a minute", file=stream)
    return status
