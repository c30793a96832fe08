"""A checker of Slack's documented Block Kit limits over the Web API calls the emulator recorded.

slack-sdk's Block Kit models carry most limits (text lengths, element counts, modal titles):
each block is parsed into its model and serialised, which runs their validators. The limits the
models do not check are listed here, with the page of Slack's documentation that states them.
On top of the limits, it looks for text that was cut without saying so: an unclosed `<...>`
token (a link, mention or date cut in half), an odd number of code fences, or the "…" that a
plain slice-and-mark leaves (the render layer ends a cut with "..." at a word boundary).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# https://api.slack.com/methods/chat.postMessage (blocks, text), /reference/surfaces/views
MESSAGE_BLOCKS = 50
MESSAGE_TEXT = 40_000  # Slack truncates longer text silently
VIEW_BLOCKS = 100
PRIVATE_METADATA = 3000
ID_LIMIT = 255  # action_id, block_id, callback_id, external_id
# https://api.slack.com/reference/block-kit/composition-objects#option
OPTION_TEXT = 75
# https://api.slack.com/reference/block-kit/block-elements
ELEMENT_OPTIONS = {"radio_buttons": 10, "checkboxes": 10, "static_select": 100, "overflow": 5}
BUTTON_VALUE = 2000
# https://api.slack.com/reference/block-kit/blocks#section
SECTION_FIELDS = 10
FIELD_TEXT = 2000
# https://api.slack.com/reference/block-kit/blocks#actions, #input
ACTIONS_ELEMENTS = 25
INPUT_TEXT = 2000  # label and hint

MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
VIEW_METHODS = {"views.open", "views.push", "views.update", "views.publish"}
VIEW_FIELDS = ("type", "title", "submit", "close", "blocks", "private_metadata", "callback_id")
UNCLOSED_TOKEN = re.compile(r"<[^>]*$|<[^>]*<")


def check_calls(calls: Iterable[Any]) -> list[str]:
    """Every problem in the recorded calls, as "method: where: what"."""
    problems = []
    for call in calls:
        problems += [f"{call.method}: {p}" for p in check_call(call.method, call.args)]
    return problems


def check_call(method: str, args: dict[str, Any]) -> list[str]:
    if method in MESSAGE_METHODS:
        return check_message(args)
    if method in VIEW_METHODS and isinstance(args.get("view"), dict):
        return check_view(args["view"])
    if method == "files.getUploadURLExternal":
        name = str(args.get("filename") or "")
        if name.lower().endswith((".png", ".jpg", ".jpeg", ".gif")) and not args.get("alt_txt"):
            return [f"{name}: an image without alt text"]
    return []


def check_stored_views(views: Iterable[dict[str, Any]]) -> list[str]:
    """Views as the emulator keeps them, including those a `response_action: update` set
    (answers to a submission, which are not Web API calls)."""
    problems = []
    for view in views:
        spec = {k: view[k] for k in VIEW_FIELDS if view.get(k) not in (None, "")}
        problems += [f"view {view.get('id')}: {p}" for p in check_view(spec)]
    return problems


def check_message(args: dict[str, Any]) -> list[str]:
    problems = []
    text = args.get("text")
    if isinstance(text, str):
        if len(text) > MESSAGE_TEXT:
            problems.append(f"text: {len(text)} characters, over {MESSAGE_TEXT}")
        problems += [f"text: {p}" for p in cut_marks(text)]
    blocks = args.get("blocks")
    if isinstance(blocks, list):
        if len(blocks) > MESSAGE_BLOCKS:
            problems.append(f"{len(blocks)} blocks, over {MESSAGE_BLOCKS}")
        problems += check_blocks(blocks)
    return problems


def check_view(view: dict[str, Any]) -> list[str]:
    problems = _model_errors(View, view, "view")
    metadata = view.get("private_metadata") or ""
    if len(metadata) > PRIVATE_METADATA:
        problems.append(f"private_metadata: {len(metadata)} characters, over {PRIVATE_METADATA}")
    for key in ("callback_id", "external_id"):
        if len(str(view.get(key) or "")) > ID_LIMIT:
            problems.append(f"{key}: over {ID_LIMIT} characters")
    blocks = view.get("blocks") or []
    if len(blocks) > VIEW_BLOCKS:
        problems.append(f"{len(blocks)} blocks, over {VIEW_BLOCKS}")
    for key in ("title", "submit", "close"):
        problems += [f"{key}: {p}" for p in _texts_problems(view.get(key))]
    return problems + check_blocks(blocks)


def check_blocks(blocks: list[Any]) -> list[str]:
    problems = []
    for i, block in enumerate(blocks):
        where = f"block {i} ({block.get('type') if isinstance(block, dict) else '?'})"
        if not isinstance(block, dict):
            problems.append(f"{where}: not an object")
            continue
        parsed = _parse(block)
        if parsed is None:
            problems.append(f"{where}: unknown block type")
            continue
        problems += [f"{where}: {p}" for p in _model_errors(None, parsed, where)]
        problems += [f"{where}: {p}" for p in _extra_limits(block)]
        problems += [f"{where}: {p}" for p in _texts_problems(block)]
    return problems


def _parse(block: dict[str, Any]) -> Block | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # slack-sdk warns about deprecated fields it still reads
        return Block.parse(block)


def _model_errors(model: Any, value: Any, where: str) -> list[str]:
    """The models' own validation: building and serialising runs every validator, nested."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (model(**value) if model is not None else value).to_dict()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
        return [str(exc)]
    return []


def _extra_limits(block: dict[str, Any]) -> list[str]:
    """Documented limits slack-sdk's models leave unchecked."""
    problems = []
    fields = block.get("fields") or []
    if len(fields) > SECTION_FIELDS:
        problems.append(f"{len(fields)} fields, over {SECTION_FIELDS}")
    problems += [
        f"field {j}: over {FIELD_TEXT} characters"
        for j, f in enumerate(fields)
        if len(str(f.get("text") or "")) > FIELD_TEXT
    ]
    if len(str(block.get("block_id") or "")) > ID_LIMIT:
        problems.append(f"block_id over {ID_LIMIT} characters")
    if block.get("type") == "actions" and len(block.get("elements") or []) > ACTIONS_ELEMENTS:
        problems.append(f"over {ACTIONS_ELEMENTS} elements")
    for key in ("label", "hint"):
        if len(str((block.get(key) or {}).get("text") or "")) > INPUT_TEXT:
            problems.append(f"{key}: over {INPUT_TEXT} characters")
    for element in _elements(block):
        problems += _element_limits(element)
    return problems


def _elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for element in [*(block.get("elements") or []), block.get("element"), block.get("accessory")]:
        if isinstance(element, dict):
            yield element


def _element_limits(element: dict[str, Any]) -> list[str]:
    kind = str(element.get("type") or "")
    problems = []
    options = element.get("options") or []
    limit = ELEMENT_OPTIONS.get(kind)
    if limit is not None and len(options) > limit:
        problems.append(f"{kind}: {len(options)} options, over {limit}")
    for option in options:
        for key in ("text", "description"):
            text = str((option.get(key) or {}).get("text") or "")
            if len(text) > OPTION_TEXT:
                problems.append(f"{kind} option {key}: {len(text)} characters, over {OPTION_TEXT}")
    if len(str(element.get("action_id") or "")) > ID_LIMIT:
        problems.append(f"{kind}: action_id over {ID_LIMIT} characters")
    if kind == "button" and len(str(element.get("value") or "")) > BUTTON_VALUE:
        problems.append(f"button value over {BUTTON_VALUE} characters")
    return problems


def _texts_problems(value: Any) -> list[str]:
    return [p for kind, text in _texts(value) for p in cut_marks(text, mrkdwn=kind == "mrkdwn")]


def _texts(value: Any) -> Iterator[tuple[str, str]]:
    """(type, text) of every text object, anywhere inside a block."""
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            yield value["type"], value["text"]
        for key, inner in value.items():
            if key != "text" or isinstance(inner, dict | list):
                yield from _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner)


def cut_marks(text: str, *, mrkdwn: bool = True) -> list[str]:
    """Signs that `text` was cut without saying so (tokens and fences only mean so in mrkdwn)."""
    problems = []
    if text.rstrip().endswith("…"):
        problems.append(f"ends with a bare '…' (a slice, not a word-boundary cut): {text[-60:]!r}")
    if not mrkdwn:
        return problems
    if text.count("```") % 2:
        problems.append(f"an unclosed code block: {text[-60:]!r}")
    if UNCLOSED_TOKEN.search(text):
        problems.append(f"an unclosed <link, mention or date>: {text[-60:]!r}")
    return problems
