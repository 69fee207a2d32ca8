"""The static map's drawing helpers on frames built by hand: label placement, event stacking, kind symbols."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from geo import kinds
from geo.render import mapparts, staticmap

pytestmark = pytest.mark.requires_gazetteer


def test_labels_never_overlap_and_stay_inside_the_map():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

    rng = np.random.default_rng(3)
    n = 200
    points = gpd.GeoDataFrame(
        {"name": [f"Town {i}" for i in range(n)]},
        geometry=gpd.points_from_xy(rng.uniform(61, 74, n), rng.uniform(30, 38, n)),
        crs=4326,
    )
    fig = Figure(figsize=(8, 6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(60, 75)
    ax.set_ylim(29, 39)
    placed, dropped = mapparts.place_labels(fig, ax, points, max_labels=30)
    assert placed == 30 and placed + dropped == n
    fig.canvas.draw()  # lay out the label boxes as they will be drawn
    renderer = fig.canvas.get_renderer()
    boxes = [a.get_bbox_patch().get_window_extent(renderer) for a in ax.texts if isinstance(a, Annotation)]
    assert len(boxes) == 30
    frame = ax.get_window_extent(renderer)
    for i, b in enumerate(boxes):
        assert frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
        assert not any(b.overlaps(o) for o in boxes[:i])


def test_events_at_one_place_are_counted_not_stacked():
    pts = gpd.GeoDataFrame(
        {"kind": ["captured"] * 5 + ["attacked", "bogus"]},
        geometry=gpd.points_from_xy([66.0] * 6 + [67.0], [33.0] * 7),
        crs=4326,
    )
    agg = staticmap.aggregate_events(pts).set_index(["x", "kind"])["count"]
    assert agg[(66.0, "captured")] == 5 and agg[(66.0, "attacked")] == 1 and agg[(67.0, "other")] == 1


def test_every_kind_has_a_distinct_marker_shape() -> None:
    """Shapes differ so a greyscale print still tells a capture from an attack."""
    assert set(staticmap._MARKER_PATHS) == set(kinds.KIND_NAMES)
    assert len({k.marker for k in kinds.KINDS}) == len(kinds.KINDS)
