"""In-memory fake Slack workspace(s) behind the emulator.

Everything lives under one re-entrant lock: the HTTP server answers on many threads and tests
read the same objects, so one lock keeps every read consistent without lock-ordering worries.
Messages are kept as `Message` records and rendered as Slack-shaped dicts on the way out.
"""

from __future__ import annotations

import itertools
import mimetypes
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

APP_ID = "A0001"
DEFAULT_TEAM_ID = "T0001"
DEFAULT_TOKEN = "xoxb-test-token"
DEFAULT_BOT_USER_ID = "UBOT"
DEFAULT_BOT_ID = "B0001"
# Slack only accepts a trigger_id for three seconds after the user's action.
TRIGGER_TTL_SECONDS = 3.0


class ApiError(Exception):
    """A Slack-style `ok: false` answer raised from inside a method handler."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class Team:
    id: str
    name: str
    domain: str
    bot_user_id: str
    bot_id: str


@dataclass
class User:
    id: str
    name: str
    real_name: str
    team_id: str = DEFAULT_TEAM_ID
    tz: str = "UTC"
    tz_offset: int = 0
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset,
            "profile": {"real_name": self.real_name, "display_name": self.name},
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
        }


@dataclass
class Channel:
    id: str
    name: str
    creator: str
    members: set[str] = field(default_factory=set)
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    team_id: str = DEFAULT_TEAM_ID
    created: int = 1700000000
    im_user: str | None = None  # the human end of an IM

    @property
    def channel_type(self) -> str:
        """The `channel_type` Slack puts on message events for this conversation."""
        if self.is_im:
            return "im"
        if self.is_mpim:
            return "mpim"
        return "group" if self.is_private else "channel"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "created": self.created,
            "is_im": self.is_im,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private or self.is_im or self.is_mpim,
            "is_archived": False,
            "context_team_id": self.team_id,
        }
        if self.is_im:
            data.update({"user": self.im_user, "is_open": True})
        else:
            data.update(
                {
                    "name": self.name,
                    "is_channel": not self.is_private and not self.is_mpim,
                    "is_group": self.is_private and not self.is_mpim,
                    "creator": self.creator,
                    "is_general": self.name == "general",
                    "num_members": len(self.members),
                }
            )
        return data


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    user: str | None = None
    bot_id: str | None = None
    team: str = DEFAULT_TEAM_ID
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    parent_user_id: str | None = None
    reply_count: int = 0
    reply_users: list[str] = field(default_factory=list)
    latest_reply: str | None = None
    metadata: dict[str, Any] | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    edited: dict[str, str] | None = None
    subtype: str | None = None
    files: list[dict[str, Any]] | None = None
    client_msg_id: str | None = None
    unfurl_links: bool | None = None
    unfurl_media: bool | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "message", "text": self.text, "ts": self.ts}
        if self.subtype:
            data["subtype"] = self.subtype
        if self.user:
            data["user"] = self.user
        if self.bot_id:
            data["bot_id"] = self.bot_id
            data["app_id"] = APP_ID
        data["team"] = self.team
        if self.client_msg_id:
            data["client_msg_id"] = self.client_msg_id
        if self.blocks is not None:
            data["blocks"] = self.blocks
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
            if self.thread_ts != self.ts:
                data["parent_user_id"] = self.parent_user_id
            elif self.reply_count:
                data.update(
                    reply_count=self.reply_count,
                    reply_users_count=len(self.reply_users),
                    reply_users=list(self.reply_users),
                    latest_reply=self.latest_reply,
                )
        if self.metadata is not None:
            data["metadata"] = self.metadata
        if self.reactions:
            data["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in self.reactions.items()
            ]
        if self.edited:
            data["edited"] = dict(self.edited)
        if self.files:
            data["files"] = self.files
            data["upload"] = False
        return data


@dataclass
class Ephemeral:
    channel: str | None
    user: str | None
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    via: str  # "chat.postEphemeral" or "response_url"
    ts: str

    def to_json(self) -> dict[str, Any]:
        """The message dict Slack attaches to interactions on this ephemeral message."""
        data: dict[str, Any] = {"type": "message", "text": self.text, "ts": self.ts}
        if self.blocks is not None:
            data["blocks"] = self.blocks
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        return data


@dataclass
class ViewRecord:
    view: dict[str, Any]
    user: str
    kind: str  # "modal" or "home"
    open: bool = True


@dataclass
class StoredFile:
    id: str
    filename: str
    length: int | None
    content: bytes = b""
    uploaded: bool = False
    title: str | None = None
    alt_txt: str | None = None  # the image's description for screen readers
    channel_id: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False
    user: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            # Slack reports the type from the name: "ics" -> text/calendar, as a calendar
            # app opening the attachment sees it.
            "filetype": self.filename.rpartition(".")[2].lower() if "." in self.filename else "",
            "mimetype": mimetypes.guess_type(self.filename)[0] or "application/octet-stream",
            **({"alt_txt": self.alt_txt} if self.alt_txt else {}),
            "size": len(self.content),
            "user": self.user,
            "channels": [self.channel_id] if self.channel_id else [],
            "permalink": f"https://emulated.slack/files/{self.id}/{self.filename}",
        }


@dataclass
class ResponseTarget:
    """Where a response_url posts: the conversation, the user, and maybe the source message."""

    channel: str | None
    user: str | None
    team_id: str
    message_ts: str | None = None


@dataclass
class OAuthGrant:
    team_id: str
    installer: str
    scope: str
    used: bool = False
    rotating: bool = False  # the app has token rotation on: tokens expire, refresh tokens


# Slack's rotating tokens live 12 hours.
ROTATING_TOKEN_SECONDS = 43200


class WorkspaceState:
    """The fake workspace: teams, users, conversations, messages, views and files."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock: Callable[[], float] = clock or time.time
        self.teams: dict[str, Team] = {}
        self.tokens: dict[str, str] = {}  # token -> team_id
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, ViewRecord] = {}
        self.homes: dict[str, str] = {}  # user -> view id of the published home tab
        self.files: dict[str, StoredFile] = {}
        self.triggers: dict[str, tuple[float, str]] = {}  # trigger_id -> (issued at, user)
        self.spent_triggers: set[str] = set()
        self.response_targets: dict[str, ResponseTarget] = {}
        self.oauth_codes: dict[str, OAuthGrant] = {}
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> team_id (each used once)
        self._dm_ids: dict[frozenset[str], str] = {}
        self._last_ts_us = 0
        self._counter = itertools.count(1)
        self.add_team(DEFAULT_TEAM_ID, "Emulated Workspace", "emulated", DEFAULT_TOKEN)

    # --- identifiers -------------------------------------------------------------------
    def next_ts(self) -> str:
        """A Slack ts from the clock, strictly increasing even within one microsecond."""
        with self.lock:
            micros = max(int(self.clock() * 1_000_000), self._last_ts_us + 1)
            self._last_ts_us = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str, width: int = 8) -> str:
        return f"{prefix}{next(self._counter):0{width}d}"

    def issue_trigger(self, user: str) -> str:
        """A trigger_id like Slack's, valid for one views.open/push for three seconds."""
        with self.lock:
            trigger = f"{next(self._counter)}.{int(self.clock())}.emulated"
            self.triggers[trigger] = (self.clock(), user)
        return trigger

    def consume_trigger(self, trigger_id: str | None) -> str:
        """Spend a trigger and return the user whose action issued it."""
        with self.lock:
            if not trigger_id:
                raise ApiError("invalid_arguments")
            if trigger_id not in self.triggers:
                raise ApiError("invalid_trigger_id")
            issued, user = self.triggers[trigger_id]
            if self.clock() - issued > TRIGGER_TTL_SECONDS:
                raise ApiError("expired_trigger_id")
            # Slack lets a trigger open exactly one view.
            if trigger_id in self.spent_triggers:
                raise ApiError("exchanged_trigger_id")
            self.spent_triggers.add(trigger_id)
            return user

    # --- builders ----------------------------------------------------------------------
    def add_team(
        self,
        team_id: str,
        name: str,
        domain: str,
        token: str,
        *,
        bot_user_id: str = DEFAULT_BOT_USER_ID,
        bot_id: str = DEFAULT_BOT_ID,
    ) -> Team:
        with self.lock:
            team = Team(team_id, name, domain, bot_user_id, bot_id)
            self.teams[team_id] = team
            self.tokens[token] = team_id
            if bot_user_id not in self.users:
                self.users[bot_user_id] = User(
                    bot_user_id, "practice-bot", "Practice Bot", team_id=team_id, is_bot=True
                )
        return team

    def add_oauth_code(
        self,
        code: str,
        team_id: str,
        *,
        installer: str = "U0INSTALL",
        scope: str = "chat:write",
        rotating: bool = False,
    ) -> None:
        """Make `code` exchangeable once by oauth.v2.access for a token of `team_id`.

        `rotating=True` answers as for an app with token rotation on: the token comes with
        `expires_in` and a `refresh_token` for `grant_type=refresh_token`.
        """
        with self.lock:
            self.oauth_codes[code] = OAuthGrant(team_id, installer, scope, rotating=rotating)

    def add_user(
        self,
        id: str,
        name: str,
        tz: str = "UTC",
        is_admin: bool = False,
        *,
        real_name: str | None = None,
        tz_offset: int | None = None,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        team_id: str = DEFAULT_TEAM_ID,
    ) -> User:
        if tz_offset is None:
            tz_offset = _utc_offset(tz, self.clock())
        user = User(
            id,
            name,
            real_name or name.title(),
            team_id,
            tz,
            tz_offset,
            is_admin,
            is_owner,
            is_bot,
            deleted,
        )
        with self.lock:
            self.users[id] = user
        return user

    def add_channel(
        self,
        id: str,
        name: str,
        creator: str,
        members: Iterable[str] = (),
        *,
        is_private: bool = False,
        team_id: str = DEFAULT_TEAM_ID,
    ) -> Channel:
        channel = Channel(id, name, creator, set(members), is_private, team_id=team_id)
        with self.lock:
            self.channels[id] = channel
            self.messages.setdefault(id, [])
        return channel

    def open_dm(self, users: Iterable[str], *, team_id: str = DEFAULT_TEAM_ID) -> Channel:
        """The IM (one user) or mpim (several) with the bot; same users give the same id."""
        humans = frozenset(users)
        if not humans:
            raise ApiError("users_list_not_supplied")
        with self.lock:
            for user in humans:
                if user not in self.users:
                    raise ApiError("user_not_found")
            existing = self._dm_ids.get(humans)
            if existing:
                return self.channels[existing]
            bot = self.teams[team_id].bot_user_id
            if len(humans) == 1:
                channel = Channel(self.new_id("D"), "", bot, set(humans) | {bot}, is_im=True)
                channel.im_user = next(iter(humans))
            else:
                name = "mpdm-" + "--".join(sorted(self.users[u].name for u in humans)) + "-1"
                channel = Channel(
                    self.new_id("G"), name, bot, set(humans) | {bot}, True, is_mpim=True
                )
            channel.team_id = team_id
            self.channels[channel.id] = channel
            self.messages[channel.id] = []
            self._dm_ids[humans] = channel.id
            return channel

    # --- lookups -----------------------------------------------------------------------
    def dm_id(self, users: Iterable[str]) -> str | None:
        """The id of the already-opened IM/mpim with exactly these users, if any."""
        with self.lock:
            return self._dm_ids.get(frozenset(users))

    def channel(self, channel_id: str) -> Channel:
        with self.lock:
            found = self.channels.get(channel_id)
            if found is None:
                for candidate in self.channels.values():
                    if candidate.name and candidate.name == channel_id.lstrip("#"):
                        return candidate
                raise ApiError("channel_not_found")
            return found

    def user(self, user_id: str) -> User:
        with self.lock:
            found = self.users.get(user_id)
            if found is None:
                raise ApiError("user_not_found")
            return found

    def find_message(self, channel: str, ts: str) -> Message:
        with self.lock:
            for message in self.messages.get(channel, []):
                if message.ts == ts:
                    return message
        raise ApiError("message_not_found")

    def locate_message(self, ts: str) -> Message | None:
        """Find a message by ts in any channel; ts values are unique in the emulator."""
        with self.lock:
            for messages in self.messages.values():
                for message in messages:
                    if message.ts == ts:
                        return message
        return None

    # --- mutations ---------------------------------------------------------------------
    def add_message(self, message: Message) -> Message:
        """Store a message and keep the thread parent's reply bookkeeping up to date."""
        with self.lock:
            self.messages.setdefault(message.channel, []).append(message)
            if message.thread_ts and message.thread_ts != message.ts:
                parent = self.find_message(message.channel, message.thread_ts)
                parent.thread_ts = parent.thread_ts or parent.ts
                parent.reply_count += 1
                parent.latest_reply = message.ts
                author = message.user or message.bot_id or ""
                if author not in parent.reply_users:
                    parent.reply_users.append(author)
                message.parent_user_id = parent.user
        return message

    def remove_message(self, channel: str, ts: str) -> Message:
        with self.lock:
            message = self.find_message(channel, ts)
            self.messages[channel].remove(message)
            if message.thread_ts and message.thread_ts != ts:
                try:
                    parent = self.find_message(channel, message.thread_ts)
                except ApiError:
                    return message
                parent.reply_count = max(0, parent.reply_count - 1)
            return message

    def view_record(self, view_id: str | None = None, external_id: str | None = None) -> ViewRecord:
        with self.lock:
            if view_id:
                record = self.views.get(view_id)
                if record is not None:
                    return record
            elif external_id:
                for record in self.views.values():
                    if record.view.get("external_id") == external_id:
                        return record
            raise ApiError("not_found")


def _utc_offset(tz: str, at: float) -> int:
    """Seconds east of UTC for `tz` at `at`, as Slack reports in users.info `tz_offset`."""
    try:
        offset = datetime.fromtimestamp(at, ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset else 0
