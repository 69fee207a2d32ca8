"""Fixtures for the dashboard tests: a seed store built once per session, a private copy per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.dashboard import build_seed_store, copy_store


@pytest.fixture(scope="session")
def seed_store_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seed_store(tmp_path_factory.mktemp("seedstore") / "seeds.sqlite")


@pytest.fixture
def seed_db(seed_store_master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the seed store, and CONFLICTMAP_DB pointing at it (the app's default store)."""
    db = copy_store(seed_store_master, tmp_path / "store.sqlite")
    monkeypatch.setenv("CONFLICTMAP_DB", str(db))
    return db
