"""The Slack emulator, driven by the real slack_sdk client and a real Bolt app over HTTP."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import (
    FixedValueRetryIntervalCalculator,
)

from bot.emulator import DEFAULT_TOKEN, SlackEmulator, SlackSender

SECRET = "test-signing-secret"


@pytest.fixture
def slack() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        emulator.state.add_user("U1", "alice", tz="America/Los_Angeles", tz_offset=-28800)
        emulator.state.add_user("U2", "bob", is_admin=True)
        emulator.state.add_user("U3", "carol")
        emulator.state.add_channel("C1", "practice", "U1", ["U1", "U2", "UBOT"])
        emulator.state.add_channel("C2", "random", "U1", ["U1"])
        yield emulator


@pytest.fixture
def client(slack: SlackEmulator) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url)


# --- Web API through slack_sdk ---------------------------------------------------------


def test_history_returns_metadata_only_when_asked(client: WebClient) -> None:
    metadata = {"event_type": "practice_prompt", "event_payload": {"post_id": 7}}
    client.chat_postMessage(channel="C1", text="Prompt", metadata=metadata)
    plain = client.conversations_history(channel="C1")["messages"][0]
    assert "metadata" not in plain
    full = client.conversations_history(channel="C1", include_all_metadata=True)["messages"][0]
    assert full["metadata"] == metadata


def test_post_and_read_back_with_threads(slack: SlackEmulator, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Prompt*"}}]
    parent = client.chat_postMessage(channel="C1", text="Prompt", blocks=blocks)
    assert parent["message"]["bot_id"] == "B0001"
    reply = client.chat_postMessage(channel="C1", text="hint", thread_ts=parent["ts"])
    assert float(reply["ts"]) > float(parent["ts"])

    history = client.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in history] == ["Prompt"]
    assert history[0]["reply_count"] == 1 and history[0]["blocks"] == blocks
    replies = client.conversations_replies(channel="C1", ts=parent["ts"])["messages"]
    assert [m["text"] for m in replies] == ["Prompt", "hint"]
    assert slack.thread("C1", parent["ts"])[1]["thread_ts"] == parent["ts"]
    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == blocks

    link = client.chat_getPermalink(channel="C1", message_ts=parent["ts"])["permalink"]
    assert link == f"https://emulated.slack/archives/C1/p{parent['ts'].replace('.', '')}"
    client.chat_update(channel="C1", ts=parent["ts"], text="Edited")
    assert slack.messages("C1")[0]["text"] == "Edited"
    client.reactions_add(channel="C1", timestamp=parent["ts"], name="eyes")
    with pytest.raises(SlackApiError, match="already_reacted"):
        client.reactions_add(channel="C1", timestamp=parent["ts"], name="eyes")
    assert slack.reactions("C1", parent["ts"]) == {"eyes": ["UBOT"]}
    client.chat_delete(channel="C1", ts=reply["ts"])
    assert slack.messages("C1")[0].get("reply_count") is None


def test_membership_users_dms_and_errors(slack: SlackEmulator, client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="not_in_channel"):
        client.chat_postMessage(channel="C2", text="x")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.conversations_info(channel="C404")
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U404")
    assert client.users_info(user="U1")["user"]["tz"] == "America/Los_Angeles"
    assert set(client.conversations_members(channel="C1")["members"]) == {"U1", "U2", "UBOT"}

    dm = client.conversations_open(users="U1")["channel"]["id"]
    assert dm.startswith("D") and client.conversations_open(users="U1")["channel"]["id"] == dm
    group = client.conversations_open(users="U1,U2")["channel"]["id"]
    assert group != dm and client.conversations_open(users="U2,U1")["channel"]["id"] == group
    client.chat_postMessage(channel=dm, text="your turn")
    assert [m["text"] for m in slack.dms("U1")] == ["your turn"]

    client.chat_postEphemeral(channel="C1", user="U2", text="psst")
    with pytest.raises(SlackApiError, match="user_not_in_channel"):
        client.chat_postEphemeral(channel="C1", user="U3", text="psst")
    (ephemeral,) = slack.ephemerals(user="U2")
    assert (ephemeral.text, ephemeral.via) == ("psst", "chat.postEphemeral")

    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("chat.teleport")
    assert slack.calls_to("chat.teleport")[0].response["error"] == "unknown_method"


def test_invalid_token(slack: SlackEmulator) -> None:
    bad = WebClient(token="xoxb-nope", base_url=slack.api_url)
    with pytest.raises(SlackApiError, match="invalid_auth"):
        bad.auth_test()
    good = WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url).auth_test()
    assert (good["user_id"], good["team_id"], good["bot_id"]) == ("UBOT", "T0001", "B0001")


def test_ts_is_monotonic_under_a_frozen_clock(slack: SlackEmulator) -> None:
    slack.state.clock = lambda: 1_700_000_000.0
    stamps = [slack.state.next_ts() for _ in range(5)]
    assert stamps[0] == "1700000000.000000"
    assert stamps == sorted(stamps) and len(set(stamps)) == 5


def test_fail_next_429_is_retried_after_retry_after(
    slack: SlackEmulator, client: WebClient
) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="eventually")["ok"]
    assert time.monotonic() - started >= 1.0
    first, second = slack.calls_to("chat.postMessage")
    assert (first.status, first.headers["Retry-After"]) == (429, "1")
    assert second.status == 200


def test_fail_next_500_and_ok_false(slack: SlackEmulator, client: WebClient) -> None:
    # A fixed short interval keeps the test fast; the backoff itself is slack_sdk's business.
    fast = FixedValueRetryIntervalCalculator(fixed_internal=0.01)
    client.retry_handlers.append(
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=fast)
    )
    slack.fail_next("chat.postMessage", status=500, times=2)
    assert client.chat_postMessage(channel="C1", text="third time")["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [500, 500, 200]

    slack.fail_next("chat.postMessage", error="channel_is_archived")
    with pytest.raises(SlackApiError, match="channel_is_archived"):
        client.chat_postMessage(channel="C1", text="nope")


def test_rate_limit_enforcement(slack: SlackEmulator, client: WebClient) -> None:
    now = [1_800_000_000.0]
    slack.state.clock = lambda: now[0]
    slack.enforce_rate_limits(per_channel_per_second=1.0)
    client.chat_postMessage(channel="C1", text="one")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="two")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert slack.rate_limited_count == 1
    now[0] += 1.0
    assert client.chat_postMessage(channel="C1", text="two")["ok"]

    slack.enforce_rate_limits(None, {"users.info": 2})
    client.users_info(user="U1")
    client.users_info(user="U1")
    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U1")
    assert raised.value.response.headers["Retry-After"] == "60"


def test_files_upload_v2_end_to_end(slack: SlackEmulator, client: WebClient) -> None:
    result = client.files_upload_v2(
        channel="C1",
        content=b"week,score\n1,9\n",
        filename="board.csv",
        title="Board",
        initial_comment="This week's board",
    )
    assert result["file"]["title"] == "Board"
    (stored,) = slack.files()
    assert (stored.content, stored.channel_id) == (b"week,score\n1,9\n", "C1")
    (share,) = slack.messages("C1")
    assert share["text"] == "This week's board" and share["files"][0]["id"] == stored.id


def test_a_calendar_invite_uploads_into_a_group_dm_as_text_calendar(
    slack: SlackEmulator, client: WebClient
) -> None:
    slack.add_users([("UA", "a"), ("UB", "b")])
    group = client.conversations_open(users="UA,UB")["channel"]["id"]
    invite = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    client.files_upload_v2(channel=group, content=invite, filename="mock.ics", title="Invite")
    (stored,) = slack.files_in(group)
    assert stored.content == invite and slack.files_in("C1") == []
    (share,) = slack.messages(group)
    shared = share["files"][0]
    assert (shared["filetype"], shared["mimetype"], shared["size"]) == (
        "ics",
        "text/calendar",
        len(invite),
    )


def test_oauth_code_exchange(slack: SlackEmulator) -> None:
    slack.state.add_team("T0002", "Second", "second", "xoxb-second", bot_user_id="UBOT2")
    slack.state.add_oauth_code("code-1", "T0002", installer="U9")
    anonymous = WebClient(base_url=slack.api_url)
    install = anonymous.oauth_v2_access(client_id="cid", client_secret="cs", code="code-1")
    assert install["team"]["id"] == "T0002" and install["bot_user_id"] == "UBOT2"
    token_client = WebClient(token=install["access_token"], base_url=slack.api_url)
    assert token_client.auth_test()["team_id"] == "T0002"
    with pytest.raises(SlackApiError, match="invalid_code"):
        anonymous.oauth_v2_access(client_id="cid", client_secret="cs", code="code-1")


# --- a real Bolt app receiving what the sender sends -----------------------------------


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log in test output."""


@dataclass
class BoltHarness:
    app: App
    sender: SlackSender
    seen: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def bolt(slack: SlackEmulator, client: WebClient) -> Iterator[BoltHarness]:
    app = App(signing_secret=SECRET, client=client)
    server = make_server(
        "127.0.0.1", 0, SlackRequestHandler(app), _ThreadingWSGIServer, _QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    try:
        yield BoltHarness(app, SlackSender(url, SECRET, slack))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_signed_event_reaches_listener_and_retry_keeps_event_id(
    bolt: BoltHarness, slack: SlackEmulator
) -> None:
    @bolt.app.event("message")
    def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        bolt.seen.append(body)

    ts = bolt.sender.post("U1", "C1", "my answer")
    first = bolt.sender.last
    assert first is not None and first.status == 200
    slack.wait_for(lambda: bolt.seen)
    event = bolt.seen[0]["event"]
    assert (event["user"], event["text"], event["ts"], event["channel_type"]) == (
        "U1",
        "my answer",
        ts,
        "channel",
    )
    assert bolt.seen[0]["authorizations"][0]["user_id"] == "UBOT"

    retried = bolt.sender.resend(first, retry_num=1)
    assert retried.status == 200
    slack.wait_for(lambda: len(bolt.seen) == 2)
    assert bolt.seen[1]["event_id"] == first.event_id


def test_forged_and_stale_requests_are_rejected(bolt: BoltHarness) -> None:
    event = {"type": "app_mention", "user": "U1", "text": "hi", "channel": "C1", "ts": "1.0"}
    assert bolt.sender.send_event(event, signature="v0=" + "0" * 64).status == 401
    stale = str(int(time.time()) - 6 * 60)
    assert bolt.sender.send_event(event, timestamp=stale).status == 401
    unsigned = bolt.sender.send_raw(b"{}", sign_request=False)
    assert unsigned.status == 401


def test_slash_command_respond_lands_as_ephemeral(bolt: BoltHarness, slack: SlackEmulator) -> None:
    @bolt.app.command("/practice")
    def on_command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        ack()
        respond(f"Got {command['text']}")

    assert bolt.sender.send_command("U1", "C1", "/practice", "status").status == 200
    (ephemeral,) = slack.wait_for(lambda: slack.ephemerals(user="U1"))
    assert (ephemeral.text, ephemeral.channel, ephemeral.via) == (
        "Got status",
        "C1",
        "response_url",
    )
    assert slack.calls_to("response_url")[0].args["text"] == "Got status"


def test_click_on_a_button_the_app_posted(bolt: BoltHarness, slack: SlackEmulator) -> None:
    @bolt.app.action("review_start")
    def on_click(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        bolt.seen.append(body)
        client.chat_postMessage(channel=body["channel"]["id"], text="starting review")

    client = bolt.app.client
    dm = client.conversations_open(users="U2")["channel"]["id"]
    button = {
        "type": "button",
        "action_id": "review_start",
        "value": "answer-7",
        "text": {"type": "plain_text", "text": "Review"},
    }
    client.chat_postMessage(
        channel=dm,
        text="Review?",
        blocks=[{"type": "actions", "block_id": "b1", "elements": [button]}],
    )
    (message,) = slack.dms("U2")
    with pytest.raises(LookupError):
        bolt.sender.click("U2", action_id="missing", message=message)
    assert bolt.sender.click("U2", action_id="review_start", message=message).status == 200
    slack.wait_for(lambda: len(slack.dms("U2")) == 2)
    body = bolt.seen[0]
    assert body["actions"][0]["value"] == "answer-7"
    assert body["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": dm,
        "is_ephemeral": False,
    }
    assert body["message"]["ts"] == message["ts"]


def test_modal_open_and_submit_round_trip(bolt: BoltHarness, slack: SlackEmulator) -> None:
    modal = {
        "type": "modal",
        "callback_id": "score",
        "private_metadata": "answer-7",
        "title": {"type": "plain_text", "text": "Score"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {
                "type": "input",
                "block_id": "clarity",
                "label": {"type": "plain_text", "text": "Clarity"},
                "element": {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [
                        {"text": {"type": "plain_text", "text": str(n)}, "value": str(n)}
                        for n in range(1, 6)
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "note",
                "label": {"type": "plain_text", "text": "Note"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            },
            {
                "type": "input",
                "block_id": "when",
                "label": {"type": "plain_text", "text": "Time"},
                "element": {"type": "timepicker", "action_id": "time"},
            },
        ],
    }

    @bolt.app.command("/score")
    def on_command(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @bolt.app.view("score")
    def on_submit(ack: Any, view: dict[str, Any]) -> None:
        note = view["state"]["values"]["note"]["text"]["value"]
        if not note:
            ack(response_action="errors", errors={"note": "Say why"})
            return
        ack()
        bolt.seen.append(view)

    bolt.sender.send_command("U2", "C1", "/score", "")
    (opened,) = slack.wait_for(lambda: slack.open_views("U2"))
    errors = bolt.sender.submit_view("U2", opened["id"], {"pick": "4", "note/text": ""})
    assert errors.json == {"response_action": "errors", "errors": {"note": "Say why"}}
    assert slack.open_views("U2")

    done = bolt.sender.submit_view(
        "U2", opened["id"], {"pick": "4", "text": "clear", "time": "09:30"}
    )
    assert done.status == 200 and not slack.open_views("U2")
    values = bolt.seen[0]["state"]["values"]
    assert values["clarity"]["pick"]["selected_option"]["value"] == "4"
    assert values["note"]["text"] == {"type": "plain_text_input", "value": "clear"}
    assert values["when"]["time"] == {"type": "timepicker", "selected_time": "09:30"}
    assert bolt.seen[0]["private_metadata"] == "answer-7"


def test_views_open_rejects_expired_trigger(slack: SlackEmulator, client: WebClient) -> None:
    now = [1_800_000_000.0]
    slack.state.clock = lambda: now[0]
    trigger = slack.state.issue_trigger("U1")
    now[0] += 3.5
    view = {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}
    with pytest.raises(SlackApiError, match="expired_trigger_id"):
        client.views_open(trigger_id=trigger, view=view)
    fresh = slack.state.issue_trigger("U1")
    opened = client.views_open(trigger_id=fresh, view=view)["view"]
    assert opened["id"].startswith("V") and slack.open_views("U1") == [opened]
    with pytest.raises(SlackApiError, match="exchanged_trigger_id"):
        client.views_open(trigger_id=fresh, view=view)
    updated = client.views_update(view_id=opened["id"], view={**view, "callback_id": "u"})
    assert updated["view"]["id"] == opened["id"] and slack.view(opened["id"])["callback_id"] == "u"


def test_event_builders_match_slack_shapes(bolt: BoltHarness, slack: SlackEmulator) -> None:
    @bolt.app.event({"type": "message"})
    def on_message(body: dict[str, Any]) -> None:
        bolt.seen.append(body["event"])

    @bolt.app.event("member_joined_channel")
    def on_join(event: dict[str, Any]) -> None:
        bolt.seen.append(event)

    ts = bolt.sender.post("U1", "C1", "draft")
    bolt.sender.edit("U1", "C1", ts, "final")
    bolt.sender.delete("C1", ts)
    bolt.sender.invite_bot("C2", "U1")
    slack.wait_for(lambda: len(bolt.seen) == 4)
    by_kind = {e.get("subtype") or e["type"]: e for e in bolt.seen}
    assert by_kind["message_changed"]["message"]["text"] == "final"
    assert by_kind["message_changed"]["previous_message"]["text"] == "draft"
    assert by_kind["message_deleted"]["deleted_ts"] == ts
    assert by_kind["member_joined_channel"]["user"] == "UBOT"
    assert "UBOT" in slack.state.channels["C2"].members
    assert json.loads(json.dumps(by_kind["message"]))["blocks"][0]["type"] == "rich_text"


def test_response_url_replace_delete_and_in_channel(
    bolt: BoltHarness, slack: SlackEmulator
) -> None:
    @bolt.app.action("vote")
    def on_vote(ack: Any, respond: Any, body: dict[str, Any]) -> None:
        ack()
        value = body["actions"][0]["value"]
        if value == "replace":
            respond(text="Thanks!", replace_original=True)
        elif value == "delete":
            respond(delete_original=True)
        else:
            respond(text="Everyone: a vote!", response_type="in_channel")

    def post_vote(value: str) -> dict[str, Any]:
        button = {
            "type": "button",
            "action_id": "vote",
            "value": value,
            "text": {"type": "plain_text", "text": "Vote"},
        }
        blocks = [{"type": "actions", "block_id": "v", "elements": [button]}]
        ts = bolt.app.client.chat_postMessage(channel="C1", text="Vote?", blocks=blocks)["ts"]
        return next(m for m in slack.messages("C1") if m["ts"] == ts)

    replaced = post_vote("replace")
    bolt.sender.click("U1", action_id="vote", message=replaced)
    slack.wait_for(lambda: slack.messages("C1")[0]["text"] == "Thanks!")
    # Replacing with text only drops the blocks, as on Slack.
    assert "blocks" not in slack.messages("C1")[0]

    bolt.sender.click("U1", action_id="vote", message=post_vote("shout"))
    slack.wait_for(lambda: slack.messages("C1")[-1]["text"] == "Everyone: a vote!")

    doomed = post_vote("delete")
    bolt.sender.click("U1", action_id="vote", message=doomed)
    slack.wait_for(lambda: doomed["ts"] not in [m["ts"] for m in slack.messages("C1")])


def test_click_in_an_ephemeral_and_in_a_view(bolt: BoltHarness, slack: SlackEmulator) -> None:
    @bolt.app.action("pick")
    def on_pick(ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        bolt.seen.append(body)
        if body["container"]["type"] == "message":
            choice = body["actions"][0]["selected_option"]["value"]
            respond(text=f"Level: {choice}", replace_original=True)

    select = {
        "type": "static_select",
        "action_id": "pick",
        "options": [
            {"text": {"type": "plain_text", "text": "Easy"}, "value": "easy"},
            {"text": {"type": "plain_text", "text": "Hard"}, "value": "hard"},
        ],
    }
    blocks = [
        {
            "type": "section",
            "block_id": "s",
            "accessory": select,
            "text": {"type": "mrkdwn", "text": "Level?"},
        }
    ]
    bolt.app.client.chat_postEphemeral(channel="C1", user="U1", text="Level?", blocks=blocks)
    (ephemeral,) = slack.ephemerals(user="U1")
    bolt.sender.click("U1", action_id="pick", message=ephemeral, value="hard")
    slack.wait_for(lambda: bolt.seen)
    action = bolt.seen[0]["actions"][0]
    assert action["selected_option"]["value"] == "hard" and action["block_id"] == "s"
    assert bolt.seen[0]["container"]["is_ephemeral"] is True
    slack.wait_for(lambda: slack.ephemerals(user="U1")[0].text == "Level: hard")
    assert len(slack.ephemerals()) == 1

    home = bolt.app.client.views_publish(user_id="U1", view={"type": "home", "blocks": blocks})
    assert slack.home("U1") == home["view"]
    bolt.sender.click("U1", action_id="pick", view_id=home["view"]["id"], value="easy")
    slack.wait_for(lambda: len(bolt.seen) == 2)
    assert bolt.seen[1]["container"] == {"type": "view", "view_id": home["view"]["id"]}


def test_lifecycle_events_and_view_closed(bolt: BoltHarness, slack: SlackEmulator) -> None:
    kinds: list[str] = []
    for kind in (
        "channel_left",
        "member_left_channel",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    ):
        bolt.app.event(kind)(lambda event, ack: (ack(), kinds.append(event["type"])))

    @bolt.app.view_closed("cb")
    def on_closed(ack: Any, body: dict[str, Any]) -> None:
        ack()
        kinds.append(body["type"])

    bolt.sender.remove_bot("C1", by="U2")
    assert "UBOT" not in slack.state.channels["C1"].members
    bolt.sender.open_home("U1")
    trigger = slack.state.issue_trigger("U1")
    view = bolt.app.client.views_open(
        trigger_id=trigger,
        view={
            "type": "modal",
            "callback_id": "cb",
            "notify_on_close": True,
            "title": {"type": "plain_text", "text": "x"},
            "blocks": [],
        },
    )["view"]
    bolt.sender.close_view("U1", view["id"])
    assert not slack.open_views("U1")
    bolt.sender.revoke_tokens()
    bolt.sender.uninstall()
    slack.wait_for(lambda: len(kinds) == 6)
    assert sorted(kinds) == sorted(
        [
            "channel_left",
            "member_left_channel",
            "app_home_opened",
            "view_closed",
            "tokens_revoked",
            "app_uninstalled",
        ]
    )
    with pytest.raises(SlackApiError, match="invalid_auth"):
        bolt.app.client.auth_test()


def test_throughput_is_benchmark_ready(slack: SlackEmulator, client: WebClient) -> None:
    started = time.perf_counter()
    for n in range(200):
        client.chat_postMessage(channel="C1", text=f"m{n}")
    assert time.perf_counter() - started < 2.0
    assert len(slack.messages("C1")) == 200

    # One keep-alive connection: catches Nagle/delayed-ACK stalls (~40 ms a call).
    target = urlsplit(slack.api_url)
    connection = http.client.HTTPConnection(target.hostname or "", target.port)
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}", "Content-Type": "application/json"}
    started = time.perf_counter()
    try:
        for n in range(300):
            body = json.dumps({"channel": "C1", "text": f"k{n}"})
            connection.request("POST", "/api/chat.postMessage", body, headers)
            assert json.loads(connection.getresponse().read())["ok"]
    finally:
        connection.close()
    assert time.perf_counter() - started < 1.5


def test_view_stack_push_and_response_action_update(
    bolt: BoltHarness, slack: SlackEmulator
) -> None:
    def modal(callback_id: str) -> dict[str, Any]:
        element = {"type": "plain_text_input", "action_id": "t"}
        return {
            "type": "modal",
            "callback_id": callback_id,
            "title": {"type": "plain_text", "text": callback_id},
            "blocks": [
                {
                    "type": "input",
                    "block_id": "b",
                    "element": element,
                    "label": {"type": "plain_text", "text": "T"},
                }
            ],
        }

    @bolt.app.view("first")
    def on_first(ack: Any) -> None:
        ack(response_action="update", view=modal("second"))

    client = bolt.app.client
    root = client.views_open(trigger_id=slack.state.issue_trigger("U1"), view=modal("root"))
    pushed = client.views_push(trigger_id=slack.state.issue_trigger("U1"), view=modal("first"))
    assert pushed["view"]["previous_view_id"] == root["view"]["id"]
    assert len(slack.open_views("U1")) == 2

    bolt.sender.submit_view("U1", pushed["view"]["id"], {"t": "x"})
    assert slack.view(pushed["view"]["id"])["callback_id"] == "second"
    with pytest.raises(LookupError):
        bolt.sender.submit_view("U1", pushed["view"]["id"], {"nope": "x"})


def test_raw_and_multipart_uploads(slack: SlackEmulator, client: WebClient) -> None:
    url = client.files_getUploadURLExternal(filename="a.txt", length=3)
    target = urlsplit(url["upload_url"])
    boundary = "xyz"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nabc\r\n--{boundary}--\r\n"
    ).encode()
    connection = http.client.HTTPConnection(target.hostname or "", target.port)
    try:
        connection.request(
            "POST", target.path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert connection.getresponse().status == 200
    finally:
        connection.close()
    client.files_completeUploadExternal(files=[{"id": url["file_id"], "title": "A"}])
    (stored,) = slack.files()
    assert (stored.content, stored.title, stored.channel_id) == (b"abc", "A", None)


def test_listings_join_and_derived_tz_offset(slack: SlackEmulator, client: WebClient) -> None:
    slack.state.clock = lambda: 1_700_000_000.0  # 2023-11-14: Pacific Standard Time
    slack.state.add_user("U7", "dave", tz="America/Los_Angeles")
    assert client.users_info(user="U7")["user"]["tz_offset"] == -8 * 3600
    names = {c["name"] for c in client.conversations_list()["channels"]}
    assert names == {"practice", "random"}
    client.conversations_join(channel="C2")
    assert client.chat_postMessage(channel="C2", text="joined")["ok"]
    mine = {c["id"] for c in client.users_conversations()["channels"]}
    assert mine == {"C1", "C2"}
    assert "U7" in {m["id"] for m in client.users_list()["members"]}


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_dropped_connection_answers_nothing_and_posts_only_after(
    slack: SlackEmulator, when: str
) -> None:
    client = WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url, retry_handlers=[])
    slack.fail_next("chat.postMessage", drop=when)
    with pytest.raises(ConnectionError):  # http.client.RemoteDisconnected: no status line
        client.chat_postMessage(channel="C1", text="hello")
    assert len(slack.messages("C1")) == (1 if when == "after" else 0)
    assert [c.dropped for c in slack.calls_to("chat.postMessage")] == [True]
    client.chat_postMessage(channel="C1", text="again")  # the next call is answered
    assert slack.messages("C1")[-1]["text"] == "again"
