"""Validation of content packs: every kind of broken file answers with `file:line: message`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.content import KINDS, load_library, load_pack, prompt_from_snapshot
from bot.content_cli import check
from tests.content.demo import PACK_YAML, prompt_yaml, write_pack

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"


def errors_of(root: Path) -> list[str]:
    return [str(e) for e in load_library(root).errors]


def test_shipped_packs_load_without_errors() -> None:
    library = load_library(CONTENT)
    assert [str(e) for e in library.errors] == []
    assert {"pmm", "product-sense"} <= set(library.packs)
    out = io.StringIO()
    assert check(CONTENT, out) == 0
    assert "pmm: " in out.getvalue()


def test_valid_demo_pack_loads(tmp_path: Path) -> None:
    write_pack(tmp_path, a=prompt_yaml("a"), b=prompt_yaml("b"))
    library = load_library(tmp_path)
    assert library.errors == ()
    pack = library.packs["demo"]
    assert [p.id for p in pack.prompts] == ["a", "b"]
    a = pack.prompt("a")
    assert a is not None and a.table is not None
    assert a.table.rows == (("1", "10"), ("2", "12"))
    assert a.source == f"{tmp_path / 'demo' / 'a.yaml'}:1"
    assert pack.criterion("measurement") is not None
    assert pack.rubric[0].anchors[1] == "None." and sorted(pack.rubric[0].anchors) == [
        1,
        2,
        3,
        4,
        5,
    ]


def broken(old: str, new: str) -> str:
    text = prompt_yaml("bad")
    assert old in text
    return text.replace(old, new, 1)


# (prompt text, expected line, expected message fragment)
BROKEN_PROMPTS = [
    pytest.param(broken("title: A small case", "title: [unclosed"), 3, "invalid YAML", id="yaml"),
    pytest.param(
        broken("kind: case", "kind: case\nmood: happy"), 4, "unknown key 'mood'", id="key"
    ),
    pytest.param(
        broken(
            "case: Decide whether to launch; week 2 has about 20% more users than week 1.\n", ""
        ),
        1,
        "missing required field 'case'",
        id="missing",
    ),
    pytest.param(
        broken("difficulty: 2", "difficulty: 4"),
        4,
        "difficulty must be 1 to 3, not 4",
        id="difficulty-range",
    ),
    pytest.param(
        broken("difficulty: 2", "difficulty: hard"),
        4,
        "difficulty must be a whole",
        id="difficulty-type",
    ),
    pytest.param(broken("kind: case", "kind: quiz"), 3, "unknown kind 'quiz'", id="kind"),
    pytest.param(
        broken("tags: [hypothesis, measurement]", "tags:\n  - hypothesis\n  - focus"),
        7,
        "tag 'focus' is not one of the prompt's criteria (known: hypothesis, measurement)",
        id="tag",
    ),
    pytest.param(
        broken("challenges:\n  - Why?\n  - Why now?\n  - Why this market?", "challenges: []"),
        22,
        "challenges must not be empty",
        id="challenges-empty",
    ),
    pytest.param(
        broken("  - Why now?\n  - Why this market?\n", ""),
        23,
        "challenges must have 3 to 5 items, found 1",
        id="challenges-few",
    ),
    pytest.param(
        broken("  - Why this market?\n", "  - Why this market?\n" + "  - More?\n" * 3),
        23,
        "challenges must have 3 to 5 items, found 6",
        id="challenges-many",
    ),
    pytest.param(
        broken("challenges:\n  - Why?\n  - Why now?\n  - Why this market?", "challenges: Why?"),
        22,
        "challenges must be a list",
        id="challenges-type",
    ),
    pytest.param(
        broken("    - [2, 12]", "    - [2, 12, 99]"),
        14,
        "table row 2 has 3 values but there are 2 columns",
        id="table-row",
    ),
    pytest.param(
        broken("title: A small case", "title: A small case\ntitle: Again"),
        3,
        "duplicate key 'title'",
        id="duplicate-key",
    ),
    pytest.param(broken("id: bad", "id: Bad Id"), 1, "must be lowercase", id="id-format"),
    pytest.param("", 1, "file is empty", id="empty-file"),
    pytest.param("- just\n- a list\n", 1, "prompt must be a mapping", id="not-mapping"),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN_PROMPTS)
def test_broken_prompt_is_reported_and_skipped(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    write_pack(tmp_path, good=prompt_yaml("good"), bad=text)
    library = load_library(tmp_path)
    path = tmp_path / "demo" / "bad.yaml"
    matching = [e for e in library.errors if message in e.message]
    assert len(matching) == 1, [str(e) for e in library.errors]
    assert str(matching[0]) == f"{path}:{line}: {matching[0].message}"
    assert all(e.file == str(path) for e in library.errors)
    # The rest of the pack still loads.
    assert [p.id for p in library.packs["demo"].prompts] == ["good"]


def test_duplicate_prompt_id(tmp_path: Path) -> None:
    write_pack(tmp_path, a=prompt_yaml("a"), b=prompt_yaml("a"))
    errors = errors_of(tmp_path)
    first = tmp_path / "demo" / "a.yaml"
    assert errors == [
        f"{tmp_path / 'demo' / 'b.yaml'}:1: duplicate prompt id 'a' (first defined at {first}:1)"
    ]


def test_file_name_must_match_id(tmp_path: Path) -> None:
    write_pack(tmp_path, other=prompt_yaml("a"))
    errors = errors_of(tmp_path)
    path = tmp_path / "demo" / "other.yaml"
    assert errors[0] == f"{path}:1: file name must match the id: expected 'a.yaml'"


def test_duplicate_pack_id_keeps_the_first(tmp_path: Path) -> None:
    write_pack(tmp_path, "one", a=prompt_yaml("a"))
    write_pack(tmp_path, "two", b=prompt_yaml("b"))
    library = load_library(tmp_path)
    first = tmp_path / "one" / "pack.yaml"
    assert [str(e) for e in library.errors] == [
        f"{tmp_path / 'two' / 'pack.yaml'}:1: duplicate pack id 'demo' (first defined at {first}:1)"
    ]
    assert [p.id for p in library.packs["demo"].prompts] == ["a"]


BROKEN_PACKS = [
    pytest.param(
        PACK_YAML.replace("      3: Some.\n", ""),
        9,
        "criterion 'hypothesis' is missing anchor 3",
        id="anchor",
    ),
    pytest.param(
        PACK_YAML.replace("title: Demo pack", "title: Demo pack\ncolour: blue"),
        3,
        "unknown key 'colour' in pack.yaml",
        id="pack-key",
    ),
    pytest.param(
        PACK_YAML.replace("description: A pack used by tests.\n", ""),
        1,
        "missing required field 'description'",
        id="pack-missing",
    ),
    pytest.param(
        PACK_YAML.replace("    question: Is the effect isolated?\n", ""),
        14,
        "missing required field 'question' in rubric criterion",
        id="criterion-missing",
    ),
    pytest.param(
        PACK_YAML.replace("  - id: measurement", "  - id: hypothesis"),
        14,
        "criterion 'hypothesis' is already defined at line 5; reuse it with '- use: hypothesis'",
        id="criterion-duplicate",
    ),
    pytest.param(
        PACK_YAML.replace("      5: A sharp one.", "      6: Too high."),
        13,
        "anchor score '6' of 'hypothesis' must be 1 to 5",
        id="anchor-score",
    ),
    pytest.param(PACK_YAML.replace("rubric:\n", "rubric: {\n"), 5, "invalid YAML", id="pack-yaml"),
    pytest.param(
        PACK_YAML.replace("    name: Measurement", "    name: [Measurement]"),
        15,
        "criterion name must be text",
        id="criterion-type",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN_PACKS)
def test_broken_pack_is_skipped_and_others_load(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    write_pack(tmp_path, "broken", pack=text, a=prompt_yaml("a"))
    write_pack(
        tmp_path,
        "fine",
        pack=PACK_YAML.replace("id: demo", "id: fine"),
        b=prompt_yaml("b"),
    )
    library = load_library(tmp_path)
    path = tmp_path / "broken" / "pack.yaml"
    matching = [e for e in library.errors if message in e.message]
    assert len(matching) == 1, [str(e) for e in library.errors]
    assert str(matching[0]) == f"{path}:{line}: {matching[0].message}"
    assert list(library.packs) == ["fine"]


def test_empty_pack(tmp_path: Path) -> None:
    write_pack(tmp_path)
    path = tmp_path / "demo" / "pack.yaml"
    assert errors_of(tmp_path) == [f"{path}:1: pack 'demo' has no valid prompts"]
    out = io.StringIO()
    assert check(tmp_path, out) == 1
    assert out.getvalue() == f"{path}:1: pack 'demo' has no valid prompts\n"


def test_pack_whose_prompts_are_all_broken_is_empty(tmp_path: Path) -> None:
    write_pack(tmp_path, a=prompt_yaml("a").replace("kind: case", "kind: nope"))
    pack, errors = load_pack(tmp_path / "demo")
    assert pack is None
    assert [e.message for e in errors] == [
        f"unknown kind 'nope' (known: {', '.join(KINDS)})",
        "pack 'demo' has no valid prompts",
    ]


def test_missing_content_dir(tmp_path: Path) -> None:
    assert errors_of(tmp_path / "nowhere") == [
        f"{tmp_path / 'nowhere'}:0: content folder not found"
    ]


def test_check_prints_errors_then_summary(tmp_path: Path) -> None:
    write_pack(tmp_path, a=prompt_yaml("a"), b="id: b\n")
    out = io.StringIO()
    assert check(tmp_path, out) == 1
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("demo: 1 prompts")
    assert all(
        line.startswith(str(tmp_path / "demo" / "b.yaml") + ":1: missing") for line in lines[:-1]
    )


def test_snapshot_round_trip_for_every_shipped_prompt() -> None:
    import json

    for pack in load_library(CONTENT).packs.values():
        for prompt in pack.prompts:
            assert prompt_from_snapshot(prompt.snapshot()) == prompt
            # Posts store the snapshot as JSON: lists instead of tuples must still round-trip.
            assert prompt_from_snapshot(json.loads(json.dumps(prompt.snapshot()))) == prompt
