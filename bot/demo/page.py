"""`practice-bot demo --html FILE`: the demo's transcript as one self-contained page.

Messages, DMs, modals and the App Home are laid out as Slack shows Block Kit (see
`blockkit_html`); the chart is embedded as a data URI, so the file needs nothing else.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.demo.blockkit_html import Names, blocks_html, mrkdwn, text_object


@dataclass(frozen=True)
class Entry:
    """One thing in the transcript: a heading, a person's action, a message, a view, a file."""

    kind: str  # "heading", "say", "message", "view", "image"
    who: str = ""
    clock: str = ""
    text: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    data: bytes = b""


CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f4f4f5;color:#1d1c1d;font:15px/1.46 -apple-system,BlinkMacSystemFont,
"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:860px;margin:0 auto;padding:16px 12px 48px}
h1{font-size:22px;margin:8px 0 4px}
.lead{color:#616061;margin:0 0 16px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid #ddd}
.card{background:#fff;border:1px solid #e2e2e2;border-radius:8px;padding:10px 12px;
margin:8px 0;overflow-wrap:anywhere;min-width:0}
.where{font-size:12px;color:#616061;margin-bottom:6px}
.msg{display:flex;gap:10px;min-width:0}
.avatar{flex:0 0 36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;
display:flex;align-items:center;justify-content:center;font-weight:700}
.avatar.user{background:#1264a3}
.body{flex:1 1 auto;min-width:0}
.name{font-weight:700}.app{font-size:10px;background:#e8e8e8;color:#616061;border-radius:3px;
padding:1px 3px;margin-left:4px;vertical-align:middle}
.time{color:#616061;font-size:12px;margin-left:6px}
.note{color:#616061;font-size:13px;margin:6px 4px;overflow-wrap:anywhere}
h3{font-size:18px;margin:4px 0 6px}
.section{display:flex;gap:12px;margin:4px 0;min-width:0}
.section .text{flex:1 1 auto;min-width:0}
.accessory{flex:0 0 auto}.accessory .button{white-space:nowrap}
.fields{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,220px),1fr));
gap:4px 16px;margin-top:4px}
.context{color:#616061;font-size:13px;margin:4px 0}
hr{border:0;border-top:1px solid #e2e2e2;margin:10px 0}
blockquote{margin:4px 0;padding-left:10px;border-left:4px solid #ddd}
pre{background:#f8f8f8;border:1px solid #e2e2e2;border-radius:4px;padding:8px;margin:4px 0;
font:12px/1.5 Monaco,Menlo,Consolas,monospace;overflow-x:auto;max-width:100%}
code{font:12px Monaco,Menlo,Consolas,monospace;color:#e01e5a;background:#f8f8f8;
border:1px solid #e2e2e2;border-radius:3px;padding:0 3px}
a{color:#1264a3;text-decoration:none}
.mention{color:#1264a3;background:#e8f5fa;border-radius:3px;padding:0 2px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.button{display:inline-block;border:1px solid #c7c7c7;border-radius:4px;padding:3px 12px;
font-weight:700;font-size:14px;background:#fff;max-width:100%}
.button.primary{background:#007a5a;border-color:#007a5a;color:#fff}
.button.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.modal{max-width:520px;margin:8px auto;padding:0;overflow:hidden}
.modal .top{display:flex;justify-content:space-between;align-items:center;padding:12px 16px;
border-bottom:1px solid #e2e2e2;font-weight:700;font-size:18px}
.modal .inner{padding:10px 16px}
.modal .bottom{display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;
border-top:1px solid #e2e2e2}
.home .top{background:#4a154b;color:#fff}
.field-input{margin:12px 0}
.label{font-weight:700;margin-bottom:4px}
.hint{color:#616061;font-size:13px;display:block}
.options label{display:flex;gap:8px;align-items:flex-start;margin:4px 0}
.dot{flex:0 0 16px;height:16px;margin-top:3px;border:1px solid #8d8d8d;border-radius:50%}
.checkbox .dot{border-radius:3px}
.checked .dot{border:5px solid #1264a3}
.select,.input{display:flex;justify-content:space-between;border:1px solid #c7c7c7;
border-radius:4px;padding:6px 10px;min-height:36px;background:#fff;max-width:100%}
.input.tall{min-height:72px}
.caret{color:#616061;margin-left:8px}
img.picture,.file img{display:block;max-width:100%;height:auto;border:1px solid #e2e2e2;
border-radius:6px;margin:6px 0}
img.tiny{width:16px;height:16px;vertical-align:middle}
"""


def _who(label: str) -> tuple[str, str]:
    """("Practice Bot", "DM to maya") from "Practice Bot (DM to maya)"."""
    name, _, rest = label.partition(" (")
    return name, rest.rstrip(")")


def _avatar(name: str) -> str:
    bot = name.startswith("Practice Bot")
    cls = "avatar" if bot else "avatar user"
    return f'<div class="{cls}">{html.escape(name[:1].upper() or "?")}</div>'


def _card(who: str, clock: str, inner: str, where: str = "") -> str:
    name, place = _who(who)
    badge = '<span class="app">APP</span>' if name == "Practice Bot" else ""
    place_html = f'<div class="where">{html.escape(place or where)}</div>' if place or where else ""
    return (
        f'<div class="card">{place_html}<div class="msg">{_avatar(name)}<div class="body">'
        f'<span class="name">{html.escape(name)}</span>{badge}'
        f'<span class="time">{html.escape(clock)}</span><div>{inner}</div></div></div></div>'
    )


def _view(entry: Entry, name: Names) -> str:
    view = entry.payload
    home = view.get("type") == "home"
    title = "Home" if home else text_object(view.get("title"), name)
    buttons = ""
    if view.get("close"):
        buttons += f'<span class="button">{text_object(view["close"], name)}</span>'
    if view.get("submit"):
        buttons += f'<span class="button primary">{text_object(view["submit"], name)}</span>'
    bottom = f'<div class="bottom">{buttons}</div>' if buttons else ""
    where = html.escape(entry.who)
    return (
        f'<div class="where">{where}</div>'
        f'<div class="card modal{" home" if home else ""}"><div class="top"><span>{title}</span>'
        f"{'' if home else '<span>✕</span>'}</div>"
        f'<div class="inner">{blocks_html(view.get("blocks") or [], name)}</div>{bottom}</div>'
    )


def entry_html(entry: Entry, name: Names) -> str:
    if entry.kind == "heading":
        return f"<h2>{html.escape(entry.text)}</h2>"
    if entry.kind == "say" and not entry.who:
        return f'<p class="note">{mrkdwn(html.escape(entry.text, False), name)}</p>'
    if entry.kind == "say":
        return _card(entry.who or "", entry.clock, mrkdwn(html.escape(entry.text, False), name))
    if entry.kind == "message":
        message = entry.payload
        blocks = message.get("blocks") or []
        inner = blocks_html(blocks, name) if blocks else mrkdwn(str(message.get("text")), name)
        return _card(entry.who, entry.clock, inner)
    if entry.kind == "view":
        return _view(entry, name)
    if entry.kind == "image":
        data = base64.b64encode(entry.data).decode()
        alt = html.escape(str(entry.payload.get("alt") or ""), quote=True)
        caption = html.escape(str(entry.payload.get("title") or ""))
        inner = (
            f"{mrkdwn(entry.text, name)}<div class='file'><div class='hint'>{caption}</div>"
            f'<img src="data:image/png;base64,{data}" alt="{alt}"></div>'
        )
        return _card(entry.who, entry.clock, inner)
    return ""


def page_html(entries: Sequence[Entry], name: Names, title: str = "practice-bot demo") -> str:
    body = "\n".join(entry_html(e, name) for e in entries)
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{html.escape(title)}</h1><p class='lead'>A practice day and week in a simulated "
        "Slack workspace: the real app's messages, DMs, modals and App Home, laid out as Slack "
        f"shows them.</p>\n{body}\n</main></body></html>\n"
    )
