"""User text on a static map is plain text that stays on the canvas (issue 16): a "$" in a title or an
actor's name is a dollar sign, not matplotlib maths, and a long title wraps instead of running off the
page. Read back with independent tools: lxml on an SVG with real text, PIL on the PNG's pixels."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib
import numpy as np
from lxml import etree
from PIL import Image

from geo.render import mapparts, staticmap

AF: tuple[float, float, float, float] = (60.0, 29.0, 75.0, 39.0)


def _data(title: str, **kw) -> staticmap.MapData:
    control = gpd.GeoDataFrame(
        {"name": ["Ghazni"], "controller": ["$RICH militia"], "since": ["2021-08-12"]},
        geometry=gpd.points_from_xy([68.42], [33.55]),
        crs=4326,
    )
    return staticmap.MapData(extent=AF, title=title, control=control, **kw)


def _svg_texts(data: staticmap.MapData) -> list[str]:
    """Every <text> of the map's SVG, drawn with real text (svg.fonttype none) so lxml can read it."""
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        staticmap.draw_map(data, buf, fmt="svg", dpi=72)
    root = etree.fromstring(buf.getvalue())
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_dollar_signs_are_text_not_maths():
    texts = _svg_texts(_data("Costs of $5 and $10 a day — 13 August 2021"))
    assert "Costs of $5 and $10 a day — 13 August 2021" in texts
    assert "held by $RICH militia" in texts  # legend text is data too
    assert "Ghazni" in texts


def test_a_long_title_wraps_within_the_canvas():
    title = " ".join(["Territorial control, events and reported mentions in the provinces"] * 3)
    buf = io.BytesIO()
    staticmap.draw_map(_data(title), buf, fmt="png", dpi=100)
    img = np.asarray(Image.open(buf).convert("L"))
    h, w = img.shape
    header = img[: int(0.62 * 100)]  # the band above the map, where the title is
    assert (header[:, -max(2, w // 100) :] < 128).sum() == 0  # nothing dark at the right edge
    dark_rows = np.flatnonzero((header < 100).sum(axis=1) > 3)
    gaps = np.flatnonzero(np.diff(dark_rows) > 1)
    assert len(gaps) >= 1  # two or more lines of text, not one line running off the page


def test_fit_title_keeps_short_titles_and_wraps_long_ones():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 6), dpi=100)
    FigureCanvasAgg(fig)
    short, size = mapparts.fit_title(fig, "Afghanistan — 13 August 2021", 980)
    assert (short, size) == ("Afghanistan — 13 August 2021", 13.0)
    text, size = mapparts.fit_title(fig, "word " * 200, 980)
    assert size < 13 and text.count("\n") == 2 and text.endswith("…")
    url, _ = mapparts.fit_title(fig, "x" * 400, 980)  # one word too long for a line is cut, not lost
    assert url.count("\n") >= 1


def test_empty_map_says_no_data():
    data = staticmap.MapData(extent=AF, title="Nothing here — 1 January 1990")
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        stats = staticmap.draw_map(data, buf, fmt="svg", dpi=72)
    texts = ["".join(t.itertext()) for t in etree.fromstring(buf.getvalue()).iter("{*}text")]
    assert stats.no_data and mapparts.NO_DATA_NOTE in texts
    assert not staticmap.draw_map(_data("x"), io.BytesIO(), fmt="png", dpi=30).no_data
