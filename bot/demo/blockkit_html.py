"""Block Kit and Slack mrkdwn as HTML, laid out the way Slack's clients show them.

Used by `practice-bot demo --html FILE`. It covers the blocks and elements the bot sends:
header, section (text, fields, accessory), context, divider, actions (buttons), image, input
(radio buttons, checkboxes, static select, plain-text input, time picker).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

EMOJI = {
    "wave": "👋",
    "mag": "🔍",
    "thread": "🧵",
    "trophy": "🏆",
    "hourglass_flowing_sand": "⏳",
    "checkered_flag": "🏁",
    "white_check_mark": "✅",
    "tada": "🎉",
    "bar_chart": "📊",
    "calendar": "📅",
    "memo": "📝",
    "bell": "🔔",
    "busts_in_silhouette": "👥",
    "raised_hand": "✋",
    "handshake": "🤝",
    "crystal_ball": "🔮",
}
TOKEN = re.compile(r"<([^<>]+)>")
FENCE = re.compile(r"```(.*?)```", re.S)
BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w])_(?=\S)([^_\n]*?\S)_(?!\w)")
STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")
CODE = re.compile(r"`([^`\n]+)`")
EMOJI_NAME = re.compile(r":([a-z0-9_+-]+):")

Names = Callable[[str], str]


def _unslack(text: str) -> str:
    """Slack's three escapes back to characters, before escaping for HTML."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _token(inner: str, name: Names) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return f'<span class="mention">@{html.escape(name(target[1:]))}</span>'
    if target.startswith("#"):
        return f'<span class="mention">#{html.escape(label or name(target[1:]))}</span>'
    if target.startswith("!date^"):
        return html.escape(_unslack(label))
    if target.startswith("!"):
        return f'<span class="mention">@{html.escape(target[1:])}</span>'
    shown = html.escape(_unslack(label or target))
    return f'<a href="{html.escape(target, quote=True)}">{shown}</a>'


def _inline(text: str, name: Names) -> str:
    """One run of mrkdwn outside code fences, with its tokens, styles and emoji."""
    tokens: list[str] = []

    def keep(match: re.Match[str]) -> str:
        tokens.append(_token(match.group(1), name))
        return f"\x00{len(tokens) - 1}\x00"

    out = html.escape(_unslack(TOKEN.sub(keep, text)), quote=False)
    out = CODE.sub(r"<code>\1</code>", out)
    out = BOLD.sub(r"<b>\1</b>", out)
    out = ITALIC.sub(r"<i>\1</i>", out)
    out = STRIKE.sub(r"<s>\1</s>", out)
    out = EMOJI_NAME.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), out)
    return re.sub("\x00(\\d+)\x00", lambda m: tokens[int(m.group(1))], out)


def _lines(text: str, name: Names) -> str:
    """Lines, with runs of `>` lines as one quote."""
    parts: list[str] = []
    quote: list[str] = []
    for line in text.split("\n"):
        if line.startswith("&gt;") or line.startswith(">"):
            quote.append(_inline(re.sub(r"^(&gt;|>) ?", "", line), name))
            continue
        if quote:
            parts.append("<blockquote>" + "<br>".join(quote) + "</blockquote>")
            quote = []
        parts.append(_inline(line, name) + "<br>")
    if quote:
        parts.append("<blockquote>" + "<br>".join(quote) + "</blockquote>")
    joined = "".join(parts)
    return joined[:-4] if joined.endswith("<br>") else joined


def mrkdwn(text: str, name: Names) -> str:
    """Slack mrkdwn as HTML: code fences, quotes, links, mentions, dates, bold, italics."""
    out, at = [], 0
    for fence in FENCE.finditer(text):
        out.append(_lines(text[at : fence.start()], name))
        out.append(f"<pre>{html.escape(_unslack(fence.group(1).strip(chr(10))))}</pre>")
        at = fence.end()
    out.append(_lines(text[at:], name))
    return "".join(out)


def text_object(obj: Mapping[str, Any] | None, name: Names) -> str:
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text") or ""), name)
    plain = html.escape(str(obj.get("text") or ""))
    return EMOJI_NAME.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), plain)


def _button(element: Mapping[str, Any], name: Names) -> str:
    style = str(element.get("style") or "")
    label = text_object(element.get("text"), name)
    return f'<span class="button {html.escape(style)}" role="button">{label}</span>'


def _option_list(element: Mapping[str, Any], name: Names, kind: str) -> str:
    chosen = {
        o.get("value")
        for o in [element.get("initial_option"), *(element.get("initial_options") or [])]
        if o
    }
    items = []
    for option in element.get("options") or []:
        mark = "checked" if option.get("value") in chosen else ""
        description = option.get("description")
        extra = f'<span class="hint">{text_object(description, name)}</span>' if description else ""
        items.append(
            f'<label class="{kind} {mark}"><span class="dot"></span>'
            f"<span>{text_object(option.get('text'), name)}{extra}</span></label>"
        )
    return f'<div class="options">{"".join(items)}</div>'


def element_html(element: Mapping[str, Any], name: Names) -> str:
    kind = element.get("type")
    if kind == "button":
        return _button(element, name)
    if kind == "radio_buttons":
        return _option_list(element, name, "radio")
    if kind == "checkboxes":
        return _option_list(element, name, "checkbox")
    if kind in ("static_select", "users_select", "channels_select"):
        chosen = element.get("initial_option") or {}
        shown = text_object(chosen.get("text") or element.get("placeholder"), name)
        return (
            f'<span class="select">{shown or "Select an item"}<span class="caret">▾</span></span>'
        )
    if kind == "plain_text_input":
        value = html.escape(str(element.get("initial_value") or ""))
        hint = text_object(element.get("placeholder"), name)
        tall = " tall" if element.get("multiline") else ""
        return f'<div class="input{tall}">{value or f"<span class=hint>{hint}</span>"}</div>'
    if kind == "timepicker":
        return f'<span class="select">{html.escape(str(element.get("initial_time") or ""))}</span>'
    if kind == "image":
        alt = html.escape(str(element.get("alt_text") or ""), quote=True)
        return f'<img class="tiny" src="{html.escape(str(element.get("image_url")))}" alt="{alt}">'
    return f'<span class="hint">({html.escape(str(kind))})</span>'


def block_html(block: Mapping[str, Any], name: Names) -> str:
    kind = block.get("type")
    if kind == "header":
        return f"<h3>{text_object(block.get('text'), name)}</h3>"
    if kind == "divider":
        return "<hr>"
    if kind == "section":
        body = f'<div class="text">{text_object(block.get("text"), name)}</div>'
        fields = "".join(
            f'<div class="field">{text_object(f, name)}</div>' for f in block.get("fields") or []
        )
        if fields:
            body += f'<div class="fields">{fields}</div>'
        accessory = block.get("accessory")
        side = f'<div class="accessory">{element_html(accessory, name)}</div>' if accessory else ""
        return f'<div class="section">{body}{side}</div>'
    if kind == "context":
        parts = [
            element_html(e, name) if e.get("type") == "image" else text_object(e, name)
            for e in block.get("elements") or []
        ]
        return f'<div class="context">{" ".join(parts)}</div>'
    if kind == "actions":
        buttons = "".join(element_html(e, name) for e in block.get("elements") or [])
        return f'<div class="actions">{buttons}</div>'
    if kind == "image":
        alt = html.escape(str(block.get("alt_text") or ""), quote=True)
        return f'<img class="picture" src="{html.escape(str(block.get("image_url")))}" alt="{alt}">'
    if kind == "input":
        optional = ' <span class="hint">(optional)</span>' if block.get("optional") else ""
        hint = block.get("hint")
        return (
            f'<div class="field-input"><div class="label">'
            f"{text_object(block.get('label'), name)}{optional}</div>"
            f"{element_html(block.get('element') or {}, name)}"
            + (f'<div class="hint">{text_object(hint, name)}</div>' if hint else "")
            + "</div>"
        )
    return f'<div class="hint">({html.escape(str(kind))} block)</div>'


def blocks_html(blocks: list[Mapping[str, Any]], name: Names) -> str:
    return "".join(block_html(b, name) for b in blocks)
