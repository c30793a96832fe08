"""The daily loop as Slack users see it: enrolment, the prompt, answers in its thread.

Slack retries, forged requests and racing schedulers are in tests/reliability/.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.emulator.stage import Stage
from bot.models import Answer, Channel, PromptPost, ThreadMessage
from tests.e2e.conftest import ADMIN, CHANNEL, CREATOR, MEMBERS, Handled
from tests.e2e.reads import NINE_NY, post_prompt, prompts, scalar

ANA, BEN, CHI, DEV = MEMBERS


def answer(stage: Stage, user: str) -> Answer | None:
    return scalar(stage, select(Answer).where(Answer.user_id == user))


def test_inviting_the_bot_enrols_the_channel_in_the_inviters_time_zone(stage: Stage) -> None:
    stage.enrol(CHANNEL, inviter=CREATOR)
    welcome = stage.slack.messages(CHANNEL)[-1]
    assert "I run interview practice here" in json.dumps(welcome["blocks"])
    assert "America/New_York" in json.dumps(welcome["blocks"])
    channel = scalar(stage, select(Channel))
    assert (channel.channel_id, channel.timezone, channel.creator_id) == (
        CHANNEL,
        "America/New_York",
        CREATOR,
    )


def test_someone_else_joining_enrols_nothing(stage: Stage, handled: Handled) -> None:
    stage.sender.send_event(
        {"type": "member_joined_channel", "user": ANA, "channel": CHANNEL, "channel_type": "C"}
    )
    handled(stage)  # its listener has returned: now it must have enrolled nothing
    assert scalar(stage, select(func.count()).select_from(Channel)) == 0
    assert stage.slack.messages(CHANNEL) == []


def test_prompt_is_posted_once_per_channel_and_local_date(enrolled: Stage) -> None:
    stage = enrolled
    stage.run_job("post-prompt", NINE_NY - timedelta(minutes=1))
    assert prompts(stage) == []
    stage.run_job("post-prompt", NINE_NY)
    stage.run_job("post-prompt", NINE_NY + timedelta(hours=3))
    (prompt,) = prompts(stage)
    text = json.dumps(prompt["blocks"])
    assert "Practice prompt:" in text and "<!date^" in text  # readers see their own time zone
    assert "What to cover" not in text and "What a complete answer covers" not in text
    stage.run_job("post-prompt", NINE_NY + timedelta(days=1))
    assert len(prompts(stage)) == 2


@pytest.mark.both_stacks
def test_answers_follow_ups_edits_and_deletions(enrolled: Stage) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    ana_ts = stage.sender.post(ANA, CHANNEL, "Launch in one market first.", thread_ts=thread)
    stage.slack.wait_for(lambda: answer(stage, ANA) is not None)
    stage.sender.post(ANA, CHANNEL, "Also: a geo holdout.", thread_ts=thread)
    ben_ts = stage.sender.post(BEN, CHANNEL, "Global launch!", thread_ts=thread)
    stage.slack.wait_for(lambda: answer(stage, BEN) is not None)
    stage.slack.wait_for(lambda: answer(stage, ANA).followups == 1)
    # A counted answer gets a check mark so its author sees it landed.
    stage.slack.wait_for(lambda: stage.slack.reactions(CHANNEL, ana_ts))
    assert stage.slack.reactions(CHANNEL, ana_ts) == {"white_check_mark": ["UBOT"]}

    stage.sender.edit(ANA, CHANNEL, ana_ts, "Launch in Germany first, with a holdout.")
    stage.slack.wait_for(lambda: answer(stage, ANA).text.startswith("Launch in Germany"))
    assert answer(stage, ANA).edited_at is not None

    stage.sender.delete(CHANNEL, ben_ts)
    stage.slack.wait_for(lambda: answer(stage, BEN).withdrawn)
    assert answer(stage, ANA).withdrawn is False


def test_bot_messages_and_top_level_messages_are_not_answers(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.sender.bot_message(CHANNEL, "I am another bot", thread_ts=thread)
    stage.sender.post(ANA, CHANNEL, "not in the thread")
    stage.sender.post(BEN, CHANNEL, "in the thread", thread_ts=thread)
    stage.slack.wait_for(lambda: answer(stage, BEN) is not None)
    handled(stage)  # the bot's and the top-level message went another way: wait for them too
    assert scalar(stage, select(func.count()).select_from(ThreadMessage)) == 1


def test_late_reply_is_kept_and_its_author_told_once(enrolled: Stage, handled: Handled) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(hours=7))  # the window closed at +6 h
    ts = stage.sender.post(CHI, CHANNEL, "Sorry, late: my answer.", thread_ts=thread)
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=CHI))
    stage.sender.post(CHI, CHANNEL, "and a follow-up", thread_ts=thread)
    stage.slack.wait_for(lambda: answer(stage, CHI).followups == 1)
    handled(stage)  # the follow-up is committed before any (wrong) second notice is sent
    late = answer(stage, CHI)
    assert late.late and not late.withdrawn
    notes = stage.slack.ephemerals(user=CHI)
    assert len(notes) == 1 and "late answer" in notes[0].text
    assert stage.slack.reactions(CHANNEL, ts) == {}


@pytest.mark.both_stacks
def test_practice_now_is_refused_to_members_and_allowed_to_managers(enrolled: Stage) -> None:
    stage = enrolled
    stage.sender.send_command(ANA, CHANNEL, "/practice", "now")
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=ANA))
    assert (
        "only this channel's creator and workspace admins"
        in stage.slack.ephemerals(user=ANA)[0].text
    )
    assert prompts(stage) == []
    assert scalar(stage, select(func.count()).select_from(PromptPost)) == 0

    stage.sender.send_command(ADMIN, CHANNEL, "/practice", "now")
    stage.slack.wait_for(lambda: prompts(stage))
    stage.sender.send_command(CREATOR, CHANNEL, "/practice", "now")
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=CREATOR))
    assert "already up" in stage.slack.ephemerals(user=CREATOR)[0].text
    assert len(prompts(stage)) == 1


def test_unknown_subcommand_gets_the_help(enrolled: Stage) -> None:
    reply = enrolled.sender.send_command(ANA, CHANNEL, "/practice", "dance")
    assert reply.status == 200 and "/practice setup" in reply.body_text


def test_pause_and_resume(enrolled: Stage) -> None:
    stage = enrolled
    stage.sender.send_command(CREATOR, CHANNEL, "/practice", "pause")
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=CREATOR))
    stage.run_job("post-prompt", NINE_NY)
    assert prompts(stage) == []
    stage.sender.send_command(CREATOR, CHANNEL, "/practice", "resume")
    stage.slack.wait_for(lambda: len(stage.slack.ephemerals(user=CREATOR)) == 2)
    assert "Resumed" in stage.slack.ephemerals(user=CREATOR)[1].text
    stage.run_job("post-prompt", NINE_NY + timedelta(minutes=1))
    assert len(prompts(stage)) == 1


def test_removing_the_bot_pauses_the_channel_and_keeps_its_data(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    post_prompt(stage)
    stage.sender.remove_bot(CHANNEL, CREATOR)  # channel_left, then member_left_channel
    stage.slack.wait_for(lambda: scalar(stage, select(Channel.paused)))
    assert scalar(stage, select(func.count()).select_from(PromptPost)) == 1
    stage.run_job("post-prompt", NINE_NY + timedelta(days=1))
    assert len(prompts(stage)) == 1
    # Invited back (before, maybe, the second removal event was handled: CI once saw it
    # pause the channel again): practice resumes with the same settings.
    stage.enrol(CHANNEL, inviter=ANA)
    handled(stage)
    assert scalar(stage, select(Channel.paused)) is False


@pytest.mark.both_stacks
def test_setup_modal_round_trip(enrolled: Stage) -> None:
    stage = enrolled
    stage.sender.send_command(CREATOR, CHANNEL, "/practice", "setup")
    (modal,) = stage.slack.wait_for(lambda: stage.slack.open_views(CREATOR))
    bad = stage.sender.submit_view(
        CREATOR, modal["id"], {"timezone/value": "Mars/Olympus", "post_time/value": "07:30"}
    )
    assert bad.json["response_action"] == "errors" and "timezone" in bad.json["errors"]
    ok = stage.sender.submit_view(
        CREATOR,
        modal["id"],
        {
            "timezone/value": "Asia/Tokyo",
            "post_time/value": "07:30",
            "weekdays/value": ["1", "3", "5"],
            "answer_window_minutes/value": "120",
            "reviewers_per_answer/value": "3",
            "content_pack/value": "product-sense",
        },
    )
    assert ok.status == 200 and not (ok.json or {}).get("response_action")
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=CREATOR))
    channel = scalar(stage, select(Channel))
    assert (channel.timezone, channel.post_time, channel.weekdays) == (
        "Asia/Tokyo",
        "07:30",
        "1,3,5",
    )
    assert (channel.answer_window_minutes, channel.reviewers_per_answer) == (120, 3)
    assert channel.content_pack == "product-sense"


def test_setup_is_refused_to_members(enrolled: Stage) -> None:
    stage = enrolled
    stage.sender.send_command(BEN, CHANNEL, "/practice", "setup")
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=BEN))
    assert stage.slack.open_views(BEN) == []


def test_healthz_answers(enrolled: Stage) -> None:
    import urllib.request

    with urllib.request.urlopen(enrolled.base_url + "/healthz", timeout=5) as reply:
        assert reply.status == 200 and json.load(reply) == {"ok": True}
