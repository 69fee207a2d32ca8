"""Assembling the Leaflet map (folium) from the layer tables: one builder for the dashboard and the export.

Why this shape:
- The *base map* (bundled boundaries, legend, helper JS) does not depend on the date, so its script, and
  therefore streamlit-folium's component key, stays the same while the analyst moves the date: the iframe
  is not remounted and pan/zoom survive. The date-dependent layers travel as `feature_group_to_add`, which
  the component swaps in place.
- The standalone HTML export (`geo.render.leaflet.standalone`) renders the very same map with every
  overlay added, so a page sent to a colleague shows the dashboard's symbols and colours.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import branca.element
import folium
import pandas as pd
from jinja2 import Template

from geo.kinds import KINDS
from geo.render.leaflet.scripts import (
    BOUNDARIES_JS,
    CONTROL_JS,
    DATELINE_JS,
    EVENTS_JS,
    HELPERS_JS,
    KEEP_HIDDEN_JS,
    MAP_CSS,
    MENTIONS_JS,
    PROVINCES_JS,
    SELECTION_JS,
)
from geo.render.leaflet.tables import (
    PrebuiltTable,
    control_points,
    dateline_rows,
    esc,
    event_rows,
    js_json,
    mention_rows,
    province_rows,
)
from geo.render.offline import OfflineMap, OfflineMarkerCluster
from geo.render.palette import UNKNOWN

EVENTS_CLUSTER_THRESHOLD = 800  # above this many events, cluster them so the browser stays responsive


def figure_of(element: branca.element.Element) -> branca.element.Figure:
    """The Figure an element is rendered in. branca types `get_root()` as a plain Element (which has no
    `header`/`script`); folium puts every Map in a Figure, and MacroElement.render asserts the same."""
    root = element.get_root()
    if not isinstance(root, branca.element.Figure):
        raise TypeError(f"{element.get_name()} is not inside a branca Figure, so it cannot be rendered")
    return root


class _RawScript(branca.element.Element):
    """Already rendered JS, added to the page as is (branca would compile it as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class DataLayer(branca.element.MacroElement):
    """A JS snippet that turns a compact JSON table into Leaflet layers inside its parent group."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(parent, D) {
        {{ this.body }}
        })({{ this._parent.get_name() }},
        /*cm-data:{{ this.layer }}*/{{ this.data_json }}/*cm-end*/);
        {% endmacro %}
        """
    )

    def __init__(self, body: str, data: Any, layer: str, data_json: str | None = None) -> None:
        super().__init__()
        self._name = "DataLayer"
        self.body = body
        self.layer = layer  # named in the script so tests and tools can find each layer's table
        self.data_json = data_json or js_json(data)

    def render(self, **kwargs: Any) -> str:
        """Like MacroElement.render, but the rendered script (megabytes of data) is not re-parsed as a
        Jinja template: that took half a second per rerun and would interpret `{{` in article text.
        The script goes into the figure, so nothing is returned to embed (MacroElement returns None)."""
        script = self._template.module.__dict__["script"]
        figure_of(self).script.add_child(_RawScript(script(self, kwargs)), name=self.get_name())
        return ""


class StaticScript(branca.element.MacroElement):
    """Fixed JS run once with the map (helpers, legend)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
        {{ this.body }}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, body: str) -> None:
        super().__init__()
        self._name = "StaticScript"
        self.body = body


@dataclass(slots=True)
class MapLayers:
    """The tables the map shows (all optional); date-independent ones may come prebuilt."""

    control: pd.DataFrame | None = None
    provinces: pd.DataFrame | None = None
    events: pd.DataFrame | PrebuiltTable | None = None
    mentions: pd.DataFrame | PrebuiltTable | None = None
    datelines: pd.DataFrame | PrebuiltTable | None = None
    new_since: dt.date | None = None


@dataclass(slots=True)
class BuiltMap:
    """A base map plus the overlays streamlit-folium swaps without remounting."""

    base: folium.Map
    overlays: list[folium.FeatureGroup]
    counts: dict[str, int] = field(default_factory=dict)

    def layer_control(self) -> folium.LayerControl:
        return folium.LayerControl(collapsed=False, position="topright")

    def standalone(self) -> folium.Map:
        """Everything in one folium map (for HTML rendering in benchmarks and exports)."""
        for group in self.overlays:
            group.add_to(self.base)
        self.layer_control().add_to(self.base)
        return self.base


def legend_js(colours: dict[str, str]) -> str:
    """A Leaflet control listing actor colours and event symbols (escaped)."""
    items = "".join(f'<div><i style="background:{c}"></i>{esc(a)}</div>' for a, c in colours.items())
    items += f'<div><i style="background:{UNKNOWN}"></i>unknown</div>'
    kinds = "".join(
        f'<div><svg viewBox="0 0 14 14" width="14" height="14" style="background:#555;border-radius:50%;'
        f'vertical-align:-3px;margin-right:5px">{kind.symbol}</svg>{esc(kind.label)}</div>'
        for kind in KINDS
    )
    body = (
        f"<details open><summary><b>Legend</b></summary><b>Held by / actor</b>{items}<b>Events</b>{kinds}"
        '<div><i style="background:#999;box-shadow:0 0 0 3px #ffeb3b"></i>new since last step</div>'
        '<div><i class="cm-approx" style="background:#999"></i>dashed outline: approximate date, '
        "e.g. ≈ 2014 (year precision)</div>"
        '<div><i style="background:#fdd835"></i>mentions (clustered)</div>'
        '<div><i style="background:#fff;border:2px dashed #000"></i>dateline</div></details>'
    )
    return (
        "var legend = L.control({position: 'bottomleft'});\n"
        "legend.onAdd = function() { var d = L.DomUtil.create('div', 'cm-legend'); d.innerHTML = "
        + js_json(body)
        + "; L.DomEvent.disableClickPropagation(d); return d; };\n"
        "legend.addTo(map);"
    )


def build_base_map(
    boundaries: dict,
    colours: dict[str, str],
    *,
    osm_tiles: bool = False,
    center: Sequence[float] = (30.0, 50.0),
    zoom: int = 4,
    bounds: Sequence[float] | None = None,
) -> folium.Map:
    """The date-independent part: offline boundaries, optional OSM tiles (opt-in), helpers, legend."""
    m = OfflineMap(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        world_copy_jump=False,
    )
    # Leaflet.markercluster refuses a map without maxZoom; with tiles=None folium does not set it.
    m.options["maxZoom"] = 13
    m.options["minZoom"] = 2
    if bounds is not None:
        south, west, north, east = bounds
        m.fit_bounds([[south, west], [north, east]], max_zoom=8)
    figure_of(m).header.add_child(branca.element.Element(MAP_CSS), name="cm_css")
    if osm_tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, control=True).add_to(
            m
        )
    base = folium.FeatureGroup(name="Boundaries (offline)", overlay=False, control=True)
    base.add_child(DataLayer(BOUNDARIES_JS, boundaries, "boundaries"))
    base.add_to(m)
    m.add_child(StaticScript(HELPERS_JS), name="cm_helpers")
    m.add_child(StaticScript(legend_js(colours)), name="cm_legend")
    return m


def _remember_visibility(group: folium.FeatureGroup) -> folium.FeatureGroup:
    """Re-hide a rebuilt overlay the analyst had switched off (see HELPERS_JS)."""
    group.add_child(DataLayer(KEEP_HIDDEN_JS, {"name": group.layer_name}, "visibility"))
    return group


def build_overlays(
    layers: MapLayers, colours: dict[str, str]
) -> tuple[list[folium.FeatureGroup], dict[str, int]]:
    """The date-dependent feature groups, in drawing order, with the number of items in each."""
    groups: list[folium.FeatureGroup] = []
    counts: dict[str, int] = {}

    data, counts["provinces"] = province_rows(layers.provinces, colours)
    g = folium.FeatureGroup(name="Provinces (by capital)", overlay=True)
    g.add_child(DataLayer(PROVINCES_JS, data, "provinces"))
    groups.append(g)

    data, counts["control"] = control_points(layers.control, colours)
    g = folium.FeatureGroup(name="Control at date", overlay=True)
    g.add_child(DataLayer(CONTROL_JS, data, "control"))
    groups.append(g)

    events_json = None
    if isinstance(layers.events, PrebuiltTable):
        data, counts["events"], events_json = layers.events.data, layers.events.count, layers.events.json
    else:
        data, counts["events"] = event_rows(layers.events, colours, layers.new_since)
    g = folium.FeatureGroup(name="Events up to date", overlay=True)
    if counts["events"] > EVENTS_CLUSTER_THRESHOLD:
        cluster = OfflineMarkerCluster(options={"maxClusterRadius": 40, "disableClusteringAtZoom": 10})
        cluster.add_child(DataLayer(EVENTS_JS, data, "events", events_json))
        g.add_child(cluster)
    else:
        g.add_child(DataLayer(EVENTS_JS, data, "events", events_json))
    groups.append(g)

    mentions_json = None
    if isinstance(layers.mentions, PrebuiltTable):
        data, counts["mentions"], mentions_json = (
            layers.mentions.data,
            layers.mentions.count,
            layers.mentions.json,
        )
    else:
        data, counts["mentions"] = mention_rows(layers.mentions)
    counts["mention_places"] = len(data["rows"])
    g = folium.FeatureGroup(name="Mentions (clustered)", overlay=True, show=True)
    cluster = OfflineMarkerCluster(options={"maxClusterRadius": 50})
    cluster.add_child(DataLayer(MENTIONS_JS, data, "mentions", mentions_json))
    g.add_child(cluster)
    groups.append(g)

    datelines_json = None
    if isinstance(layers.datelines, PrebuiltTable):
        data, counts["datelines"], datelines_json = (
            layers.datelines.data,
            layers.datelines.count,
            layers.datelines.json,
        )
    else:
        data, counts["datelines"] = dateline_rows(layers.datelines)
    g = folium.FeatureGroup(name="Datelines (filed from)", overlay=True)
    g.add_child(DataLayer(DATELINE_JS, data, "datelines", datelines_json))
    groups.append(g)
    return [_remember_visibility(g) for g in groups], counts


def build_map(
    layers: MapLayers,
    boundaries: dict,
    colours: dict[str, str],
    *,
    osm_tiles: bool = False,
    center: Sequence[float] = (30.0, 50.0),
    zoom: int = 4,
    bounds: Sequence[float] | None = None,
) -> BuiltMap:
    """Base map + overlays; `bounds` (south, west, north, east) frames the view when the map first opens."""
    base = build_base_map(boundaries, colours, osm_tiles=osm_tiles, center=center, zoom=zoom, bounds=bounds)
    overlays, counts = build_overlays(layers, colours)
    return BuiltMap(base=base, overlays=overlays, counts=counts)


def layer_tables(script: str) -> dict[str, list]:
    """The JSON tables of every DataLayer in a rendered script, by layer name (for tests and debugging)."""
    out: dict[str, list] = {}
    for name, payload in re.findall(r"/\*cm-data:(\w+)\*/(.*?)/\*cm-end\*/", script, flags=re.S):
        out.setdefault(name, []).append(json.loads(payload))
    return out


def render_html(built: BuiltMap) -> str:
    """The whole map as one HTML page (what a browser would load), for payload measurements."""
    return built.standalone().get_root().render()


def selection_group(lat: float, lon: float, label: str) -> folium.FeatureGroup:
    """A ring around the place the analyst selected (from the reader or a map click)."""
    g = folium.FeatureGroup(name="Selection", overlay=True, control=False)
    g.add_child(
        DataLayer(
            SELECTION_JS,
            {"lat": round(float(lat), 4), "lon": round(float(lon), 4), "label": esc(label)},
            "selection",
        )
    )
    return g
