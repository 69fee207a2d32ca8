"""The compact JSON tables the Leaflet map draws: one table per layer, built from `geo.maps.layers` frames.

Why tables and not folium objects: 10,000 events and 100,000 mentions must fit in a few MB, so each layer
ships rows of values with repeated strings interned, and a few lines of JS (`scripts`) build markers and
lazy popups from them. Every string that reaches HTML is escaped here with `html.escape` before it goes
into a table; the JS only concatenates those escaped strings into fixed markup.

Polygons arrive already cut at the antimeridian: the gazetteer build does it once for every boundary
(`geo.gazetteer.build.split_antimeridian`), so nothing here re-checks them.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.kinds import KINDS
from geo.render.palette import LAND, UNKNOWN

EVIDENCE_MAX = 320  # characters of evidence in a popup; the side panel shows the whole sentence


def _missing(value: Any) -> bool:
    """None, NaN, NaT and pd.NA (but not lists or strings)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def esc(value: Any) -> str:
    """HTML-escape anything for the map (missing values become '')."""
    if _missing(value):
        return ""
    return html.escape(str(value), quote=True)


_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")


def js_json(data: Any) -> str:
    """JSON that is safe inside a <script> element and inside JS eval (no `</script>`, no `<!--`), and
    inert if some library compiles it as a Jinja template (no `{{`, `{%`, `{#`: article text may hold them;
    structural JSON braces are never followed by those characters)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _JINJA_OPENERS.sub(r"\\u007b", text)


#: Precisions whose date is a stand-in (a month or year is stored as its first day): shown with "≈" and
#: drawn with a dashed outline, so a capture "in 2014" is not read as a capture on 1 January 2014.
APPROXIMATE = frozenset({"month", "year"})
#: The label of a place whose holder withdrew and nobody took over (controller None, state "vacated").
VACATED = "vacated (no holder)"
_CUT = {"month": 7, "year": 4}


def precise_text(iso_day: str, precision: Any) -> str:
    """'2021-08-12 (day)'; a month or year precision prints '≈ 2021-08 (month precision)' or
    '≈ 2014 (year precision)' (no made-up days, and the approximation is said)."""
    if not iso_day:
        return ""
    if not precision or _missing(precision):
        return iso_day
    if precision in APPROXIMATE:
        return f"≈ {iso_day[: _CUT[precision]]} ({precision} precision)"
    return f"{iso_day} ({precision})"


def date_text(value: Any, precision: Any = None) -> str:
    """A date honest to its precision (see `precise_text`); 'undated' when missing."""
    if _missing(value):
        return "undated"
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return precise_text(text, precision)


def holder_text(controller: Any, state: Any) -> str:
    """Who holds a place: the controller, `VACATED` for a place left empty, else 'unknown'
    (never 'nan' or 'None' from a missing value)."""
    if not _missing(controller) and str(controller).strip():
        return str(controller)
    return VACATED if not _missing(state) and state == "vacated" else "unknown"


class _Interner:
    """Index repeated strings (actors, articles, kinds) so each is sent once per layer."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        if value not in self._index:
            self._index[value] = len(self.values)
            self.values.append(value)
        return self._index[value]


def _points(df: pd.DataFrame | None, keep: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows with usable coordinates as `lat`/`lon` (from latitude/longitude or a point geometry); with
    `keep`, only those other columns are carried (100,000-row layers are costly to copy whole)."""
    empty = pd.DataFrame({"lat": pd.Series(dtype=float), "lon": pd.Series(dtype=float)})
    if df is None or len(df) == 0:
        return empty
    if "latitude" in df.columns and "longitude" in df.columns:
        lat, lon = df["latitude"], df["longitude"]
    elif "lat" in df.columns and "lon" in df.columns:
        lat, lon = df["lat"], df["lon"]
    elif "geometry" in df.columns:
        geom = df["geometry"]
        lat = pd.Series([g.y if g is not None and not g.is_empty else math.nan for g in geom], index=df.index)
        lon = pd.Series([g.x if g is not None and not g.is_empty else math.nan for g in geom], index=df.index)
    else:
        return empty
    cols = [c for c in (keep if keep is not None else df.columns) if c in df.columns and c != "geometry"]
    out = pd.DataFrame(df[cols]) if cols else pd.DataFrame(index=df.index)
    out["lat"] = pd.to_numeric(lat, errors="coerce").to_numpy()
    out["lon"] = pd.to_numeric(lon, errors="coerce").to_numpy()
    return out[out["lat"].notna() & out["lon"].notna()]


def _strings(df: pd.DataFrame, name: str) -> list[str]:
    """A column as Python strings, missing values as '' (vectorised: layers have up to 100,000 rows)."""
    if name not in df.columns or len(df) == 0:
        return [""] * len(df)
    col = df[name]
    missing = col.isna().to_numpy()
    values = col.astype(object).to_numpy()
    return ["" if m else (v if isinstance(v, str) else str(v)) for v, m in zip(values, missing, strict=True)]


def _escaped(values: list[str]) -> list[str]:
    """html.escape each value, once per distinct value (titles, actors and statuses repeat a lot)."""
    cache: dict[str, str] = {}
    out = []
    for v in values:
        e = cache.get(v)
        if e is None:
            e = cache[v] = html.escape(v, quote=True)
        out.append(e)
    return out


def _coords(df: pd.DataFrame, name: str) -> list[float]:
    return df[name].astype(float).round(4).tolist()


def _dates(df: pd.DataFrame, name: str, precision: str | None = None) -> list[str]:
    """Dates as text honest to their precision ('≈ 2018-07 (month precision)'), '' when missing."""
    if name not in df.columns or len(df) == 0:
        return [""] * len(df)
    dates = pd.to_datetime(df[name], errors="coerce")
    text = _strings(pd.DataFrame({"d": dates.dt.strftime("%Y-%m-%d")}), "d")
    if not precision:
        return text
    return [precise_text(t, p) for t, p in zip(text, _strings(df, precision), strict=True)]


def _approximate(df: pd.DataFrame, precision: str) -> list[int]:
    """1 where the row's date precision is a month or a year (drawn dashed), else 0."""
    return [1 if p in APPROXIMATE else 0 for p in _strings(df, precision)]


def _articles(df: pd.DataFrame) -> list[str]:
    return [t.strip() or s for t, s in zip(_strings(df, "title"), _strings(df, "source"), strict=True)]


def _statuses(df: pd.DataFrame) -> list[str]:
    out = []
    for st, nt in zip(_strings(df, "status"), _strings(df, "notes"), strict=True):
        text = STATUS_TEXT.get(st or "auto", st)
        if nt.strip():
            text += " · note: " + nt.strip().replace("\n", "; ")
        out.append(text)
    return out


def _get(row: Any, name: str, default: Any = None) -> Any:
    value = row.get(name, default) if hasattr(row, "get") else getattr(row, name, default)
    return default if _missing(value) else value


def _controller(row: dict) -> str:
    """The holder's name; a vacated place (controller None) is labelled so, not 'unknown'."""
    return holder_text(_get(row, "controller") or _get(row, "actor"), _get(row, "state"))


STATUS_TEXT = {
    "auto": "automatic",
    "confirmed": "confirmed by analyst",
    "edited": "corrected by analyst",
    "rejected": "rejected by analyst",
}


def control_points(control: pd.DataFrame | None, colours: dict[str, str]) -> tuple[dict, int]:
    """Places whose latest controller at the date is known: one circle per place, in the actor's colour.

    Columns of geo.maps.layers.control_layer: name, controller (None when vacated), state, since,
    since_precision, last_confirmed, evidence, title/source, status; coordinates latitude/longitude.
    Row: lat, lon, name, actor index, since, last confirmed, evidence, article index, status, approximate
    (1 when `since` has month or year precision: the JS draws a dashed outline).
    """
    df = _points(control)
    n = len(df)
    actors, articles = _Interner(), _Interner()
    colour_list: list[str] = []
    holders = [
        holder_text(c, st) for c, st in zip(_strings(df, "controller"), _strings(df, "state"), strict=True)
    ]
    actor_idx = []
    for actor in holders:
        ai = actors(esc(actor))
        if ai == len(colour_list):
            colour_list.append(colours.get(actor, UNKNOWN))
        actor_idx.append(ai)
    rows = [
        list(r)
        for r in zip(
            _coords(df, "lat"),
            _coords(df, "lon"),
            _escaped(_strings(df, "name")),
            actor_idx,
            _escaped(_dates(df, "since", "since_precision")),
            _escaped(_dates(df, "last_confirmed")),
            _escaped([e[:EVIDENCE_MAX] for e in _strings(df, "evidence")]),
            [articles(a) for a in _escaped(_articles(df))],
            _escaped(_statuses(df)),
            _approximate(df, "since_precision"),
            strict=True,
        )
    ]
    return {"rows": rows, "actors": actors.values, "colours": colour_list, "articles": articles.values}, n


def event_rows(
    events: pd.DataFrame | None, colours: dict[str, str], new_since: dt.date | None
) -> tuple[dict, int]:
    """Events up to the date, icon by kind, colour by actor; `new` when dated after `new_since`.

    Columns of geo.maps.layers.events_layer: kind, actor, place, event_date, date_precision, where_precision,
    evidence, title/source, status, is_new; coordinates latitude/longitude. `is_new` wins over `new_since`.
    Row: lat, lon, kind index, actor index, date, place, evidence, article index, status, where precision,
    new (0/1), approximate (1 for a month- or year-precision date: dashed outline).
    """
    df = _points(events)
    kinds, actors, articles = _Interner(), _Interner(), _Interner()
    colour_list: list[str] = []
    actor_idx = []
    for actor in _escaped([a or "unknown" for a in _strings(df, "actor")]):
        ai = actors(actor)
        if ai == len(colour_list):
            colour_list.append(colours.get(html.unescape(actor), UNKNOWN))
        actor_idx.append(ai)
    if "is_new" in df.columns:
        is_new = [1 if v is True or v == 1 else 0 for v in df["is_new"].astype(object).tolist()]
    elif new_since is not None and "event_date" in df.columns:
        dates = pd.to_datetime(df["event_date"], errors="coerce")
        is_new = (dates > pd.Timestamp(new_since)).astype(int).tolist()
    else:
        is_new = [0] * len(df)
    places = [p or q for p, q in zip(_strings(df, "place"), _strings(df, "place_text"), strict=True)]
    rows = [
        list(r)
        for r in zip(
            _coords(df, "lat"),
            _coords(df, "lon"),
            [kinds(esc(k or "other")) for k in _strings(df, "kind")],
            actor_idx,
            _escaped(_dates(df, "event_date", "date_precision")),
            _escaped(places),
            _escaped([e[:EVIDENCE_MAX] for e in _strings(df, "evidence")]),
            [articles(a) for a in _escaped(_articles(df))],
            _escaped(_statuses(df)),
            _escaped(_strings(df, "where_precision")),
            is_new,
            _approximate(df, "date_precision"),
            strict=True,
        )
    ]
    data = {
        "rows": rows,
        "kinds": kinds.values,
        "actors": actors.values,
        "colours": colour_list,
        "articles": articles.values,
        "symbols": {kind.name: kind.symbol for kind in KINDS},
    }
    return data, len(rows)


def mention_rows(mentions: pd.DataFrame | None) -> tuple[dict, int]:
    """All mentions, aggregated per resolved place (100,000 mentions are a few thousand places).

    Columns of geo.maps.layers.mentions_layer: name, latitude/longitude, article_id, status (one row per
    mention); a `count` column, if present, is summed (pre-aggregated input).
    """
    df = _points(mentions, keep=("name", "article_id", "status", "count"))
    if len(df) == 0:
        return {"rows": []}, 0
    df = df.assign(
        lat=df["lat"].astype(float).round(4),
        lon=df["lon"].astype(float).round(4),
        place=df["name"] if "name" in df.columns else "",
        count=df["count"] if "count" in df.columns else 1,
        article_id=df["article_id"] if "article_id" in df.columns else 0,
        status=(df["status"].astype(object).fillna("") if "status" in df.columns else ""),
    )
    grouped = df.groupby(["lat", "lon"], sort=False).agg(
        place=("place", "first"), count=("count", "sum"), articles=("article_id", "nunique")
    )
    statuses = (
        df[df["status"].isin(["confirmed", "edited"])].groupby(["lat", "lon"], sort=False)["status"].size()
    )
    rows = []
    for (lat, lon), place, count, n_articles in zip(
        grouped.index, grouped["place"], grouped["count"], grouped["articles"], strict=True
    ):
        annotated = int(statuses.get((lat, lon), 0))
        rows.append(
            [
                lat,
                lon,
                esc(place),
                int(count),
                int(n_articles),
                f"{annotated} annotated" if annotated else "",
            ]
        )
    return {"rows": rows}, int(df["count"].sum())


def dateline_rows(datelines: pd.DataFrame | None) -> tuple[dict, int]:
    """Where each article was filed: one marker per place, listing (up to 20 of) its articles."""
    df = _points(datelines, keep=("name", "title", "source"))
    if len(df) == 0:
        return {"rows": []}, 0
    df = df.assign(
        lat=df["lat"].astype(float).round(4),
        lon=df["lon"].astype(float).round(4),
        place=_strings(df, "name"),
        article=_articles(df),
    )
    rows = []
    for (lat, lon), group in df.groupby(["lat", "lon"], sort=False):
        titles = [esc(t) for t in dict.fromkeys(a for a in group["article"] if a)]
        more = f"<br>... and {len(titles) - 20} more" if len(titles) > 20 else ""
        rows.append([lat, lon, esc(group["place"].iloc[0]), "<br>".join(titles[:20]) + more])
    return {"rows": rows}, len(df)


def _geometry_json(geom: Any, tolerance: float) -> dict | None:
    if geom is None or geom.is_empty:
        return None
    if tolerance > 0:
        geom = geom.simplify(tolerance, preserve_topology=True)
    mapping = json.loads(json.dumps(geom.__geo_interface__, default=float))
    return _round_coords(mapping)


def _round_coords(obj: Any, digits: int = 3) -> Any:
    if isinstance(obj, dict):
        return {k: _round_coords(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if obj and all(isinstance(v, (int, float)) for v in obj):
            return [round(float(v), digits) for v in obj]
        return [_round_coords(v, digits) for v in obj]
    return obj


_PROVINCE_GEOMETRY: dict[tuple[int, float], dict | None] = {}


def _province_geometry(geonameid: int, geom: Any, tolerance: float) -> dict | None:
    """Simplified province outline, computed once per province (the polygons never change at run time)."""
    key = (geonameid, tolerance)
    if key not in _PROVINCE_GEOMETRY:
        if len(_PROVINCE_GEOMETRY) > 20_000:
            _PROVINCE_GEOMETRY.clear()
        _PROVINCE_GEOMETRY[key] = _geometry_json(geom, tolerance)
    return _PROVINCE_GEOMETRY[key]


def province_rows(
    provinces: pd.DataFrame | None, colours: dict[str, str], tolerance: float = 0.01
) -> tuple[dict, int]:
    """Province polygons shaded by who holds the province's capital (geo.maps.layers.province_control_layer).

    Columns of geo.maps.layers.province_control_layer: geometry, name, controller, state, seat_name, since,
    since_precision, evidence.
    """
    if provinces is None or len(provinces) == 0 or "geometry" not in provinces.columns:
        return {"fc": {"type": "FeatureCollection", "features": []}, "actors": [], "colours": []}, 0
    actors = _Interner()
    colour_list: list[str] = []
    features = []
    for row in provinces.to_dict("records"):
        gid = _get(row, "geonameid")
        geometry = (
            _province_geometry(int(gid), row.get("geometry"), tolerance)
            if gid is not None
            else (_geometry_json(row.get("geometry"), tolerance))
        )
        if geometry is None:
            continue
        actor = _controller(row)
        ai = actors(esc(actor))
        if ai == len(colour_list):
            colour_list.append(colours.get(actor, UNKNOWN))
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "n": esc(_get(row, "name", "")),
                    "a": ai,
                    "c": esc(_get(row, "seat_name", "")),
                    "d": esc(date_text(_get(row, "since"), _get(row, "since_precision"))),
                    "e": esc(str(_get(row, "evidence", ""))[:EVIDENCE_MAX]),
                    "u": 1 if _get(row, "since_precision") in APPROXIMATE else 0,
                },
            }
        )
    data = {
        "fc": {"type": "FeatureCollection", "features": features},
        "actors": actors.values,
        "colours": colour_list,
    }
    return data, len(features)


def boundary_data(
    countries: pd.DataFrame | None,
    provinces: pd.DataFrame | None,
    *,
    fill: bool,
    country_tolerance: float = 0.05,
    province_tolerance: float = 0.02,
) -> dict:
    """The offline basemap: simplified country polygons (and province outlines where given)."""

    def fc(df: pd.DataFrame | None, tolerance: float) -> dict:
        features = []
        if df is not None and len(df) and "geometry" in df.columns:
            for geom in df["geometry"]:
                g = _geometry_json(geom, tolerance)
                if g is not None:
                    features.append({"type": "Feature", "geometry": g, "properties": {}})
        return {"type": "FeatureCollection", "features": features}

    return {
        "countries": fc(countries, country_tolerance),
        "provinces": fc(provinces, province_tolerance),
        "fill": LAND if fill else "",
    }


@dataclass(frozen=True, slots=True)
class PrebuiltTable:
    """A layer table built once and reused (mentions and datelines do not depend on the date); its JSON
    is serialised once too."""

    data: dict
    count: int
    json: str = ""

    @classmethod
    def of(cls, data: dict, count: int) -> PrebuiltTable:
        return cls(data, count, js_json(data))
