"""requirements.lock pins everything pyproject.toml asks for (CI, the venv and the container
install through it: `make lock` re-pins)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if found:
            pins[canonicalize_name(found[1])] = found[2]
    return pins


def _wanted() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = [*project["dependencies"], *extras["test"], *extras["postgres"]]
    return [Requirement(r) for r in wanted]


def test_every_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    for requirement in _wanted():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]} outside {requirement}: run `make lock`"
        )


def test_ci_and_the_container_install_through_the_lock() -> None:
    assert "-c requirements.lock" in (ROOT / "Makefile").read_text()
    assert "-c /requirements.lock" in (ROOT / "Dockerfile").read_text()
