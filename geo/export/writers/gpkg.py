"""GeoPackage: events, mentions and control as point layers, plus province_control polygons when known."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.export.frames import province_frame
from geo.export.writers import DataJob, gdal_ready


def write(job: DataJob, path: Path) -> None:
    layers = dict(job.frames)
    prov = province_frame(job.store, job.view) if "control" in job.frames else None
    if prov is not None and not prov.empty:
        layers["province_control"] = prov
        job.counts["province_control"] = len(prov)
    write_gpkg(layers, path)


def write_gpkg(frames: dict[str, gpd.GeoDataFrame], path: Path) -> None:
    """One GeoPackage, one layer per frame (events, mentions, control), in one temporary file."""
    import pyogrio

    for name, frame in frames.items():
        types = set(frame.geometry.geom_type.dropna())
        points = types <= {"Point"}
        pyogrio.write_dataframe(
            gdal_ready(frame),
            path,
            layer=name,
            driver="GPKG",
            geometry_type="Point" if points else "MultiPolygon",
            promote_to_multi=not points,
        )
