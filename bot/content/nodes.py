"""Reading YAML with positions: every value keeps its line so problems read `file:line`.

Files are parsed with yaml.compose; each problem is reported at the line of the offending
key or value, not just the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.content.model import ContentError

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"


class Errors:
    """Collects the problems of one file; `count` tells whether the file is still usable."""

    def __init__(self, file: Path | str, sink: list[ContentError]) -> None:
        self.file = str(file)
        self.sink = sink
        self.count = 0

    def add(self, node: yaml.Node | int, message: str) -> None:
        self.sink.append(ContentError(self.file, line_of(node), message))
        self.count += 1


def line_of(node: yaml.Node | int) -> int:
    return node if isinstance(node, int) else node.start_mark.line + 1


def split_source(source: str, default_file: str) -> tuple[str, int]:
    file, _, line = source.rpartition(":")
    return (file, int(line)) if file and line.isdigit() else (default_file, 1)


def compose(file: Path, errs: Errors) -> yaml.Node | None:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errs.add(1, f"cannot read file: {exc}")
        return None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        errs.add(line, f"invalid YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        errs.add(1, f"invalid YAML: {exc}")
        return None
    if node is None:
        errs.add(1, "file is empty")
    elif _LOADER is not yaml.SafeLoader:
        _keep_source(node, text)
    return node


# libyaml's composer (about six times faster: most of a process's start-up was composing the
# content packs with the pure-Python one), when PyYAML was built with it.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _keep_source(root: yaml.Node, text: str) -> None:
    """libyaml's marks have a line and an index but not the source; a check that points at a
    line inside a multi-line scalar (`claims.line_in`) reads the source from the mark, as it
    does with the pure-Python composer's."""
    stack = [root]
    while stack:
        node = stack.pop()
        for name in ("start_mark", "end_mark"):
            m = getattr(node, name)
            setattr(node, name, yaml.Mark(m.name, m.index, m.line, m.column, text, m.index))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def mapping(
    node: yaml.Node, keys: Mapping[str, bool], what: str, errs: Errors
) -> dict[str, yaml.Node] | None:
    """Check a mapping's keys (unknown, duplicate, missing required); return key -> value."""
    if not isinstance(node, yaml.MappingNode):
        errs.add(node, f"{what} must be a mapping of keys to values")
        return None
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or key not in keys:
            allowed = ", ".join(keys)
            errs.add(key_node, f"unknown key '{key}' in {what} (allowed: {allowed})")
            continue
        if key in out:
            errs.add(key_node, f"duplicate key '{key}' in {what}")
            continue
        out[key] = value_node
    for key, required in keys.items():
        if required and key not in out:
            errs.add(node, f"missing required field '{key}' in {what}")
    return out


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL


def text(node: yaml.Node, what: str, errs: Errors, *, one_line: bool = False) -> str | None:
    """A non-empty string. Numbers are refused so that `title: 2024` is not silently cast."""
    if not isinstance(node, yaml.ScalarNode) or node.tag != STR:
        errs.add(node, f"{what} must be text")
        return None
    value = node.value.strip()
    if not value:
        errs.add(node, f"{what} must not be empty")
        return None
    if one_line and "\n" in value:
        errs.add(node, f"{what} must fit on one line")
        return None
    return value


def scalar(node: yaml.Node, what: str, errs: Errors) -> str | None:
    """Any scalar, kept exactly as written (so 0.40 stays '0.40')."""
    if not isinstance(node, yaml.ScalarNode) or is_null(node):
        errs.add(node, f"{what} must be a single value")
        return None
    return node.value.strip()


def text_list(
    node: yaml.Node,
    what: str,
    errs: Errors,
    *,
    min_items: int = 1,
    max_items: int | None = None,
) -> tuple[str, ...] | None:
    if not isinstance(node, yaml.SequenceNode):
        errs.add(node, f"{what} must be a list")
        return None
    n = len(node.value)
    if n == 0:
        errs.add(node, f"{what} must not be empty")
        return None
    if n < min_items or (max_items is not None and n > max_items):
        bound = f"{min_items} to {max_items}" if max_items is not None else f"at least {min_items}"
        errs.add(node, f"{what} must have {bound} items, found {n}")
        return None
    items = [text(item, f"each item of {what}", errs) for item in node.value]
    if any(item is None for item in items):
        return None
    return tuple(item for item in items if item is not None)


def whole_number(node: yaml.Node, what: str, errs: Errors, allowed: range) -> int | None:
    if not (isinstance(node, yaml.ScalarNode) and node.tag == INT):
        errs.add(node, f"{what} must be a whole number {allowed.start} to {allowed.stop - 1}")
        return None
    value = int(node.value)
    if value not in allowed:
        errs.add(node, f"{what} must be {allowed.start} to {allowed.stop - 1}, not {value}")
        return None
    return value


def boolean(node: yaml.Node, what: str, errs: Errors) -> bool | None:
    if not (isinstance(node, yaml.ScalarNode) and node.tag == BOOL):
        errs.add(node, f"{what} must be true or false")
        return None
    return node.value.lower() in ("true", "yes", "on")


def identifier(node: yaml.Node, what: str, errs: Errors) -> str | None:
    value = text(node, what, errs)
    if value is not None and not ID_RE.match(value):
        errs.add(node, f"{what} '{value}' must be lowercase letters, digits and dashes")
        return None
    return value
