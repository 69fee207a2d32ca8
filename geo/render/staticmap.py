"""Static map drawing (PNG/SVG/PDF) from ready-made GeoDataFrames, offline, with matplotlib's Agg backend.

This module knows nothing about the store: `geo.export.maps` turns a store plus a view (date, country, bbox,
layers) into a `MapData` and calls `draw_map`. Keeping the drawing pure makes it testable on frames built
by hand and lets the dashboard draw exactly the same picture for its current view.

Speed matters (10,000 events in well under 5 s): boundaries are simplified once per zoom level and cached,
each event kind is one `scatter` call, and labels are placed with measured text extents, not loops over
points.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

# No pyplot and no matplotlib.use(): figures are built on an explicit Agg canvas, so importing this
# module changes nothing global (the dashboard imports it) and works headless and in threads.
import geopandas as gpd
import matplotlib.colors
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from geo import kinds
from geo.model import BBox
from geo.render.mapparts import NO_DATA_NOTE, fit_title, place_labels, scale_bar
from geo.render.palette import CHANGE_HALO, LAND, NEIGHBOUR, NO_CONTROLLER, SEA, VACATED, controller_palette

FORMATS = ("png", "svg", "pdf")
WORLD: BBox = (-180.0, -90.0, 180.0, 90.0)

EVENT_SIZE = 24.0  # marker area (points^2) of a single event; stacks grow with their count, up to 10x
# Province outlines only up to continental views; on a world map 4,600 outlines are a grey smudge.
PROVINCE_OUTLINE_MAX_SPAN = 60.0

DEFAULT_ATTRIBUTION = "Boundaries: Natural Earth (public domain). Places: GeoNames (CC BY 4.0)."


@dataclass(slots=True)
class MapData:
    """Everything one static map shows, already filtered to the view.

    Frames may be empty or None. Expected columns (extra columns are ignored):
    - `countries`: polygons; `country_code` (to tell the focus country from its neighbours).
    - `provinces`: polygons, outlines only (a long-lived frame such as the gazetteer's: simplified once).
    - `province_control`: polygons with `controller` (who holds the province's capital), shaded.
    - `control`: points of places whose control changed up to the date; `name`, `controller`,
      optional `since` (date of the latest change: the newest changes get labels first).
    - `events`: points; `kind` (one of geo.kinds.KIND_NAMES).
    - `mentions`: points.
    """

    extent: BBox
    title: str
    attribution: str = DEFAULT_ATTRIBUTION
    countries: gpd.GeoDataFrame | None = None
    provinces: gpd.GeoDataFrame | None = None
    province_control: gpd.GeoDataFrame | None = None
    control: gpd.GeoDataFrame | None = None
    events: gpd.GeoDataFrame | None = None
    mentions: gpd.GeoDataFrame | None = None
    focus_country: str | None = None
    changed_since: dt.date | None = None
    palette: dict[str, str] = field(default_factory=dict)
    max_labels: int = 30


@dataclass(slots=True)
class DrawStats:
    """What `draw_map` actually drew; the CLI prints a summary and tests check it."""

    events: int = 0
    mentions: int = 0
    control_places: int = 0
    provinces_shaded: int = 0
    labels: int = 0
    labels_dropped: int = 0
    changed: int = 0

    @property
    def no_data(self) -> bool:
        """Nothing of the asked-for layers is in view at this date (the map says so; the CLI exits 1)."""
        return not (self.events or self.mentions or self.control_places or self.provinces_shaded)


# --------------------------------------------------------------------------------------------- helpers


def _marker_path(marker: str) -> MplPath:
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


_MARKER_PATHS = {kind.name: _marker_path(kind.marker) for kind in kinds.KINDS}


def aggregate_events(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Events counted per (point, kind): columns x, y, kind, count (unknown kinds count as "other")."""
    names = events["kind"] if "kind" in events else pd.Series(kinds.FALLBACK, index=events.index)
    names = names.fillna(kinds.FALLBACK).astype(str)
    names = names.where(names.isin(kinds.KIND_NAMES), kinds.FALLBACK)
    frame = pd.DataFrame(
        {
            "x": np.round(events.geometry.x.to_numpy(), 5),
            "y": np.round(events.geometry.y.to_numpy(), 5),
            "kind": names.to_numpy(),
        }
    )
    return frame.groupby(["x", "y", "kind"], sort=False).size().rename("count").reset_index()


def _controllers(*frames: gpd.GeoDataFrame | None) -> list[Any]:
    out: list[Any] = []
    for f in frames:
        if f is not None and "controller" in f:
            out.extend(f["controller"].tolist())
    return out


def as_bbox(values: Sequence[float]) -> BBox:
    """Four numbers as a (w, s, e, n) tuple of floats; ValueError unless there are exactly four."""
    w, s, e, n = (float(v) for v in values)
    return (w, s, e, n)


def padded_extent(bounds: Sequence[float], pad: float = 0.06, min_span: float = 1.0) -> BBox:
    """Pad a (w, s, e, n) box on every side and give it a minimum size (a single point needs a view)."""
    w, s, e, n = (float(v) for v in bounds)
    cx, cy = (w + e) / 2, (s + n) / 2
    half_w = max(e - w, min_span) / 2 * (1 + 2 * pad)
    half_h = max(n - s, min_span) / 2 * (1 + 2 * pad)
    return (
        max(cx - half_w, -180.0),
        max(cy - half_h, -90.0),
        min(cx + half_w, 180.0),
        min(cy + half_h, 90.0),
    )


def _aspect(extent: Sequence[float]) -> float:
    """Plate carrée looks right only near the equator; stretch y by 1/cos(mid-latitude) like geopandas."""
    mid = (extent[1] + extent[3]) / 2
    return 1.0 / max(math.cos(math.radians(mid)), 0.05)


def _fit_extent(extent: Sequence[float], aspect: float, box_w: float, box_h: float) -> BBox:
    """Grow the view (never shrink it) so that it fills an axes box of box_w x box_h inches exactly."""
    w, s, e, n = extent
    dx, dy = e - w, n - s
    want = box_h / box_w  # (dy * aspect) / dx must equal this
    if dy * aspect / dx < want:
        grow = (want * dx / aspect - dy) / 2
        s, n = s - grow, n + grow
    else:
        grow = (dy * aspect / want - dx) / 2
        w, e = w - grow, e + grow
    return (w, s, e, n)


class _SimplifyCache:
    """Per-frame, per-zoom-level simplified geometries, computed lazily for the rows a view needs.

    Boundaries are drawn at about one pixel of precision: a country view needs a tolerance of ~0.01 deg,
    a world view ~0.3 deg. Simplifying only what is in view and keeping it per level makes the second
    map of a region nearly free (a dashboard download, every frame of a series).
    """

    def __init__(self) -> None:
        self._frames: dict[int, tuple[gpd.GeoDataFrame, np.ndarray, dict[int, np.ndarray]]] = {}

    def get(self, frame: gpd.GeoDataFrame, level: int, rows: np.ndarray) -> np.ndarray:
        key = id(frame)
        hit = self._frames.get(key)
        if hit is None or hit[0] is not frame:
            if len(self._frames) > 8:
                self._frames.clear()
            hit = (frame, np.asarray(frame.geometry.values), {})
            self._frames[key] = hit
        _, geoms, levels = hit
        done = levels.setdefault(level, np.full(len(geoms), None, dtype=object))
        missing = rows[np.array([g is None for g in done[rows]], dtype=bool)]
        if len(missing):
            tolerance = 360.0 / (2**level) / 1200.0  # about a pixel of a 1200 px wide map at that zoom
            done[missing] = shapely.simplify(geoms[missing], tolerance, preserve_topology=True)
        return done[rows]


_SIMPLIFIED = _SimplifyCache()


def _polygons(frame: gpd.GeoDataFrame, extent: Sequence[float], cache: bool = True) -> gpd.GeoDataFrame:
    """The polygons of `frame` that touch the view, simplified to about a pixel at this zoom.

    `cache=True` is for long-lived frames (the gazetteer's boundaries); per-request frames are simplified
    directly so the cache does not fill with frames used once.
    """
    if frame is None or frame.empty:
        return frame
    span = max(extent[2] - extent[0], extent[3] - extent[1], 1e-6)
    level = max(0, min(12, int(math.floor(math.log2(360.0 / span)))))
    w, s, e, n = extent
    boxes = frame.geometry.bounds.to_numpy()
    keep = (boxes[:, 0] <= e) & (boxes[:, 2] >= w) & (boxes[:, 1] <= n) & (boxes[:, 3] >= s)
    rows = np.flatnonzero(keep)
    if cache:
        geoms = _SIMPLIFIED.get(frame, level, rows)
    else:
        geoms = shapely.simplify(
            np.asarray(frame.geometry.values)[rows], 360.0 / (2**level) / 1200.0, preserve_topology=True
        )
    out = frame.iloc[rows].copy()
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=frame.crs))


def _to_path(geom: Any) -> MplPath | None:
    """A (multi)polygon as one matplotlib path with holes (faster than one patch per part)."""
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    parts = getattr(geom, "geoms", [geom])
    for poly in parts:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        x0, _, x1, _ = poly.bounds
        if x1 - x0 > 180:  # a ring cut badly at the antimeridian would paint a band round the globe
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _draw_polygons(ax: Any, geoms: Iterable[Any], facecolors: Sequence[Any], **kw: Any) -> int:
    patches, faces = [], []
    for geom, face in zip(geoms, facecolors, strict=True):
        path = _to_path(geom)
        if path is not None:
            patches.append(PathPatch(path))
            faces.append(face)
    if patches:
        ax.add_collection(PatchCollection(patches, facecolors=faces, **kw))
    return len(patches)


def _points_in(frame: gpd.GeoDataFrame | None, extent: Sequence[float]) -> gpd.GeoDataFrame | None:
    if frame is None or frame.empty:
        return None
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.empty:
        return None
    x, y = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    w, s, e, n = extent
    inside = (x >= w) & (x <= e) & (y >= s) & (y <= n)
    return frame.loc[inside] if inside.any() else None


# ----------------------------------------------------------------------------------------------- draw


def _legend_marker(label: str, *, marker: str = "o", **style: Any) -> Line2D:
    """A legend key that is a bare marker, no line: how every point layer of the map is explained."""
    return Line2D([], [], ls="", marker=marker, label=label, **style)


def _legend_ring(label: str, colour: Any) -> Line2D:
    """A legend key for a control ring (hollow circle in `colour`), as drawn around changed places."""
    return _legend_marker(label, ms=10, markerfacecolor="none", markeredgecolor=colour, markeredgewidth=2)


@dataclass(slots=True)
class _Canvas:
    """The figure being drawn, its map axes, the view actually shown and the layout numbers."""

    fig: Figure
    ax: Any
    extent: BBox
    map_h: float
    top: float
    stats: DrawStats = field(default_factory=DrawStats)
    legend: list[Any] = field(default_factory=list)  # point layers' keys, after the control keys
    control_legend: list[Any] = field(default_factory=list)


def draw_map(
    data: MapData,
    out: str | os.PathLike[str] | IO[bytes],
    *,
    fmt: str = "png",
    dpi: int = 150,
    width_in: float = 10.0,
) -> DrawStats:
    """Draw `data` and save it to `out` (a path or a binary file-like object) as png, svg or pdf.

    Layers are drawn bottom to top: countries, province outlines and shading, mentions, control rings,
    events; then title, scale bar, attribution, legend, and the labels last so they avoid everything.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown map format {fmt!r}; use one of {', '.join(FORMATS)}")
    canvas = _canvas(data.extent, width_in, dpi)
    palette = data.palette or controller_palette(_controllers(data.control, data.province_control))
    _draw_countries(canvas, data)
    shaded = _draw_provinces(canvas, data, palette)
    _draw_mentions(canvas, data)
    control = _draw_control(canvas, data, palette, shaded)
    _draw_events(canvas, data)
    _finish(canvas, data, control)
    kwargs: dict[str, Any] = {"format": fmt, "dpi": dpi, "facecolor": "white"}
    if fmt == "png":
        kwargs["pil_kwargs"] = {"compress_level": 3}  # 3x faster than the default 6, files ~10 % larger
    elif fmt == "pdf":
        kwargs["metadata"] = {"Creator": "conflictmap"}
    if fmt == "svg":
        kwargs["metadata"] = {"Date": None}  # reproducible SVG (no timestamp)
    canvas.fig.savefig(out, **kwargs)
    return canvas.stats


def _canvas(extent: Sequence[float], width_in: float, dpi: int) -> _Canvas:
    """A white figure with the map axes on the left three quarters (the legend goes on the right), its
    view grown to fill the axes at the right aspect for the mid-latitude."""
    aspect = _aspect(extent)
    map_w = width_in * 0.74
    ratio = (extent[3] - extent[1]) * aspect / max(extent[2] - extent[0], 1e-9)
    map_h = min(max(map_w * ratio, 3.5), 9.0)
    fig = Figure(figsize=(width_in, map_h + 1.1), dpi=dpi, facecolor="white")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    top = 1 - 0.62 / (map_h + 1.1)
    bottom = 0.45 / (map_h + 1.1)
    ax = fig.add_axes((0.01, bottom, 0.74, top - bottom))
    ax.set_facecolor(SEA)
    extent = _fit_extent(extent, aspect, width_in * 0.74, (top - bottom) * (map_h + 1.1))
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect(aspect, adjustable="box", anchor="C")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)
    return _Canvas(fig, ax, extent, map_h, top)


def _draw_countries(canvas: _Canvas, data: MapData) -> None:
    """The focus country on land colour, the others a little darker so the eye finds the focus."""
    if data.countries is None or data.countries.empty:
        return
    countries = _polygons(data.countries, canvas.extent)
    if countries is None or countries.empty:
        return
    if data.focus_country and "country_code" in countries:
        faces = np.where(countries["country_code"].to_numpy() == data.focus_country, LAND, NEIGHBOUR)
    else:
        faces = np.full(len(countries), LAND)
    _draw_polygons(canvas.ax, countries.geometry.values, list(faces), edgecolors="none", zorder=1)
    # Borders again above the province outlines, so national borders read as national borders.
    _draw_polygons(
        canvas.ax,
        countries.geometry.values,
        [(0, 0, 0, 0)] * len(countries),
        edgecolors="#6d6d6d",
        linewidths=1.1,
        zorder=2.6,
    )


def _draw_provinces(canvas: _Canvas, data: MapData, palette: dict[str, str]) -> gpd.GeoDataFrame | None:
    """Province outlines (long-lived gazetteer frame: cached), then provinces shaded by their controller;
    returns the shaded provinces in view."""
    extent = canvas.extent
    span = max(extent[2] - extent[0], extent[3] - extent[1])
    if data.provinces is not None and not data.provinces.empty and span <= PROVINCE_OUTLINE_MAX_SPAN:
        provinces = _polygons(data.provinces, extent)
        if provinces is not None and not provinces.empty:
            _draw_polygons(
                canvas.ax,
                provinces.geometry.values,
                [(0, 0, 0, 0)] * len(provinces),
                edgecolors="#b0aca4",
                linewidths=0.45,
                zorder=2,
            )
    if data.province_control is None or data.province_control.empty:
        return None
    shaded = _polygons(data.province_control, extent, cache=False)
    if shaded is not None and not shaded.empty:
        faces = [
            matplotlib.colors.to_rgba(
                palette.get(c, NO_CONTROLLER) if isinstance(c, str) else NO_CONTROLLER, 0.32
            )
            for c in shaded["controller"]
        ]
        canvas.stats.provinces_shaded = _draw_polygons(
            canvas.ax, shaded.geometry.values, faces, edgecolors="#8f8a80", linewidths=0.5, zorder=2
        )
    return shaded


def _draw_mentions(canvas: _Canvas, data: MapData) -> None:
    """Mentions: a quiet grey dust under everything else."""
    mentions = _points_in(data.mentions, canvas.extent)
    if mentions is None:
        return
    canvas.ax.scatter(
        mentions.geometry.x,
        mentions.geometry.y,
        s=4,
        c="#7a7a7a",
        alpha=0.45,
        linewidths=0,
        zorder=3,
        rasterized=len(mentions) > 2000,
    )
    canvas.stats.mentions = len(mentions)
    canvas.legend.append(
        _legend_marker(f"place mentioned ({len(mentions):,})", ms=3, color="#7a7a7a", alpha=0.6)
    )


def _draw_control(
    canvas: _Canvas, data: MapData, palette: dict[str, str], shaded: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame | None:
    """Places that changed hands as rings in their holder's colour, a halo on recent changes, and their
    legend keys; returns the places in view, newest change first (the order labels are placed in)."""
    ax, extent, stats = canvas.ax, canvas.extent, canvas.stats
    control_handles = canvas.control_legend
    # Control: places that changed hands, as rings in their controller's colour *under* the event markers
    # (an event at the same place stays visible inside its ring); labelled last.
    control = _points_in(data.control, extent)
    if control is not None:
        ctrl = control["controller"] if "controller" in control else pd.Series(None, index=control.index)
        colours = [palette.get(c, VACATED) if isinstance(c, str) else VACATED for c in ctrl]
        faces = [matplotlib.colors.to_rgba(c, 0.25) for c in colours]
        ax.scatter(
            control.geometry.x,
            control.geometry.y,
            s=150,
            c=faces,
            edgecolors=colours,
            linewidths=2.2,
            zorder=3.5,
        )
        stats.control_places = len(control)
        if data.changed_since is not None and "since" in control:
            # A halo on places that changed hands after `changed_since`: in a series, what this step changed.
            since = pd.to_datetime(control["since"], errors="coerce")
            new = (since > pd.Timestamp(data.changed_since)).to_numpy()
            stats.changed = int(new.sum())
            if new.any():
                ax.scatter(
                    control.geometry.x[new],
                    control.geometry.y[new],
                    s=420,
                    c=CHANGE_HALO,
                    edgecolors="none",
                    zorder=3.4,
                )
        if "since" in control:
            order = control.assign(_c=pd.to_datetime(control["since"], errors="coerce"))
            control = order.sort_values(["_c", "name"], ascending=[False, True], na_position="last")
    shown_actors = set(_controllers(control, shaded))  # the legend lists only what this view shows
    if stats.changed:
        control_handles.append(
            _legend_marker(
                f"changed hands since\n{_day(data.changed_since, 1)} ({stats.changed})",
                ms=13,
                color=CHANGE_HALO,
            )
        )
    for actor, colour in palette.items():
        if actor in shown_actors:
            control_handles.append(
                Patch(
                    facecolor=matplotlib.colors.to_rgba(colour, 0.32),
                    edgecolor=colour,
                    label=f"held by {actor}",
                )
            )
    if control is not None:
        control_handles.append(_legend_ring(f"place that changed hands ({len(control)})", "#444444"))
        if any(not isinstance(c, str) for c in ctrl):
            control_handles.append(_legend_ring("abandoned, no holder known", VACATED))
    return control


def _draw_events(canvas: _Canvas, data: MapData) -> None:
    """Event markers, one shape and colour per kind (`geo.kinds`), stacked events as one bigger marker."""
    ax, extent, stats = canvas.ax, canvas.extent, canvas.stats
    legend_handles = canvas.legend
    # Events: reports pile up on the same towns, so events of one kind at one point become one marker
    # whose area grows with their number (a stack of 300 identical markers would read as one event).
    # All kinds go into ONE scatter with a marker shape per point, biggest first, so that at a town with
    # many captures and a few attacks the attack marker sits visibly on top of the capture marker.
    events = _points_in(data.events, extent)
    if events is not None:
        agg = aggregate_events(events).sort_values("count", ascending=False, kind="mergesort")
        counts = agg["count"].to_numpy()
        # Area proportional to the count, a single event at the base size, and no stack over 10x (when
        # the biggest stack is larger, all stacks shrink alike and small ones stay at the base size).
        sizes = EVENT_SIZE * np.maximum(1.0, counts * min(1.0, 10.0 / counts.max()))
        colours = [kinds.get(k).colour for k in agg["kind"]]
        coll = ax.scatter(
            agg["x"],
            agg["y"],
            s=sizes,
            c=colours,
            marker="o",
            edgecolors="white",
            linewidths=0.5,
            alpha=0.9,
            zorder=4,
            rasterized=len(agg) > 2000,
        )
        coll.set_paths([_MARKER_PATHS[k] for k in agg["kind"]])
        totals = agg.groupby("kind")["count"].sum()
        for kind in kinds.KINDS:
            if kind.name in totals.index:
                legend_handles.append(
                    _legend_marker(
                        f"{kind.label} ({int(totals[kind.name]):,})",
                        marker=kind.marker,
                        ms=6,
                        color=kind.colour,
                        markeredgecolor="white",
                    )
                )
        if bool((agg["count"] > 1).any()):
            legend_handles.append(
                _legend_marker(
                    "(marker area grows with the\n number of events at a place)", ms=0, color="white"
                )
            )
        stats.events = len(events)


def _finish(canvas: _Canvas, data: MapData, control: gpd.GeoDataFrame | None) -> None:
    """Title, scale bar, attribution and legend, then the place labels."""
    fig, ax, extent, stats = canvas.fig, canvas.ax, canvas.extent, canvas.stats
    map_h, top = canvas.map_h, canvas.top
    control_handles, legend_handles = canvas.control_legend, canvas.legend
    # Title, scale bar, attribution, legend; labels last so they can avoid everything drawn.
    # Titles are user text: plain (parse_math=False, "$5" stays "$5") and wrapped to the canvas width.
    fig_w, fig_h = fig.get_size_inches()
    title, size = fit_title(fig, data.title, fig_w * 0.98 * fig.dpi)
    title_top = 0.2 if size >= 13 else 0.08
    fig.text(
        0.01, 1 - title_top / fig_h, title, fontsize=size, fontweight="bold", va="top", ha="left",
        parse_math=False, linespacing=1.1 if "\n" in title else None,
    )  # fmt: skip
    if stats.no_data:
        ax.text(
            0.5, 0.5, NO_DATA_NOTE, transform=ax.transAxes, ha="center", va="center", fontsize=15,
            color="#333333", zorder=7, parse_math=False,
            bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": "#888888", "alpha": 0.9},
        )  # fmt: skip
    scale_bar(ax, extent)
    fig.text(
        0.01, 0.12 / (map_h + 1.1), data.attribution, fontsize=6.5, color="#444444", ha="left", va="bottom",
        parse_math=False,
    )  # fmt: skip
    handles = control_handles + legend_handles
    if handles:
        legend = fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.765, top),
            fontsize=7.5,
            frameon=False,
            title="Legend",
            title_fontsize=8.5,
            alignment="left",
            handlelength=1.4,
            borderaxespad=0.2,
        )
        for text in legend.get_texts():
            text.set_parse_math(False)  # actor names are data: "$" is a character, not maths
    if control is not None and "name" in control:
        stats.labels, stats.labels_dropped = place_labels(fig, ax, control, data.max_labels)
        if stats.labels_dropped:
            fig.text(
                0.765,
                0.12 / (map_h + 1.1) + 0.02,
                f"{stats.labels_dropped} labels left out to avoid overlap",
                fontsize=6.5,
                color="#666666",
                ha="left",
                va="bottom",
            )


def draw_to_bytes(data: MapData, *, fmt: str = "png", dpi: int = 150) -> bytes:
    """The map as bytes (the dashboard's download button wants bytes, not a file)."""
    buf = io.BytesIO()
    draw_map(data, buf, fmt=fmt, dpi=dpi)
    return buf.getvalue()


def _day(d: Any, plus_days: int = 0) -> str:
    """'13 Aug 2021' (short: legends are narrow)."""
    d = as_date(d)
    if d is None:
        return ""
    d += dt.timedelta(days=plus_days)
    return f"{d.day} {d:%b %Y}"


def as_date(value: Any) -> dt.date | None:
    """Accept a date, a datetime, a pandas Timestamp or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])
