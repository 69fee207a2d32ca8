"""The one Leaflet map: the dashboard shows it in streamlit-folium, the HTML export saves it as one page.

- `tables`: layer frames (from `geo.maps.layers`) to compact, escaped JSON tables;
- `scripts`: the fixed JS/CSS that draws those tables;
- `builder`: the folium map (base map + date-dependent overlays), legend from `geo.kinds`;
- `standalone`: the same map as one offline HTML file, vendored assets inlined.
"""

from __future__ import annotations

from geo.render.leaflet.builder import (
    EVENTS_CLUSTER_THRESHOLD,
    BuiltMap,
    DataLayer,
    MapLayers,
    StaticScript,
    build_base_map,
    build_map,
    build_overlays,
    layer_tables,
    legend_js,
    render_html,
    selection_group,
)
from geo.render.leaflet.tables import (
    APPROXIMATE,
    EVIDENCE_MAX,
    STATUS_TEXT,
    VACATED,
    PrebuiltTable,
    boundary_data,
    control_points,
    date_text,
    dateline_rows,
    esc,
    event_rows,
    holder_text,
    js_json,
    mention_rows,
    precise_text,
    province_rows,
)

__all__ = [
    "APPROXIMATE",
    "EVENTS_CLUSTER_THRESHOLD",
    "EVIDENCE_MAX",
    "STATUS_TEXT",
    "VACATED",
    "BuiltMap",
    "DataLayer",
    "MapLayers",
    "PrebuiltTable",
    "StaticScript",
    "boundary_data",
    "build_base_map",
    "build_map",
    "build_overlays",
    "control_points",
    "date_text",
    "dateline_rows",
    "esc",
    "event_rows",
    "holder_text",
    "js_json",
    "layer_tables",
    "legend_js",
    "mention_rows",
    "precise_text",
    "province_rows",
    "render_html",
    "selection_group",
]
