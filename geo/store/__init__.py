"""The store: articles, mentions, events and analysts' annotations, behind one interface.

Why a thin package API: callers (layers, exports, the CLI, the dashboard, benchmarks) import from here and
program against `StoreBackend`, so which backend serves them is decided in one place, `open_store`.
`base` defines the interface and its value types, `sqlite` is the embedded default, `migrations` its
schema, `faults` turns SQLite's faults into `geo.errors.StoreError`s that name the cause (locked,
read-only, disk full, damaged, newer, foreign), and `annotations` is the annotation fold every backend shares.
"""

from __future__ import annotations

import os
import re

from geo.errors import (
    ConfigurationError,
    ForeignFileError,
    NewerSchemaError,
    StoreDamagedError,
    StoreError,
    StoreFullError,
    StoreLockedError,
    StoreReadOnlyError,
)
from geo.paths import default_store_path, sqlite_url_path
from geo.store.annotations import place_fields
from geo.store.base import (
    ANNOTATION_ACTIONS,
    TARGET_TYPES,
    UNCHECKED,
    AnnotationError,
    ConcurrentEditError,
    IngestOutcome,
    SchemaError,
    StoreBackend,
    TargetType,
    event_key,
    mention_key,
)
from geo.store.migrations import SCHEMA_VERSION
from geo.store.sqlite import SQLiteStore, Store, default_db_path

__all__ = [
    "ANNOTATION_ACTIONS",
    "SCHEMA_VERSION",
    "TARGET_TYPES",
    "UNCHECKED",
    "AnnotationError",
    "ConcurrentEditError",
    "ForeignFileError",
    "IngestOutcome",
    "NewerSchemaError",
    "SQLiteStore",
    "SchemaError",
    "Store",
    "StoreBackend",
    "StoreDamagedError",
    "StoreError",
    "StoreFullError",
    "StoreLockedError",
    "StoreReadOnlyError",
    "TargetType",
    "default_db_path",
    "event_key",
    "mention_key",
    "open_store",
    "place_fields",
]

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")


def open_store(target: str | os.PathLike[str] | None = None) -> StoreBackend:
    """Open the store at ``target`` with the backend it names.

    ``None`` means the default store (``$CONFLICTMAP_DB`` or ``conflictmap.sqlite`` in the data folder, see
    `geo.paths.default_store_path`); a file path or an ``sqlite:///path`` URL opens the SQLite backend
    (creating the file if needed). ``postgresql://`` URLs are reserved for the PostgreSQL backend, which is
    not available yet: they raise :class:`geo.errors.ConfigurationError`, as does any other URL scheme.
    """
    if target is None:
        env = os.environ.get("CONFLICTMAP_DB", "")
        target = env if _URL.match(env) else default_store_path()
    if isinstance(target, str) and (match := _URL.match(target)):
        scheme = match["scheme"].lower()
        if scheme == "sqlite":
            return Store(sqlite_url_path(target))
        if scheme.split("+", 1)[0] in ("postgresql", "postgres"):
            raise ConfigurationError(
                f"store {_redact(target)}: the PostgreSQL backend is not available yet; "
                "use a SQLite file path (or sqlite:///path)"
            )
        raise ConfigurationError(
            f"store {_redact(target)}: unknown URL scheme {scheme!r}; use a file path or sqlite:///path"
        )
    return Store(target)


def _redact(url: str) -> str:
    """The URL without a password, for messages (``postgresql://user:secret@host`` -> ``user:***@host``)."""
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)
