"""What an export shows: the view (date, country or box, filter), its extent, and the basemap it is drawn on.

Every export (static map, series, data, HTML page) starts from a `View`; the checks here turn a bad
request (an unknown country, a box outside the world, an empty date range) into an `ExportError` before
any work starts, with a sentence the CLI and the dashboard show as is.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np

from geo.export.errors import ExportError
from geo.model import BBox
from geo.render import staticmap


@dataclass(slots=True)
class View:
    """What to show: the date, optional start of the event window, where, and the analyst's filter."""

    date: dt.date | None = None
    since: dt.date | None = None
    country: str | None = None
    bbox: BBox | None = None
    flt: Any = None

    def layer_filter(self) -> Any:
        from geo.maps.layers import LayerFilter

        return self.flt if self.flt is not None else LayerFilter()


def check_bbox(bbox: Sequence[float]) -> BBox:
    """A W,S,E,N box inside the world with positive width and height, else ExportError."""
    if len(bbox) != 4:
        raise ExportError("a bounding box needs four numbers W,S,E,N")
    w, s, e, n = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise ExportError("bounding box values must be finite numbers")
    if w < -180 or e > 180 or s < -90 or n > 90:
        raise ExportError(
            f"bounding box {w:g},{s:g},{e:g},{n:g} is outside the world "
            "(longitude -180..180, latitude -90..90)"
        )
    if w >= e or s >= n:
        raise ExportError(f"bounding box {w:g},{s:g},{e:g},{n:g} is empty (need W < E and S < N)")
    return (w, s, e, n)


def clamp_bbox(bbox: Sequence[float]) -> BBox:
    """A map view's bounds cut to the world (Leaflet reports longitudes beyond +-180 when zoomed out);
    for callers like the dashboard that pass the current view to `render_map`."""
    w, s, e, n = (float(v) for v in bbox)
    w, e = max(w, -180.0), min(e, 180.0)
    s, n = max(s, -90.0), min(n, 90.0)
    if w >= e or s >= n:
        return staticmap.WORLD
    return (w, s, e, n)


def _gazetteer() -> Any:
    """The loaded gazetteer, or ExportError saying how to build it (a map needs its boundaries)."""
    try:
        from geo.gazetteer.lookup import get_gazetteer

        return get_gazetteer()
    except Exception as exc:  # not built yet, or data missing: maps still draw without boundaries
        hint = "" if "make gazetteer" in str(exc) else "; run `make gazetteer`"
        raise ExportError(f"gazetteer not available: {exc}{hint}") from exc


_BOUNDARIES: list[tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]] = []


def boundaries() -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """(countries, provinces) polygons from the bundled gazetteer, or (None, None) if it is not built.

    Kept for the life of the process: the same frame objects let the drawing code reuse its simplified
    geometries from one map to the next (the gazetteer builds a new frame per call).
    """
    if not _BOUNDARIES:
        try:
            gaz = _gazetteer()
            _BOUNDARIES.append((gaz.countries(), gaz.provinces()))
        except ExportError:
            return None, None
    return _BOUNDARIES[0]


def attribution_text() -> str:
    """The data credits every map and page carries (GeoNames' licence asks for it)."""
    from geo.gazetteer.lookup import ATTRIBUTION

    return str(ATTRIBUTION).strip().replace("\n", " ")


def _main_part_bounds(geom: Any) -> BBox:
    """Bounds of a country. For one that crosses the antimeridian (Russia, Fiji, the USA's Aleutians) a
    plain bounding box spans the whole globe; keep the side of the 180th meridian with most of its area.
    """
    w, s, e, n = geom.bounds
    parts = list(getattr(geom, "geoms", [geom]))
    if e - w <= 300 or len(parts) < 2:
        return (w, s, e, n)
    ok = [p for p in parts if p.bounds[2] - p.bounds[0] < 180]  # parts wrapping the globe are artefacts
    east = [p for p in ok if p.centroid.x >= 0]
    west = [p for p in ok if p.centroid.x < 0]
    side = east if sum(p.area for p in east) >= sum(p.area for p in west) else west
    if not side:
        return (w, s, e, n)
    boxes = np.array([p.bounds for p in side])
    return (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())


def country_extent(country_code: str) -> BBox:
    """The padded map view of a country; ExportError for a code the gazetteer does not know."""
    cc = (country_code or "").strip().upper()
    if len(cc) != 2 or not cc.isalpha():
        raise ExportError(f"unknown country code {country_code!r} (use ISO 3166-1 alpha-2, e.g. AF)")
    countries, _ = boundaries()
    if countries is None:
        _gazetteer()  # raises the "not built" error
        raise ExportError("the gazetteer has no country boundaries")  # only if it was built meanwhile
    rows = countries[countries["country_code"] == cc]
    if rows.empty:
        raise ExportError(f"unknown country code {cc!r}")
    return staticmap.padded_extent(_main_part_bounds(rows.geometry.union_all()), pad=0.04)


def country_name(country_code: str) -> str:
    try:
        place = _gazetteer().country(country_code)
        return getattr(place, "name", None) or country_code
    except Exception:
        return country_code


def data_extent(frames: Sequence[gpd.GeoDataFrame | None]) -> BBox:
    xs, ys = [], []
    for f in frames:
        if f is not None and not f.empty:
            g = f.geometry[f.geometry.notna() & ~f.geometry.is_empty]
            xs.append(g.x.to_numpy())
            ys.append(g.y.to_numpy())
    if not xs or not sum(len(x) for x in xs):
        return staticmap.WORLD
    x, y = np.concatenate(xs), np.concatenate(ys)
    # Robust to one stray geocode on another continent: 1st..99th percentile when there are many points.
    if len(x) > 200:
        lo_x, hi_x = np.percentile(x, [1, 99])
        lo_y, hi_y = np.percentile(y, [1, 99])
    else:
        lo_x, hi_x, lo_y, hi_y = x.min(), x.max(), y.min(), y.max()
    return staticmap.padded_extent((lo_x, lo_y, hi_x, hi_y), pad=0.12, min_span=2.0)


def in_bbox(frame: gpd.GeoDataFrame, bbox: Sequence[float] | None) -> gpd.GeoDataFrame:
    if bbox is None or frame.empty:
        return frame
    w, s, e, n = bbox
    x, y = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    return frame[(x >= w) & (x <= e) & (y >= s) & (y <= n)]


def resolve_view_extent(country: str | None, bbox: Sequence[float] | None) -> tuple[Any, Any]:
    cc = country.strip().upper() if country else None
    if cc and bbox is not None:
        raise ExportError("give either a country or a bounding box, not both")
    if bbox is not None:
        return None, check_bbox(bbox)
    if cc:
        return cc, country_extent(cc)
    return None, None
