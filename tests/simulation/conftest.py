"""The end-to-end stage fixtures, shared with the simulation's own tests."""

from __future__ import annotations

from tests.e2e.conftest import handled

__all__ = ["handled"]
