"""Static maps (PNG, SVG, PDF) of a view of the store: `render_map` and `map_bytes`.

The store becomes a `geo.render.staticmap.MapData` here (layers from `geo.maps.layers`, boundaries from
the gazetteer, actor colours from `geo.render.palette`); the drawing itself knows nothing of the store.
Files are written through `geo.fileio.atomic_path`: an error never leaves half a picture behind.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.export import formats
from geo.export.frames import LAYERS, layer_frames
from geo.export.frames import n_articles as count_articles
from geo.export.view import (
    ExportError,
    View,
    attribution_text,
    boundaries,
    country_name,
    data_extent,
    in_bbox,
    resolve_view_extent,
)
from geo.fileio import atomic_path, check_output
from geo.model import BBox
from geo.render import staticmap
from geo.render.palette import store_palette
from geo.render.staticmap import MapData, as_date


@dataclass(slots=True)
class MapResult:
    """What `render_map` produced: the file (or bytes), what was drawn, and the view used."""

    path: Path | None
    data: bytes | None
    fmt: str
    extent: BBox
    stats: staticmap.DrawStats
    n_articles: int
    palette: dict[str, str] = field(default_factory=dict)

    def counts_text(self) -> str:
        s = self.stats
        return (
            f"{s.events} events, {s.control_places} places that changed hands, "
            f"{s.provinces_shaded} provinces shaded, {self.n_articles} source articles"
        )


def check_layers(layers: Sequence[str]) -> tuple[str, ...]:
    """The layers a map should show, or ExportError naming the first unknown one."""
    layers = tuple(layers)
    unknown = [x for x in layers if x not in LAYERS]
    if unknown:
        raise ExportError(f"unknown layer {unknown[0]!r}; use {', '.join(LAYERS)}")
    return layers


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
    layers = check_layers(layers)
    day, since_day = as_date(date), as_date(since)
    if day is None:
        day = store.date_range()[1]
    if day is not None and since_day is not None and since_day > day:
        raise ExportError(f"empty date range: since {since_day} is after {day}")
    cc, view_extent = resolve_view_extent(country, bbox)
    frames = layer_frames(store, View(day, since_day, None, None, flt), layers)
    province_control = None
    if "control" in layers:
        from geo.maps import layers as lyr

        province_control = lyr.province_control_layer(store, day, View(flt=flt).layer_filter())
    if extent is None:
        extent = view_extent or data_extent([frames.get("control"), frames.get("events")])
    box = staticmap.as_bbox(extent)
    shown = {k: in_bbox(v, box) for k, v in frames.items()}
    n_articles = count_articles(shown)
    countries, provinces = boundaries()
    if palette is None:
        palette = store_palette(store)
    where = country_name(cc) if cc else None
    head = title or (
        f"{where}: territorial control and events" if where else "Territorial control and events"
    )
    when = _fmt_date(day) if day else "no dated events"
    if since_day is not None:
        when = f"{when} (events since {_fmt_date(since_day)})"
    attribution = f"{attribution_text()} | Source articles: {n_articles} | Made with conflictmap"
    data = MapData(
        extent=box,
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


def _fmt_date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


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
    `fmt`: png | svg | pdf (default: the path's suffix, else png; a path must end in the format's
    suffix). `country` (ISO alpha-2) or `bbox`
    (W, S, E, N) choose the view; neither = the extent of the data. `flt` is a geo.maps.layers.LayerFilter.
    """
    store_path = getattr(store, "path", None)
    if isinstance(out, str | os.PathLike):
        check_output(out, store=store_path)  # never the store, another SQLite file or a device
        if fmt is None:
            fmt = Path(out).suffix
    static = formats.get("png" if fmt is None else fmt, "map")
    fmt = static.name
    if isinstance(out, str | os.PathLike):
        formats.check_suffix(static, out)  # PNG bytes in a .svg would open nowhere
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
        with atomic_path(out, store=store_path) as tmp:
            stats = static.write(data, tmp, fmt=fmt, dpi=int(dpi))
        path = Path(out)
    elif out is None:
        buf = io.BytesIO()
        stats = static.write(data, buf, fmt=fmt, dpi=int(dpi))
        raw = buf.getvalue()
    else:
        stats = static.write(data, out, fmt=fmt, dpi=int(dpi))
    return MapResult(path, raw, fmt, data.extent, stats, n_articles, data.palette)


def map_bytes(store: Any, date: Any = None, *, fmt: str = "png", **kwargs: Any) -> bytes:
    """The map as bytes, for the dashboard's download button (same picture as `render_map`)."""
    result = render_map(store, date, out=None, fmt=fmt, **kwargs)
    assert result.data is not None
    return result.data
