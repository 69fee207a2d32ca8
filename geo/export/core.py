"""Exports: static maps (PNG/SVG/PDF), map series and GIFs, and data (GeoJSON, GeoPackage, CSV, KML, HTML).

Public API (the CLI and the dashboard's download buttons call exactly these):
- `render_map(store, date=None, *, since, country, bbox, layers, title, dpi, out, fmt, flt) -> MapResult`
  `out` a path (atomic write), a binary file object, or None (bytes in `.data`); `flt` a LayerFilter.
- `map_bytes(store, date, fmt="png", **same keywords) -> bytes`
- `render_series(store, start, end, every="day"|"week", out_dir, gif=False, *, country, bbox, layers,
  title, dpi, fmt, flt) -> SeriesResult` (frames, gif, dates, changes per frame)
- `export_data(store, fmt, out=None, date=None, flt=None, *, since, country, bbox, title) -> ExportResult`
- `data_bytes(store, fmt, **same keywords) -> bytes`
- `ExportError`: bad requests (unknown country, empty range, bbox outside the world, unwritable output);
  `clamp_bbox(bounds)` cuts a browser view's bounds to the world before passing them as `bbox`.

Everything reads the store through `geo.maps.layers`, so analyst annotations (applied by the store) are in
every output. Every file is written atomically (temporary file in the target folder, then `os.replace`):
an error never leaves a half-written file behind and never destroys the previous good one.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.paths import vendor_dir
from geo.render import staticmap
from geo.render.staticmap import FORMATS as MAP_FORMATS
from geo.render.staticmap import MapData, as_date

DATA_FORMATS = ("geojson", "gpkg", "csv", "kml", "html")
LAYERS = ("control", "events", "mentions")

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


class ExportError(Exception):
    """A bad request (unknown country, empty range, bbox outside the world, unwritable path...).

    The CLI prints `str(exc)` as its one-line error and exits 2.
    """


# ------------------------------------------------------------------------------------ atomic writing


def check_writable(target: str | os.PathLike[str]) -> Path:
    """Fail early, with a message a user understands, before any expensive rendering starts."""
    path = Path(target)
    parent = path.parent
    if path.is_dir():
        raise ExportError(f"{path} is a folder, not a file")
    if parent.exists() and not parent.is_dir():
        raise ExportError(f"{parent} is not a folder")
    if not parent.is_dir():
        raise ExportError(f"folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"folder {parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(f"{path} is not writable")
    return path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path (not yet created) in the target's folder; on success it replaces the target.

    Same folder, because `os.replace` is atomic only within one file system. The temporary name keeps
    the target's suffix because GDAL drivers look at it. On any exception the temporary file and GDAL's
    side files (`-journal`, `-wal`, `-shm`) are removed and the previous target is left untouched.
    """
    path = check_writable(target)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=f".part{path.suffix}", dir=path.parent
        )
    except OSError as exc:
        raise ExportError(f"cannot write in {path.parent}: {exc.strerror}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # GDAL refuses to create a dataset over an existing empty file
    try:
        yield tmp
        if not tmp.exists():
            raise ExportError(f"nothing was written to {path}")
        os.replace(tmp, path)
    finally:
        for p in (tmp, *(Path(f"{tmp}{side}") for side in ("-journal", "-wal", "-shm"))):
            p.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------- normalising frames


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


def _clean_scalar(value: Any) -> Any:
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


def normalise(frame: gpd.GeoDataFrame | pd.DataFrame | None, fields: Sequence[str]) -> gpd.GeoDataFrame:
    """A layer frame in export shape: conventional field names first (missing ones as nulls), then any
    other columns the store provides, dates as ISO strings, latitude/longitude from the point geometry.
    """
    if frame is None:
        frame = gpd.GeoDataFrame({f: [] for f in fields}, geometry=gpd.GeoSeries([], crs=4326))
    if not isinstance(frame, gpd.GeoDataFrame):
        if {"latitude", "longitude"} <= set(frame.columns):
            frame = gpd.GeoDataFrame(
                frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326
            )
        else:
            frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame)), crs=4326)
    geom_name = frame.geometry.name
    renames = {
        k: v
        for k, v in _RENAMES.items()
        if k in frame.columns and v not in frame and k not in fields and v in fields
    }
    out = frame.rename(columns=renames)
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
    value = _clean_scalar(value)
    if isinstance(value, list | tuple | dict | set):
        return json.dumps(list(value) if isinstance(value, set) else value, default=str, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# -------------------------------------------------------------------------------------- data writers


def _gdal_ready(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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


def write_geojson(frame: gpd.GeoDataFrame, path: Path, layer: str = "events") -> None:
    import pyogrio

    pyogrio.write_dataframe(
        _gdal_ready(frame),
        path,
        layer=layer,
        driver="GeoJSON",
        layer_options={"RFC7946": "YES", "WRITE_NAME": "YES"},
    )


def write_gpkg(frames: dict[str, gpd.GeoDataFrame], path: Path) -> None:
    """One GeoPackage, one layer per frame (events, mentions, control), in one temporary file."""
    import pyogrio

    for name, frame in frames.items():
        types = set(frame.geometry.geom_type.dropna())
        points = types <= {"Point"}
        pyogrio.write_dataframe(
            _gdal_ready(frame),
            path,
            layer=name,
            driver="GPKG",
            geometry_type="Point" if points else "MultiPolygon",
            promote_to_multi=not points,
        )


def write_csv(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Plain UTF-8 CSV without a geometry column: latitude/longitude are the columns analysts expect."""
    frame.drop(columns="geometry").to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


_KIND_KML_COLOURS = {  # KML colours are aabbggrr
    kind: "ff" + style["color"][5:7] + style["color"][3:5] + style["color"][1:3]
    for kind, style in staticmap.EVENT_STYLE.items()
}


def _kml_when(date: str | None, precision: str | None) -> str | None:
    """KML's <when> takes gYear, gYearMonth or date: say exactly what the source says, no more."""
    if not date:
        return None
    if precision == "year":
        return date[:4]
    if precision == "month":
        return date[:7]
    return date[:10]


def _x(value: Any) -> str:
    return html.escape(str(value), quote=True)


def kml_text(frames: dict[str, gpd.GeoDataFrame], title: str) -> Iterator[str]:
    """KML 2.2 with one Folder per layer; every field goes into ExtendedData so nothing is lost.

    Placemarks carry a TimeStamp (Google Earth's time slider replays an offensive with it) at the
    precision the source gives (year, month or day). Streamed as text: building an ElementTree for
    10,000 placemarks x 30 fields takes ten times longer and holds it all in memory.
    """
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n'
    yield f"<name>{_x(title)}</name>\n"
    for kind, colour in _KIND_KML_COLOURS.items():
        yield (
            f'<Style id="event-{kind}"><IconStyle><color>{colour}</color><scale>0.8</scale>'
            "</IconStyle></Style>\n"
        )
    for layer, frame in frames.items():
        yield f"<Folder><name>{_x(layer)}</name>\n"
        columns = [c for c in frame.columns if c != "geometry"]
        for rec in frame[columns].itertuples(index=False, name=None):
            row = dict(zip(columns, rec, strict=True))
            if layer == "events":
                label = f"{row.get('kind') or 'event'}: {row.get('place') or '?'}"
                when = _kml_when(row.get("event_date"), row.get("date_precision"))
                desc = row.get("evidence")
            elif layer == "control":
                label = f"{row.get('place') or '?'} ({row.get('controller') or 'no holder'})"
                when = _kml_when(row.get("since"), row.get("since_precision"))
                desc = row.get("evidence")
            else:
                label = str(row.get("place") or row.get("text") or "?")
                when, desc = None, None
            parts = [f"<Placemark><name>{_x(label)}</name>"]
            if isinstance(desc, str) and desc:
                parts.append(f"<description>{_x(desc)}</description>")
            if when:
                parts.append(f"<TimeStamp><when>{when}</when></TimeStamp>")
            if layer == "events":
                parts.append(f"<styleUrl>#event-{_x(row.get('kind') or 'other')}</styleUrl>")
            parts.append("<ExtendedData>")
            for key, value in row.items():
                value = _clean_scalar(value)
                if value is None:
                    continue
                parts.append(f'<Data name="{_x(key)}"><value>{_x(value)}</value></Data>')
            parts.append("</ExtendedData>")
            lon, lat = _clean_scalar(row.get("longitude")), _clean_scalar(row.get("latitude"))
            if lon is not None and lat is not None:
                parts.append(f"<Point><coordinates>{float(lon)!r},{float(lat)!r}</coordinates></Point>")
            parts.append("</Placemark>\n")
            yield "".join(parts)
        yield "</Folder>\n"
    yield "</Document>\n</kml>\n"


def write_kml(frames: dict[str, gpd.GeoDataFrame], path: Path, title: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(kml_text(frames, title))


# ---------------------------------------------------------------------------------------- HTML export

# The dashboard vendors Leaflet for Streamlit's static serving; the standalone page inlines the same files.
HTML_MAX_MENTIONS = 5_000
_STATIC = vendor_dir() / "leaflet"


def _leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS as text, CSS images turned into data: URIs so the page needs no other file."""
    js_path, css_path = _STATIC / "leaflet.js", _STATIC / "leaflet.css"
    if not js_path.is_file() or not css_path.is_file():
        raise ExportError(f"Leaflet assets missing in {_STATIC} (the HTML export inlines them)")
    js = js_path.read_text(encoding="utf-8")
    css = css_path.read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        img = _STATIC / match.group(1)
        if not img.is_file():
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(img.read_bytes()).decode()})"

    css = re.sub(r"url\((images/[^)]+\.png)\)", data_uri, css)
    return js.replace("</script", "<\\/script"), css


def _escaped(value: Any) -> str:
    """Popup text: folium's GeoJsonPopup puts property values into innerHTML, so escape them here."""
    value = _clean_scalar(value)
    return "" if value is None else html.escape(str(value))


def html_document(
    frames: dict[str, gpd.GeoDataFrame],
    provinces: gpd.GeoDataFrame | None,
    countries: gpd.GeoDataFrame | None,
    palette: dict[str, str],
    title: str,
    extent: Sequence[float],
) -> str:
    """A standalone Leaflet page (folium) that works offline: Leaflet inlined, basemap from our boundaries,
    no tiles, no CDN. Every text that reaches HTML is escaped.
    """
    import folium

    class _InlineMap(folium.Map):
        default_js = [("leaflet", "inline:leaflet.js")]
        default_css = [("leaflet_css", "inline:leaflet.css")]

    w, s, e, n = extent
    m = _InlineMap(
        location=[(s + n) / 2, (w + e) / 2], zoom_start=5, tiles=None, control_scale=True, prefer_canvas=True
    )
    m.get_root().header.add_child(folium.Element(f"<title>{html.escape(title)}</title>"))
    m.fit_bounds([[s, w], [n, e]])
    # Boundaries clipped to the view and simplified to about a pixel at the starting zoom (the page
    # stays small; zooming far in shows simplified lines, which is fine for a briefing map).
    if countries is not None and not countries.empty:
        countries = staticmap._polygons(countries, extent)
    if provinces is not None and not provinces.empty:
        provinces = staticmap._polygons(provinces, extent, cache=False)
    if countries is not None and not countries.empty:
        folium.GeoJson(
            countries[["geometry"]].to_json(),
            name="countries",
            control=False,
            style_function=lambda _f: {
                "fillColor": staticmap.LAND,
                "color": "#8a8a8a",
                "weight": 1,
                "fillOpacity": 1.0,
            },
        ).add_to(m)
    _, outlines = boundaries()
    if outlines is not None:
        view = staticmap._polygons(outlines, extent)
        if view is not None and not view.empty:
            folium.GeoJson(
                view[["geometry"]].to_json(),
                name="provinces",
                control=False,
                style_function=lambda _f: {"fill": False, "color": "#b0aca4", "weight": 0.8},
            ).add_to(m)
    if provinces is not None and not provinces.empty:
        prov = provinces[[c for c in ("name", "controller", "geometry") if c in provinces]].copy()
        if "controller" not in prov:
            prov["controller"] = None
        prov["fill"] = [
            palette.get(c, staticmap.NO_CONTROLLER) if isinstance(c, str) else staticmap.NO_CONTROLLER
            for c in prov["controller"]
        ]
        prov["held"] = [isinstance(c, str) and c in palette for c in prov["controller"]]
        prov["name"] = prov.get("name", pd.Series("", index=prov.index)).map(
            lambda v: html.escape(str(v)) if v is not None else ""
        )
        prov["controller"] = prov["controller"].map(lambda v: html.escape(str(v)) if v else "unknown")
        folium.GeoJson(
            prov.to_json(),
            name="provinces (shaded by controller)",
            style_function=lambda f: {
                "fillColor": f["properties"]["fill"],
                "color": "#b0aca4",
                "weight": 1,
                "fillOpacity": 0.35 if f["properties"]["held"] else 0.0,
            },
            tooltip=folium.GeoJsonTooltip(fields=["name", "controller"], aliases=["province", "held by"]),
        ).add_to(m)
    # Points go in as GeoJSON (one compact JSON blob per layer, styled by a property) rather than one
    # folium marker per row: 10,000 events stay a few MB, and folium's per-marker popups need jQuery.
    popup_fields = {
        "events": (
            "kind",
            "event_date",
            "date_precision",
            "actor",
            "place",
            "where_precision",
            "evidence",
            "title",
            "source",
            "status",
            "notes",
        ),
        "control": (
            "place",
            "controller",
            "state",
            "since",
            "since_precision",
            "evidence",
            "title",
            "source",
            "status",
        ),
        "mentions": ("text", "place", "confidence", "title", "article_date", "status"),
    }
    kind_colour = {k: st["color"] for k, st in staticmap.EVENT_STYLE.items()}
    notes: list[str] = []
    for layer in ("mentions", "events", "control"):
        frame = frames.get(layer)
        if frame is None or frame.empty:
            continue
        if layer == "mentions" and len(frame) > HTML_MAX_MENTIONS:
            # 100,000 mention dots would make a 30 MB page that a browser struggles with; the GeoPackage
            # export has them all.
            notes.append(
                f"{len(frame):,} mentions not drawn (over {HTML_MAX_MENTIONS:,}; see the GeoPackage)"
            )
            continue
        located = frame[frame["latitude"].notna() & frame["longitude"].notna()]
        if layer == "events":
            kinds = located["kind"].where(located["kind"].isin(list(kind_colour)), "other").fillna("other")
            groups = [
                (
                    f"events: {staticmap.EVENT_STYLE[k]['label']}",
                    located[kinds == k],
                    kind_colour[k],
                    5,
                    "white",
                )
                for k in kind_colour
                if (kinds == k).any()
            ]
        elif layer == "control":
            groups = [(f"control ({len(located)} places)", located, None, 9, None)]
        else:
            groups = [(f"mentions ({len(located)})", located, "#7a7a7a", 3, "#7a7a7a")]
        for name, sub, fill, radius, edge in groups:
            fields = [f for f in popup_fields[layer] if f in sub]
            feats = []
            for rec in sub.to_dict("records"):
                props = {f: _escaped(rec.get(f)) for f in fields}
                if layer == "control":
                    ctrl = rec.get("controller")
                    props["_fill"] = (
                        palette.get(ctrl, staticmap.VACATED) if isinstance(ctrl, str) else staticmap.VACATED
                    )
                else:
                    props["_fill"] = fill
                feats.append(
                    {
                        "type": "Feature",
                        "properties": props,
                        "geometry": {
                            "type": "Point",
                            "coordinates": [float(rec["longitude"]), float(rec["latitude"])],
                        },
                    }
                )
            group = folium.FeatureGroup(
                name=f"{name} ({len(sub)})" if layer == "events" else name, show=layer != "mentions"
            ).add_to(m)
            is_control = layer == "control"
            folium.GeoJson(
                {"type": "FeatureCollection", "features": feats},
                marker=folium.CircleMarker(
                    radius=radius,
                    weight=3 if is_control else 1,
                    fill=True,
                    fill_opacity=0.35 if is_control else 0.9,
                ),
                style_function=lambda f, ctl=is_control, e=edge: {
                    "fillColor": f["properties"]["_fill"],
                    "color": f["properties"]["_fill"] if ctl else e,
                },
                popup=folium.GeoJsonPopup(
                    fields=fields, aliases=[f.replace("_", " ") for f in fields], max_width=420
                ),
                tooltip=folium.GeoJsonTooltip(fields=["place"], labels=False) if "place" in fields else None,
            ).add_to(group)
    shown = set(frames["control"]["controller"].dropna()) if "control" in frames else set()
    if provinces is not None and "controller" in provinces:
        shown |= set(provinces["controller"].dropna())
    legend = "".join(
        f"<div><span style='display:inline-block;width:12px;height:12px;background:{c};"
        f"margin-right:4px'></span>held by {html.escape(a)}</div>"
        for a, c in palette.items()
        if a in shown
    ) + "".join(
        f"<div><span style='color:{st['color']}'>&#9679;</span> {html.escape(st['label'])}</div>"
        for st in staticmap.EVENT_STYLE.values()
    )
    m.get_root().html.add_child(
        folium.Element(
            "<div style='position:fixed;bottom:24px;right:10px;z-index:1000;background:white;padding:6px 8px;"
            "font:12px sans-serif;border:1px solid #999;border-radius:4px;max-height:40vh;overflow-y:auto;"
            "max-width:320px'>"
            f"<b>{html.escape(title)}</b>{legend}"
            + "".join(f"<div style='color:#666'>{html.escape(n)}</div>" for n in notes)
            + f"<div style='color:#666;font-size:10px'>{html.escape(attribution_text())}</div></div>"
        )
    )
    folium.LayerControl(collapsed=False).add_to(m)
    page = m.get_root().render()
    js, css = _leaflet_assets()
    page = page.replace('<script src="inline:leaflet.js"></script>', f"<script>{js}</script>")
    page = page.replace('<link rel="stylesheet" href="inline:leaflet.css"/>', f"<style>{css}</style>")
    remote = external_urls(page)
    if remote:  # a folium upgrade added a CDN asset: refuse rather than ship a page that is blank offline
        raise ExportError(f"HTML export would load remote assets: {', '.join(remote[:3])}")
    return page


def external_urls(page: str) -> list[str]:
    """URLs that the page would *load* (script src, stylesheet href, CSS url(), @import) from another host.

    Plain hyperlinks (Leaflet's attribution link) load nothing and are not counted.
    """
    found = re.findall(r"<script[^>]+src=[\"']([^\"']+)", page)
    found += re.findall(r"<link[^>]+href=[\"']([^\"']+)", page)
    found += re.findall(r"url\([\"']?((?:https?:)?//[^)\"']+)", page)
    found += re.findall(r"@import\s+[\"']?((?:https?:)?//[^\"';]+)", page)
    return [
        u
        for u in found
        if re.match(r"(https?:)?//", u) and not re.match(r"(https?:)?//(localhost|127\.0\.0\.1)([:/]|$)", u)
    ]


# ------------------------------------------------------------------------------- view: extent, bounds


def check_bbox(bbox: Sequence[float]) -> tuple[float, float, float, float]:
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


def clamp_bbox(bbox: Sequence[float]) -> tuple[float, float, float, float]:
    """A map view's bounds cut to the world (Leaflet reports longitudes beyond +-180 when zoomed out);
    for callers like the dashboard that pass the current view to `render_map`."""
    w, s, e, n = (float(v) for v in bbox)
    w, e = max(w, -180.0), min(e, 180.0)
    s, n = max(s, -90.0), min(n, 90.0)
    if w >= e or s >= n:
        return staticmap.WORLD
    return (w, s, e, n)


def _gazetteer() -> Any:
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
    try:
        from geo.gazetteer.lookup import ATTRIBUTION

        return str(ATTRIBUTION).strip().replace("\n", " ")
    except ImportError:
        return staticmap.DEFAULT_ATTRIBUTION


def _main_part_bounds(geom: Any) -> tuple[float, float, float, float]:
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


def country_extent(country_code: str) -> tuple[float, float, float, float]:
    """The padded map view of a country; ExportError for a code the gazetteer does not know."""
    cc = (country_code or "").strip().upper()
    if len(cc) != 2 or not cc.isalpha():
        raise ExportError(f"unknown country code {country_code!r} (use ISO 3166-1 alpha-2, e.g. AF)")
    countries, _ = boundaries()
    if countries is None:
        _gazetteer()  # raises the "not built" error
    rows = countries[countries["country_code"] == cc]
    if rows.empty:
        raise ExportError(f"unknown country code {cc!r}")
    return tuple(staticmap.padded_extent(_main_part_bounds(rows.geometry.union_all()), pad=0.04))


def country_name(country_code: str) -> str:
    try:
        place = _gazetteer().country(country_code)
        return getattr(place, "name", None) or country_code
    except Exception:
        return country_code


def _data_extent(frames: Sequence[gpd.GeoDataFrame | None]) -> tuple[float, float, float, float]:
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
    return tuple(staticmap.padded_extent((lo_x, lo_y, hi_x, hi_y), pad=0.12, min_span=2.0))


# ------------------------------------------------------------------------------------- store -> frames


@dataclass(slots=True)
class View:
    """What to show: the date, optional start of the event window, where, and the analyst's filter."""

    date: dt.date | None = None
    since: dt.date | None = None
    country: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    flt: Any = None

    def layer_filter(self) -> Any:
        from geo.maps.layers import LayerFilter

        return self.flt if self.flt is not None else LayerFilter()


def _in_bbox(frame: gpd.GeoDataFrame, bbox: Sequence[float] | None) -> gpd.GeoDataFrame:
    if bbox is None or frame.empty:
        return frame
    w, s, e, n = bbox
    x, y = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    return frame[(x >= w) & (x <= e) & (y >= s) & (y <= n)]


def layer_frames(store: Any, view: View, layers: Sequence[str] = LAYERS) -> dict[str, gpd.GeoDataFrame]:
    """The store's layers for a view, straight from `geo.maps.layers` (annotations applied, rejected rows out).

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
    for name, frame in out.items():
        if view.country and "country_code" in frame:
            frame = frame[_in_country(frame, view.country)]
        out[name] = _in_bbox(frame, view.bbox)
    return out


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


def _n_articles(frames: dict[str, gpd.GeoDataFrame]) -> int:
    ids: set[int] = set()
    for frame in frames.values():
        if frame is not None and "article_id" in frame and not frame.empty:
            ids.update(int(a) for a in frame["article_id"].dropna())
    return len(ids)


def _fmt_date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


# --------------------------------------------------------------------------------------------- results


@dataclass(slots=True)
class MapResult:
    """What `render_map` produced: the file (or bytes), what was drawn, and the view used."""

    path: Path | None
    data: bytes | None
    fmt: str
    extent: tuple[float, float, float, float]
    stats: staticmap.DrawStats
    n_articles: int
    palette: dict[str, str] = field(default_factory=dict)

    def counts_text(self) -> str:
        s = self.stats
        return (
            f"{s.events} events, {s.control_places} places that changed hands, "
            f"{s.provinces_shaded} provinces shaded, {self.n_articles} source articles"
        )


@dataclass(slots=True)
class SeriesResult:
    """The frames written (one per date), the GIF if asked for, and per frame how many places changed
    hands since the previous frame (those get a halo on the map)."""

    frames: list[Path]
    gif: Path | None
    dates: list[dt.date]
    changes: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ExportResult:
    path: Path | None
    data: bytes | None
    fmt: str
    counts: dict[str, int]

    def counts_text(self) -> str:
        return ", ".join(f"{n} {layer}" for layer, n in self.counts.items())


# -------------------------------------------------------------------------------------------- maps


def _resolve_view_extent(country: str | None, bbox: Sequence[float] | None) -> tuple[Any, Any]:
    cc = country.strip().upper() if country else None
    if cc and bbox is not None:
        raise ExportError("give either a country or a bounding box, not both")
    if bbox is not None:
        return None, check_bbox(bbox)
    if cc:
        return cc, country_extent(cc)
    return None, None


def build_map_data(
    store: Any,
    date: Any = None,
    *,
    since: Any = None,
    country: str | None = None,
    bbox: Sequence[float] | None = None,
    layers: Sequence[str] = ("control", "events"),
    title: str | None = None,
    flt: Any = None,
    palette: dict[str, str] | None = None,
    extent: Sequence[float] | None = None,
    changed_since: Any = None,
) -> tuple[MapData, int]:
    """The MapData for a view of the store and the number of source articles behind what it shows.

    Places whose control changed after `changed_since` get a halo (default: the day before `since`).

    The dashboard can call this with its own LayerFilter to draw exactly its current view.
    """
    layers = tuple(layers)
    unknown = [x for x in layers if x not in LAYERS]
    if unknown:
        raise ExportError(f"unknown layer {unknown[0]!r}; use {', '.join(LAYERS)}")
    day, since_day = as_date(date), as_date(since)
    if day is None:
        day = store.date_range()[1]
    if day is not None and since_day is not None and since_day > day:
        raise ExportError(f"empty date range: since {since_day} is after {day}")
    cc, view_extent = _resolve_view_extent(country, bbox)
    frames = layer_frames(store, View(day, since_day, None, None, flt), layers)
    province_control = None
    if "control" in layers:
        from geo.maps import layers as lyr

        province_control = lyr.province_control_layer(store, day, View(flt=flt).layer_filter())
    if extent is None:
        extent = view_extent or _data_extent([frames.get("control"), frames.get("events")])
    extent = tuple(float(v) for v in extent)
    shown = {k: _in_bbox(v, extent) for k, v in frames.items()}
    n_articles = _n_articles(shown)
    countries, provinces = boundaries()
    if palette is None:
        palette = controller_palette_for(store)
    where = country_name(cc) if cc else None
    head = title or (
        f"{where}: territorial control and events" if where else "Territorial control and events"
    )
    when = _fmt_date(day) if day else "no dated events"
    if since_day is not None:
        when = f"{when} (events since {_fmt_date(since_day)})"
    attribution = f"{attribution_text()} | Source articles: {n_articles} | Made with conflictmap"
    data = MapData(
        extent=extent,
        title=f"{head} — {when}",
        attribution=attribution,
        countries=countries,
        provinces=provinces,
        province_control=province_control,
        control=frames.get("control"),
        events=frames.get("events"),
        mentions=frames.get("mentions"),
        focus_country=cc,
        palette=palette,
        changed_since=as_date(changed_since) or (since_day - dt.timedelta(days=1) if since_day else None),
    )
    return data, n_articles


def controller_palette_for(store: Any) -> dict[str, str]:
    """Colours for every actor in the store, most frequent first: the same for every date, filter and
    frame, and the same as the dashboard's (dashboard.data.palette computes it the same way), so an actor
    keeps its colour across the dashboard, static maps and a series.
    """
    events = store.events_df()
    return staticmap.controller_palette(events["actor"].tolist() if len(events) else [])


def _format_of(out: Any, fmt: str | None, allowed: Sequence[str]) -> str:
    if fmt is None:
        if isinstance(out, str | os.PathLike):
            fmt = Path(out).suffix.lower().lstrip(".")
        else:
            fmt = allowed[0]
    fmt = fmt.lower()
    if fmt not in allowed:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(allowed)}")
    return fmt


def render_map(
    store: Any,
    date: Any = None,
    *,
    since: Any = None,
    country: str | None = None,
    bbox: Sequence[float] | None = None,
    layers: Sequence[str] = ("control", "events"),
    title: str | None = None,
    dpi: int = 150,
    out: Any = None,
    fmt: str | None = None,
    flt: Any = None,
    palette: dict[str, str] | None = None,
    extent: Sequence[float] | None = None,
) -> MapResult:
    """Render a static map of the store at `date` (control as of that day, events up to it).

    `out`: a path (written atomically), a binary file object, or None to get the bytes in `.data`.
    `fmt`: png | svg | pdf (default: the path's suffix, else png). `country` (ISO alpha-2) or `bbox`
    (W, S, E, N) choose the view; neither = the extent of the data. `flt` is a geo.maps.layers.LayerFilter.
    """
    if isinstance(out, str | os.PathLike):
        check_writable(out)
    fmt = _format_of(out, fmt, MAP_FORMATS)
    if not 20 <= int(dpi) <= 1200:
        raise ExportError(f"dpi {dpi} is out of range (20..1200)")
    data, n_articles = build_map_data(
        store,
        date,
        since=since,
        country=country,
        bbox=bbox,
        layers=layers,
        title=title,
        flt=flt,
        palette=palette,
        extent=extent,
    )
    path: Path | None = None
    raw: bytes | None = None
    if isinstance(out, str | os.PathLike):
        with atomic_path(out) as tmp:
            stats = staticmap.draw_map(data, tmp, fmt=fmt, dpi=int(dpi))
        path = Path(out)
    elif out is None:
        buf = io.BytesIO()
        stats = staticmap.draw_map(data, buf, fmt=fmt, dpi=int(dpi))
        raw = buf.getvalue()
    else:
        stats = staticmap.draw_map(data, out, fmt=fmt, dpi=int(dpi))
    return MapResult(path, raw, fmt, data.extent, stats, n_articles, data.palette)


def map_bytes(store: Any, date: Any = None, *, fmt: str = "png", **kwargs: Any) -> bytes:
    """The map as bytes, for the dashboard's download button (same picture as `render_map`)."""
    result = render_map(store, date, out=None, fmt=fmt, **kwargs)
    assert result.data is not None
    return result.data


def series_dates(start: Any, end: Any, every: str = "day") -> list[dt.date]:
    """Frame dates from start to end inclusive; a weekly series always ends with `end` itself."""
    first, last = as_date(start), as_date(end)
    if first is None or last is None:
        raise ExportError("a series needs a start and an end date")
    if last < first:
        raise ExportError(f"empty date range: {first} is after {last}")
    if every not in ("day", "week"):
        raise ExportError(f"unknown step {every!r}; use day or week")
    step = dt.timedelta(days=1 if every == "day" else 7)
    dates = []
    d = first
    while d <= last:
        dates.append(d)
        d += step
    if dates[-1] != last:
        dates.append(last)
    return dates


def render_series(
    store: Any,
    start: Any,
    end: Any,
    every: str = "day",
    out_dir: str | os.PathLike[str] = ".",
    gif: bool = False,
    *,
    country: str | None = None,
    bbox: Sequence[float] | None = None,
    layers: Sequence[str] = ("control", "events"),
    title: str | None = None,
    dpi: int = 100,
    fmt: str = "png",
    flt: Any = None,
    frame_ms: int = 800,
) -> SeriesResult:
    """One map per step (`map_YYYY-MM-DD.png`), same view and colours in every frame, plus optionally an
    animated GIF (`control_START_END.gif`) of how control changed.

    All files are rendered to temporaries first and renamed into place only when every frame succeeded.
    """
    dates = series_dates(start, end, every)
    fmt = _format_of(None, fmt, MAP_FORMATS)
    if gif and fmt != "png":
        raise ExportError("a GIF is made from PNG frames; use fmt='png'")
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder")
    if not folder.parent.is_dir():
        raise ExportError(f"folder {folder.parent} does not exist")
    cc, view_extent = _resolve_view_extent(country, bbox)
    if view_extent is None:  # one view for the whole series, from everything up to the last frame
        view = View(dates[-1], None, None, None, flt)
        fr = layer_frames(store, view, ("control", "events"))
        view_extent = _data_extent([fr.get("control"), fr.get("events")])
    palette = controller_palette_for(store)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create folder {folder}: {exc.strerror}") from exc
    check_writable(folder / f"map_{dates[0]}.{fmt}")
    pending: list[tuple[Path, Path]] = []
    try:
        images = []
        changes: list[int] = []
        previous = None
        for day in dates:
            target = folder / f"map_{day.isoformat()}.{fmt}"
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part.{fmt}", dir=folder)
            os.close(fd)
            pending.append((Path(tmp_name), target))
            data, _ = build_map_data(
                store,
                day,
                country=cc,
                layers=layers,
                title=title,
                flt=flt,
                palette=palette,
                extent=view_extent,
                changed_since=previous,
            )
            previous = day
            changes.append(staticmap.draw_map(data, tmp_name, fmt=fmt, dpi=dpi).changed)
            if gif:
                images.append(tmp_name)
        gif_path = None
        if gif:
            gif_path = folder / f"control_{dates[0].isoformat()}_{dates[-1].isoformat()}.gif"
            fd, tmp_gif = tempfile.mkstemp(prefix=f".{gif_path.name}.", suffix=".part.gif", dir=folder)
            os.close(fd)
            pending.append((Path(tmp_gif), gif_path))
            write_gif(images, Path(tmp_gif), frame_ms=frame_ms)
        for tmp, target in pending:
            os.replace(tmp, target)
        pending.clear()
    finally:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
    return SeriesResult([folder / f"map_{d.isoformat()}.{fmt}" for d in dates], gif_path, dates, changes)


def write_gif(pngs: Sequence[str | os.PathLike[str]], out: Path, frame_ms: int = 800) -> None:
    """Animated GIF from PNG frames (Pillow); the last frame stays longer so the end state can be read.

    One adaptive palette for all frames (from the last frame, which has every controller's colour) keeps
    colours from flickering between frames.
    """
    from PIL import Image

    frames = [Image.open(p).convert("RGB") for p in pngs]
    if not frames:
        raise ExportError("no frames for the GIF")
    reference = frames[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    paletted = [f.quantize(palette=reference, dither=Image.Dither.NONE) for f in frames]
    durations = [frame_ms] * (len(paletted) - 1) + [max(frame_ms * 3, 2000)]
    paletted[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=paletted[1:],
        duration=durations,
        loop=0,
        optimize=False,
    )


# -------------------------------------------------------------------------------------------- data


_FIELDS = {"events": EVENT_FIELDS, "mentions": MENTION_FIELDS, "control": CONTROL_FIELDS}
_FORMAT_LAYERS = {
    "geojson": ("events",),
    "csv": ("events",),
    "kml": ("events", "control"),
    "gpkg": ("events", "mentions", "control"),
    "html": ("events", "mentions", "control"),
}


def data_frames(store: Any, view: View, layers: Sequence[str] = LAYERS) -> dict[str, gpd.GeoDataFrame]:
    """The requested layers for a view, in export shape (conventional names, ISO dates)."""
    frames = layer_frames(store, view, layers)
    return {name: normalise(frames[name], _FIELDS[name]) for name in layers}


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
) -> ExportResult:
    """Export the store's data with annotations applied.

    - geojson, csv: events (one row per event; latitude/longitude columns; CSV has no geometry column).
    - gpkg: layers `events`, `mentions`, `control` (+ `province_control` polygons when known).
    - kml: folders `events` and `control`, with TimeStamps and every field in ExtendedData.
    - html: a standalone offline Leaflet map of control, events and mentions.
    `date`: events up to that day and control as of it (None: everything, control now). `out`: a path
    (written atomically), a binary file object, or None for bytes in `.data`.
    """
    fmt = (fmt or "").lower()
    if fmt not in DATA_FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(DATA_FORMATS)}")
    if isinstance(out, str | os.PathLike):
        check_writable(out)
    day, since_day = as_date(date), as_date(since)
    if day is not None and since_day is not None and since_day > day:
        raise ExportError(f"empty date range: since {since_day} is after {day}")
    cc, _ = _resolve_view_extent(country, bbox)
    view = View(day, since_day, cc, check_bbox(bbox) if bbox is not None else None, flt)
    frames = data_frames(store, view, _FORMAT_LAYERS[fmt])
    counts = {name: len(frame) for name, frame in frames.items()}

    def write(tmp: Path) -> None:
        if fmt == "geojson":
            write_geojson(frames["events"], tmp)
        elif fmt == "csv":
            write_csv(frames["events"], tmp)
        elif fmt == "gpkg":
            layers = dict(frames)
            prov = _province_frame(store, view)
            if prov is not None and not prov.empty:
                layers["province_control"] = prov
                counts["province_control"] = len(prov)
            write_gpkg(layers, tmp)
        elif fmt == "kml":
            write_kml(
                {"events": frames["events"], "control": frames["control"]}, tmp, title or _export_title(view)
            )
        else:
            tmp.write_text(_html_for(store, view, frames, title), encoding="utf-8")

    if isinstance(out, str | os.PathLike):
        with atomic_path(out) as tmp:
            write(tmp)
        return ExportResult(Path(out), None, fmt, counts)
    with tempfile.TemporaryDirectory(prefix="conflictmap-export-") as tmpdir:
        tmp = Path(tmpdir) / f"export.{fmt}"
        write(tmp)
        raw = tmp.read_bytes()
    if out is not None:
        out.write(raw)
        return ExportResult(None, None, fmt, counts)
    return ExportResult(None, raw, fmt, counts)


def data_bytes(store: Any, fmt: str, **kwargs: Any) -> bytes:
    """The export as bytes, for the dashboard's download buttons."""
    result = export_data(store, fmt, None, **kwargs)
    assert result.data is not None
    return result.data


def _export_title(view: View) -> str:
    parts = ["conflictmap export"]
    if view.country:
        parts.append(country_name(view.country))
    if view.date:
        parts.append(f"up to {view.date.isoformat()}")
    return ", ".join(parts)


def _province_frame(store: Any, view: View) -> gpd.GeoDataFrame | None:
    from geo.maps import layers as lyr

    prov = lyr.province_control_layer(store, view.date, view.layer_filter())
    if prov.empty:
        return None
    if view.country:
        prov = prov[prov["country_code"] == view.country]
    return normalise(prov, PROVINCE_FIELDS)


def _html_for(store: Any, view: View, frames: dict[str, gpd.GeoDataFrame], title: str | None) -> str:
    from geo.maps import layers as lyr

    day = view.date or store.date_range()[1]
    prov = lyr.province_control_layer(store, day, view.layer_filter())
    if view.country:
        prov = prov[prov["country_code"] == view.country]
    countries, _ = boundaries()
    if view.bbox:
        extent = view.bbox
    elif view.country:
        extent = country_extent(view.country)
    else:
        extent = _data_extent([frames["control"], frames["events"]])
    head = title or _export_title(view)
    return html_document(frames, prov, countries, controller_palette_for(store), head, extent)
