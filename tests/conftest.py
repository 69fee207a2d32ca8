"""Shared test configuration: markers, and the one rule for tests that need the built gazetteer.

Tests that read the gazetteer (directly, or through the parser, the CLI, the dashboard or the maps) carry
`@pytest.mark.requires_gazetteer` (module-level `pytestmark`). On a developer machine without the
artefact they are skipped with the command that builds it; under CI (`CI` set, where `make test` builds
it first) a missing artefact is a failure, never a silent skip.
"""

from __future__ import annotations

import os

import pytest


def _gazetteer_problem() -> str | None:
    from geo.errors import DataMissingError
    from geo.gazetteer.lookup import get_gazetteer

    try:
        get_gazetteer()
    except DataMissingError as exc:
        return str(exc)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needing = [item for item in items if item.get_closest_marker("requires_gazetteer")]
    if not needing:
        return
    problem = _gazetteer_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"{len(needing)} tests need the gazetteer, which is unavailable: {problem}")
    skip = pytest.mark.skip(reason=f"gazetteer not built ({problem})")
    for item in needing:
        item.add_marker(skip)
