"""CSV: events, one row each, UTF-8, with latitude/longitude columns and no geometry column."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.export.writers import DataJob


def write(job: DataJob, path: Path) -> None:
    write_csv(job.frames["events"], path)


def write_csv(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Plain UTF-8 CSV without a geometry column: latitude/longitude are the columns analysts expect."""
    frame.drop(columns="geometry").to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
