"""Slash command listeners."""

from __future__ import annotations

import importlib
import pkgutil

from bot.slack.listeners.commands import mock, practice
from bot.slack.listeners.routes import Routes


def register(app: Routes) -> None:
    import_subcommands()
    app.command("/practice")(practice.practice_command)
    app.command("/mock")(mock.mock_command)


def import_subcommands() -> None:
    """Import every module of this package, so its `@subcommand`s register themselves: a new
    subcommand is one decorated function in one module, nothing else to list."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
