"""The documents tell the truth about the repository: no committed merge-conflict markers, no
path in README or docs/ that does not exist, every slash subcommand listed where a newcomer or
Slack looks for it, and no count or setting the README states that the code disagrees with.

What counts as a path: a backticked span, or a markdown link's target, whose first segment is a
top-level entry of the repository (`bot/...`, `docs/...`, `manifest.yml`); spans with a
placeholder (`<x>`, `*`, `{a,b}`, `...`) or a call (`f(x)`) are not paths and are skipped, as
are `../shared/...` paths (outside the repository). A `:line` suffix or `#anchor` is dropped.
`bot/db.read_only` names `read_only` in `bot/db.py`, which must hold it.
A path git ignores (`build/`, `bench/out/`) is made by a command, so it need not exist yet, and
neither need `bot/_data/`, the package data `setup.py` builds.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.content import Library

REPO = Path(__file__).resolve().parents[1]
CONFLICT = re.compile(r"^(<{7}|>{7})( |$)|^={7}$")
BACKTICKED = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PATTERN = re.compile(r"[<>*{}()]|\.\.\.|\s")


def tracked() -> list[str]:
    """The files git tracks (the worktree's view: staged and committed)."""
    out = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if line]


def documents() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def test_no_tracked_file_has_a_merge_conflict_marker() -> None:
    found = []
    for name in tracked():
        path = REPO / name
        if not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue  # images and other binary files
        found += [
            f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if CONFLICT.match(line)
        ]
    assert found == []


def _top_level() -> set[str]:
    return {name.split("/", 1)[0] for name in tracked()}


def _paths_named(doc: Path, top: set[str], root: Path = REPO) -> list[tuple[int, str, Path]]:
    """(line, as written, where it points) for each path under `root` that `doc` names."""
    named = []
    for n, line in enumerate(doc.read_text().splitlines(), 1):
        for span in BACKTICKED.findall(line):
            candidate = span.split("#", 1)[0].rstrip(".,;")
            candidate = re.sub(r":\d+(-\d+)?$", "", candidate)
            if PATTERN.search(candidate) or candidate.split("/", 1)[0] not in top:
                continue
            named.append((n, span, root / candidate))
        for target in LINK.findall(line):
            if "://" in target or target.startswith(("#", "mailto:")):
                continue
            candidate = target.split("#", 1)[0]
            if not candidate or candidate.startswith("../shared/"):
                continue
            path = (doc.parent / candidate).resolve()
            if path.is_relative_to(root):
                named.append((n, target, path))
    return named


BUILT = ("bot/_data",)  # setup.py copies migrations/ and content/ there when it builds


def _made_by_a_command(path: Path, written: str) -> bool:
    # `git check-ignore` matches a directory-only pattern (`out/`) only with its slash.
    relative = path.relative_to(REPO).as_posix() + ("/" if written.endswith("/") else "")
    if relative.startswith(BUILT):
        return True
    ignored = subprocess.run(["git", "check-ignore", "-q", relative], cwd=REPO, check=False)
    return ignored.returncode == 0


def _exists(path: Path) -> bool:
    """The path, or `dir/module.name` written for a name in `dir/module.py` (which must hold it)."""
    if path.exists():
        return True
    module, _, name = path.name.partition(".")
    source = path.with_name(f"{module}.py")
    if not name or name == "py" or not source.is_file():
        return False
    return re.search(rf"\b{re.escape(name.split('.')[0])}\b", source.read_text()) is not None


def test_every_path_the_documents_name_exists() -> None:
    top = _top_level()
    missing = [
        f"{doc.relative_to(REPO)}:{n}: {written}"
        for doc in documents()
        for n, written, path in _paths_named(doc, top)
        if not _exists(path) and not _made_by_a_command(path, written)
    ]
    assert missing == []


def test_the_path_check_finds_a_missing_path(tmp_path: Path) -> None:
    (tmp_path / "bot" / "content").mkdir(parents=True)
    (tmp_path / "bot" / "db.py").write_text("def read_only(): ...\n")
    doc = tmp_path / "page.md"
    doc.write_text(
        "See `bot/content.py`, `bot/content/`, `bot/<x>.py` ([a](docs/nope.md)), "
        "`bot/db.read_only` and `bot/db.write_only`."
    )
    found = _paths_named(doc, {"bot", "docs"}, root=tmp_path.resolve())
    named = {written: _exists(path) for _, written, path in found}
    assert named == {
        "bot/content.py": False,
        "bot/content/": True,
        "docs/nope.md": False,
        "bot/db.read_only": True,
        "bot/db.write_only": False,
    }


def _registered() -> dict[str, set[str]]:
    from bot.slack.listeners.commands import import_subcommands
    from bot.slack.listeners.commands.mock import MOCK
    from bot.slack.listeners.commands.registry import PRACTICE

    import_subcommands()
    return {"/practice": set(PRACTICE.handlers) - {""}, "/mock": set(MOCK.handlers) - {""}}


def _manifest_hints() -> dict[str, str]:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    return {c["command"]: c["usage_hint"] for c in manifest["features"]["slash_commands"]}


@pytest.mark.parametrize("command", ["/practice", "/mock"])
def test_the_readme_and_the_manifest_list_every_subcommand(command: str) -> None:
    readme = (REPO / "README.md").read_text()
    hint = _manifest_hints()[command]
    missing = {
        "README.md": sorted(
            name
            for name in _registered()[command]
            if not re.search(rf"`{re.escape(command)} {re.escape(name)}\b", readme)
        ),
        "manifest.yml usage_hint": sorted(
            name
            for name in _registered()[command]
            if not re.search(rf"(^|[\s|\[]){re.escape(name)}\b", hint)
        ),
    }
    assert missing == {"README.md": [], "manifest.yml usage_hint": []}


def test_a_usage_hint_fits_in_slacks_limit() -> None:
    # Slack shows the hint on one line as the command is typed (docs/decisions.md).
    assert all(len(hint) <= 140 for hint in _manifest_hints().values())


def test_any_count_of_cases_the_readme_states_is_the_packs(library: Library) -> None:
    # The README states no count today (the writers add cases often); one that comes back
    # must be true.
    readme = (REPO / "README.md").read_text()
    stated = [int(n) for n in re.findall(r"\b(\d+)\s+(?:\w+\s+)?(?:cases|prompts)\b", readme)]
    if stated:
        count = sum(len(pack.prompts) for pack in library.packs.values())
        assert stated == [count] * len(stated)


def _readme_settings() -> dict[str, str]:
    """The README's settings table: name -> default as written."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Settings", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| `")]
    table = {}
    for cells in rows:
        names = re.findall(r"`([A-Z_]+)`", cells[0])
        defaults = [d.strip(" `") for d in cells[1].split(",")]
        for i, name in enumerate(names):
            table[name] = defaults[min(i, len(defaults) - 1)]
    return table


def test_the_readme_settings_are_the_ones_the_code_reads() -> None:
    read = set()
    for module in ("settings.py", "server.py"):
        source = (REPO / "bot" / module).read_text()
        read |= set(re.findall(r'env(?:\.get\(|\[)"([A-Z_]+)"', source))
        read |= set(re.findall(r'_token\(env, "([A-Z_]+)"', source))
    read.discard("PROMETHEUS_MULTIPROC_DIR")  # set by `serve` for its workers, not by people
    assert set(_readme_settings()) == read


def test_the_readme_setting_defaults_are_the_codes() -> None:
    from bot.settings import Settings, load_settings

    defaults = load_settings({}, dotenv=None)
    assert isinstance(defaults, Settings)
    documented = _readme_settings()
    assert documented["DATABASE_URL"] == defaults.database_url
    assert documented["SLACK_API_URL"] == defaults.slack_api_url
    assert int(documented["PORT"]) == defaults.port
    assert documented["LOG_FORMAT"] == defaults.log_format
    assert documented["LOG_LEVEL"] == defaults.log_level
    assert documented["SCHEDULER"] == ("on" if defaults.scheduler else "off")
    assert int(documented["USER_RATE_LIMIT"]) == defaults.user_rate_limit
    from bot.practice.mocks.queue import MOCK_EXPIRY

    assert float(documented["MOCK_EXPIRY_HOURS"]) == MOCK_EXPIRY.total_seconds() / 3600


def test_the_changelogs_latest_release_is_the_packages_version() -> None:
    from importlib.metadata import version

    changelog = (REPO / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.MULTILINE)
    assert released and released[0] == version("practice-bot")
