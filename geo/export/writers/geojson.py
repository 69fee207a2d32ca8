"""GeoJSON (RFC 7946): one FeatureCollection of events, every field a property."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.export.writers import DataJob, gdal_ready


def write(job: DataJob, path: Path) -> None:
    write_geojson(job.frames["events"], path)


def write_geojson(frame: gpd.GeoDataFrame, path: Path, layer: str = "events") -> None:
    import pyogrio

    pyogrio.write_dataframe(
        gdal_ready(frame),
        path,
        layer=layer,
        driver="GeoJSON",
        layer_options={"RFC7946": "YES", "WRITE_NAME": "YES"},
    )
