"""SQLite faults as `geo.errors.StoreError`s that name their cause, raised by the store itself.

Why here and not in each command: a fault of the file or the machine (another process holding the lock
beyond the busy timeout, a read-only file or folder, a full disk, a damaged file) can surface in any
statement of any store method, read or write. Translating in the connection the store opens (its cursor
class) covers all of them in one place, so every caller (CLI commands, dashboard, notebooks) gets one
sentence instead of ``sqlite3.OperationalError`` and a traceback.

Only faults are translated. Errors that say something about the data or the code (``IntegrityError`` for
a constraint, ``ProgrammingError``) pass through unchanged: the ingest engine turns an article the store
refuses into a rejected article, and a bug should still show its traceback.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from geo.errors import (
    StoreDamagedError,
    StoreError,
    StoreFullError,
    StoreLockedError,
    StoreReadOnlyError,
)

__all__ = ["BUSY_TIMEOUT_S", "StoreConnection", "StoreCursor", "store_fault"]

#: How long a statement waits for another process's lock before the store says it is locked (seconds).
BUSY_TIMEOUT_S = 30.0

# primary SQLite result codes (https://www.sqlite.org/rescode.html)
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26

# for errors without a result code (older Pythons, errors raised by wrappers): SQLite's own messages
_MESSAGES = (
    ("database is locked", _BUSY),
    ("database table is locked", _LOCKED),
    ("readonly database", _READONLY),
    ("disk is full", _FULL),
    ("malformed", _CORRUPT),
    ("not a database", _NOTADB),
    ("unable to open database file", _CANTOPEN),
    ("disk i/o error", _IOERR),
)


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF  # extended codes carry the primary code in the low byte
    text = str(exc).lower()
    return next((c for needle, c in _MESSAGES if needle in text), None)


def store_fault(exc: BaseException, path: str | os.PathLike[str]) -> StoreError | None:
    """The `StoreError` that names the cause of ``exc`` for the store at ``path``, or None when ``exc`` is
    not a fault of the file or the machine (a constraint, a bug: let it pass unchanged)."""
    if isinstance(exc, StoreError):
        return exc
    if not isinstance(exc, sqlite3.Error):
        return None
    if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return None
    code = _code(exc)
    if code in (_BUSY, _LOCKED):
        return StoreLockedError(
            f"store {path} is locked by another process (still busy after {BUSY_TIMEOUT_S:g} s); "
            "try again when it has finished"
        )
    if code == _READONLY:
        return StoreReadOnlyError(f"store {path} is read-only (the file or its folder cannot be written)")
    if code == _FULL:
        return StoreFullError(f"store {path}: the disk is full; nothing was written, free some space")
    if code in (_CORRUPT, _NOTADB):
        return StoreDamagedError(f"store {path} is damaged ({exc}); restore it from a backup")
    if code == _CANTOPEN:
        folder = Path(path).parent
        if folder.is_dir() and not os.access(folder, os.W_OK):
            return StoreReadOnlyError(f"store {path} is in a read-only folder ({folder})")
        return StoreError(f"cannot open store {path}: {exc}")
    if code == _IOERR:
        return StoreError(f"store {path}: disk I/O error ({exc})")
    return None


class StoreCursor(sqlite3.Cursor):
    """A cursor whose statements raise `store_fault` errors instead of SQLite's fault errors."""

    def _fault(self, exc: sqlite3.Error) -> StoreError | None:
        return store_fault(exc, getattr(self.connection, "store_path", "?"))

    def execute(self, sql: str, parameters: Any = (), /) -> StoreCursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as exc:
            if (fault := self._fault(exc)) is None:
                raise
            raise fault from exc

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> StoreCursor:
        try:
            return super().executemany(sql, seq_of_parameters)
        except sqlite3.Error as exc:
            if (fault := self._fault(exc)) is None:
                raise
            raise fault from exc

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            if (fault := self._fault(exc)) is None:
                raise
            raise fault from exc

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.Error as exc:
            if (fault := self._fault(exc)) is None:
                raise
            raise fault from exc

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            if (fault := self._fault(exc)) is None:
                raise
            raise fault from exc


class StoreConnection(sqlite3.Connection):
    """The store's connection: every cursor (also pandas' ``read_sql_query``) is a `StoreCursor`."""

    store_path: str = "?"

    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or StoreCursor)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> Any:
        return self.cursor().executemany(sql, seq_of_parameters)
