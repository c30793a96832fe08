"""Format v2 checks: facts, calibration, twists, kinds' rubrics, retired criteria, table width.

Each broken file must answer with `file:line: message` at the line to fix.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.content import load_library, prompt_from_snapshot
from bot.content.facts import FactError, evaluate, read_number
from bot.content.model import FAILS, SHAPES, ContextTable
from bot.content.tables import MAX_LINE, table_lines
from tests.content.demo import PACK_YAML, STRONG, WEAK, prompt_yaml, write_pack


def broken(old: str, new: str, pid: str = "bad") -> str:
    text = prompt_yaml(pid)
    assert old in text, old
    return text.replace(old, new, 1)


WIDE_ROW = "    - [1, " + "x" * 60 + "]"

BROKEN_PROMPTS = [
    # facts
    pytest.param(broken("is: 20", "is: 30"), 18, "(B2 - B1) / B1 * 100 is 20, not 30", id="value"),
    pytest.param(
        broken("launch; week 2 has about 20% more users", "launch; week 2 has twice the users"),
        16,
        "'about 20% more users' does not appear in case",
        id="says",
    ),
    pytest.param(
        broken("    value: (B2 - B1) / B1 * 100\n    is: 20", "    holds: B2 < B1"),
        18,
        "B2 < B1 is false in the table",
        id="holds",
    ),
    pytest.param(
        broken("(B2 - B1) / B1 * 100", "B1.__class__"), 18, "is not allowed", id="no-attributes"
    ),
    pytest.param(
        broken("(B2 - B1) / B1 * 100", "__import__('os')"),
        18,
        "only abs, min, max and sum",
        id="no-calls",
    ),
    pytest.param(broken("- [1, 10]", "- [1, ten]"), 18, "cell B1 ('ten') is not", id="text-cell"),
    pytest.param(broken("(B2 - B1) / B1", "(C2 - B1) / B1"), 18, "outside the table", id="cell"),
    pytest.param(broken("(B2 - B1) / B1", "(T2.B2 - B1) / B1"), 18, "has 1 table", id="t2"),
    pytest.param(broken("(B2 - B1) / B1", "(B2 - B1) / (B1 - B1)"), 18, "by zero", id="zero"),
    pytest.param(broken("    in: case", "    in: cases"), 17, "unknown field 'cases'", id="in"),
    pytest.param(broken("    is: 20\n", ""), 16, "`value` needs `is`", id="no-is"),
    # calibration
    pytest.param(
        broken(prompt_yaml("bad")[prompt_yaml("bad").index("calibration:") :], ""),
        1,
        "missing required field 'calibration'",
        id="no-calibration",
    ),
    pytest.param(
        broken("{hypothesis: 1, measurement: 2}", "{hypothesis: 1}"),
        33,
        "missing required field 'measurement' in calibration weak scores",
        id="score-missing",
    ),
    pytest.param(
        broken("measurement: 2}", "measurement: 7}"),
        33,
        "calibration weak scores: measurement must be 1 to 5, not 7",
        id="score-range",
    ),
    pytest.param(
        broken("measurement: 2}", "measurement: 2, focus: 3}"),
        33,
        "unknown key 'focus' in calibration weak scores",
        id="score-unknown",
    ),
    pytest.param(
        broken('"1: no bet, only views"', '"3: a bet"').replace(
            "{hypothesis: 1, measurement: 2}", "{hypothesis: 3, measurement: 2}"
        ),
        30,
        "calibration weak: mean score 2.50; a weak sample is below 2.5",
        id="weak-band",
    ),
    pytest.param(
        broken(WEAK, "Launch it."), 31, "calibration weak answer has 2 words", id="weak-words"
    ),
    pytest.param(
        broken(STRONG, WEAK), 45, "calibration strong answer has 50 words", id="strong-words"
    ),
    # twist, guide example, tags
    pytest.param(broken("twist: pick-one\n", ""), 1, "missing required field 'twist'", id="twist"),
    pytest.param(broken("twist: pick-one", "twist: Pick One"), 6, "must be lowercase", id="tw-id"),
    pytest.param(
        broken("twist: pick-one", "twist: pick-one\nguide_example: maybe"),
        7,
        "guide_example must be true or false",
        id="guide-example",
    ),
    pytest.param(
        broken("tags: [hypothesis, measurement]", "tags: [hypothesis, outcome]"),
        5,
        "tag 'outcome' is a retired criterion: use 'hypothesis'",
        id="retired-tag",
    ),
    pytest.param(
        broken("tags: [hypothesis, measurement]", "tags: [hypothesis, story]"),
        5,
        "tag 'story' is not one of the prompt's criteria (known: hypothesis, measurement)",
        id="other-kind-tag",
    ),
    pytest.param(
        broken("kind: case", "kind: behavioural"),
        5,
        "tag 'hypothesis' is not one of the prompt's criteria (known: story)",
        id="kind-rubric",
    ),
    # tables
    pytest.param(broken("    - [1, 10]", WIDE_ROW), 13, "renders 66 characters wide", id="wide"),
    pytest.param(
        broken("caption: Figures", "caption: " + "F" * 61),
        10,
        "table caption is 61 characters; at most 60",
        id="caption",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN_PROMPTS)
def test_broken_v2_prompt_is_reported_at_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    write_pack(tmp_path, good=prompt_yaml("good"), bad=text)
    library = load_library(tmp_path)
    path = tmp_path / "demo" / "bad.yaml"
    matching = [e for e in library.errors if message in e.message]
    assert len(matching) == 1, [str(e) for e in library.errors]
    assert str(matching[0]) == f"{path}:{line}: {matching[0].message}"
    assert all(e.file == str(path) for e in library.errors)
    assert [p.id for p in library.packs["demo"].prompts] == ["good"]


SEVEN = "".join(
    f"  - id: c{i}\n    name: C{i}\n    question: Q{i}?\n    anchors: "
    "{1: a, 2: b, 3: c, 4: d, 5: e}\n"
    for i in range(7)
)

BROKEN_PACKS = [
    pytest.param(
        PACK_YAML.replace("      2: A goal.\n", ""), 9, "is missing anchor 2", id="anchor-2"
    ),
    pytest.param(
        PACK_YAML.replace("rubric:\n", "rubric:\n" + SEVEN, 1),
        5,
        "rubric has 9 criteria; at most 6",
        id="seven",
    ),
    pytest.param(
        PACK_YAML.replace("  behavioural:", "  behavioral:"),
        24,
        "rubrics: unknown kind 'behavioral'",
        id="rubrics-kind",
    ),
    pytest.param(
        PACK_YAML.replace("  - id: outcome", "  - id: measurement"),
        46,
        "retired criterion 'measurement' is still in a rubric",
        id="retired-in-use",
    ),
    pytest.param(
        PACK_YAML.replace("replaced_by: hypothesis", "replaced_by: nothing"),
        46,
        "'outcome' is replaced by 'nothing', not in a rubric",
        id="replaced-by",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN_PACKS)
def test_broken_v2_pack_is_reported_at_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    write_pack(tmp_path, "broken", pack=text, a=prompt_yaml("a"))
    library = load_library(tmp_path)
    path = tmp_path / "broken" / "pack.yaml"
    matching = [e for e in library.errors if message in e.message]
    assert len(matching) == 1, [str(e) for e in library.errors]
    assert str(matching[0]) == f"{path}:{line}: {matching[0].message}"
    assert library.packs == {}


def test_pack_api_for_rubrics_and_retired_criteria(tmp_path: Path) -> None:
    write_pack(tmp_path, a=prompt_yaml("a"))
    pack = load_library(tmp_path).packs["demo"]
    assert [c.id for c in pack.rubric_for("case")] == ["hypothesis", "measurement"]
    assert [c.id for c in pack.rubric_for("behavioural")] == ["story"]
    retired = pack.criterion("outcome")
    assert retired is not None and retired.retired and retired.name == "Business outcome"
    assert retired.replaced_by == "hypothesis"
    assert pack.criterion("story") is not None and pack.criterion("nope") is None
    prompt = pack.prompts[0]
    assert [s.level for s in prompt.calibration] == ["weak", "middling", "strong"]
    assert prompt.calibration[0].scores == {"hypothesis": 1, "measurement": 2}
    assert prompt.twist == "pick-one" and prompt.guide_example is False


def test_several_tables_and_later_table_cells(tmp_path: Path) -> None:
    text = broken(
        "  caption: Figures\n  columns: [Week, Users]\n  rows:\n    - [1, 10]\n    - [2, 12]",
        "  - caption: Figures\n    columns: [Week, Users]\n    rows:\n      - [1, 10]\n"
        "      - [2, 12]\n  - caption: Costs\n    columns: [Item, Cost]\n    rows:\n"
        '      - [Ads, "$1.2M"]\n      - [Fund, "$300k"]',
        pid="a",
    ).replace("value: (B2 - B1) / B1 * 100", "value: (B2 - B1) / B1 * T2.B1 / 12000")
    write_pack(tmp_path, a=text)
    library = load_library(tmp_path)
    assert library.errors == ()
    prompt = library.packs["demo"].prompts[0]
    assert [t.caption for t in prompt.tables] == ["Figures", "Costs"]
    assert prompt.table is prompt.tables[0]


def test_twist_and_guide_example_limits(tmp_path: Path) -> None:
    twists = ["pick-one"] * 3 + ["mix-shift", "definition", "story", "teardown", "constraint"]
    shapes, fails = SHAPES[:8], FAILS[:8]
    prompts = {
        f"p{i}": prompt_yaml(f"p{i}", twist, shapes[i], fails[i], difficulty=1 + (i < 2))
        for i, twist in enumerate(twists)
    }
    for pid in ("p3", "p4", "p5", "p6", "p7", "p0"):
        prompts[pid] = prompts[pid].replace("twist:", "guide_example: true\ntwist:")
    write_pack(tmp_path, **prompts)
    library = load_library(tmp_path)
    assert [str(e) for e in library.errors] == [
        f"{tmp_path / 'demo' / 'p2.yaml'}:1: twist 'pick-one' is used by 3 of 8 prompts; "
        "at most 2 (a quarter): pick another twist for some",
        f"{tmp_path / 'demo' / 'p7.yaml'}:1: 6 prompts are guide examples; at most 5 a pack",
    ]
    # Limits are reported, not enforced by dropping prompts: the pack still loads whole.
    assert len(library.packs["demo"].prompts) == 8


def test_old_snapshots_without_v2_fields_still_load() -> None:
    old = {
        "id": "x",
        "title": "T",
        "kind": "case",
        "difficulty": 2,
        "tags": ["outcome"],
        "case": "C",
        "covers": ["a"],
        "challenges": ["b?"],
        "strong_answers": ["c"],
        "context": "",
        "table": {"caption": "Cap", "columns": ["A", "B"], "rows": [["1", "2"]]},
        "source": "f:1",
    }
    prompt = prompt_from_snapshot(json.loads(json.dumps(old)))
    assert prompt.tables == (ContextTable("Cap", ("A", "B"), (("1", "2"),)),)
    assert prompt.calibration == () and prompt.twist == ""


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("3,100", 3100, 1),
        ("18%", 18, 1),
        ("$1.79M", 1_790_000, 10_000),
        ("0.71", 0.71, 0.01),
        ("+2.5x", 2.5, 0.1),
        ("12k", 12_000, 1_000),
        ("-4", -4, 1),
        ("$3B", 3e9, 1e9),
    ],
)
def test_read_number(text: str, value: float, unit: float) -> None:
    got = read_number(text)
    assert got is not None
    assert got[0] == pytest.approx(value) and got[1] == pytest.approx(unit)


@pytest.mark.parametrize("text", ["Beauty", "n/a", "", "1.2.3", "12 k users"])
def test_read_number_refuses_words(text: str) -> None:
    assert read_number(text) is None


TABLES = (
    ContextTable(
        "A", ("Group", "Sales", "Kept"), (("Fashion", "$1.79M", "80%"), ("Beauty", "$1.73M", "86%"))
    ),
    ContextTable("B", ("X", "Y"), (("a", "3"), ("b", "4"))),
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("B1 - B2", 60_000),
        ("B1 > B2 and C2 > C1", True),
        ("max(T2.B1, T2.B2) * 2", 8),
        ("sum(T2.B1, T2.B2) / 7", 1),
        ("sum([T2.B1, T2.B2])", 7),
        ("abs(T2.B1 - T2.B2)", 1),
        ("1 < T2.B1 <= 3", True),
        ("B1 < B2 or -C1 < 0", True),
    ],
)
def test_evaluate(expression: str, expected: float | bool) -> None:
    assert evaluate(expression, TABLES) == pytest.approx(expected)


@pytest.mark.parametrize(
    "expression",
    ["open('x')", "B1.real", "[B1][0]", "B1 ** 2", "x = 1", "lambda: 1", "A1", "'text'", "B1 != 2"],
)
def test_evaluate_refuses_anything_else(expression: str) -> None:
    with pytest.raises(FactError):
        evaluate(expression, TABLES)


def test_table_lines_are_what_the_prompt_message_shows() -> None:
    from bot.slack.render.prompt import table_text

    table = ContextTable("Cap", ("Group", "N"), (("Joined at 10k", "3,100"), ("Below", "90")))
    assert table_text(table) == "*Cap*\n```" + "\n".join(table_lines(table)) + "```"
    assert table_lines(table) == [
        "Group          N",
        "-------------  -----",
        "Joined at 10k  3,100",
        "Below          90",
    ]
    assert MAX_LINE == 60
