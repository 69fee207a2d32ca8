"""Every output format conflictmap writes, in one registry: name, layers, writer, suffix, MIME type.

Why a registry: a new format used to touch five places (the CLI's choices, the export's if/elif, the
layer table, the dashboard's MIME table and its select box). Now it is one module with a `write` function
under `geo/export/writers/` and one `Format` entry below; `conflictmap export`, `conflictmap map` and the
dashboard's download buttons list and use whatever is registered here.

Two families:
- "data": files of the store's layers (GeoJSON, GeoPackage, CSV, KML, a standalone HTML map); the writer
  takes a `geo.export.writers.DataJob` and a path.
- "map": static pictures (PNG, SVG, PDF) drawn by `geo.render.staticmap`; the writer takes a `MapData`,
  a path or binary file and a resolution.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from geo.export.errors import ExportError

__all__ = [
    "LAYERS",
    "Format",
    "FORMATS",
    "check_suffix",
    "for_suffix",
    "get",
    "map_command_formats",
    "names",
    "suffixes_text",
]

# The layers an export can hold, as `geo.maps.layers` names them.
LAYERS = ("control", "events", "mentions")


@dataclass(frozen=True, slots=True)
class Format:
    """One output format. `layers`: what a file of this format holds (for a map: what it can show).

    `writer` is "module:function", imported on first use, so that listing the formats (the CLI's parser,
    a menu) does not import GDAL, matplotlib or folium.
    """

    name: str
    family: Literal["data", "map"]
    label: str
    suffix: str
    mime: str
    layers: tuple[str, ...]
    writer: str

    def write(self, *args: Any, **kwargs: Any) -> Any:
        """Call the writer: data formats `write(job, path)`, map formats `write(data, out, fmt=, dpi=)`."""
        module, _, function = self.writer.partition(":")
        return getattr(importlib.import_module(module), function)(*args, **kwargs)


_DRAW = "geo.render.staticmap:draw_map"  # looked up at each call (a caller or test may wrap it)

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "geojson",
            "data",
            "GeoJSON (events)",
            ".geojson",
            "application/geo+json",
            ("events",),
            "geo.export.writers.geojson:write",
        ),
        Format(
            "gpkg",
            "data",
            "GeoPackage (events, mentions, control, provinces)",
            ".gpkg",
            "application/geopackage+sqlite3",
            ("events", "mentions", "control"),
            "geo.export.writers.gpkg:write",
        ),
        Format(
            "csv", "data", "CSV (events)", ".csv", "text/csv", ("events",), "geo.export.writers.csv:write"
        ),
        Format(
            "kml",
            "data",
            "KML for Google Earth (events, control)",
            ".kml",
            "application/vnd.google-earth.kml+xml",
            ("events", "control"),
            "geo.export.writers.kml:write",
        ),
        Format(
            "html",
            "data",
            "standalone HTML map (offline)",
            ".html",
            "text/html",
            ("events", "mentions", "control"),
            "geo.export.writers.html:write",
        ),
        Format("png", "map", "PNG image", ".png", "image/png", LAYERS, _DRAW),
        Format("svg", "map", "SVG drawing", ".svg", "image/svg+xml", LAYERS, _DRAW),
        Format("pdf", "map", "PDF document", ".pdf", "application/pdf", LAYERS, _DRAW),
    )
}


def names(family: Literal["data", "map"]) -> tuple[str, ...]:
    """The registered formats of a family, in registry order (the order menus show)."""
    return tuple(f.name for f in FORMATS.values() if f.family == family)


def for_suffix(path: str | os.PathLike[str], allowed: Iterable[str] | None = None) -> Format | None:
    """The format whose suffix `path` ends in (case-insensitive), among `allowed` names; None if none.

    Why: a file's suffix is what every other program trusts. `--format csv --out x.kml` once wrote CSV
    into a .kml, so an output's suffix and its format must agree, and a missing `--format` comes from it.
    """
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if fmt.suffix == suffix and (allowed is None or fmt.name in allowed):
            return fmt
    return None


def suffixes_text(allowed: Sequence[str]) -> str:
    """'.geojson, .gpkg, .csv, .kml or .html': the suffixes of `allowed`, for one-line messages."""
    items = [FORMATS[name].suffix for name in allowed]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" or {items[-1]}"


def check_suffix(fmt: Format, path: str | os.PathLike[str]) -> None:
    """ExportError unless `path` ends in the suffix of `fmt` (so a reader sees the format it holds)."""
    if Path(path).suffix.lower() != fmt.suffix:
        raise ExportError(f"{path} does not end in {fmt.suffix}, the suffix of a {fmt.name} file")


def get(name: str | None, family: Literal["data", "map"] | None = None) -> Format:
    """The format called `name` (case-insensitive), else ExportError listing the ones there are."""
    key = (name or "").lower().lstrip(".")
    fmt = FORMATS.get(key)
    if fmt is None or (family is not None and fmt.family != family):
        allowed = names(family) if family else tuple(FORMATS)
        raise ExportError(f"unknown format {name!r}; use one of {', '.join(allowed)}")
    return fmt


def map_command_formats() -> tuple[str, ...]:
    """What `conflictmap map --out FILE` writes: every static picture format plus the HTML map."""
    return (*names("map"), "html")
