"""Exports of the store with analyst annotations applied: static maps (PNG/SVG/PDF), map series and GIFs,
and data (GeoJSON, GeoPackage, CSV, KML, a standalone HTML map).

The public API (the CLI and the dashboard's download buttons call exactly these):
- `render_map(store, date=None, *, since, country, bbox, layers, title, dpi, out, fmt, flt) -> MapResult`
  `out` a path (atomic write), a binary file object, or None (bytes in `.data`); `flt` a LayerFilter.
- `map_bytes(store, date, fmt="png", **same keywords) -> bytes`
- `render_series(store, start, end, every="day"|"week", out_dir, gif=False, *, country, bbox, layers,
  title, dpi, fmt, flt) -> SeriesResult` (frames, gif, dates, changes per frame)
- `export_data(store, fmt, out=None, date=None, flt=None, *, since, country, bbox, title) -> ExportResult`
- `data_bytes(store, fmt, **same keywords) -> bytes`
- `formats`: the registry of every format (name, family, layers, writer, suffix, MIME type).
- `ExportError` (a `ConflictmapError` and `ValueError`): a bad request (unknown country or format, empty
  range, bbox outside the world); an unwritable output raises `geo.errors.OutputError`.
  `clamp_bbox(bounds)` cuts a browser view's bounds to the world before passing them as `bbox`.

Rooms: `view` (what to show, extents, boundaries), `frames` (store -> export-shaped frames), `maps` and
`series` (static pictures), `data` (data files), `writers/` (one module per data format), `formats`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from geo.export import formats
from geo.export.errors import ExportError
from geo.export.formats import LAYERS

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
    from geo.export.data import ExportResult, data_bytes, export_data, export_title
    from geo.export.frames import (
        CONTROL_FIELDS,
        EVENT_FIELDS,
        MENTION_FIELDS,
        PROVINCE_FIELDS,
        data_frames,
        layer_frames,
        normalise,
    )
    from geo.export.maps import MapResult, build_map_data, check_layers, map_bytes, render_map
    from geo.export.series import SeriesResult, render_series, series_dates, write_gif
    from geo.export.view import View, boundaries, check_bbox, clamp_bbox, country_extent, country_name

# Listing formats or naming ExportError must not import geopandas, matplotlib or folium (the CLI builds
# its parser from the registry for every command); everything else loads when first used.
_LAZY = {
    "geo.export.data": ("ExportResult", "data_bytes", "export_data", "export_title"),
    "geo.export.frames": (
        "CONTROL_FIELDS",
        "EVENT_FIELDS",
        "MENTION_FIELDS",
        "PROVINCE_FIELDS",
        "data_frames",
        "layer_frames",
        "normalise",
    ),
    "geo.export.maps": ("MapResult", "build_map_data", "check_layers", "map_bytes", "render_map"),
    "geo.export.series": ("SeriesResult", "render_series", "series_dates", "write_gif"),
    "geo.export.view": ("View", "boundaries", "check_bbox", "clamp_bbox", "country_extent", "country_name"),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

DATA_FORMATS = formats.names("data")
MAP_FORMATS = formats.names("map")


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'geo.export' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "CONTROL_FIELDS",
    "DATA_FORMATS",
    "EVENT_FIELDS",
    "LAYERS",
    "MAP_FORMATS",
    "MENTION_FIELDS",
    "PROVINCE_FIELDS",
    "ExportError",
    "ExportResult",
    "MapResult",
    "SeriesResult",
    "View",
    "boundaries",
    "build_map_data",
    "check_bbox",
    "check_layers",
    "clamp_bbox",
    "country_extent",
    "country_name",
    "data_bytes",
    "data_frames",
    "export_data",
    "export_title",
    "formats",
    "layer_frames",
    "map_bytes",
    "normalise",
    "render_map",
    "render_series",
    "series_dates",
    "write_gif",
]
