"""Mocks that happen, as Slack users see them: availability in each member's own time zone,
matching on a shared slot, the calendar invite, reminders across a restart, the check-in and
the no-show pause, and pairs that do not repeat while another choice exists."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from icalendar import Calendar
from sqlalchemy import select

from bot.emulator.stage import DEFAULT_START, Stage
from bot.models import MockCheckIn, MockMatch, MockNotice, MockStanding
from bot.practice.mocks.queue import MOCK_EXPIRY
from tests.conftest import utc
from tests.e2e.conftest import ADMIN, CHANNEL, CREATOR, MEMBERS
from tests.e2e.reads import scalars
from tests.e2e.test_leaderboard import NEXT_MONDAY_NINE, leaderboard_messages
from tests.e2e.test_reviews import start_day

ANA, BEN, CHI, DEV = MEMBERS  # New York, Berlin, Tokyo, UTC
SAM = "U05SAM"  # Singapore
EVENING = 18


def add_sam(stage: Stage) -> None:
    stage.add_member(SAM, "sam", tz="Asia/Singapore")
    stage.slack.state.channel(CHANNEL).members.add(SAM)


def reply(stage: Stage, user: str, text: str) -> str:
    before = len(stage.slack.ephemerals(user=user))
    stage.sender.send_command(user, CHANNEL, "/mock", text)
    return stage.slack.wait_for(lambda: stage.slack.ephemerals(user=user)[before:])[-1].text


def open_form(stage: Stage, user: str) -> dict[str, Any]:
    """`/mock` alone: the availability modal."""
    stage.sender.send_command(user, CHANNEL, "/mock", "")
    return stage.slack.wait_for(
        lambda: [v for v in stage.slack.open_views(user) if v["callback_id"] == "mock_availability"]
    )[-1]


def ask(stage: Stage, user: str, picks: list[str], note: str = "") -> str:
    """Tick exactly `picks` ("YYYY-MM-DD HH", local) in the modal and submit: the DM reply."""
    view = open_form(stage, user)
    values: dict[str, Any] = {"note/value": note}
    for block in view["blocks"]:
        if block["type"] == "input" and block["block_id"].startswith("day"):
            options = [o["value"] for o in block["element"]["options"]]
            values[f"{block['block_id']}/times"] = [p for p in picks if p in options]
    before = len(stage.slack.dms(user))
    assert stage.sender.submit_view(user, view["id"], values).status == 200

    def replies() -> list[dict[str, Any]]:  # the guide may come first, to an interviewer
        return [
            d
            for d in stage.slack.dms(user)[before:]
            if not d["text"].startswith("Interviewer guide")
        ]

    return str(stage.slack.wait_for(replies)[-1]["text"])


def evenings(day_count: int = 7, start: int = 2) -> list[str]:
    return [f"2026-03-{start + i:02d} {EVENING}" for i in range(day_count)]


def group(stage: Stage, *users: str) -> list[dict[str, Any]]:
    channel = stage.slack.state.dm_id(users)
    return stage.slack.messages(channel) if channel else []


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or message.get("text"))


def test_the_form_is_in_the_members_time_zone_and_prefilled_from_the_last_request(
    stage: Stage,
) -> None:
    add_sam(stage)
    view = open_form(stage, SAM)
    text = json.dumps(view["blocks"])
    assert "Asia/Singapore" in text and "Monday 2 March" in text  # 16:00 there at the start
    days = [b for b in view["blocks"] if b.get("block_id", "").startswith("day")]
    assert len(days) == 7 and len(days[0]["element"]["options"]) == 6
    # Never asked before: working hours are ticked (Monday to Friday, 9:00-18:00).
    ticked = [o["value"] for d in days for o in d["element"].get("initial_options") or []]
    assert "2026-03-02 09" in ticked and "2026-03-07 09" not in ticked
    stage.sender.close_view(SAM, view["id"])
    assert "at the times you picked" in ask(stage, SAM, ["2026-03-03 18", "2026-03-05 21"])
    again = open_form(stage, SAM)
    ticked = [
        o["value"]
        for b in again["blocks"]
        if b.get("block_id", "").startswith("day")
        for o in b["element"].get("initial_options") or []
    ]
    assert ticked == ["2026-03-03 18", "2026-03-05 21"]
    # Nothing ticked: the form says so and nothing is stored.
    empty = {f"day{i}/times": [] for i in range(7)}
    refused = stage.sender.submit_view(SAM, again["id"], empty)
    assert refused.json["response_action"] == "errors" and "day0" in refused.json["errors"]


def test_no_shared_slot_no_match_and_both_are_told_why_at_expiry(stage: Stage) -> None:
    add_sam(stage)
    assert "in the queue" in ask(stage, ANA, evenings())  # 18-21 New York: 23-02 UTC
    assert "in the queue" in ask(stage, SAM, evenings())  # 18-21 Singapore: 10-13 UTC
    assert scalars(stage, select(MockMatch)) == []
    done = stage.run_job("expire-mocks", DEFAULT_START + MOCK_EXPIRY + timedelta(minutes=5))
    assert done.done == 2
    for user, nearest in ((ANA, "Tue 3 Mar, 05:00 EST"), (SAM, "Tue 3 Mar, 07:00 +08")):
        (dm,) = [m for m in stage.slack.dms(user) if "expired" in m["text"]]
        assert "none could meet at a time you gave" in dm["text"], dm["text"]
        assert nearest in dm["text"]  # the other's evening, in this member's own time
    # Alone in the queue: nobody else asked.
    assert "in the queue" in reply(stage, BEN, "any time")
    stage.run_job("expire-mocks", stage.now() + MOCK_EXPIRY)
    (dm,) = [m for m in stage.slack.dms(BEN) if "expired" in m["text"]]
    assert "nobody else asked" in dm["text"]


def test_a_shared_slot_matches_with_each_local_time_an_invite_reminders_and_a_check_in(
    stage: Stage,
) -> None:
    add_sam(stage)
    # Tuesday 18-21 in New York and Wednesday 06-09 in Singapore share 23:00-01:00 UTC.
    ask(stage, ANA, ["2026-03-03 18"], "growth cases")
    assert "matched with <@U01ANA>" in ask(stage, SAM, ["2026-03-04 06"])
    (m,) = scalars(stage, select(MockMatch))
    slot = utc(2026, 3, 3, 23)
    assert (m.slot_start, m.slot_end) == (slot, slot + timedelta(minutes=45))
    messages = stage.slack.wait_for(
        lambda: len(group(stage, ANA, SAM)) >= 2 and group(stage, ANA, SAM)
    )
    intro = next(msg for msg in messages if msg.get("blocks"))
    shown = text_of(intro)
    assert f"<!date^{int(slot.timestamp())}^" in shown  # each reader's Slack shows their time
    assert "<@U01ANA>: Tue 3 Mar, 18:00 EST" in shown
    assert "<@U05SAM>: Wed 4 Mar, 07:00 +08" in shown
    assert "Propose another time" in shown and "Swap roles" in shown
    assert f"<!date^{int(slot.timestamp())}^" in reply(stage, ANA, "status")
    # The calendar invite parses back to the slot.
    (invite,) = [msg for msg in messages if msg.get("files")]
    assert invite["files"][0]["mimetype"] == "text/calendar"
    (stored,) = stage.slack.files_in(str(stage.slack.state.dm_id((ANA, SAM))))
    assert stored.filename.endswith(".ics")
    (event,) = Calendar.from_ical(stored.content).walk("VEVENT")
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (slot, m.slot_end)

    day_before = slot - timedelta(hours=24)
    assert stage.run_job("expire-mocks", day_before - timedelta(minutes=1)).done == 0
    stage.run_job("expire-mocks", day_before)
    for user in (ANA, SAM):
        assert sum("Tomorrow: your mock" in d["text"] for d in stage.slack.dms(user)) == 1
    assert "18:00 EST your time" in stage.slack.dms(ANA)[-1]["text"]
    _after_a_restart(stage, slot)


def _after_a_restart(stage: Stage, slot: datetime) -> None:
    """A fresh app and Slack on the same database: nothing is sent twice, the rest on time."""
    with Stage(stage.database_url, migrate=False, start=slot - timedelta(hours=23)) as again:
        for user, tz in ((ANA, "America/New_York"), (SAM, "Asia/Singapore")):
            again.add_member(user, user[3:].lower(), tz=tz)
        assert again.run_job("expire-mocks").done == 0  # the day-before reminders went out
        again.run_job("expire-mocks", slot - timedelta(minutes=15))
        again.run_job("expire-mocks", slot - timedelta(minutes=10))
        for user in (ANA, SAM):
            (soon,) = again.slack.dms(user)
            assert soon["text"].startswith("In 15 minutes: your mock")
        kinds = sorted(n.kind for n in scalars(again, select(MockNotice)))
        assert kinds == ["remind-15m", "remind-15m", "remind-24h", "remind-24h"]
        again.run_job("expire-mocks", slot + timedelta(hours=1))
        again.run_job("expire-mocks", slot + timedelta(hours=2))
        checks = {
            u: [d for d in again.slack.dms(u) if "Did your mock" in d["text"]] for u in (ANA, SAM)
        }
        assert all(len(found) == 1 for found in checks.values())
        labels = [e["text"]["text"] for e in checks[ANA][0]["blocks"][1]["elements"]]
        assert labels == ["Yes", "We moved it", "They did not show", "I could not make it"]
        again.sender.click(ANA, action_id="mock_checkin_happened", message=checks[ANA][0])
        again.sender.click(SAM, action_id="mock_checkin_moved", message=checks[SAM][0])
        again.slack.wait_for(lambda: len(scalars(again, select(MockCheckIn))) == 2)
        outcomes = {c.user_id: c.outcome for c in scalars(again, select(MockCheckIn))}
        assert outcomes == {ANA: "happened", SAM: "moved"}


def _check_in(stage: Stage, user: str, outcome: str) -> str:
    """Answer the user's latest "Did it happen?" with `outcome`; the reply that replaced it."""
    question = [d for d in stage.slack.dms(user) if "Did your mock" in d["text"]][-1]
    stage.sender.click(user, action_id=f"mock_checkin_{outcome}", message=question)
    channel = str(stage.slack.state.dm_id((user,)))

    def answered() -> str | None:
        now = [m for m in stage.slack.messages(channel) if m["ts"] == question["ts"]]
        return now[0]["text"] if now and "Did your mock" not in now[0]["text"] else None

    return str(stage.slack.wait_for(answered))


def test_check_ins_record_each_outcome_and_a_second_no_show_pauses_until_a_date(
    stage: Stage,
) -> None:
    # New York and UTC working hours share Monday 14:00-18:00 UTC.
    reply(stage, ANA, "any time")
    assert "matched" in reply(stage, DEV, "any time")
    stage.run_job("expire-mocks", utc(2026, 3, 2, 15))
    assert "front of the queue" in _check_in(stage, DEV, "partner-no-show")
    _check_in(stage, ANA, "could-not-make-it")
    assert scalars(stage, select(MockStanding))[0].front_of_queue
    # A second missed mock within 30 days: ANA's /mock rests for 14 days, and says until when.
    reply(stage, ANA, "any time")
    assert "matched" in reply(stage, BEN, "any time")  # slot Monday 16:00 UTC
    stage.run_job("expire-mocks", utc(2026, 3, 2, 17))
    _check_in(stage, BEN, "partner-no-show")
    paused = stage.slack.wait_for(
        lambda: [d for d in stage.slack.dms(ANA) if "paused until" in d["text"]]
    )
    until = utc(2026, 3, 16, 17)
    assert f"<!date^{int(until.timestamp())}^" in paused[0]["text"]
    assert "paused until" in reply(stage, ANA, "any time")
    (standing,) = [s for s in scalars(stage, select(MockStanding)) if s.user_id == ANA]
    assert standing.paused_until == until
    # Yes and We moved it are stored too; neither counts against anyone.
    reply(stage, BEN, "any time")
    assert "matched" in reply(stage, DEV, "any time")
    stage.run_job("expire-mocks", stage.now() + timedelta(days=1))
    _check_in(stage, BEN, "happened")
    _check_in(stage, DEV, "moved")
    outcomes = sorted((c.user_id, c.outcome) for c in scalars(stage, select(MockCheckIn)))
    assert outcomes == [
        (ANA, "could-not-make-it"),
        (BEN, "happened"),
        (BEN, "partner-no-show"),
        (DEV, "moved"),
        (DEV, "partner-no-show"),
    ]
    standings = {s.user_id: s for s in scalars(stage, select(MockStanding))}
    assert standings[BEN].paused_until is None and standings[DEV].paused_until is None
    assert "Show rate: 0%" in reply(stage, ANA, "stats")  # missed both
    ben = reply(stage, BEN, "stats")
    assert "Mocks held: 1" in ben and "Show rate: 100%" in ben and "Partners met: 1" in ben


def test_three_rounds_among_four_never_repeat_a_pair_while_another_exists(stage: Stage) -> None:
    everyone = (ANA, BEN, CHI, DEV)
    met: list[frozenset[str]] = []
    for round_ in range(3):
        stage.set_time(DEFAULT_START + timedelta(days=round_))
        # Every time of the coming week, in each member's own zone: all overlap.
        day = stage.now().day
        picks = [f"2026-03-{day + d:02d} {h:02d}" for d in range(-1, 8) for h in range(6, 24, 3)]
        for user in everyone:
            ask(stage, user, picks)
        matches = [m for m in scalars(stage, select(MockMatch)) if m.status == "live"]
        assert len(matches) == 2, round_
        pairs = [frozenset((m.user_a, m.user_b)) for m in matches]
        assert not set(pairs) & set(met), (round_, pairs, met)
        met += pairs
        for m in matches:  # both say it happened: the mock ends
            stage.run_job("expire-mocks", m.slot_end + timedelta(minutes=20))
        for user in everyone:
            _check_in(stage, user, "happened")
    assert len(set(met)) == 6  # every pair once


def test_the_app_home_button_opens_the_same_form(stage: Stage) -> None:
    stage.enrol(CHANNEL, inviter=CREATOR)
    stage.sender.open_home(ADMIN)
    home = stage.slack.wait_for(lambda: stage.slack.home(ADMIN))
    stage.sender.click(ADMIN, action_id="mock_find", view_id=home["id"])
    (form,) = stage.slack.wait_for(lambda: stage.slack.open_views(ADMIN))
    assert form["callback_id"] == "mock_availability" and "Europe/London" in json.dumps(form)


def test_the_weekly_post_says_how_many_mocks_were_held_and_how_many_wait(
    enrolled: Stage,
) -> None:
    stage = enrolled
    start_day(stage, MEMBERS)  # Monday; the channel keeps New York time
    reply(stage, ANA, "any time")
    assert "matched" in reply(stage, DEV, "any time")
    stage.run_job("expire-mocks", stage.now() + timedelta(hours=3))
    _check_in(stage, ANA, "happened")
    _check_in(stage, DEV, "happened")
    stage.set_time(NEXT_MONDAY_NINE - timedelta(hours=1))
    assert "in the queue" in reply(stage, BEN, "any time")
    stage.run_job("post-leaderboard", NEXT_MONDAY_NINE)
    (post,) = leaderboard_messages(stage)
    assert "1 mock held this week; 1 waiting for a partner now" in json.dumps(post["blocks"])


def test_propose_another_time_lists_the_slots_both_gave_and_moves_the_reminders(
    stage: Stage,
) -> None:
    add_sam(stage)
    # Both free Tuesday and Thursday evening New York / morning Singapore.
    ask(stage, ANA, ["2026-03-03 18", "2026-03-05 18"])
    ask(stage, SAM, ["2026-03-04 06", "2026-03-06 06"])
    intro = stage.slack.wait_for(lambda: [m for m in group(stage, ANA, SAM) if m.get("blocks")])[0]
    stage.sender.click(SAM, action_id="mock_propose", message=intro)
    (form,) = stage.slack.wait_for(lambda: stage.slack.open_views(SAM))
    options = form["blocks"][1]["element"]["options"]
    labels = [o["text"]["text"] for o in options]
    assert labels[0] == "Wed 4 Mar, 07:00 +08" and "Fri 6 Mar, 08:00 +08" in labels
    thursday = utc(2026, 3, 5, 23)
    value = str(int(thursday.timestamp()))
    assert stage.sender.submit_view(SAM, form["id"], {"slot/start": value}).status == 200
    moved = stage.slack.wait_for(
        lambda: [m for m in group(stage, ANA, SAM) if "moved the mock" in m.get("text", "")]
    )
    assert "<@U01ANA>: Thu 5 Mar, 18:00 EST" in moved[0]["text"]
    (m,) = scalars(stage, select(MockMatch))
    assert m.slot_start == thursday
    # No reminder for the old Tuesday slot; the day-before one comes on Wednesday evening.
    assert stage.run_job("expire-mocks", utc(2026, 3, 3, 22, 50)).done == 0
    stage.run_job("expire-mocks", thursday - timedelta(hours=24))
    assert any("Tomorrow" in d["text"] for d in stage.slack.dms(ANA))
    # Someone else cannot move it.
    stage.sender.click(BEN, action_id="mock_propose", message=intro)
    told = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=BEN))
    assert "Only the two people in this mock" in told[-1].text


def test_when_the_form_cannot_open_mock_queues_for_working_hours(stage: Stage) -> None:
    stage.slack.fail_next("views.open", error="expired_trigger_id")
    text = reply(stage, ANA, "")
    assert "in the queue, any time in your working hours" in text
