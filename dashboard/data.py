"""The dashboard's only door to the domain: thin calls into `geo` (store, layers, gazetteer), plus caching.

Nothing here decides *what* a layer holds; `geo.layers` does. This module turns the view (date, filters)
into `geo.layers` calls and the results into `dashboard.mapview.MapLayers`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard import mapview
from dashboard.urlstate import ViewState
from geo import layers as geo_layers
from geo.store import Store


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


def map_layers(store: Store, view: ViewState, date: dt.date, since: dt.date | None) -> mapview.MapLayers:
    """All date-dependent layers for the view, straight from geo.layers."""
    flt = layer_filter(view)
    return mapview.MapLayers(
        control=geo_layers.control_layer(store, date, flt),
        provinces=geo_layers.province_control_layer(store, date, flt),
        events=geo_layers.events_layer(store, date, flt, since=since),
        mentions=geo_layers.mentions_layer(store, flt),
        datelines=geo_layers.datelines_layer(store, flt),
        new_since=since,
    )


def palette(store: Store) -> dict[str, str]:
    """Actor colours shared with the static map export (geo.staticmap), stable for a given store."""
    from geo.staticmap import controller_palette

    events = store.events_df()
    return controller_palette(events["actor"]) if len(events) else {}


@dataclass(frozen=True, slots=True)
class Options:
    """Values offered by the sidebar filters (from what the store holds)."""

    countries: tuple[str, ...]
    actors: tuple[str, ...]
    kinds: tuple[str, ...]
    languages: tuple[str, ...]


def options(store: Store) -> Options:
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


def event_dates(store: Store, view: ViewState) -> list[dt.date]:
    """Sorted distinct dates of the (filtered) events, for previous/next-event buttons."""
    ev = geo_layers.events_layer(store, None, layer_filter(view))
    dates = pd.to_datetime(ev["event_date"], errors="coerce").dropna()
    return sorted({d.date() for d in dates})


def date_bounds(store: Store) -> tuple[dt.date, dt.date]:
    """Slider range: article and event dates (a single day when the store is empty)."""
    lo, hi = store.date_range()
    if lo is None or hi is None:
        today = dt.date.today()
        return today, today
    if lo == hi:
        return lo - dt.timedelta(days=1), hi
    return lo, hi


@lru_cache(maxsize=8)
def boundaries(country_codes: tuple[str, ...], fill: bool) -> dict:
    """Offline basemap from the bundled gazetteer: world countries, plus province outlines of the countries
    the data touches (all provinces of the world would be megabytes). Empty if no gazetteer is built."""
    try:
        from geo.gazetteer import get_gazetteer

        gaz = get_gazetteer()
        countries = gaz.countries()
        provinces = gaz.provinces()
    except Exception:  # no gazetteer built yet: the map still works without a basemap
        return mapview.boundary_data(None, None, fill=fill)
    if country_codes and "country_code" in provinces.columns:
        provinces = provinces[provinces["country_code"].isin(country_codes)]
    else:
        provinces = provinces.iloc[0:0]
    return mapview.boundary_data(countries, provinces, fill=fill)


def data_countries(store: Store) -> tuple[str, ...]:
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
    for df in (store.events_df(), store.mentions_df()):
        pts = df[df["latitude"].notna() & df["longitude"].notna()] if len(df) else df
        if len(pts):
            lat, lon = pts["latitude"].astype(float), pts["longitude"].astype(float)
            return (float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max()))
    return None
