"""The dashboard's only door to the domain: thin calls into `geo` (store, layers, gazetteer), plus caching.

Nothing here decides *what* a layer holds; `geo.maps.layers` does. This module turns the view (date, filters)
into `geo.maps.layers` calls and the results into `geo.render.leaflet.MapLayers`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.urlstate import ViewState
from geo.maps import layers as geo_layers
from geo.render import leaflet as mapview
from geo.store import Store

_MEMO: dict[tuple, object] = {}


def _memo(store: Store, name: str, fn, *extra):
    """Cache a derived value per (store file, store generation, extra key): recomputed after any write.

    The store hands out copies of 100,000-row frames; the sidebar options, colours and bounds need not be
    recomputed from them on every rerun."""
    key = (str(store.path), store.generation(), name, *extra)
    if key not in _MEMO:
        if len(_MEMO) > 64:
            _MEMO.clear()
        _MEMO[key] = fn()
    return _MEMO[key]


def layer_filter(view: ViewState) -> geo_layers.LayerFilter:
    return geo_layers.LayerFilter(
        countries=tuple(view.countries),
        actors=tuple(view.actors),
        kinds=tuple(view.kinds),
        min_confidence=view.min_confidence,
        languages=tuple(view.languages),
        article_ids=(view.article_id,) if view.article_id is not None else (),
    )


def previous_step(date: dt.date, previous: dt.date | None) -> dt.date:
    """The date events count as 'new' after: the previously shown date when the analyst moved forward,
    else the day before (stepping back or a first view shows the day's own events as new)."""
    if previous is not None and previous < date:
        return previous
    return date - dt.timedelta(days=1)


_STATIC_TABLES: dict[tuple, tuple[mapview.PrebuiltTable, mapview.PrebuiltTable]] = {}


def static_tables(
    store: Store, flt: geo_layers.LayerFilter
) -> tuple[mapview.PrebuiltTable, mapview.PrebuiltTable]:
    """Mentions and datelines tables: they do not depend on the date, so they are built once per store
    generation (any write, e.g. an annotation, bumps it) and filter, not on every move of the slider."""
    key = (str(store.path), store.generation(), flt)
    hit = _STATIC_TABLES.get(key)
    if hit is None:
        mentions = mapview.PrebuiltTable.of(*mapview.mention_rows(geo_layers.mentions_layer(store, flt)))
        datelines = mapview.PrebuiltTable.of(*mapview.dateline_rows(geo_layers.datelines_layer(store, flt)))
        if len(_STATIC_TABLES) > 16:
            _STATIC_TABLES.clear()
        hit = _STATIC_TABLES[key] = (mentions, datelines)
    return hit


def _event_row_cache(store: Store, flt: geo_layers.LayerFilter) -> tuple[dict, dict[int, list]]:
    """Display rows (escaped text, interned actors/kinds/articles) of *every* event, built once per store
    generation and filter; moving the date then only picks the rows geo.maps.layers says are visible."""

    def compute() -> tuple[dict, dict[int, list]]:
        every = geo_layers.events_layer(store, None, flt)
        data, _ = mapview.event_rows(every, palette(store), None)
        return data, dict(zip(every["event_id"].astype(int).tolist(), data["rows"], strict=True))

    return _memo(store, "event_rows", compute, flt)


def events_table(
    store: Store, flt: geo_layers.LayerFilter, date: dt.date, since: dt.date | None
) -> mapview.PrebuiltTable:
    """The events layer at `date` (which events, and which are new since `since`: geo.maps.layers decides)."""
    visible = geo_layers.events_layer(store, date, flt, since=since)
    base, by_id = _event_row_cache(store, flt)
    rows = [
        [*by_id[eid][:10], 1 if new else 0, *by_id[eid][11:]]  # index 10 is "new"; the rest kept as built
        for eid, new in zip(visible["event_id"].astype(int).tolist(), visible["is_new"].tolist(), strict=True)
        if eid in by_id
    ]
    data = {**base, "rows": rows}
    return mapview.PrebuiltTable.of(data, len(rows))


def map_layers(store: Store, view: ViewState, date: dt.date, since: dt.date | None) -> mapview.MapLayers:
    """All layers for the view, straight from geo.maps.layers (date-independent ones cached)."""
    flt = layer_filter(view)
    mentions, datelines = static_tables(store, flt)
    return mapview.MapLayers(
        control=geo_layers.control_layer(store, date, flt),
        provinces=geo_layers.province_control_layer(store, date, flt),
        events=events_table(store, flt, date, since),
        mentions=mentions,
        datelines=datelines,
        new_since=since,
    )


def palette(store: Store) -> dict[str, str]:
    """Actor colours from the one palette (geo.render.palette), the same as static maps and exports."""
    from geo.render.palette import store_palette

    return _memo(store, "palette", lambda: store_palette(store))


@dataclass(frozen=True, slots=True)
class Options:
    """Values offered by the sidebar filters (from what the store holds)."""

    countries: tuple[str, ...]
    actors: tuple[str, ...]
    kinds: tuple[str, ...]
    languages: tuple[str, ...]


def options(store: Store) -> Options:
    return _memo(store, "options", lambda: _options(store))


def _options(store: Store) -> Options:
    ev = store.events_df()
    me = store.mentions_df()
    arts = store.articles_df()

    def uniq(*series: pd.Series) -> tuple[str, ...]:
        values: set[str] = set()
        for s in series:
            values.update(v for v in s.dropna().astype(str) if v)
        return tuple(sorted(values))

    return Options(
        countries=uniq(ev["country_code"], me["country_code"]) if len(ev) or len(me) else (),
        actors=uniq(ev["actor"]) if len(ev) else (),
        kinds=uniq(ev["kind"]) if len(ev) else (),
        languages=uniq(arts["language"]) if len(arts) else (),
    )


def events_match(store: Store, view: ViewState) -> bool:
    """Whether the view's filters let through any event at any date (dated or not, placed or not). False
    means the filters match no event at all (mentions carry no actor or kind, so they may still show),
    which the page says, with a way to clear the filters, instead of showing an empty map."""
    flt = layer_filter(view)

    def compute() -> bool:
        return bool(
            len(geo_layers.events_layer(store, None, flt)) or len(geo_layers.undated_events(store, flt))
        )

    return bool(_memo(store, "events_match", compute, flt))


def filters_active(view: ViewState) -> bool:
    """Whether any filter (not the date or the basemap) restricts the view."""
    return bool(view.countries or view.actors or view.kinds or view.languages or view.min_confidence > 0) or (
        view.article_id is not None
    )


def event_dates(store: Store, view: ViewState) -> list[dt.date]:
    """Sorted distinct dates of the (filtered) events, for previous/next-event buttons."""
    flt = layer_filter(view)

    def compute() -> list[dt.date]:
        ev = geo_layers.events_layer(store, None, flt)
        dates = pd.to_datetime(ev["event_date"], errors="coerce").dropna()
        return sorted({d.date() for d in dates})

    return _memo(store, "event_dates", compute, flt)


def date_bounds(store: Store) -> tuple[dt.date, dt.date]:
    """Slider range: article and event dates (a single day when the store is empty)."""
    lo, hi = _memo(store, "date_range", store.date_range)
    if lo is None or hi is None:  # empty store: a two-day range (a slider needs min < max)
        today = dt.date.today()
        return today - dt.timedelta(days=1), today
    if lo == hi:
        return lo - dt.timedelta(days=1), hi
    return lo, hi


_BOUNDARIES: dict[tuple[tuple[str, ...], bool], tuple[dict, bytes]] = {}


def boundaries(country_codes: tuple[str, ...], fill: bool) -> dict:
    """The offline basemap for the map: `{"url": ...}` served by Streamlit itself, or the polygons inline.

    The polygons (about a megabyte) are built once per process (see `_boundaries`); a failure (no
    gazetteer yet) is not cached, so building the gazetteer while the app runs brings the basemap back.
    """
    key = (country_codes, fill)
    hit = _BOUNDARIES.get(key)
    if hit is None:
        inline = _boundaries(country_codes, fill)
        if "error" in inline:
            return inline
        if len(_BOUNDARIES) > 8:
            _BOUNDARIES.clear()
        text = json.dumps(inline, separators=(",", ":"), ensure_ascii=False)
        hit = _BOUNDARIES[key] = (inline, text.encode("utf-8"))
    inline, blob = hit
    return publish(blob, f"boundaries-{'fill' if fill else 'lines'}") or inline


def publish(blob: bytes, stem: str) -> dict | None:
    """Serve `blob` (JSON) from the running Streamlit server's media store, `{"url": "/media/..."}`.

    Why not a file: the app may run from an installed wheel, where its folder (and so `static/`) is
    read-only. Streamlit's media store keeps files in memory under a content-hashed URL on the app's own
    host, so the map fetches the polygons once and the browser caches them, with no outside request and
    without resending them on every rerun. A file is kept while a session's last run added it, so this is
    called on every run (cheap: same bytes, same URL). None when no Streamlit server runs (tests, bench):
    the caller then sends the polygons inline.
    """
    from streamlit import runtime

    if not runtime.exists():
        return None
    url = runtime.get_instance().media_file_mgr.add(
        blob, "application/json", coordinates=f"conflictmap.{stem}", file_name=f"{stem}.json"
    )
    return {"url": url}


def _boundaries(country_codes: tuple[str, ...], fill: bool) -> dict:
    """Offline basemap from the bundled gazetteer: world countries, plus province outlines of the countries
    the data touches (all provinces of the world would be megabytes). Empty if no gazetteer is built."""
    try:
        from geo.gazetteer.lookup import get_gazetteer

        gaz = get_gazetteer()
        countries = gaz.countries()
        provinces = gaz.provinces()
    except Exception as exc:  # no gazetteer built yet: the map still works without a basemap
        return {**mapview.boundary_data(None, None, fill=fill), "error": f"{type(exc).__name__}: {exc}"}
    if country_codes and "country_code" in provinces.columns:
        provinces = provinces[provinces["country_code"].isin(country_codes)]
    else:
        provinces = provinces.iloc[0:0]
    return mapview.boundary_data(countries, provinces, fill=fill)


def data_countries(store: Store) -> tuple[str, ...]:
    return _memo(store, "countries", lambda: _data_countries(store))


def _data_countries(store: Store) -> tuple[str, ...]:
    ev = store.events_df()
    me = store.mentions_df()
    codes: set[str] = set()
    for df in (ev, me):
        if len(df):
            codes.update(str(c) for c in df["country_code"].dropna() if c)
    return tuple(sorted(codes))


def default_store_path() -> Path:
    from geo.store import default_db_path

    return default_db_path()


def data_bounds(store: Store) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) around the events (else mentions), to frame the map when it opens."""
    return _memo(store, "bounds", lambda: _data_bounds(store))


def _data_bounds(store: Store) -> tuple[float, float, float, float] | None:
    for df in (store.events_df(), store.mentions_df()):
        pts = df[df["latitude"].notna() & df["longitude"].notna()] if len(df) else df
        if len(pts):
            lat, lon = pts["latitude"].astype(float), pts["longitude"].astype(float)
            return (float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max()))
    return None
