"""Our own words: no run of 7 words shared with the interview guide the content is based on.

`guide-shingles.txt` holds only hashes (the first 16 hex digits of the SHA-1 of each 7-word
run of the guide, lowercased), never its text; it is a copy of the team's shared hook file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHINGLES = Path(__file__).with_name("guide-shingles.txt")
RUN = 7
CHECKED = [
    *sorted((REPO / "content").rglob("*.yaml")),
    *sorted((REPO / "docs").rglob("*.md")),
    REPO / "README.md",
    *sorted((REPO / "bot").rglob("*.py")),
]


def shared_runs(text: str, known: set[str]) -> list[str]:
    """Each 7-word run of `text` whose hash is a run of the guide, with its line number."""
    words = [
        (w, n)
        for n, line in enumerate(text.splitlines(), 1)
        for w in re.findall(r"[a-z0-9']+", line.lower())
    ]
    hits = []
    for i in range(len(words) - RUN + 1):
        run = " ".join(w for w, _ in words[i : i + RUN])
        if hashlib.sha1(run.encode()).hexdigest()[:16] in known:
            hits.append(f"line {words[i][1]}: {run}")
    return hits


@pytest.fixture(scope="module")
def known() -> set[str]:
    hashes = set(SHINGLES.read_text().split())
    assert len(hashes) > 1000
    return hashes


def test_the_check_finds_a_shared_run(known: set[str]) -> None:
    # Any run the file lists must be found: a hash computed here the same way is in it.
    sample = "alpha beta gamma delta epsilon zeta eta"
    digest = hashlib.sha1(sample.encode()).hexdigest()[:16]
    assert shared_runs(f"x {sample.upper()}\n", known | {digest}) == [f"line 1: {sample}"]


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(REPO)))
def test_no_run_of_seven_words_from_the_guide(known: set[str], path: Path) -> None:
    assert shared_runs(path.read_text(encoding="utf-8"), known) == []
