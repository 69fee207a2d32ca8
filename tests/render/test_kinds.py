"""The event-kind registry: one entry per kind, and every renderer has a symbol for every kind."""

from __future__ import annotations

import re
import typing
import xml.etree.ElementTree as ET

import matplotlib.colors
import pytest
from matplotlib.markers import MarkerStyle

from geo import kinds, model
from geo.render import leaflet, staticmap

pytestmark = pytest.mark.requires_gazetteer


def test_the_model_lists_exactly_the_registered_kinds() -> None:
    assert model.EVENT_KINDS == kinds.KIND_NAMES
    assert typing.get_args(model.EventKind) == kinds.KIND_NAMES  # the type hint agrees too
    assert len(set(kinds.KIND_NAMES)) == len(kinds.KINDS)


def test_every_kind_has_a_symbol_in_every_renderer() -> None:
    for kind in kinds.KINDS:
        # static map: a matplotlib marker and a colour
        assert MarkerStyle(kind.marker).get_path().vertices.size
        assert kind.name in staticmap._MARKER_PATHS
        assert matplotlib.colors.is_color_like(kind.colour) and re.fullmatch(r"#[0-9a-f]{6}", kind.colour)
        # Leaflet (dashboard and HTML export): an SVG fragment that parses and draws in white
        svg = ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{kind.symbol}</svg>')
        assert len(svg) and "#fff" in kind.symbol
        # labels and descriptions for legends and documentation
        assert kind.label and kind.description


def test_kml_styles_every_kind_in_its_colour() -> None:
    from geo.export.writers.kml import kml_colour, kml_text

    text = "".join(kml_text({}, "t"))
    for kind in kinds.KINDS:
        assert f'<Style id="event-{kind.name}"><IconStyle><color>{kml_colour(kind.colour)}</color>' in text
    assert kml_colour("#b2182b") == "ff2b18b2"  # aabbggrr


def test_leaflet_events_table_carries_every_symbol() -> None:
    data, _ = leaflet.event_rows(None, {}, None)
    assert data["symbols"] == {k.name: k.symbol for k in kinds.KINDS}


def test_unknown_kinds_fall_back_to_other() -> None:
    assert kinds.get("looted").name == "other" and kinds.get(None).name == "other"
    assert kinds.name_or_fallback("captured") == "captured" and kinds.name_or_fallback(3) == "other"
