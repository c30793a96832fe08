"""Slack Web API methods answered by the emulator, one function per method.

Each handler takes the decoded arguments and the calling team and returns the body Slack would
send (without `ok`), or raises `ApiError` for an `ok: false` answer. Response shapes follow the
real API closely enough that slack_sdk and Bolt cannot tell the difference.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.emulator.state import (
    APP_ID,
    ROTATING_TOKEN_SECONDS,
    ApiError,
    Channel,
    Ephemeral,
    Message,
    ResponseTarget,
    StoredFile,
    Team,
    ViewRecord,
    WorkspaceState,
)

Args = dict[str, Any]
Handler = Callable[["WebApi", Args, Team], dict[str, Any]]

# Form bodies carry these as JSON strings; slack_sdk also sends them so.
JSON_FIELDS = frozenset({"blocks", "attachments", "metadata", "files", "view", "channels"})
# Modal stacks are limited to three views.
MAX_VIEW_STACK = 3


def decode_args(args: Args) -> Args:
    """Turn JSON-encoded string fields (form bodies) into Python structures."""
    decoded = dict(args)
    for key in JSON_FIELDS & decoded.keys():
        value = decoded[key]
        if isinstance(value, str) and value[:1] in "[{":
            try:
                decoded[key] = json.loads(value)
            except ValueError as error:
                raise ApiError(f"invalid_{key}") from error
        elif key == "channels" and isinstance(value, str):
            decoded[key] = [c for c in value.split(",") if c]
    return decoded


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in {"1", "true"})


def _required(args: Args, name: str) -> Any:
    value = args.get(name)
    if value in (None, ""):
        raise ApiError("invalid_arguments", missing=name)
    return value


class WebApi:
    """Dispatches Web API method names to handlers over one `WorkspaceState`."""

    handlers: dict[str, Handler] = {}

    def __init__(self, state: WorkspaceState, base_url: Callable[[], str]) -> None:
        self.state = state
        self._base_url = base_url  # http://127.0.0.1:PORT/ once the server listens

    def knows(self, method: str) -> bool:
        return method in self.handlers

    def call(self, method: str, args: Args, team: Team) -> dict[str, Any]:
        with self.state.lock:
            return self.handlers[method](self, decode_args(args), team)

    # --- shared rules ------------------------------------------------------------------
    def _target_channel(self, args: Args, team: Team) -> Channel:
        """Resolve `channel`; a user id means the app's DM with that user, as on Slack."""
        channel_id = str(_required(args, "channel"))
        if channel_id.startswith(("U", "W")) and channel_id in self.state.users:
            return self.state.open_dm([channel_id], team_id=team.id)
        return self.state.channel(channel_id)

    def _require_bot_member(self, channel: Channel, team: Team) -> None:
        if team.bot_user_id in channel.members:
            return
        # Private conversations are invisible to a non-member bot; public ones just refuse.
        raise ApiError("channel_not_found" if channel.is_private else "not_in_channel")

    def _bot_message(self, channel: Channel, args: Args, team: Team) -> Message:
        text = args.get("text") or ""
        blocks = args.get("blocks")
        if not text and not blocks and not args.get("attachments"):
            raise ApiError("no_text")
        thread_ts = args.get("thread_ts") or None
        if thread_ts:
            self.state.find_message(channel.id, thread_ts)  # raises if the parent is unknown
        return Message(
            channel=channel.id,
            ts=self.state.next_ts(),
            text=text,
            user=team.bot_user_id,
            bot_id=team.bot_id,
            team=team.id,
            blocks=blocks if blocks is not None else None,
            thread_ts=thread_ts,
            metadata=args.get("metadata"),
            unfurl_links=_flag(args["unfurl_links"]) if "unfurl_links" in args else None,
            unfurl_media=_flag(args["unfurl_media"]) if "unfurl_media" in args else None,
        )

    def _message_json(self, message: Message, team: Team) -> dict[str, Any]:
        data = message.to_json()
        if message.bot_id:
            data["bot_profile"] = {
                "id": message.bot_id,
                "app_id": APP_ID,
                "name": "practice-bot",
                "deleted": False,
                "team_id": team.id,
            }
        return data

    def build_view(
        self, spec: dict[str, Any], team: Team, view_id: str | None = None
    ) -> dict[str, Any]:
        """A view object as Slack returns it, built from the app's view payload."""
        if not isinstance(spec, dict) or "type" not in spec:
            raise ApiError("invalid_arguments", missing="view")
        view_id = view_id or self.state.new_id("V")
        return {
            "id": view_id,
            "team_id": team.id,
            "type": spec["type"],
            "blocks": spec.get("blocks", []),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{self.state.next_ts()}.hash",
            "title": spec.get("title"),
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "close": spec.get("close"),
            "submit": spec.get("submit"),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": spec.get("external_id", ""),
            "app_installed_team_id": team.id,
            "bot_id": team.bot_id,
        }

    # --- uploads and response_urls (not Web API methods, but the same state) ----------
    def store_upload(self, file_id: str, content: bytes) -> None:
        with self.state.lock:
            stored = self.state.files.get(file_id)
            if stored is None:
                raise ApiError("file_not_found")
            stored.content = content
            stored.uploaded = True

    def respond(self, response_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Handle a POST to a response_url the way Slack does for slash commands/actions."""
        with self.state.lock:
            target = self.state.response_targets.get(response_id)
            if target is None:
                raise ApiError("expired_url")
            team = self.state.teams[target.team_id]
            blocks = body.get("blocks")
            text = body.get("text") or ""
            ephemeral = next((e for e in self.state.ephemerals if e.ts == target.message_ts), None)
            if ephemeral is not None and _flag(body.get("delete_original")):
                self.state.ephemerals.remove(ephemeral)
                return {}
            if ephemeral is not None and _flag(body.get("replace_original")):
                ephemeral.text, ephemeral.blocks = text, blocks
                return {}
            if target.message_ts and target.channel and ephemeral is None:
                if _flag(body.get("delete_original")):
                    self.state.remove_message(target.channel, target.message_ts)
                    return {}
                if _flag(body.get("replace_original")):
                    original = self.state.locate_message(target.message_ts)
                    if original is not None:
                        original.text, original.blocks = text, blocks
                        return {}
            if body.get("response_type") == "in_channel" and target.channel:
                message = Message(
                    channel=target.channel,
                    ts=self.state.next_ts(),
                    text=text,
                    user=team.bot_user_id,
                    bot_id=team.bot_id,
                    team=team.id,
                    blocks=blocks,
                    thread_ts=body.get("thread_ts"),
                )
                self.state.add_message(message)
            else:
                self.state.ephemerals.append(
                    Ephemeral(
                        target.channel,
                        target.user,
                        text,
                        blocks,
                        body.get("thread_ts"),
                        "response_url",
                        self.state.next_ts(),
                    )
                )
            return {}

    def response_url_for(self, target: ResponseTarget) -> str:
        response_id = self.state.new_id("R", 10)
        with self.state.lock:
            self.state.response_targets[response_id] = target
        return f"{self._base_url()}response/{response_id}"


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        WebApi.handlers[name] = handler
        return handler

    return register


# --- auth / team / users ---------------------------------------------------------------
@method("auth.test")
def _auth_test(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    return {
        "url": f"https://{team.domain}.slack.com/",
        "team": team.name,
        "user": "practice-bot",
        "team_id": team.id,
        "user_id": team.bot_user_id,
        "bot_id": team.bot_id,
        "is_enterprise_install": False,
    }


@method("team.info")
def _team_info(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    wanted = api.state.teams.get(args.get("team") or team.id)
    if wanted is None:
        raise ApiError("team_not_found")
    return {
        "team": {
            "id": wanted.id,
            "name": wanted.name,
            "domain": wanted.domain,
            "email_domain": "",
            "icon": {"image_default": True},
        }
    }


@method("users.info")
def _users_info(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    return {"user": api.state.user(str(_required(args, "user"))).to_json()}


# --- conversations ---------------------------------------------------------------------
@method("conversations.info")
def _conversations_info(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = api.state.channel(str(_required(args, "channel")))
    if channel.is_private and team.bot_user_id not in channel.members:
        raise ApiError("channel_not_found")
    data = channel.to_json()
    data["is_member"] = team.bot_user_id in channel.members
    return {"channel": data}


@method("conversations.members")
def _conversations_members(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = api.state.channel(str(_required(args, "channel")))
    if channel.is_private and team.bot_user_id not in channel.members:
        raise ApiError("channel_not_found")
    return {"members": sorted(channel.members), "response_metadata": {"next_cursor": ""}}


@method("conversations.open")
def _conversations_open(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    if args.get("channel"):
        channel = api.state.channel(str(args["channel"]))
        return {"no_op": True, "already_open": True, "channel": {"id": channel.id}}
    users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
    existed = api.state.dm_id(users) is not None
    channel = api.state.open_dm(users, team_id=team.id)
    body = channel.to_json() if _flag(args.get("return_im")) else {"id": channel.id}
    return {"no_op": existed, "already_open": existed, "channel": body}


def _page(args: Args, items: list[Message], team: Team, api: WebApi) -> dict[str, Any]:
    limit = int(args.get("limit") or 100)
    start = int(args.get("cursor") or 0)
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    messages = [api._message_json(m, team) for m in chunk]
    if not _flag(args.get("include_all_metadata")):
        for message in messages:  # Slack returns message metadata only when asked
            message.pop("metadata", None)
    return {
        "messages": messages,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _readable_channel(api: WebApi, args: Args, team: Team) -> Channel:
    channel = api.state.channel(str(_required(args, "channel")))
    if team.bot_user_id not in channel.members:
        raise ApiError("channel_not_found" if channel.is_private else "not_in_channel")
    return channel


@method("conversations.history")
def _conversations_history(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = _readable_channel(api, args, team)
    oldest = float(args.get("oldest") or 0)
    latest = float(args.get("latest") or "inf")
    inclusive = _flag(args.get("inclusive"))
    top = [
        m
        for m in reversed(api.state.messages[channel.id])
        if (m.thread_ts in (None, m.ts))
        and (oldest <= float(m.ts) <= latest if inclusive else oldest < float(m.ts) < latest)
    ]
    body = _page(args, top, team, api)
    body.update(pin_count=0, channel_actions_ts=None, channel_actions_count=0)
    return body


@method("conversations.replies")
def _conversations_replies(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = _readable_channel(api, args, team)
    ts = str(_required(args, "ts"))
    try:
        api.state.find_message(channel.id, ts)
    except ApiError as error:
        raise ApiError("thread_not_found") from error
    thread = [m for m in api.state.messages[channel.id] if m.ts == ts or m.thread_ts == ts]
    return _page(args, thread, team, api)


# --- chat ------------------------------------------------------------------------------
@method("chat.postMessage")
def _chat_post_message(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = api._target_channel(args, team)
    api._require_bot_member(channel, team)
    message = api.state.add_message(api._bot_message(channel, args, team))
    return {"channel": channel.id, "ts": message.ts, "message": api._message_json(message, team)}


@method("chat.postEphemeral")
def _chat_post_ephemeral(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = api._target_channel(args, team)
    user = str(_required(args, "user"))
    api.state.user(user)
    api._require_bot_member(channel, team)
    if user not in channel.members:
        raise ApiError("user_not_in_channel")
    message = api._bot_message(channel, args, team)
    api.state.ephemerals.append(
        Ephemeral(
            channel.id,
            user,
            message.text,
            message.blocks,
            message.thread_ts,
            "chat.postEphemeral",
            message.ts,
        )
    )
    return {"message_ts": message.ts}


def _own_message(api: WebApi, args: Args, team: Team, error: str) -> tuple[Channel, Message]:
    channel = api.state.channel(str(_required(args, "channel")))
    message = api.state.find_message(channel.id, str(_required(args, "ts")))
    if message.bot_id != team.bot_id:
        raise ApiError(error)
    return channel, message


@method("chat.update")
def _chat_update(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel, message = _own_message(api, args, team, "cant_update_message")
    if "text" in args:
        message.text = args["text"] or ""
    if "blocks" in args:
        message.blocks = args["blocks"]
    if "metadata" in args:
        message.metadata = args["metadata"]
    message.edited = {"user": team.bot_user_id, "ts": api.state.next_ts()}
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": api._message_json(message, team),
    }


@method("chat.delete")
def _chat_delete(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel, message = _own_message(api, args, team, "cant_delete_message")
    api.state.remove_message(channel.id, message.ts)
    return {"channel": channel.id, "ts": message.ts}


@method("chat.getPermalink")
def _chat_get_permalink(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = api.state.channel(str(_required(args, "channel")))
    message = api.state.find_message(channel.id, str(_required(args, "message_ts")))
    link = f"https://emulated.slack/archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


# --- reactions -------------------------------------------------------------------------
@method("reactions.add")
def _reactions_add(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = api.state.channel(str(_required(args, "channel")))
    message = api.state.find_message(channel.id, str(_required(args, "timestamp")))
    users = message.reactions.setdefault(str(_required(args, "name")), [])
    if team.bot_user_id in users:
        raise ApiError("already_reacted")
    users.append(team.bot_user_id)
    return {}


@method("reactions.remove")
def _reactions_remove(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = api.state.channel(str(_required(args, "channel")))
    message = api.state.find_message(channel.id, str(_required(args, "timestamp")))
    name = str(_required(args, "name"))
    users = message.reactions.get(name, [])
    if team.bot_user_id not in users:
        raise ApiError("no_reaction")
    users.remove(team.bot_user_id)
    if not users:
        del message.reactions[name]
    return {}


# --- views -----------------------------------------------------------------------------
@method("views.open")
def _views_open(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    spec = _required(args, "view")
    user = api.state.consume_trigger(args.get("trigger_id") or args.get("interactivity_pointer"))
    view = api.build_view(spec, team)
    api.state.views[view["id"]] = ViewRecord(view, user, "modal")
    return {"view": view}


@method("views.push")
def _views_push(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    spec = _required(args, "view")
    user = api.state.consume_trigger(args.get("trigger_id") or args.get("interactivity_pointer"))
    stack = [r for r in api.state.views.values() if r.user == user and r.open and r.kind == "modal"]
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= MAX_VIEW_STACK:
        raise ApiError("push_limit_reached")
    view = api.build_view(spec, team)
    view["previous_view_id"] = stack[-1].view["id"]
    view["root_view_id"] = stack[0].view["id"]
    api.state.views[view["id"]] = ViewRecord(view, user, "modal")
    return {"view": view}


@method("views.update")
def _views_update(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    spec = _required(args, "view")
    record = api.state.view_record(args.get("view_id"), args.get("external_id"))
    if args.get("hash") and args["hash"] != record.view["hash"]:
        raise ApiError("hash_conflict")
    old = record.view
    view = api.build_view(spec, team, view_id=old["id"])
    view.update(previous_view_id=old["previous_view_id"], root_view_id=old["root_view_id"])
    view["state"] = old["state"]
    record.view = view
    return {"view": view}


@method("views.publish")
def _views_publish(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    user = str(_required(args, "user_id"))
    api.state.user(user)
    spec = _required(args, "view")
    existing_id = api.state.homes.get(user)
    if (
        existing_id
        and args.get("hash")
        and args["hash"] != api.state.views[existing_id].view["hash"]
    ):
        raise ApiError("hash_conflict")
    view = api.build_view(spec, team, view_id=existing_id)
    api.state.views[view["id"]] = ViewRecord(view, user, "home")
    api.state.homes[user] = view["id"]
    return {"view": view}


# --- files (v2 upload flow) ------------------------------------------------------------
@method("files.getUploadURLExternal")
def _files_get_upload_url(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    filename = str(_required(args, "filename"))
    length = int(_required(args, "length"))
    file_id = api.state.new_id("F")
    api.state.files[file_id] = StoredFile(
        file_id, filename, length, user=team.bot_user_id, alt_txt=args.get("alt_txt") or None
    )
    return {"upload_url": f"{api._base_url()}upload/{file_id}", "file_id": file_id}


@method("files.completeUploadExternal")
def _files_complete_upload(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    entries = _required(args, "files")
    if not isinstance(entries, list):
        raise ApiError("invalid_arguments", missing="files")
    channels = list(args.get("channels") or [])
    if args.get("channel_id"):
        channels.insert(0, args["channel_id"])
    stored: list[StoredFile] = []
    for entry in entries:
        found = api.state.files.get(entry.get("id", ""))
        if found is None or not found.uploaded:
            raise ApiError("file_not_found")
        found.title = entry.get("title") or found.filename
        stored.append(found)
    for channel_id in channels:
        channel = api.state.channel(channel_id)
        api._require_bot_member(channel, team)
        for found in stored:
            found.channel_id = channel.id
            found.initial_comment = args.get("initial_comment")
            found.thread_ts = args.get("thread_ts")
        message = Message(
            channel=channel.id,
            ts=api.state.next_ts(),
            text=args.get("initial_comment") or "",
            user=team.bot_user_id,
            bot_id=team.bot_id,
            team=team.id,
            thread_ts=args.get("thread_ts") or None,
            files=[f.to_json() for f in stored],
        )
        api.state.add_message(message)
    for found in stored:
        found.completed = True
    return {"files": [{"id": f.id, "title": f.title} for f in stored]}


# --- oauth -----------------------------------------------------------------------------
@method("oauth.v2.access")
def _oauth_v2_access(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    if args.get("grant_type") == "refresh_token":
        return _refresh_token(api, args)
    grant = api.state.oauth_codes.get(str(args.get("code") or ""))
    if grant is None or grant.used:
        raise ApiError("invalid_code")
    grant.used = True
    installed = api.state.teams[grant.team_id]
    answer = {
        "app_id": APP_ID,
        "authed_user": {"id": grant.installer},
        "scope": grant.scope,
        "token_type": "bot",
        "bot_user_id": installed.bot_user_id,
        "team": {"id": installed.id, "name": installed.name},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    return answer | _new_token(api, installed, rotating=grant.rotating)


def _new_token(api: WebApi, installed: Team, *, rotating: bool) -> dict[str, Any]:
    token = f"xoxb-{installed.id}-{api.state.new_id('', 6)}"
    with api.state.lock:
        api.state.tokens[token] = installed.id
    if not rotating:
        return {"access_token": token}
    refresh = f"xoxe-1-{installed.id}-{api.state.new_id('', 6)}"
    with api.state.lock:
        api.state.refresh_tokens[refresh] = installed.id
    return {
        "access_token": token,
        "refresh_token": refresh,
        "expires_in": ROTATING_TOKEN_SECONDS,
    }


def _refresh_token(api: WebApi, args: Args) -> dict[str, Any]:
    """Token rotation: a refresh token buys a new token and a new refresh token, once.

    As on Slack, the old access token keeps working until it expires (the emulator does not
    expire tokens); the spent refresh token is refused (`invalid_refresh_token`).
    """
    with api.state.lock:
        team_id = api.state.refresh_tokens.pop(str(args.get("refresh_token") or ""), None)
    if team_id is None or team_id not in api.state.teams:
        raise ApiError("invalid_refresh_token")
    installed = api.state.teams[team_id]
    return {
        "app_id": APP_ID,
        "token_type": "bot",
        "scope": "chat:write",
        "bot_user_id": installed.bot_user_id,
        "team": {"id": installed.id, "name": installed.name},
        "enterprise": None,
        "is_enterprise_install": False,
    } | _new_token(api, installed, rotating=True)


# --- listings and joins (what an app uses to discover its channels and people) ----------
def _cursor_page(args: Args, items: list[Any], key: str) -> dict[str, Any]:
    limit = int(args.get("limit") or 100)
    start = int(args.get("cursor") or 0)
    more = start + limit < len(items)
    return {
        key: items[start : start + limit],
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _wanted_types(args: Args) -> set[str]:
    return set(str(args.get("types") or "public_channel").split(","))


def _type_of(channel: Channel) -> str:
    if channel.is_im:
        return "im"
    if channel.is_mpim:
        return "mpim"
    return "private_channel" if channel.is_private else "public_channel"


@method("conversations.list")
def _conversations_list(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    types = _wanted_types(args)
    visible = [
        dict(c.to_json(), is_member=team.bot_user_id in c.members)
        for c in api.state.channels.values()
        if c.team_id == team.id
        and _type_of(c) in types
        # Private conversations are only listed to members.
        and (_type_of(c) == "public_channel" or team.bot_user_id in c.members)
    ]
    return _cursor_page(args, visible, "channels")


@method("users.conversations")
def _users_conversations(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    user = str(args.get("user") or team.bot_user_id)
    types = _wanted_types(args)
    mine = [
        c.to_json()
        for c in api.state.channels.values()
        if user in c.members and _type_of(c) in types
    ]
    return _cursor_page(args, mine, "channels")


@method("users.list")
def _users_list(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    people = [u.to_json() for u in api.state.users.values() if u.team_id == team.id]
    return _cursor_page(args, people, "members")


@method("conversations.join")
def _conversations_join(api: WebApi, args: Args, team: Team) -> dict[str, Any]:
    channel = api.state.channel(str(_required(args, "channel")))
    if channel.is_private or channel.is_im or channel.is_mpim:
        raise ApiError("method_not_supported_for_channel_type")
    channel.members.add(team.bot_user_id)
    return {"channel": dict(channel.to_json(), is_member=True)}
