"""One family of exceptions for everything conflictmap raises on purpose.

Why a family: a caller (the CLI, the dashboard, a notebook) can catch `ConflictmapError` and show its
message as one line, while anything else is a bug with a traceback. As in `geopy.exc`, each class also
inherits the builtin it stands for, so code that already catches `ValueError`, `OSError` or
`RuntimeError` keeps working, and `except ValueError` around a bad annotation still does.

Modules raise these (or their own subclasses); none calls `sys.exit`. The CLI maps each class to an exit
code in one table (`geo.cli.exitcodes`).
"""

from __future__ import annotations

__all__ = [
    "ConflictmapError",
    "ConfigurationError",
    "DataMissingError",
    "InputError",
    "ForeignFileError",
    "NewerSchemaError",
    "OutputError",
    "SchemaError",
    "SourceIntegrityError",
    "StoreDamagedError",
    "StoreError",
    "StoreFullError",
    "StoreLockedError",
    "StoreReadOnlyError",
]


class ConflictmapError(Exception):
    """Root of every error conflictmap raises on purpose; `str(exc)` is a sentence for the user."""


class ConfigurationError(ConflictmapError, ValueError):
    """An option, environment variable or setting that conflictmap cannot use as given."""


class DataMissingError(ConflictmapError, RuntimeError):
    """A data artefact (the gazetteer) is missing or stale; the message says how to (re)build it."""


class InputError(ConflictmapError, ValueError):
    """Input that cannot be read or understood (a file, a query, an annotation payload)."""


class StoreError(ConflictmapError, RuntimeError):
    """The store cannot be opened or used (wrong schema, damaged, locked, read-only, disk full).

    The store raises it (never a bare ``sqlite3.Error``) for every fault of the file or the machine, so
    every command prints one line and exits 2. The subclasses below name the cause because callers act
    differently on each: a locked store can be retried in a moment, a read-only one can still be read, a
    full disk needs space, while a damaged, newer or foreign file must not be touched at all.
    """


class StoreLockedError(StoreError):
    """Another process kept the store locked for longer than the busy timeout; retrying later may work."""


class StoreReadOnlyError(StoreError):
    """The store (or its folder) cannot be written: reading it still works."""


class StoreFullError(StoreError):
    """The disk (or a size limit) is full; the transaction was rolled back, nothing was half-written."""


class SchemaError(StoreError):
    """The file is not a store this conflictmap can use: damaged, written by a newer conflictmap, or some
    other application's database. Nothing in it is changed (not even its journal mode)."""


class StoreDamagedError(SchemaError):
    """The file is not a SQLite database, or SQLite found it malformed (truncated, overwritten)."""


class NewerSchemaError(SchemaError):
    """The store was written by a newer conflictmap (``user_version`` above ours)."""


class ForeignFileError(SchemaError):
    """A SQLite database of some other application (tables, but no conflictmap schema version)."""


class OutputError(ConflictmapError, OSError):
    """An output cannot be written where asked (a folder, no permission, the store itself)."""


class SourceIntegrityError(ConflictmapError, RuntimeError):
    """A pinned download does not match its recorded integrity hash."""
