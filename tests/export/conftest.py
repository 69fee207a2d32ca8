"""Shared set-up of the export and map CLI tests: one annotated store per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.annotated_store import annotated_hand_store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An annotated hand-built store, fresh for each test module (some modules write to it)."""
    path = tmp_path_factory.mktemp("cli") / "store.sqlite"
    annotated_hand_store(path).close()
    return path
