"""A map series: one static map per day or week, same view and colours in every frame, and an animated GIF.

All or nothing: every frame (and the GIF) is rendered into a temporary file from `geo.fileio.atomic_path`,
and the files move into place only when the whole series has succeeded, so a crash on frame 30 (or a
SIGTERM, which the CLI turns into an exception) leaves the folder as it was.

A series is capped at `MAX_FRAMES` frames unless the caller allows more: 8,000 daily frames were once
accepted without a word, an afternoon of rendering and gigabytes of PNGs from a typo in a year.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.errors import OutputError
from geo.export import formats
from geo.export.frames import layer_frames
from geo.export.maps import build_map_data
from geo.export.view import ExportError, View, data_extent, resolve_view_extent
from geo.fileio import atomic_path, check_output
from geo.render.palette import store_palette
from geo.render.staticmap import as_date

MAX_FRAMES = 500  # default cap on a series; `max_frames=` (CLI: --max-frames N) allows more


@dataclass(slots=True)
class SeriesResult:
    """The frames written (one per date), the GIF if asked for, and per frame how many places changed
    hands since the previous frame (those get a halo on the map)."""

    frames: list[Path]
    gif: Path | None
    dates: list[dt.date]
    changes: list[int] = field(default_factory=list)


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
    max_frames: int = MAX_FRAMES,
) -> SeriesResult:
    """One map per step (`map_YYYY-MM-DD.png`), same view and colours in every frame, plus optionally an
    animated GIF (`control_START_END.gif`) of how control changed. More than `max_frames` frames is an
    ExportError before anything is drawn.
    """
    dates = series_dates(start, end, every)
    check_frame_count(len(dates), max_frames, how="max_frames=")
    static = formats.get(fmt, "map")
    if gif and static.name != "png":
        raise ExportError("a GIF is made from PNG frames; use fmt='png'")
    folder = _series_folder(out_dir)
    cc, view_extent = resolve_view_extent(country, bbox)
    if view_extent is None:  # one view for the whole series, from everything up to the last frame
        fr = layer_frames(store, View(dates[-1], None, None, None, flt), ("control", "events"))
        view_extent = data_extent([fr.get("control"), fr.get("events")])
    palette = store_palette(store)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder {folder}: {exc.strerror}") from exc
    targets = [folder / f"map_{day.isoformat()}{static.suffix}" for day in dates]
    gif_path = folder / f"control_{dates[0].isoformat()}_{dates[-1].isoformat()}.gif" if gif else None
    store_path = getattr(store, "path", None)
    for target in (*targets, *([gif_path] if gif_path else [])):  # every file, before the first is drawn
        check_output(target, store=store_path)
    changes: list[int] = []
    with contextlib.ExitStack() as pending:  # on success every temporary replaces its target, else none
        frames = [pending.enter_context(atomic_path(target, store=store_path)) for target in targets]
        previous = None
        for day, tmp in zip(dates, frames, strict=True):
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
            changes.append(static.write(data, tmp, fmt=static.name, dpi=dpi).changed)
        if gif_path is not None:
            gif_tmp = pending.enter_context(atomic_path(gif_path, store=store_path))
            write_gif(frames, gif_tmp, frame_ms=frame_ms)
    return SeriesResult(targets, gif_path, dates, changes)


def check_frame_count(n_frames: int, max_frames: int, *, how: str = "--max-frames ") -> None:
    """ExportError naming the count, the limit and how to allow it, when a series is too long."""
    if n_frames > max_frames:
        raise ExportError(
            f"a series of {n_frames} frames is more than the limit of {max_frames}; "
            f"allow it with {how}{n_frames}"
        )


def _series_folder(out_dir: str | os.PathLike[str]) -> Path:
    """The series' folder, which may not exist yet but whose parent must."""
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder")
    if not folder.parent.is_dir():
        raise OutputError(f"folder {folder.parent} does not exist")
    return folder


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
