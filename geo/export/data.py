"""Data exports of a view of the store (GeoJSON, GeoPackage, CSV, KML, a standalone HTML map).

`export_data` checks the request, asks `geo.export.frames` for the layers the format holds (from the
registry in `geo.export.formats`), and lets the format's writer fill a temporary file that
`geo.fileio.atomic_path` moves into place: an error never leaves half a file or destroys the previous one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.export import formats
from geo.export.frames import FIELDS, layer_frames, normalise
from geo.export.view import ExportError, View, check_bbox, country_name, resolve_view_extent
from geo.export.writers import CSV_FORMULAS, DataJob
from geo.fileio import atomic_path, check_output
from geo.render.staticmap import as_date


@dataclass(slots=True)
class ExportResult:
    path: Path | None
    data: bytes | None
    fmt: str
    counts: dict[str, int]

    def counts_text(self) -> str:
        return ", ".join(f"{n} {layer}" for layer, n in self.counts.items())


def export_data(
    store: Any,
    fmt: str,
    out: Any = None,
    date: Any = None,
    flt: Any = None,
    *,
    since: Any = None,
    country: str | None = None,
    bbox: Sequence[float] | None = None,
    title: str | None = None,
    csv_formulas: str = "escape",
    layers: Sequence[str] | None = None,
) -> ExportResult:
    """Export the store's data with annotations applied.

    - geojson, csv: events (one row per event; latitude/longitude columns; CSV has no geometry column).
    - gpkg: layers `events`, `mentions`, `control` (+ `province_control` polygons when known).
    - kml: folders `events` and `control`, with TimeStamps and every field in ExtendedData.
    - html: a standalone offline Leaflet map of control, events and mentions.
    `date`: events up to that day and control as of it (None: everything, control now). `out`: a path
    (written atomically), a binary file object, or None for bytes in `.data`; a path that is the store or
    another SQLite database is refused (`geo.fileio.check_output`), and so is a path whose suffix is not
    the format's (`--format csv --out x.kml` once wrote CSV into a .kml). `layers`: only these of the
    format's layers (None: all of them); asking for a layer the format cannot hold is an ExportError
    rather than a file without it. `csv_formulas`: "escape" (default)
    prefixes text cells a spreadsheet would run as a formula with a quote; "raw" writes them as they are.
    """
    data_format = formats.get(fmt, "data")
    if csv_formulas not in CSV_FORMULAS:
        raise ExportError(f"unknown csv_formulas {csv_formulas!r}; use {' or '.join(CSV_FORMULAS)}")
    store_path, gpkg = getattr(store, "path", None), data_format.name == "gpkg"
    if isinstance(out, str | os.PathLike):
        check_output(out, store=store_path, replace_geopackage=gpkg)
        formats.check_suffix(data_format, out)
    wanted = data_format.layers if layers is None else tuple(layers)
    foreign = [name for name in wanted if name not in data_format.layers]
    if foreign or not wanted:
        raise ExportError(
            f"{data_format.name} holds only {', '.join(data_format.layers)}; "
            f"it cannot show {foreign[0] if foreign else 'no layer'}"
        )
    day, since_day = as_date(date), as_date(since)
    if day is not None and since_day is not None and since_day > day:
        raise ExportError(f"empty date range: since {since_day} is after {day}")
    cc, _ = resolve_view_extent(country, bbox)
    view = View(day, since_day, cc, check_bbox(bbox) if bbox is not None else None, flt)
    raw = layer_frames(store, view, wanted)
    frames = {name: normalise(raw[name], FIELDS[name]) for name in wanted}
    job = DataJob(store, view, frames, raw, title or export_title(view), csv_formulas=csv_formulas)
    job.counts.update({name: len(frame) for name, frame in frames.items()})
    if isinstance(out, str | os.PathLike):
        with atomic_path(out, store=store_path, replace_geopackage=gpkg) as tmp:
            data_format.write(job, tmp)
        return ExportResult(Path(out), None, data_format.name, job.counts)
    # GDAL writes to a path: bytes for a download go through a private temporary folder
    with tempfile.TemporaryDirectory(prefix="conflictmap-export-") as tmpdir:
        tmp = Path(tmpdir) / f"export{data_format.suffix}"
        data_format.write(job, tmp)
        blob = tmp.read_bytes()
    if out is not None:
        out.write(blob)
        return ExportResult(None, None, data_format.name, job.counts)
    return ExportResult(None, blob, data_format.name, job.counts)


def data_bytes(store: Any, fmt: str, **kwargs: Any) -> bytes:
    """The export as bytes, for the dashboard's download buttons."""
    result = export_data(store, fmt, None, **kwargs)
    assert result.data is not None
    return result.data


def export_title(view: View) -> str:
    parts = ["conflictmap export"]
    if view.country:
        parts.append(country_name(view.country))
    if view.date:
        parts.append(f"up to {view.date.isoformat()}")
    return ", ".join(parts)
