"""The one palette: stable, distinct actor colours shared by every renderer."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.render import leaflet, palette, staticmap

pytestmark = pytest.mark.requires_gazetteer


def test_palette_is_stable_and_distinct() -> None:
    pal = palette.controller_palette(["B", "A", "A", "C", None, ""])
    assert list(pal) == ["A", "B", "C"] and len(set(pal.values())) == 3
    assert pal["A"] == palette.CONTROLLER_COLOURS[0]  # the most frequent actor gets the first colour
    assert palette.controller_palette(["Z"], base=pal)["A"] == pal["A"]


def test_more_actors_than_colours_repeat_deterministically() -> None:
    actors = [f"actor {i:02d}" for i in range(len(palette.CONTROLLER_COLOURS) + 3)]
    pal = palette.controller_palette(actors)
    assert len(pal) == len(actors) and set(pal.values()) == set(palette.CONTROLLER_COLOURS)
    assert pal == palette.controller_palette(list(reversed(actors)))


def test_no_holder_is_grey_and_never_an_actor_colour() -> None:
    assert palette.VACATED == palette.UNKNOWN == palette.NO_HOLDER
    assert palette.NO_HOLDER not in palette.CONTROLLER_COLOURS
    assert palette.NO_CONTROLLER not in palette.CONTROLLER_COLOURS


def test_renderers_use_the_palette_module() -> None:
    """Static map and Leaflet read the same constants (no second palette to drift)."""
    assert staticmap.LAND == palette.LAND and staticmap.VACATED == palette.VACATED
    assert leaflet.boundary_data(None, None, fill=True)["fill"] == palette.LAND
    control = leaflet.control_points(None, {})[0]
    assert control["colours"] == []
    root = Path(__file__).resolve().parents[2] / "geo"
    for path in root.rglob("*.py"):
        if path.name != "palette.py":
            assert "CONTROLLER_COLOURS = " not in path.read_text(encoding="utf-8"), path
