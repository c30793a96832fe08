"""The render layer's one truncation helper and its splitter."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.render.text import clip, quoted_sections, split_text

WORDS = st.lists(st.text("abcdefghij&<>", min_size=1, max_size=12), min_size=1, max_size=400)


def test_clip_cuts_at_a_word_boundary_and_says_so() -> None:
    assert clip("aligns product, data and engineering", 24) == "aligns product, data..."
    assert clip("short", 24) == "short"


@given(WORDS, st.integers(10, 200))
def test_clip_fits_and_keeps_whole_words(words: list[str], limit: int) -> None:
    text = " ".join(words)
    cut = clip(text, limit)
    assert len(cut) <= limit
    if cut != text:
        assert cut.endswith("...")
        kept = cut[:-3].split()
        if len(kept) > 1 and all(len(w) < 40 for w in words):
            assert kept[:-1] == text.split()[: len(kept) - 1]
            assert kept[-1] in text.split()


@given(WORDS, st.integers(20, 3000))
def test_split_text_keeps_every_word(words: list[str], limit: int) -> None:
    text = " ".join(words)
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_quoted_sections_quote_every_line() -> None:
    text = "first paragraph\n\nsecond & last " + "word " * 1500
    blocks = quoted_sections("*Answer*", text)
    assert len(blocks) > 1
    lines = [line for b in blocks for line in b.text.text.splitlines()][1:]
    assert all(line.startswith(">") for line in lines)
    assert all(len(b.text.text) <= 3000 for b in blocks)
