"""The export's own error, in a module of its own so that the format registry and the CLI can name it
without importing geopandas or matplotlib."""

from __future__ import annotations

from geo.errors import ConflictmapError

__all__ = ["ExportError"]


class ExportError(ConflictmapError, ValueError):
    """A bad request: unknown country, empty date range, bbox outside the world, unknown format or layer.

    An output that cannot be written is `geo.errors.OutputError` (from `geo.fileio`). The CLI prints
    `str(exc)` as its one-line error and exits with `ExitCode.ERROR`.
    """
