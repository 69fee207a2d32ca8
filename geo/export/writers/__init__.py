"""The data writers, one small module per format; `geo.export.formats` registers each with its name,
layers, suffix and MIME type.

A writer gets a `DataJob` (what to write, already in export shape) and a path that does not exist yet: the
temporary file `geo.fileio.atomic_path` will move into place, so a writer never cares about atomicity,
and GDAL drivers see the target's suffix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo.export.view import View


@dataclass(slots=True)
class DataJob:
    """One data export: the store and view it comes from, the layers in export shape (`frames`, see
    `geo.export.frames.normalise`) and as `geo.maps.layers` returns them (`raw`, for the HTML map), its
    title, and the row counts reported back (a writer may add layers it writes, e.g. province_control)."""

    store: Any
    view: View
    frames: dict[str, gpd.GeoDataFrame]
    raw: dict[str, gpd.GeoDataFrame]
    title: str
    counts: dict[str, int] = field(default_factory=dict)
    csv_formulas: str = "escape"  # one of CSV_FORMULAS: what the CSV writer does with formula-like text


Writer = Callable[[DataJob, Path], None]

# "escape": text cells starting like a formula get a leading quote (OWASP's CSV injection advice); "raw": not.
CSV_FORMULAS = ("escape", "raw")


def gdal_ready(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """GDAL needs a type per column: all-null object columns become strings, mixed objects text."""
    out = frame.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        s = out[col]
        if s.dtype == object:
            non_null = s.dropna()
            if non_null.empty:
                out[col] = s.astype("string")
            elif (
                non_null.map(type).nunique() > 1
                and not non_null.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)).all()
            ):
                out[col] = s.map(lambda v: None if v is None else str(v)).astype("string")
    return out
