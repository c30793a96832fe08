"""`SlackSender`: plays Slack's side towards the app under test.

It sends signed Events API envelopes, slash commands and interaction payloads over real HTTP,
and keeps the emulator's state in step (a user's message is stored before its event is sent,
a button click is built from the blocks the bot actually posted). Payload shapes follow the
ones Slack delivers (see the bolt-python scenario tests).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from bot.emulator.server import SlackEmulator
from bot.emulator.state import (
    APP_ID,
    ApiError,
    Ephemeral,
    Message,
    ResponseTarget,
    Team,
    ViewRecord,
)


@dataclass
class SentRequest:
    """What was delivered, so the same delivery can be replayed as a Slack retry."""

    body: bytes
    content_type: str
    headers: dict[str, str]


@dataclass
class Response:
    """The app's HTTP answer to one delivery."""

    status: int
    body_text: str
    json: Any
    headers: dict[str, str] = field(default_factory=dict)
    event_id: str | None = None
    request: SentRequest | None = None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


# Element types whose value the user picks from the element's own `options`.
_SINGLE_OPTION = frozenset({"static_select", "external_select", "radio_buttons", "overflow"})
_MULTI_OPTION = frozenset({"multi_static_select", "multi_external_select", "checkboxes"})
_TEXT_INPUTS = frozenset(
    {"plain_text_input", "email_text_input", "url_text_input", "number_text_input"}
)
_SIMPLE_KEYS = {
    "timepicker": "selected_time",
    "datepicker": "selected_date",
    "datetimepicker": "selected_date_time",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "rich_text_input": "rich_text_value",
}


def iter_elements(blocks: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every interactive element in actions/section/input blocks."""
    found: list[tuple[str, dict[str, Any]]] = []
    for block in blocks or []:
        block_id = block.get("block_id", "")
        candidates = list(block.get("elements", [])) if block.get("type") == "actions" else []
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        found.extend((block_id, e) for e in candidates if e.get("action_id"))
    return found


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    return options


def _pick_option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    for option in _options(element):
        if option.get("value") == value:
            return {k: option[k] for k in ("text", "value", "description") if k in option}
    raise LookupError(f"no option with value {value!r} in {element.get('action_id')}")


def element_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The `state.values` entry Slack reports for `element` holding the user's `value`."""
    kind = element.get("type", "")
    state: dict[str, Any] = {"type": kind}
    if kind in _SINGLE_OPTION:
        state["selected_option"] = None if value is None else _pick_option(element, value)
    elif kind in _MULTI_OPTION:
        state["selected_options"] = [_pick_option(element, v) for v in (value or [])]
    elif kind in _SIMPLE_KEYS:
        state[_SIMPLE_KEYS[kind]] = value
    else:
        state["value"] = value
    return state


def initial_state(element: dict[str, Any]) -> dict[str, Any]:
    """The `state.values` entry Slack reports for a field the user left as it was shown."""
    kind = element.get("type", "")
    state: dict[str, Any] = {"type": kind}
    if kind in _SINGLE_OPTION:
        state["selected_option"] = element.get("initial_option")
    elif kind in _MULTI_OPTION:
        state["selected_options"] = element.get("initial_options") or []
    elif kind in _SIMPLE_KEYS:
        initial_key = (
            "initial_value"
            if kind == "rich_text_input"
            else "initial_" + _SIMPLE_KEYS[kind].removeprefix("selected_")
        )
        state[_SIMPLE_KEYS[kind]] = element.get(initial_key)
    else:
        state["value"] = element.get("initial_value")
    return state


class SlackSender:
    """Sends Slack's requests to the app at `app_url` (e.g. http://127.0.0.1:PORT/slack/events)."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        emulator: SlackEmulator,
        *,
        team_id: str | None = None,
        verification_token: str = "legacy-verification-token",
    ) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.emulator = emulator
        self.state = emulator.state
        self.team_id = team_id or next(iter(self.state.teams))
        self.verification_token = verification_token
        self.last: Response | None = None

    @property
    def team(self) -> Team:
        return self.state.teams[self.team_id]

    # --- transport ---------------------------------------------------------------------
    def send_raw(
        self,
        body: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        sign_request: bool = True,
    ) -> Response:
        """POST `body` to the app, signed unless `sign_request` is False or overridden."""
        # Signatures use the real clock: Bolt checks freshness against time.time().
        ts = timestamp or str(int(time.time()))
        all_headers = {"Content-Type": content_type}
        if sign_request:
            all_headers["X-Slack-Request-Timestamp"] = ts
            all_headers["X-Slack-Signature"] = signature or sign(self.signing_secret, ts, body)
        all_headers.update(headers or {})
        url = urlsplit(self.app_url)
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
        try:
            connection.request("POST", url.path or "/", body=body, headers=all_headers)
            reply = connection.getresponse()
            text = reply.read().decode("utf-8", errors="replace")
            reply_headers = {k.lower(): v for k, v in reply.getheaders()}
            status = reply.status
        finally:
            connection.close()
        try:
            parsed: Any = json.loads(text) if text else None
        except ValueError:
            parsed = None
        response = Response(
            status,
            text,
            parsed,
            reply_headers,
            request=SentRequest(body, content_type, headers or {}),
        )
        self.last = response
        return response

    def resend(
        self, last: Response, retry_num: int = 1, retry_reason: str = "http_timeout"
    ) -> Response:
        """Replay a delivery as Slack's retry: same body and event_id, retry headers added."""
        if last.request is None:
            raise ValueError("response has no recorded request")
        headers = dict(last.request.headers)
        headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason})
        response = self.send_raw(last.request.body, last.request.content_type, headers)
        response.event_id = last.event_id
        return response

    # --- Events API --------------------------------------------------------------------
    def envelope(
        self, event: dict[str, Any], *, team_id: str | None = None, event_id: str | None = None
    ) -> dict[str, Any]:
        """The event_callback wrapper Slack puts around every event."""
        team = self.state.teams[team_id or self.team_id]
        return {
            "token": self.verification_token,
            "team_id": team.id,
            "context_team_id": team.id,
            "context_enterprise_id": None,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(self.emulator.clock()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team.id,
                    "user_id": team.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{uuid.uuid4().hex}",
        }

    def send_event(
        self,
        event: dict[str, Any],
        *,
        team_id: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: str | None = None,
        signature: str | None = None,
    ) -> Response:
        envelope = self.envelope(event, team_id=team_id, event_id=event_id)
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        body = json.dumps(envelope).encode()
        response = self.send_raw(
            body, "application/json", headers, timestamp=timestamp, signature=signature
        )
        response.event_id = envelope["event_id"]
        return response

    # --- slash commands and interactions -------------------------------------------------
    def send_command(self, user: str, channel: str, command: str, text: str = "") -> Response:
        team = self.team
        found = self.state.channel(channel)
        form = {
            "token": self.verification_token,
            "team_id": team.id,
            "team_domain": team.domain,
            "channel_id": found.id,
            "channel_name": "directmessage" if found.is_im else found.name,
            "user_id": user,
            "user_name": self.state.user(user).name,
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self._response_url(found.id, user),
            "trigger_id": self.state.issue_trigger(user),
        }
        return self.send_raw(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def send_interaction(self, payload: dict[str, Any]) -> Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.send_raw(body, "application/x-www-form-urlencoded")

    def _response_url(self, channel: str | None, user: str, message_ts: str | None = None) -> str:
        target = ResponseTarget(channel, user, self.team_id, message_ts)
        return self.emulator.web_api.response_url_for(target)

    def _user_json(self, user: str) -> dict[str, Any]:
        name = self.state.user(user).name
        return {"id": user, "username": name, "name": name, "team_id": self.team_id}

    def _team_json(self) -> dict[str, Any]:
        return {"id": self.team.id, "domain": self.team.domain}

    def click(
        self,
        user: str,
        *,
        action_id: str,
        message: dict[str, Any] | Ephemeral | None = None,
        view_id: str | None = None,
        value: Any = None,
    ) -> Response:
        """Click/choose the element `action_id` in a stored message or view, as `user`."""
        action_ts = self.state.next_ts()
        base: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user_json(user),
            "api_app_id": APP_ID,
            "token": self.verification_token,
            "trigger_id": self.state.issue_trigger(user),
            "team": self._team_json(),
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if view_id is not None:
            with self.state.lock:
                view = json.loads(json.dumps(self.state.view_record(view_id).view))
            blocks = view.get("blocks", [])
            base.update(container={"type": "view", "view_id": view_id}, view=view)
            base["state"] = view["state"]
        elif message is not None:
            ts = message.ts if isinstance(message, Ephemeral) else message["ts"]
            ephemeral = self._ephemeral(ts) if not isinstance(message, Ephemeral) else message
            if ephemeral is not None:
                channel_id, stored = ephemeral.channel, ephemeral.to_json()
            else:
                found = self.state.locate_message(ts)
                if found is None:
                    raise LookupError(f"no stored message with ts {ts}")
                with self.state.lock:
                    channel_id, stored = found.channel, found.to_json()
            blocks = stored.get("blocks") or []
            channel = self.state.channel(channel_id) if channel_id else None
            container: dict[str, Any] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel_id,
                "is_ephemeral": ephemeral is not None,
            }
            if stored.get("thread_ts"):
                container["thread_ts"] = stored["thread_ts"]
            base.update(
                container=container,
                channel={
                    "id": channel_id,
                    "name": "directmessage"
                    if channel and channel.is_im
                    else channel and channel.name,
                },
                state={"values": {}},
                response_url=self._response_url(channel_id, user, ts),
            )
            if ephemeral is None:
                base["message"] = stored
        else:
            raise ValueError("click needs message= or view_id=")
        matches = [(b, e) for b, e in iter_elements(blocks) if e["action_id"] == action_id]
        if not matches:
            raise LookupError(f"no element with action_id {action_id!r}")
        block_id, element = matches[0]
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": element.get("type"),
            "action_ts": action_ts,
        }
        if element.get("type") == "button":
            action["text"] = element.get("text")
            action["value"] = value if value is not None else element.get("value")
            if element.get("style"):
                action["style"] = element["style"]
        else:
            action.update({k: v for k, v in element_state(element, value).items() if k != "type"})
        base["actions"] = [action]
        return self.send_interaction(base)

    def _ephemeral(self, ts: str) -> Ephemeral | None:
        with self.state.lock:
            return next((e for e in self.state.ephemerals if e.ts == ts), None)

    def submit_view(
        self, user: str, view_id: str, values: dict[str, Any] | None = None
    ) -> Response:
        """Submit the stored modal with `values` keyed by action_id or "block_id/action_id"."""
        with self.state.lock:
            record = self.state.view_record(view_id)
            view = json.loads(json.dumps(record.view))
        remaining = dict(values or {})
        state_values: dict[str, dict[str, Any]] = {}
        for block_id, element in iter_elements(view.get("blocks", [])):
            action_id = element["action_id"]
            key = f"{block_id}/{action_id}"
            if key in remaining or action_id in remaining:
                given = remaining.pop(key) if key in remaining else remaining.pop(action_id)
                state = element_state(element, given)
            else:
                state = initial_state(element)  # untouched fields keep what the modal showed
            state_values.setdefault(block_id, {})[action_id] = state
        if remaining:
            raise LookupError(f"no input for {sorted(remaining)} in view {view_id}")
        view["state"] = {"values": state_values}
        payload = {
            "type": "view_submission",
            "team": self._team_json(),
            "user": self._user_json(user),
            "api_app_id": APP_ID,
            "token": self.verification_token,
            "trigger_id": self.state.issue_trigger(user),
            "view": view,
            "response_urls": [],
            "enterprise": None,
            "is_enterprise_install": False,
        }
        response = self.send_interaction(payload)
        self._apply_response_action(record, response)
        return response

    def _apply_response_action(self, record: ViewRecord, response: Response) -> None:
        """Mirror what Slack does with the modal after the app's answer to a submission."""
        if response.status != 200:
            return
        action = response.json.get("response_action") if isinstance(response.json, dict) else None
        with self.state.lock:
            if action == "errors":
                return
            if action == "update" and isinstance(response.json.get("view"), dict):
                view = self.emulator.web_api.build_view(
                    response.json["view"], self.team, view_id=record.view["id"]
                )
                record.view = view
                return
            if action == "push" and isinstance(response.json.get("view"), dict):
                view = self.emulator.web_api.build_view(response.json["view"], self.team)
                view["previous_view_id"] = record.view["id"]
                self.state.views[view["id"]] = ViewRecord(view, record.user, "modal")
                return
            stack = [r for r in self.state.views.values() if r.user == record.user and r.open]
            for other in stack if action == "clear" else [record]:
                other.open = False

    def close_view(self, user: str, view_id: str) -> Response:
        with self.state.lock:
            record = self.state.view_record(view_id)
            record.open = False
            view = json.loads(json.dumps(record.view))
        return self.send_interaction(
            {
                "type": "view_closed",
                "team": self._team_json(),
                "user": self._user_json(user),
                "api_app_id": APP_ID,
                "token": self.verification_token,
                "view": view,
                "is_cleared": False,
                "enterprise": None,
                "is_enterprise_install": False,
            }
        )

    # --- high level: users acting in Slack -----------------------------------------------
    def post(
        self,
        user: str,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        *,
        deliver: bool = True,
    ) -> str:
        """A user posts `text`; stored in the emulator, then the message event is sent.

        Returns the new message ts; the app's HTTP answer is in `self.last`. With
        `deliver=False` the event is never sent (the app was down longer than Slack retries):
        the message is only in Slack, as `conversations.replies` shows it.
        """
        found = self.state.channel(channel)
        message = Message(
            channel=found.id,
            ts=self.state.next_ts(),
            text=text,
            user=user,
            team=self.team_id,
            blocks=[_rich_text(text)],
            thread_ts=thread_ts,
            client_msg_id=str(uuid.uuid4()),
        )
        self.state.add_message(message)
        event = message.to_json()
        event.update(channel=found.id, channel_type=found.channel_type, event_ts=message.ts)
        if deliver:
            self.send_event(event)
        return message.ts

    def bot_message(
        self, channel: str, text: str, *, bot_id: str = "B0OTHER", thread_ts: str | None = None
    ) -> Response:
        """Another app's message (subtype bot_message) arriving in `channel`."""
        found = self.state.channel(channel)
        message = Message(
            channel=found.id,
            ts=self.state.next_ts(),
            text=text,
            bot_id=bot_id,
            team=self.team_id,
            thread_ts=thread_ts,
            subtype="bot_message",
        )
        self.state.add_message(message)
        event = message.to_json()
        event.update(channel=found.id, channel_type=found.channel_type, event_ts=message.ts)
        return self.send_event(event)

    def edit(
        self, user: str, channel: str, ts: str, new_text: str, *, deliver: bool = True
    ) -> Response | None:
        found = self.state.channel(channel)
        with self.state.lock:
            message = self.state.find_message(found.id, ts)
            previous = message.to_json()
            message.text = new_text
            message.blocks = [_rich_text(new_text)]
            event_ts = self.state.next_ts()
            message.edited = {"user": user, "ts": event_ts}
            current = message.to_json()
        current["source_team"] = current["user_team"] = self.team_id
        event = {
            "type": "message",
            "subtype": "message_changed",
            "message": current,
            "previous_message": previous,
            "channel": found.id,
            "hidden": True,
            "ts": event_ts,
            "event_ts": event_ts,
            "channel_type": found.channel_type,
        }
        return self.send_event(event) if deliver else None

    def delete(self, channel: str, ts: str, *, deliver: bool = True) -> Response | None:
        found = self.state.channel(channel)
        with self.state.lock:
            previous = self.state.remove_message(found.id, ts).to_json()
            event_ts = self.state.next_ts()
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "previous_message": previous,
            "channel": found.id,
            "hidden": True,
            "deleted_ts": ts,
            "event_ts": event_ts,
            "ts": event_ts,
            "channel_type": found.channel_type,
        }
        return self.send_event(event) if deliver else None

    def react(self, user: str, channel: str, ts: str, name: str) -> Response:
        found = self.state.channel(channel)
        with self.state.lock:
            message = self.state.find_message(found.id, ts)
            message.reactions.setdefault(name, []).append(user)
        return self.send_event(
            {
                "type": "reaction_added",
                "user": user,
                "reaction": name,
                "item": {"type": "message", "channel": found.id, "ts": ts},
                "item_user": message.user,
                "event_ts": self.state.next_ts(),
            }
        )

    def invite_bot(self, channel: str, inviter: str) -> Response:
        found = self.state.channel(channel)
        bot = self.team.bot_user_id
        with self.state.lock:
            found.members.add(bot)
        return self.send_event(
            {
                "type": "member_joined_channel",
                "user": bot,
                "channel": found.id,
                "channel_type": "G" if found.is_private else "C",
                "team": self.team_id,
                "inviter": inviter,
                "event_ts": self.state.next_ts(),
            }
        )

    def remove_bot(self, channel: str, by: str) -> Response:
        """Remove the bot: Slack sends channel_left to the bot, then member_left_channel."""
        found = self.state.channel(channel)
        bot = self.team.bot_user_id
        with self.state.lock:
            found.members.discard(bot)
        self.send_event(
            {
                "type": "channel_left",
                "channel": found.id,
                "actor_id": by,
                "event_ts": self.state.next_ts(),
            }
        )
        return self.send_event(
            {
                "type": "member_left_channel",
                "user": bot,
                "channel": found.id,
                "channel_type": "G" if found.is_private else "C",
                "team": self.team_id,
                "event_ts": self.state.next_ts(),
            }
        )

    def open_home(self, user: str) -> Response:
        dm = self.state.open_dm([user], team_id=self.team_id)
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": dm.id,
            "tab": "home",
            "event_ts": self.state.next_ts(),
        }
        home = self.emulator.home(user)
        if home is not None:
            event["view"] = home
        return self.send_event(event)

    def _forget_tokens(self) -> None:
        """Slack invalidates the team's tokens (and refresh tokens) before telling the app."""
        for token, team_id in list(self.state.tokens.items()):
            if team_id == self.team_id:
                del self.state.tokens[token]
        for refresh, team_id in list(self.state.refresh_tokens.items()):
            if team_id == self.team_id:
                del self.state.refresh_tokens[refresh]

    def uninstall(self) -> Response:
        with self.state.lock:
            self._forget_tokens()
        return self.send_event({"type": "app_uninstalled", "event_ts": self.state.next_ts()})

    def revoke_tokens(self) -> Response:
        with self.state.lock:
            self._forget_tokens()
        return self.send_event(
            {
                "type": "tokens_revoked",
                "tokens": {"oauth": [], "bot": [self.team.bot_user_id]},
                "event_ts": self.state.next_ts(),
            }
        )


def _rich_text(text: str) -> dict[str, Any]:
    """The rich_text block Slack clients attach to a typed message."""
    return {
        "type": "rich_text",
        "block_id": uuid.uuid4().hex[:5],
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


__all__ = ["ApiError", "Response", "SentRequest", "SlackSender", "sign"]
