"""The builders every modal shares: the view, a long text input, a criterion's 1-5 choice."""

from __future__ import annotations

from bot.content import Criterion
from bot.practice.calibration import CalibrationSet, SampleAnswer
from bot.slack.render.calibration import sample_score_modal
from bot.slack.render.modal import long_text_input, modal_view, score_choice
from bot.slack.render.text import context_line, section

CRITERION = Criterion("metric", "Metric", "Is the metric right?", {1: "none " * 30, 5: "sharp"})


def test_a_modal_without_submit_only_shows_and_its_title_fits() -> None:
    view = modal_view("A title far longer than Slack allows", [section("Saved.")], close="OK")
    assert view["type"] == "modal"
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("...")
    assert view["close"]["text"] == "OK"
    assert "submit" not in view and "callback_id" not in view and "private_metadata" not in view


def test_a_form_modal_carries_its_callback_and_metadata() -> None:
    view = modal_view(
        "Score", [section("?")], callback_id="cb", private_metadata="7:1", submit="Save"
    )
    assert (view["callback_id"], view["private_metadata"]) == ("cb", "7:1")
    assert (view["submit"]["text"], view["close"]["text"]) == ("Save", "Cancel")


def test_a_long_text_input_is_multiline_and_optional_only_when_asked() -> None:
    required = long_text_input("challenge", "Your challenge", action_id="text", max_length=50)
    assert "optional" not in required.to_dict()
    element = required.to_dict()["element"]
    assert element["multiline"] is True and element["max_length"] == 50
    optional = long_text_input(
        "comment", "Comment", action_id="text", max_length=50, optional=True, initial="so far"
    ).to_dict()
    assert optional["optional"] is True and optional["element"]["initial_value"] == "so far"


def test_a_score_choice_keeps_the_current_score_and_fits_anchors() -> None:
    block = score_choice(CRITERION, "score", current=5, hint="Is the metric right?").to_dict()
    assert block["block_id"] == "metric" and block["hint"]["text"] == "Is the metric right?"
    options = block["element"]["options"]
    assert [o["value"] for o in options] == ["1", "2", "3", "4", "5"]
    assert len(options[0]["description"]["text"]) <= 75
    assert "description" not in options[1] and options[4]["description"]["text"] == "sharp"
    assert block["element"]["initial_option"]["value"] == "5"
    assert "initial_option" not in score_choice(CRITERION, "score").to_dict()["element"]


def test_a_context_line_puts_several_texts_side_by_side() -> None:
    block = context_line("first", "second").to_dict()
    assert [e["text"] for e in block["elements"]] == ["first", "second"]


def test_a_sample_to_score_shows_its_level_over_every_line_quoted() -> None:
    long_line = "word " * 700  # longer than a section: split, never cut
    sample = SampleAnswer("weak", f"We launched.\n\n{long_line}", {"metric": 1})
    cs = CalibrationSet(3, 1, "pack", "p", "Title", (sample,), {"weak": {"metric": 2}})
    view = sample_score_modal(cs, "weak", (CRITERION,))
    quoted = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert quoted[0] == "*A weak answer*\n> We launched.\n>"
    assert len(quoted) > 2 and all(q.startswith("> word") for q in quoted[1:])
    assert "..." not in "".join(quoted)
    assert "".join(quoted).count("word") == 700
    (choice,) = [b for b in view["blocks"] if b["type"] == "input"]
    assert choice["element"]["initial_option"]["value"] == "2"
