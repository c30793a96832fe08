"""No DM bypasses the member's settings: only `bot/slack/dm.py` may post to a person.

Every Web API call that can message someone (post, schedule, open a DM, upload a file) is
found in the code of `bot/` and must be in `bot/slack/dm.py`, or in one of the few places
below that post in a channel (never to a person), each with its reason. A new DM written
elsewhere fails here: send it with `DirectMessages.send` (or `reply_dm` for an answer to
what the member just did) instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bot

BOT = Path(bot.__file__).parent
THE_PLACE = BOT / "slack" / "dm.py"
MESSAGING = {
    "chat_postMessage",
    "chat_scheduleMessage",
    "chat_meMessage",
    "conversations_open",
    "files_upload_v2",
    "files_upload",
    "files_completeUploadExternal",
}
# (module, function): why it is not a DM.
CHANNEL_POSTS = {
    ("slack/publisher.py", "post_channel_message"): "the daily prompt, in the practice channel",
    ("slack/review_notifier.py", "_post_in_thread"): "notes and challenges in a prompt's thread",
    ("slack/channel_directory.py", "welcome"): "the welcome, in the channel",
    ("slack/leaderboard_publisher.py", "upload_chart"): "the chart, in the channel's thread",
    # The client under every post: it sends what its caller (dm.py or a place above) sends,
    # once, and finds the IM of a DM whose answer was lost (`MeteredWebClient._post_once`).
    ("slack/gateway.py", "_post_once"): "the transport under every post, not a new message",
    ("slack/gateway.py", "_find_send"): "opens the IM a DM was just sent to, to look in it",
}


def _messaging_calls(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of every call that names a messaging method."""
    tree = ast.parse(path.read_text(), str(path))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Call):
                names = {child.func.attr} if isinstance(child.func, ast.Attribute) else set()
                names |= {
                    a.value.replace(".", "_")
                    for a in child.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                }
                if names & MESSAGING:
                    found.append((inner, child.lineno))
            visit(child, inner)

    visit(tree, "<module>")
    return found


def test_only_the_dm_module_messages_people() -> None:
    stray = []
    seen_allowed = set()
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(BOT).as_posix()
        if path == THE_PLACE or relative.startswith("emulator/"):
            continue
        for function, line in _messaging_calls(path):
            if (relative, function) in CHANNEL_POSTS:
                seen_allowed.add((relative, function))
                continue
            stray.append(f"bot/{relative}:{line} in {function}()")
    assert stray == [], (
        "messages sent outside bot/slack/dm.py (route them through DirectMessages): "
        + ", ".join(stray)
    )
    # The allowances are real: each still names a place that posts (no stale exceptions).
    assert seen_allowed == set(CHANNEL_POSTS)


def test_the_scan_finds_a_dm_written_elsewhere(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "def nudge(client, user):\n"
        "    client.chat_postMessage(channel=user, text='hi')\n"
        "def other(c):\n"
        "    c._call('T', 'chat_postMessage', channel='U1')\n"
        "    c.api_call('chat.postMessage')\n"
    )
    assert [f for f, _ in _messaging_calls(sneaky)] == ["nudge", "other", "other"]
