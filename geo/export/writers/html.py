"""A standalone HTML page: the dashboard's Leaflet map of the view, saved as one file that works offline.

The page is built by the dashboard's own renderer (`geo.render.leaflet`), so it shows the same symbols,
colours, popups and legend; `geo.render.leaflet.standalone` inlines the vendored Leaflet files and refuses
to return a page that would load anything from elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.export.frames import restrict
from geo.export.view import attribution_text, boundaries, country_extent, data_extent
from geo.export.writers import DataJob
from geo.render import leaflet
from geo.render.leaflet.standalone import standalone_page
from geo.render.mapparts import NO_DATA_NOTE
from geo.render.palette import store_palette

# Mentions are aggregated per place, but a page for 100,000 of them is still a burden to mail and to
# open; the GeoPackage export has them all.
HTML_MAX_MENTIONS = 5_000


def is_empty(job: DataJob) -> bool:
    """True when none of the job's layers has a row: the view holds no data at its date."""
    return all(frame is None or len(frame) == 0 for frame in job.raw.values())


def write(job: DataJob, path: Path) -> None:
    path.write_text(html_page(job), encoding="utf-8")


def html_page(job: DataJob) -> str:
    """The page for a data job: control, provinces by capital, events, mentions and datelines of the view.

    Only the job's layers are on the page (`conflictmap map --layers events --out x.html`): provinces
    shaded by their holder go with `control`, article datelines with `mentions`. A page with nothing to
    show says "No data at this date" rather than being an empty map.
    """
    from geo.maps import layers as lyr

    store, view = job.store, job.view
    flt = view.layer_filter()
    day = view.date or store.date_range()[1]
    provinces: gpd.GeoDataFrame | None = None
    if "control" in job.raw:
        provinces = lyr.province_control_layer(store, day, flt)
        if view.country and "country_code" in provinces:
            provinces = provinces[provinces["country_code"] == view.country]
    notes: list[str] = []
    if is_empty(job):
        notes.append(NO_DATA_NOTE)
    mentions: gpd.GeoDataFrame | None = job.raw.get("mentions")
    if mentions is not None and len(mentions) > HTML_MAX_MENTIONS:
        notes.append(f"{len(mentions):,} mentions not drawn (over {HTML_MAX_MENTIONS:,}; see the GeoPackage)")
        mentions = None
    datelines = restrict(lyr.datelines_layer(store, flt), view) if "mentions" in job.raw else None
    layers = leaflet.MapLayers(
        control=job.raw.get("control"),
        provinces=provinces,
        events=job.raw.get("events"),
        mentions=mentions,
        datelines=datelines,
    )
    if view.bbox:
        west, south, east, north = view.bbox
    elif view.country:
        west, south, east, north = country_extent(view.country)
    else:
        west, south, east, north = data_extent([job.raw.get("control"), job.raw.get("events")])
    built = leaflet.build_map(
        layers,
        _basemap(job),
        store_palette(store),
        center=((south + north) / 2, (west + east) / 2),
        bounds=(south, west, north, east),
    )
    return standalone_page(built, title=job.title, notes=notes, attribution=attribution_text())


def _basemap(job: DataJob) -> dict:
    """World countries, and province outlines of the countries the view's data lie in (as the dashboard)."""
    countries, provinces = boundaries()
    codes: set[str] = set()
    for frame in job.raw.values():
        if frame is not None and "country_code" in frame:
            codes.update(str(c) for c in frame["country_code"].dropna() if c)
    if job.view.country:
        codes.add(job.view.country)
    if provinces is not None and "country_code" in provinces:
        provinces = provinces[provinces["country_code"].isin(sorted(codes))]
    return leaflet.boundary_data(countries, provinces, fill=True)
