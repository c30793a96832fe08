"""The Block Kit checker finds over-limit payloads and silent cuts, and passes good ones."""

from __future__ import annotations

from bot.emulator.blockkit import check_call


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_a_plain_message_passes() -> None:
    args = {"text": "hi", "blocks": [section("*Hello* <@U1>, see <https://x.y|this>.")]}
    assert check_call("chat.postMessage", args) == []


def test_limits_from_slack_sdk_models_are_checked() -> None:
    assert check_call("chat.postMessage", {"blocks": [section("x" * 3001)]})
    header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    assert check_call("chat.update", {"blocks": [header]})
    view = {"type": "modal", "title": {"type": "plain_text", "text": "x" * 25}, "blocks": []}
    assert check_call("views.open", {"view": view})


def test_limits_slack_sdk_leaves_unchecked_are_checked() -> None:
    option = {
        "text": {"type": "plain_text", "text": "3"},
        "value": "3",
        "description": {"type": "plain_text", "text": "d" * 76},
    }
    radio = {"type": "radio_buttons", "action_id": "a", "options": [option]}
    block = {"type": "input", "label": {"type": "plain_text", "text": "L"}, "element": radio}
    (problem,) = check_call(
        "views.open",
        {
            "view": {
                "type": "modal",
                "title": {"type": "plain_text", "text": "T"},
                "blocks": [block],
            }
        },
    )
    assert "over 75" in problem
    fields = [{"type": "mrkdwn", "text": "f"}] * 11
    assert check_call("chat.postMessage", {"blocks": [{"type": "section", "fields": fields}]})
    assert check_call("chat.postMessage", {"blocks": [section("a")] * 51})


def test_silent_cuts_are_found() -> None:
    assert check_call("chat.postMessage", {"blocks": [section("an answer cut mid-wo…")]})
    assert check_call("chat.postMessage", {"blocks": [section("see <https://slack.com/arch")]})
    assert check_call("chat.postMessage", {"blocks": [section("```a table cut")]})
    assert check_call("chat.postMessage", {"blocks": [section("cut at a word...")]}) == []


def test_images_need_alt_text() -> None:
    assert check_call("files.getUploadURLExternal", {"filename": "chart.png", "length": 9})
    ok = {"filename": "chart.png", "length": 9, "alt_txt": "Bar chart of points"}
    assert check_call("files.getUploadURLExternal", ok) == []


def test_every_call_a_stage_records_is_checked(sqlite_url: str) -> None:
    """What the autouse fixture in tests/conftest.py sees: a stage's recorded calls."""
    from slack_sdk import WebClient

    from bot.emulator import DEFAULT_TOKEN
    from bot.emulator.blockkit import check_calls
    from bot.emulator.stage import Stage

    with Stage(sqlite_url, migrate=False) as stage:
        stage.add_channel("C1", "practice", creator="U1", members=["U1", stage.bot_user_id])
        client = WebClient(token=DEFAULT_TOKEN, base_url=stage.slack.api_url)
        client.chat_postMessage(channel="C1", text="t", blocks=[section("x" * 3001)])
        (problem,) = check_calls(stage.slack.calls)
        assert problem.startswith("chat.postMessage: block 0 (section)")
        stage.slack.clear_calls()  # or this test's own teardown check would fail it
