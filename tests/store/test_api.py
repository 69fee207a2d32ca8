"""geo.store's public API: `open_store` picks the backend from a path or URL, the SQLite store satisfies
the `StoreBackend` protocol, and store errors belong to the conflictmap error family."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import ConfigurationError, ConflictmapError, InputError, StoreError
from geo.store import (
    AnnotationError,
    ConcurrentEditError,
    SchemaError,
    SQLiteStore,
    Store,
    StoreBackend,
    open_store,
)


def test_open_store_takes_a_path_or_an_sqlite_url(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.sqlite") as s:
        assert isinstance(s, Store) and isinstance(s, StoreBackend)
        assert s.path == tmp_path / "a.sqlite" and s.articles_df().empty
    with open_store(str(tmp_path / "b.sqlite")) as s:
        assert s.path == tmp_path / "b.sqlite"
    with open_store(f"sqlite:///{tmp_path / 'c.sqlite'}") as s:  # four slashes: an absolute path
        assert s.path == tmp_path / "c.sqlite" and (tmp_path / "c.sqlite").exists()


def test_open_store_defaults_to_the_configured_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLICTMAP_DB", str(tmp_path / "env.sqlite"))
    with open_store() as s:
        assert s.path == tmp_path / "env.sqlite"


@pytest.mark.parametrize(
    "url", ["postgresql://ana:secret@db.example/conflict", "postgresql+psycopg://db/x", "postgres://db/x"]
)
def test_postgresql_is_refused_with_a_clear_message(url: str) -> None:
    with pytest.raises(ConfigurationError, match="PostgreSQL backend is not available yet") as info:
        open_store(url)
    assert "secret" not in str(info.value)


def test_postgresql_in_the_environment_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLICTMAP_DB", "postgresql://db/conflict")
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        open_store()


def test_unknown_url_schemes_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown URL scheme 'mysql'"):
        open_store("mysql://db/x")


def test_store_errors_are_conflictmap_errors_and_keep_their_builtins() -> None:
    assert issubclass(SchemaError, StoreError) and issubclass(SchemaError, RuntimeError)
    assert issubclass(AnnotationError, InputError) and issubclass(AnnotationError, ValueError)
    assert issubclass(ConcurrentEditError, AnnotationError)
    assert all(issubclass(e, ConflictmapError) for e in (SchemaError, AnnotationError, ConcurrentEditError))


def test_sqlite_backend_implements_every_protocol_member() -> None:
    assert SQLiteStore is Store
    members = [
        name
        for name in dir(StoreBackend)
        if not name.startswith("_") and name not in ("path",)  # `path` is set per instance
    ]
    missing = [name for name in members if not hasattr(Store, name)]
    assert members and missing == []
