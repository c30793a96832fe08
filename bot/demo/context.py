"""What the demo's scenes share: the stage, the cast, and a readable transcript."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.demo.page import Entry
from bot.emulator.stage import Stage

CHANNEL = "C0DEMO"
# The cast: (user id, name, time zone). The first one creates the channel and invites the bot.
CAST = (
    ("U0MAYA", "maya", "America/New_York"),
    ("U0JONAS", "jonas", "Europe/Berlin"),
    ("U0PRIYA", "priya", "Asia/Kolkata"),
    ("U0SAM", "sam", "America/Los_Angeles"),
    ("U0LENA", "lena", "Europe/Berlin"),
)
START = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # Monday, 08:00 in New York

DATE = re.compile(r"<!date\^\d+\^[^|]*\|([^>]*)>")
MENTION = re.compile(r"<[@#]([UC][A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass
class DemoContext:
    stage: Stage
    out_dir: Path
    stream: TextIO
    names: dict[str, str] = field(default_factory=dict)
    thread_ts: str = ""  # the day's prompt, once posted
    notes: dict[str, Any] = field(default_factory=dict)  # scenes leave things for later scenes
    entries: list[Entry] = field(default_factory=list)  # the transcript, for `--html`

    @classmethod
    @contextmanager
    def open(cls, db_path: Path, out_dir: Path, stream: TextIO) -> Iterator[DemoContext]:
        # The transcript is the demo's output; the app's own info logs would bury it.
        logging.basicConfig(level=logging.WARNING)
        with Stage(f"sqlite:///{db_path}", start=START) as stage:
            ctx = cls(stage=stage, out_dir=out_dir, stream=stream)
            for user, name, tz in CAST:
                stage.add_member(user, name, tz=tz)
                ctx.names[user] = name
            ctx.names[stage.bot_user_id] = "Practice Bot"
            ctx.names[CHANNEL] = "pmm-practice"
            members = [u for u, _, _ in CAST]
            stage.add_channel(CHANNEL, "pmm-practice", creator=members[0], members=members)
            yield ctx

    @property
    def people(self) -> list[str]:
        return [user for user, _, _ in CAST]

    def name(self, user: str) -> str:
        return self.names.get(user, user)

    # --- transcript ------------------------------------------------------------------------
    def clock(self) -> str:
        return self.stage.now().strftime("%a %H:%M UTC")

    def heading(self, title: str) -> None:
        self.entries.append(Entry("heading", text=title))
        self.stream.write(f"\n=== {title} ===\n")

    def say(self, who: str, text: str, *, record: bool = True) -> None:
        clock = self.clock()
        if record:
            self.entries.append(Entry("say", who=who, clock=clock, text=self.plain(text)))
        prefix = f"[{clock}] {who}: " if who else ""
        lines = self.plain(text).splitlines() or [""]
        self.stream.write(prefix + lines[0] + "\n")
        for line in lines[1:]:
            self.stream.write(" " * len(prefix) + line + "\n")

    def show_message(self, who: str, message: dict[str, Any]) -> None:
        self.entries.append(Entry("message", who=who, clock=self.clock(), payload=message))
        self.say(who, blocks_text(message) or str(message.get("text", "")), record=False)

    def show_view(self, who: str, view: dict[str, Any]) -> None:
        """A modal or the App Home as `who` sees it."""
        self.entries.append(Entry("view", who=who, clock=self.clock(), payload=view))
        title = (view.get("title") or {}).get("text") or "App Home"
        self.say(who, f"({title})\n{blocks_text(view)}", record=False)

    def show_image(self, who: str, text: str, data: bytes, *, title: str, alt: str) -> None:
        payload = {"title": title, "alt": alt}
        self.entries.append(Entry("image", who, self.clock(), text, payload, data))
        self.say(who, text, record=False)

    def plain(self, text: str) -> str:
        text = DATE.sub(lambda m: m.group(1), text)
        text = MENTION.sub(lambda m: m.group(0)[1] + self.name(m.group(1)), text)
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_text(message: dict[str, Any]) -> str:
    """Block Kit as plain lines: headers, sections (with fields) and context elements."""
    lines: list[str] = []
    for block in message.get("blocks") or []:
        kind = block.get("type")
        if kind in ("header", "section"):
            text = (block.get("text") or {}).get("text")
            if text:
                lines.append(text.replace("```", ""))
            for f in block.get("fields") or []:
                lines.append(f.get("text", ""))
            accessory = block.get("accessory") or {}
            if accessory.get("type") == "button":
                lines.append(f"[{(accessory.get('text') or {}).get('text', '')}]")
        elif kind == "context":
            lines.extend(e.get("text", "") for e in block.get("elements", []) if "text" in e)
        elif kind == "actions":
            labels = [((e.get("text") or {}).get("text") or "") for e in block.get("elements", [])]
            lines.append("[" + "] [".join(labels) + "]")
        elif kind == "image":
            lines.append(f"(image: {block.get('alt_text', '')})")
        elif kind == "input":
            label = (block.get("label") or {}).get("text", "")
            options = (block.get("element") or {}).get("options") or []
            choices = " / ".join((o.get("text") or {}).get("text", "") for o in options)
            lines.append(f"{label}: [{choices}]" if choices else f"{label}: [ ... ]")
    return "\n".join(lines)
