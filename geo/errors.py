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
    "StoreError",
    "OutputError",
    "SourceIntegrityError",
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
    """The store cannot be opened or used (wrong schema, damaged, locked, read-only)."""


class OutputError(ConflictmapError, OSError):
    """An output cannot be written where asked (a folder, no permission, the store itself)."""


class SourceIntegrityError(ConflictmapError, RuntimeError):
    """A pinned download does not match its recorded integrity hash."""
