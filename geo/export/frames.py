"""The store's layers as frames, in the shape every export writes: conventional field names, ISO dates.

`layer_frames` asks `geo.maps.layers` (annotations applied, rejected rows out) for a view; `normalise`
gives the columns the names ACLED/UCDP users expect (see ARCHITECTURE.md), in a fixed order, so GeoJSON,
GeoPackage, CSV and KML hold the same fields with the same values.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.export.formats import LAYERS
from geo.export.view import View, boundaries, in_bbox

# Field names follow ACLED/UCDP habits (see ARCHITECTURE.md); order is the column order of every export.
EVENT_FIELDS = (
    "event_id",
    "event_date",
    "date_precision",
    "kind",
    "actor",
    "actor_text",
    "place",
    "place_text",
    "geonameid",
    "country_code",
    "admin1_code",
    "latitude",
    "longitude",
    "where_precision",
    "confidence",
    "evidence",
    "source",
    "article_id",
    "title",
    "language",
    "article_date",
    "status",
    "notes",
)
MENTION_FIELDS = (
    "mention_id",
    "text",
    "place",
    "geonameid",
    "country_code",
    "admin1_code",
    "latitude",
    "longitude",
    "confidence",
    "role",
    "start",
    "end",
    "source",
    "article_id",
    "title",
    "language",
    "article_date",
    "status",
    "notes",
)
CONTROL_FIELDS = (
    "geonameid",
    "place",
    "country_code",
    "admin1_code",
    "controller",
    "state",
    "previous_controller",
    "since",
    "since_precision",
    "last_confirmed",
    "latitude",
    "longitude",
    "evidence",
    "source",
    "article_id",
    "title",
    "confidence",
    "status",
    "n_changes",
    "event_ids",
)
PROVINCE_FIELDS = (
    "geonameid",
    "name",
    "name_de",
    "country_code",
    "admin1_code",
    "seat_geonameid",
    "seat_name",
    "controller",
    "state",
    "since",
    "since_precision",
    "held_via",
    "evidence",
    "article_id",
    "source",
    "last_confirmed",
)
# Store internals that mean nothing outside this store (optimistic-locking ids).
_DROP = ("last_annotation_id", "is_new", "evidence_start", "evidence_end")

FIELDS = {"events": EVENT_FIELDS, "mentions": MENTION_FIELDS, "control": CONTROL_FIELDS}


def _iso(value: Any) -> str | None:
    """Dates as ISO strings: identical in every format (GeoJSON and CSV have no date type) and sortable."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text or None


def clean_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


_RENAMES = {
    "date": "event_date",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "place_name": "place",
    "name": "place",
    "place_text": "place_text",
    "article_source": "source",
    "note": "notes",
    "holder": "controller",
    "controlled_since": "since",
    "changed": "since",
}


def _as_geoframe(frame: gpd.GeoDataFrame | pd.DataFrame | None, fields: Sequence[str]) -> gpd.GeoDataFrame:
    """`frame` with a geometry column: points from latitude/longitude when it has them, else nulls."""
    if frame is None:
        return gpd.GeoDataFrame({f: [] for f in fields}, geometry=gpd.GeoSeries([], crs=4326))
    if isinstance(frame, gpd.GeoDataFrame):
        return frame
    if {"latitude", "longitude"} <= set(frame.columns):
        return gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326
        )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame)), crs=4326)


def normalise(frame: gpd.GeoDataFrame | pd.DataFrame | None, fields: Sequence[str]) -> gpd.GeoDataFrame:
    """A layer frame in export shape: conventional field names first (missing ones as nulls), then any
    other columns the store provides, dates as ISO strings, latitude/longitude from the point geometry.
    """
    # A new name, not `frame` again: geopandas has no type information, so the parameter's DataFrame type
    # would survive the conversion and `out.to_crs` would look like a column to the type checker.
    gdf = _as_geoframe(frame, fields)
    geom_name = gdf.geometry.name
    renames = {
        k: v
        for k, v in _RENAMES.items()
        if k in gdf.columns and v not in gdf and k not in fields and v in fields
    }
    out = gdf.rename(columns=renames)
    out = out.copy()
    if out.crs is None:
        out = out.set_crs(4326)
    elif out.crs.to_epsg() != 4326:
        out = out.to_crs(4326)
    geoms = out.geometry
    is_point = (geoms.geom_type == "Point").to_numpy()
    lon = np.full(len(out), np.nan)
    lat = np.full(len(out), np.nan)
    if is_point.any():
        lon[is_point] = geoms[is_point].x.to_numpy()
        lat[is_point] = geoms[is_point].y.to_numpy()
    if "longitude" not in out or out["longitude"].isna().all():
        out["longitude"] = lon
    if "latitude" not in out or out["latitude"].isna().all():
        out["latitude"] = lat
    for f in fields:
        if f not in out:
            out[f] = None
    for col in out.columns:
        if col == geom_name:
            continue
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            iso = s.dt.strftime("%Y-%m-%d").astype(object)
            out[col] = iso.where(s.notna(), None)
        elif col in ("event_date", "since", "article_date", "last_confirmed"):
            out[col] = pd.Series([_iso(v) for v in s], index=out.index, dtype=object)
        elif s.dtype == object:
            out[col] = pd.Series([_jsonable(v) for v in s], index=out.index, dtype=object)
    extras = [c for c in out.columns if c not in fields and c != geom_name and c not in _DROP]
    out = out[[*fields, *extras, geom_name]]
    if geom_name != "geometry":
        out = out.rename_geometry("geometry")
    return out.reset_index(drop=True)


def _jsonable(value: Any) -> Any:
    """Lists/dicts (e.g. alternatives) become JSON text: every format can hold a string."""
    value = clean_scalar(value)
    if isinstance(value, list | tuple | dict | set):
        return json.dumps(list(value) if isinstance(value, set) else value, default=str, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def layer_frames(store: Any, view: View, layers: Sequence[str] = LAYERS) -> dict[str, gpd.GeoDataFrame]:
    """The store's layers for a view, from `geo.maps.layers` (annotations applied, rejected rows out).

    Events: up to `date` (inclusive) and from `since` (inclusive). Control: state at `date` (latest when
    None). Mentions: those of articles published up to `date`. `country` keeps rows of that country,
    `bbox` rows inside the box.
    """
    from geo.maps import layers as lyr

    flt = view.layer_filter()
    out: dict[str, gpd.GeoDataFrame] = {}
    if "events" in layers:
        ev = lyr.events_layer(store, view.date, flt)
        if view.since is not None:
            ev = ev[ev["event_date"] >= pd.Timestamp(view.since)]
        out["events"] = ev
    if "control" in layers:
        out["control"] = lyr.control_layer(store, view.date, flt)
    if "mentions" in layers:
        m = lyr.mentions_layer(store, flt)
        if view.date is not None:
            m = m[m["article_date"].isna() | (m["article_date"] <= pd.Timestamp(view.date))]
        out["mentions"] = m
    return {name: restrict(frame, view) for name, frame in out.items()}


def restrict(frame: gpd.GeoDataFrame, view: View) -> gpd.GeoDataFrame:
    """The rows of `frame` in the view's country and box (all rows when the view sets neither)."""
    if view.country and "country_code" in frame:
        frame = frame[_in_country(frame, view.country)]
    return in_bbox(frame, view.bbox)


def _in_country(frame: gpd.GeoDataFrame, cc: str) -> np.ndarray:
    """Rows of country `cc`: by country_code, and for rows without one (an analyst's map click) by
    whether the point lies inside the country's polygon."""
    code = frame["country_code"]
    keep = np.array((code == cc).fillna(False).to_numpy(dtype=bool), copy=True)
    unknown = (code.isna() | (code.astype(str) == "")).to_numpy() & frame.geometry.notna().to_numpy()
    if unknown.any():
        countries, _ = boundaries()
        if countries is not None:
            shape = countries.loc[countries["country_code"] == cc, "geometry"]
            if not shape.empty:
                poly = shape.union_all()
                idx = np.flatnonzero(unknown)
                keep[idx] = shapely.contains_xy(
                    poly, frame.geometry.x.to_numpy()[idx], frame.geometry.y.to_numpy()[idx]
                )
    return keep


def n_articles(frames: dict[str, gpd.GeoDataFrame]) -> int:
    ids: set[int] = set()
    for frame in frames.values():
        if frame is not None and "article_id" in frame and not frame.empty:
            ids.update(int(a) for a in frame["article_id"].dropna())
    return len(ids)


def data_frames(store: Any, view: View, layers: Sequence[str] = LAYERS) -> dict[str, gpd.GeoDataFrame]:
    """The requested layers for a view, in export shape (conventional names, ISO dates)."""
    frames = layer_frames(store, view, layers)
    return {name: normalise(frames[name], FIELDS[name]) for name in layers}


def province_frame(store: Any, view: View) -> gpd.GeoDataFrame | None:
    from geo.maps import layers as lyr

    prov = lyr.province_control_layer(store, view.date, view.layer_filter())
    if prov.empty:
        return None
    if view.country:
        prov = prov[prov["country_code"] == view.country]
    return normalise(prov, PROVINCE_FIELDS)
