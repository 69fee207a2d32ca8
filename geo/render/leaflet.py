"""Turn the layer tables from `geo.maps.layers` into a folium map for streamlit-folium, fast and offline.

Why this shape:
- The *base map* (bundled boundaries, legend, helper JS) does not depend on the date, so its script, and
  therefore streamlit-folium's component key, stays the same while the analyst moves the date: the iframe
  is not remounted and pan/zoom survive. The date-dependent layers travel as `feature_group_to_add`, which
  the component swaps in place.
- 10,000 events and 100,000 mentions must fit in a few MB, so each layer ships one compact JSON table
  (rows of values, repeated strings interned) and a few lines of JS that build markers and lazy popups,
  instead of one folium object per marker.
- Every string that reaches HTML is escaped here with `html.escape` before it is put in the table; the JS
  only concatenates those escaped strings into fixed markup.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import branca.element
import folium
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
import shapely.errors
from jinja2 import Template

from geo.render.offline import OfflineMap

# Colour-blind-safe palette (Okabe-Ito + Tol), assigned to actors in sorted order; unknown actor = grey.
PALETTE = [
    "#D55E00",
    "#0072B2",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#882255",
    "#117733",
    "#332288",
    "#AA4499",
    "#44AA99",
    "#999933",
]
UNKNOWN_COLOUR = "#7f7f7f"

KIND_SYMBOLS: dict[str, str] = {
    # Inline SVG so that icons need no icon font or CDN; 14x14, drawn in white on the actor's colour.
    "captured": '<path d="M4 1.5v11M4 2h7l-1.8 2.5L11 7H4" fill="#fff" stroke="#fff" stroke-width="1.6"/>',
    "attacked": '<path d="M7 1l1.4 3.6L12 3l-1.6 3.6L14 8l-3.6 1.2L12 13l-3.6-1.8L7 14l-1.4-2.8L2 13l1.6-3.8'
    'L0 8l3.6-1.4L2 3l3.6 1.6z" fill="#fff"/>',
    "besieged": '<circle cx="7" cy="7" r="4.5" fill="none" stroke="#fff" stroke-width="2"/>'
    '<circle cx="7" cy="7" r="1.3" fill="#fff"/>',
    "withdrew": '<path d="M12 7H3m3.5-4L2.5 7l4 4" fill="none" stroke="#fff" stroke-width="2"/>',
    "ceasefire": '<path d="M2.5 5h9M2.5 9h9" stroke="#fff" stroke-width="2"/>',
    "other": '<circle cx="7" cy="7" r="2.5" fill="#fff"/>',
}

EVENTS_CLUSTER_THRESHOLD = 800  # above this many events, cluster them so the browser stays responsive
EVIDENCE_MAX = 320  # characters of evidence in a popup; the side panel shows the whole sentence

MAP_CSS = """
<style>
.cm-ev{border-radius:50%;border:1.5px solid #fff;box-shadow:0 0 2px #000;display:flex;
  align-items:center;justify-content:center}
.cm-ev svg{width:12px;height:12px}
.cm-new{box-shadow:0 0 0 3px #ffeb3b,0 0 6px 4px #000;z-index:1000 !important}
.cm-pop{font:12px/1.35 sans-serif;max-width:320px}
.cm-pop table{border-collapse:collapse;margin-top:4px}
.cm-pop th{text-align:left;vertical-align:top;padding:1px 6px 1px 0;color:#555;font-weight:600}
.cm-pop td{padding:1px 0}
.cm-pop q{font-style:italic}
.cm-legend{background:#fff;padding:4px 8px;font:11px/1.35 sans-serif;border-radius:4px;
  box-shadow:0 0 4px rgba(0,0,0,.35);max-height:230px;overflow:auto}
.cm-legend summary{cursor:pointer}
.cm-legend i{display:inline-block;width:12px;height:12px;border-radius:50%;margin-right:5px;
  vertical-align:-2px;border:1px solid #fff;box-shadow:0 0 1px #000}
.cm-legend b{display:block;margin-top:3px}
.cm-label{font:11px sans-serif;color:#222;text-shadow:0 0 2px #fff,0 0 2px #fff}
.leaflet-control-layers{font:12px/1.3 sans-serif}
.leaflet-control-layers label{margin:0}
</style>
"""

# Shared JS helpers; defined on `window` so layers swapped in later by streamlit-folium can use them.
HELPERS_JS = """
// Layers the analyst switched off in the layer control stay off when the date moves: streamlit-folium
// rebuilds the overlays on every rerun, so remember the unticked names (user clicks only) in the iframe.
window.cmHidden = window.cmHidden || {};
if (!window.cmHiddenListener) {
  window.cmHiddenListener = true;
  document.addEventListener('change', function(ev) {
    var t = ev.target;
    if (!t || t.type !== 'checkbox' || !t.classList.contains('leaflet-control-layers-selector')) { return; }
    var name = t.nextSibling ? t.nextSibling.textContent.trim() : '';
    if (!name) { return; }
    if (t.checked) { delete window.cmHidden[name]; } else { window.cmHidden[name] = true; }
  }, true);
}
window.cmPopup = function(title, rows) {
  var h = '<div class="cm-pop"><b>' + title + '</b><table>';
  for (var i = 0; i < rows.length; i++) {
    if (rows[i][1] !== null && rows[i][1] !== undefined && rows[i][1] !== '') {
      h += '<tr><th>' + rows[i][0] + '</th><td>' + rows[i][1] + '</td></tr>';
    }
  }
  return h + '</table></div>';
};
window.cmIcon = function(symbols, kind, colour, isNew) {
  var size = isNew ? 24 : 18;
  return L.divIcon({
    className: '',
    iconSize: [size, size],
    html: '<div class="cm-ev' + (isNew ? ' cm-new' : '') + '" style="width:' + size + 'px;height:' +
      size + 'px;background:' + colour + '"><svg viewBox="0 0 14 14">' + (symbols[kind] || '') +
      '</svg></div>'
  });
};
"""


def _missing(value: Any) -> bool:
    """None, NaN, NaT and pd.NA (but not lists or strings)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def esc(value: Any) -> str:
    """HTML-escape anything for the map (missing values become '')."""
    if _missing(value):
        return ""
    return html.escape(str(value), quote=True)


_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")


def _js_json(data: Any) -> str:
    """JSON that is safe inside a <script> element and inside JS eval (no `</script>`, no `<!--`), and
    inert if some library compiles it as a Jinja template (no `{{`, `{%`, `{#`: article text may hold them;
    structural JSON braces are never followed by those characters)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _JINJA_OPENERS.sub(r"\\u007b", text)


class _RawScript(branca.element.Element):
    """Already rendered JS, added to the page as is (branca would compile it as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def _date_text(value: Any, precision: Any = None) -> str:
    """'2021-08-12 (day)'; month precision prints '2021-08', year precision '2021' (no made-up days)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "undated"
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if precision == "month":
        text = text[:7]
    elif precision == "year":
        text = text[:4]
    return f"{text} ({precision})" if precision else text


def actor_colours(actors: Iterable[str | None]) -> dict[str, str]:
    """Stable colour per actor: sorted order over all actors the store knows, so colours do not shift
    when the date or the filters change."""
    names = sorted({a for a in actors if isinstance(a, str) and a})
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


class _Interner:
    """Index repeated strings (actors, articles, kinds) so each is sent once per layer."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        if value not in self._index:
            self._index[value] = len(self.values)
            self.values.append(value)
        return self._index[value]


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
        self.data_json = data_json or _js_json(data)

    def render(self, **kwargs: Any) -> None:
        """Like MacroElement.render, but the rendered script (megabytes of data) is not re-parsed as a
        Jinja template: that took half a second per rerun and would interpret `{{` in article text."""
        script = self._template.module.__dict__["script"]
        self.get_root().script.add_child(_RawScript(script(self, kwargs)), name=self.get_name())


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


def _points(df: pd.DataFrame | None, keep: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows with usable coordinates as `lat`/`lon` (from latitude/longitude or a point geometry); with
    `keep`, only those other columns are carried (100,000-row layers are costly to copy whole)."""
    empty = pd.DataFrame({"lat": pd.Series(dtype=float), "lon": pd.Series(dtype=float)})
    if df is None or len(df) == 0:
        return empty
    if "latitude" in df.columns and "longitude" in df.columns:
        lat, lon = df["latitude"], df["longitude"]
    elif "lat" in df.columns and "lon" in df.columns:
        lat, lon = df["lat"], df["lon"]
    elif "geometry" in df.columns:
        geom = df["geometry"]
        lat = pd.Series([g.y if g is not None and not g.is_empty else math.nan for g in geom], index=df.index)
        lon = pd.Series([g.x if g is not None and not g.is_empty else math.nan for g in geom], index=df.index)
    else:
        return empty
    cols = [c for c in (keep if keep is not None else df.columns) if c in df.columns and c != "geometry"]
    out = pd.DataFrame(df[cols]) if cols else pd.DataFrame(index=df.index)
    out["lat"] = pd.to_numeric(lat, errors="coerce").to_numpy()
    out["lon"] = pd.to_numeric(lon, errors="coerce").to_numpy()
    return out[out["lat"].notna() & out["lon"].notna()]


def _strings(df: pd.DataFrame, name: str) -> list[str]:
    """A column as Python strings, missing values as '' (vectorised: layers have up to 100,000 rows)."""
    if name not in df.columns or len(df) == 0:
        return [""] * len(df)
    col = df[name]
    missing = col.isna().to_numpy()
    values = col.astype(object).to_numpy()
    return ["" if m else (v if isinstance(v, str) else str(v)) for v, m in zip(values, missing, strict=True)]


def _escaped(values: list[str]) -> list[str]:
    """html.escape each value, once per distinct value (titles, actors and statuses repeat a lot)."""
    cache: dict[str, str] = {}
    out = []
    for v in values:
        e = cache.get(v)
        if e is None:
            e = cache[v] = html.escape(v, quote=True)
        out.append(e)
    return out


def _coords(df: pd.DataFrame, name: str) -> list[float]:
    return df[name].astype(float).round(4).tolist()


def _dates(df: pd.DataFrame, name: str, precision: str | None = None) -> list[str]:
    """Dates as text honest to their precision ('2018-07' for a month), '' when missing."""
    if name not in df.columns or len(df) == 0:
        return [""] * len(df)
    dates = pd.to_datetime(df[name], errors="coerce")
    text = _strings(pd.DataFrame({"d": dates.dt.strftime("%Y-%m-%d")}), "d")
    if not precision:
        return text
    cut = {"month": 7, "year": 4}
    out = []
    for t, p in zip(text, _strings(df, precision), strict=True):
        if not t:
            out.append("")
        elif p:
            out.append(f"{t[: cut.get(p, 10)]} ({p})")
        else:
            out.append(t)
    return out


def _articles(df: pd.DataFrame) -> list[str]:
    return [t.strip() or s for t, s in zip(_strings(df, "title"), _strings(df, "source"), strict=True)]


def _statuses(df: pd.DataFrame) -> list[str]:
    out = []
    for st, nt in zip(_strings(df, "status"), _strings(df, "notes"), strict=True):
        text = STATUS_TEXT.get(st or "auto", st)
        if nt.strip():
            text += " · note: " + nt.strip().replace("\n", "; ")
        out.append(text)
    return out


def _get(row: Any, name: str, default: Any = None) -> Any:
    value = row.get(name, default) if hasattr(row, "get") else getattr(row, name, default)
    return default if _missing(value) else value


def _round(x: float) -> float:
    return round(float(x), 4)


def _controller(row: dict) -> str:
    """The holder's name; a vacated place (controller None) is labelled so, not 'unknown'."""
    actor = _get(row, "controller") or _get(row, "actor")
    if actor:
        return str(actor)
    return "vacated" if _get(row, "state") == "vacated" else "unknown"


def _article(row: dict) -> str:
    title = _get(row, "title")
    if isinstance(title, str) and title.strip():
        return title
    return str(_get(row, "source", "") or "")


STATUS_TEXT = {
    "auto": "automatic",
    "confirmed": "confirmed by analyst",
    "edited": "corrected by analyst",
    "rejected": "rejected by analyst",
}


def _status(row: dict) -> str:
    status = str(_get(row, "status", "auto") or "auto")
    text = STATUS_TEXT.get(status, status)
    notes = _get(row, "notes")
    if isinstance(notes, str) and notes.strip():
        text += " · note: " + notes.strip().replace("\n", "; ")
    return text


# --- layers -------------------------------------------------------------------------------------------

CONTROL_JS = """
for (var i = 0; i < D.rows.length; i++) {
  var r = D.rows[i];
  var colour = D.colours[r[3]];
  var m = L.circleMarker([r[0], r[1]], {radius: 9, color: '#222', weight: 1.5, fillColor: colour,
    fillOpacity: 0.9, bubblingMouseEvents: false});
  m.bindTooltip(r[2] + ' \u2014 ' + D.actors[r[3]]);
  m.bindPopup((function(r) { return function() {
    return cmPopup(r[2], [['Held by', D.actors[r[3]]], ['Since', r[4]], ['Last confirmed', r[5]],
      ['Evidence', r[6] ? '<q>' + r[6] + '</q>' : ''], ['Article', D.articles[r[7]]], ['Status', r[8]]]);
  }; })(r));
  m.addTo(parent);
}
"""


def control_points(control: pd.DataFrame | None, colours: dict[str, str]) -> tuple[dict, int]:
    """Places whose latest controller at the date is known: one circle per place, in the actor's colour.

    Columns of geo.maps.layers.control_layer: name, controller (None when vacated), state, since,
    since_precision, last_confirmed, evidence, title/source, status; coordinates latitude/longitude.
    """
    df = _points(control)
    n = len(df)
    actors, articles = _Interner(), _Interner()
    colour_list: list[str] = []
    holders = [
        c if c else ("vacated" if st == "vacated" else "unknown")
        for c, st in zip(_strings(df, "controller"), _strings(df, "state"), strict=True)
    ]
    actor_idx = []
    for actor in holders:
        ai = actors(esc(actor))
        if ai == len(colour_list):
            colour_list.append(colours.get(actor, UNKNOWN_COLOUR))
        actor_idx.append(ai)
    rows = [
        list(r)
        for r in zip(
            _coords(df, "lat"),
            _coords(df, "lon"),
            _escaped(_strings(df, "name")),
            actor_idx,
            _escaped(_dates(df, "since", "since_precision")),
            _escaped(_dates(df, "last_confirmed")),
            _escaped([e[:EVIDENCE_MAX] for e in _strings(df, "evidence")]),
            [articles(a) for a in _escaped(_articles(df))],
            _escaped(_statuses(df)),
            strict=True,
        )
    ]
    return {"rows": rows, "actors": actors.values, "colours": colour_list, "articles": articles.values}, n


EVENTS_JS = """
var ms = [];
for (var i = 0; i < D.rows.length; i++) {
  var r = D.rows[i];
  var kind = D.kinds[r[2]];
  var m = L.marker([r[0], r[1]], {icon: cmIcon(D.symbols, kind, D.colours[r[3]], r[10] === 1),
    zIndexOffset: r[10] === 1 ? 1000 : 0, title: r[5] + ': ' + kind});
  m.bindPopup((function(r, kind) { return function() {
    return cmPopup(r[5] + ' \u2014 ' + kind + (r[10] === 1 ? ' (new)' : ''), [['Actor', D.actors[r[3]]],
      ['Date', r[4]], ['Where precision', r[9]], ['Evidence', r[6] ? '<q>' + r[6] + '</q>' : ''],
      ['Article', D.articles[r[7]]], ['Status', r[8]]]);
  }; })(r, kind));
  ms.push(m);
}
// bulk add: leaflet.markercluster clusters thousands of markers at once far faster than one by one
if (parent.addLayers) { parent.addLayers(ms); } else { ms.forEach(function(m) { parent.addLayer(m); }); }
"""


def event_rows(
    events: pd.DataFrame | None, colours: dict[str, str], new_since: dt.date | None
) -> tuple[dict, int]:
    """Events up to the date, icon by kind, colour by actor; `new` when dated after `new_since`.

    Columns of geo.maps.layers.events_layer: kind, actor, place, event_date, date_precision, where_precision,
    evidence, title/source, status, is_new; coordinates latitude/longitude. `is_new` wins over `new_since`.
    """
    df = _points(events)
    kinds, actors, articles = _Interner(), _Interner(), _Interner()
    colour_list: list[str] = []
    actor_idx = []
    for actor in _escaped([a or "unknown" for a in _strings(df, "actor")]):
        ai = actors(actor)
        if ai == len(colour_list):
            colour_list.append(colours.get(html.unescape(actor), UNKNOWN_COLOUR))
        actor_idx.append(ai)
    if "is_new" in df.columns:
        is_new = [1 if v is True or v == 1 else 0 for v in df["is_new"].astype(object).tolist()]
    elif new_since is not None and "event_date" in df.columns:
        dates = pd.to_datetime(df["event_date"], errors="coerce")
        is_new = (dates > pd.Timestamp(new_since)).astype(int).tolist()
    else:
        is_new = [0] * len(df)
    places = [p or q for p, q in zip(_strings(df, "place"), _strings(df, "place_text"), strict=True)]
    rows = [
        list(r)
        for r in zip(
            _coords(df, "lat"),
            _coords(df, "lon"),
            [kinds(esc(k or "other")) for k in _strings(df, "kind")],
            actor_idx,
            _escaped(_dates(df, "event_date", "date_precision")),
            _escaped(places),
            _escaped([e[:EVIDENCE_MAX] for e in _strings(df, "evidence")]),
            [articles(a) for a in _escaped(_articles(df))],
            _escaped(_statuses(df)),
            _escaped(_strings(df, "where_precision")),
            is_new,
            strict=True,
        )
    ]
    data = {
        "rows": rows,
        "kinds": kinds.values,
        "actors": actors.values,
        "colours": colour_list,
        "articles": articles.values,
        "symbols": KIND_SYMBOLS,
    }
    return data, len(rows)


MENTIONS_JS = """
var ms = [];
for (var i = 0; i < D.rows.length; i++) {
  var r = D.rows[i];
  var m = L.circleMarker([r[0], r[1]], {radius: 6, color: '#333', weight: 1, fillColor: '#fdd835',
    fillOpacity: 0.85, bubblingMouseEvents: false});
  m.bindTooltip(r[2] + ' (' + r[3] + ')');
  m.bindPopup((function(r) { return function() {
    return cmPopup(r[2], [['Mentions', r[3]], ['Articles', r[4]], ['Status', r[5]]]);
  }; })(r));
  ms.push(m);
}
// bulk add: leaflet.markercluster clusters thousands of markers at once far faster than one by one
if (parent.addLayers) { parent.addLayers(ms); } else { ms.forEach(function(m) { parent.addLayer(m); }); }
"""


def mention_rows(mentions: pd.DataFrame | None) -> tuple[dict, int]:
    """All mentions, aggregated per resolved place (100,000 mentions are a few thousand places).

    Columns of geo.maps.layers.mentions_layer: name, latitude/longitude, article_id, status (one row per
    mention); a `count` column, if present, is summed (pre-aggregated input).
    """
    df = _points(mentions, keep=("name", "article_id", "status", "count"))
    if len(df) == 0:
        return {"rows": []}, 0
    df = df.assign(
        lat=df["lat"].astype(float).round(4),
        lon=df["lon"].astype(float).round(4),
        place=df["name"] if "name" in df.columns else "",
        count=df["count"] if "count" in df.columns else 1,
        article_id=df["article_id"] if "article_id" in df.columns else 0,
        status=(df["status"].astype(object).fillna("") if "status" in df.columns else ""),
    )
    grouped = df.groupby(["lat", "lon"], sort=False).agg(
        place=("place", "first"), count=("count", "sum"), articles=("article_id", "nunique")
    )
    statuses = (
        df[df["status"].isin(["confirmed", "edited"])].groupby(["lat", "lon"], sort=False)["status"].size()
    )
    rows = []
    for (lat, lon), place, count, n_articles in zip(
        grouped.index, grouped["place"], grouped["count"], grouped["articles"], strict=True
    ):
        annotated = int(statuses.get((lat, lon), 0))
        rows.append(
            [
                lat,
                lon,
                esc(place),
                int(count),
                int(n_articles),
                f"{annotated} annotated" if annotated else "",
            ]
        )
    return {"rows": rows}, int(df["count"].sum())


DATELINE_JS = """
for (var i = 0; i < D.rows.length; i++) {
  var r = D.rows[i];
  var m = L.circleMarker([r[0], r[1]], {radius: 5, color: '#000', weight: 2, fillColor: '#fff',
    fillOpacity: 1, dashArray: '2,2', bubblingMouseEvents: false});
  m.bindTooltip('Filed from ' + r[2]);
  m.bindPopup((function(r) { return function() {
    return cmPopup('Filed from ' + r[2], [['Articles', r[3]]]);
  }; })(r));
  m.addTo(parent);
}
"""


def dateline_rows(datelines: pd.DataFrame | None) -> tuple[dict, int]:
    """Where each article was filed: one marker per place, listing (up to 20 of) its articles."""
    df = _points(datelines, keep=("name", "title", "source"))
    if len(df) == 0:
        return {"rows": []}, 0
    df = df.assign(
        lat=df["lat"].astype(float).round(4),
        lon=df["lon"].astype(float).round(4),
        place=_strings(df, "name"),
        article=_articles(df),
    )
    rows = []
    for (lat, lon), group in df.groupby(["lat", "lon"], sort=False):
        titles = [esc(t) for t in dict.fromkeys(a for a in group["article"] if a)]
        more = f"<br>... and {len(titles) - 20} more" if len(titles) > 20 else ""
        rows.append([lat, lon, esc(group["place"].iloc[0]), "<br>".join(titles[:20]) + more])
    return {"rows": rows}, len(df)


PROVINCES_JS = """
L.geoJSON(D.fc, {
  style: function(f) { return {color: '#333', weight: 1, fillColor: D.colours[f.properties.a],
    fillOpacity: 0.35}; },
  onEachFeature: function(f, layer) {
    var p = f.properties;
    layer.bindTooltip(p.n + ' \u2014 ' + D.actors[p.a]);
    layer.bindPopup(cmPopup(p.n, [['Held by', D.actors[p.a]], ['Capital', p.c], ['Since', p.d],
      ['Evidence', p.e ? '<q>' + p.e + '</q>' : '']]));
  }
}).eachLayer(function(l) { parent.addLayer(l); });
"""


def _split_antimeridian(geom: Any) -> Any:
    """Polygons whose rings jump across the date line (Fiji, Chukotka in world-atlas data) drawn as is
    become bands around the whole world in Leaflet; cut them at +/-180 degrees instead."""
    parts = list(getattr(geom, "geoms", [geom]))
    fixed = []
    changed = False
    for part in parts:
        if part.geom_type != "Polygon":
            fixed.append(part)
            continue
        xs = shapely.get_coordinates(part.exterior)[:, 0]
        # Antarctica legitimately runs along the whole date line; leave polar shapes alone.
        if len(xs) < 2 or np.abs(np.diff(xs)).max() <= 180 or part.bounds[1] < -60:
            fixed.append(part)
            continue
        try:
            shifted = shapely.make_valid(
                shapely.transform(part, lambda c: np.where(c[:, :1] < 0, c + [360.0, 0.0], c))
            )
            west = shifted.intersection(shapely.box(-180, -90, 180, 90))
            east = shapely.affinity.translate(shifted.intersection(shapely.box(180, -90, 540, 90)), xoff=-360)
        except shapely.errors.GEOSException:
            fixed.append(part)
            continue
        changed = True
        fixed.extend(g for g in (west, east) if not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon"))
    if not changed:
        return geom
    return shapely.unary_union(fixed)


def _geometry_json(geom: Any, tolerance: float) -> dict | None:
    if geom is None or geom.is_empty:
        return None
    geom = _split_antimeridian(geom)
    if tolerance > 0:
        geom = geom.simplify(tolerance, preserve_topology=True)
    mapping = json.loads(json.dumps(geom.__geo_interface__, default=float))
    return _round_coords(mapping)


def _round_coords(obj: Any, digits: int = 3) -> Any:
    if isinstance(obj, dict):
        return {k: _round_coords(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if obj and all(isinstance(v, (int, float)) for v in obj):
            return [round(float(v), digits) for v in obj]
        return [_round_coords(v, digits) for v in obj]
    return obj


_PROVINCE_GEOMETRY: dict[tuple[int, float], dict | None] = {}


def _province_geometry(geonameid: int, geom: Any, tolerance: float) -> dict | None:
    """Simplified province outline, computed once per province (the polygons never change at run time)."""
    key = (geonameid, tolerance)
    if key not in _PROVINCE_GEOMETRY:
        if len(_PROVINCE_GEOMETRY) > 20_000:
            _PROVINCE_GEOMETRY.clear()
        _PROVINCE_GEOMETRY[key] = _geometry_json(geom, tolerance)
    return _PROVINCE_GEOMETRY[key]


def province_rows(
    provinces: pd.DataFrame | None, colours: dict[str, str], tolerance: float = 0.01
) -> tuple[dict, int]:
    """Province polygons shaded by who holds the province's capital (geo.maps.layers.province_control_layer).

    Columns of geo.maps.layers.province_control_layer: geometry, name, controller, state, seat_name, since,
    since_precision, evidence.
    """
    if provinces is None or len(provinces) == 0 or "geometry" not in provinces.columns:
        return {"fc": {"type": "FeatureCollection", "features": []}, "actors": [], "colours": []}, 0
    actors = _Interner()
    colour_list: list[str] = []
    features = []
    for row in provinces.to_dict("records"):
        gid = _get(row, "geonameid")
        geometry = (
            _province_geometry(int(gid), row.get("geometry"), tolerance)
            if gid is not None
            else (_geometry_json(row.get("geometry"), tolerance))
        )
        if geometry is None:
            continue
        actor = _controller(row)
        ai = actors(esc(actor))
        if ai == len(colour_list):
            colour_list.append(colours.get(actor, UNKNOWN_COLOUR))
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "n": esc(_get(row, "name", "")),
                    "a": ai,
                    "c": esc(_get(row, "seat_name", "")),
                    "d": esc(_date_text(_get(row, "since"), _get(row, "since_precision"))),
                    "e": esc(str(_get(row, "evidence", ""))[:EVIDENCE_MAX]),
                },
            }
        )
    data = {
        "fc": {"type": "FeatureCollection", "features": features},
        "actors": actors.values,
        "colours": colour_list,
    }
    return data, len(features)


BOUNDARIES_JS = """
function draw(B) {
  L.geoJSON(B.countries, {interactive: false, style: function() {
    return {color: '#8a8a8a', weight: 0.8, fillColor: B.fill, fillOpacity: B.fill ? 1 : 0}; }})
    .eachLayer(function(l) { parent.addLayer(l); });
  L.geoJSON(B.provinces, {interactive: false, style: function() {
    return {color: '#b0b0b0', weight: 0.5, fill: false, dashArray: '3,3'}; }})
    .eachLayer(function(l) { parent.addLayer(l); });
  parent.bringToBack && parent.bringToBack();
}
if (D.url) {
  // Served by Streamlit from dashboard/static (same host): fetched once, then cached by the browser,
  // instead of resending a megabyte of polygons with every rerun.
  fetch(D.url).then(function(r) { return r.json(); }).then(draw);
} else {
  draw(D);
}
"""


def boundary_data(
    countries: pd.DataFrame | None,
    provinces: pd.DataFrame | None,
    *,
    fill: bool,
    country_tolerance: float = 0.05,
    province_tolerance: float = 0.02,
) -> dict:
    """The offline basemap: simplified country polygons (and province outlines where given)."""

    def fc(df: pd.DataFrame | None, tolerance: float) -> dict:
        features = []
        if df is not None and len(df) and "geometry" in df.columns:
            for geom in df["geometry"]:
                g = _geometry_json(geom, tolerance)
                if g is not None:
                    features.append({"type": "Feature", "geometry": g, "properties": {}})
        return {"type": "FeatureCollection", "features": features}

    return {
        "countries": fc(countries, country_tolerance),
        "provinces": fc(provinces, province_tolerance),
        "fill": "#f2efe9" if fill else "",
    }


# --- assembling the map ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrebuiltTable:
    """A layer table built once and reused (mentions and datelines do not depend on the date); its JSON
    is serialised once too."""

    data: dict
    count: int
    json: str = ""

    @classmethod
    def of(cls, data: dict, count: int) -> PrebuiltTable:
        return cls(data, count, _js_json(data))


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
    items += f'<div><i style="background:{UNKNOWN_COLOUR}"></i>unknown</div>'
    kinds = "".join(
        f'<div><svg viewBox="0 0 14 14" width="14" height="14" style="background:#555;border-radius:50%;'
        f'vertical-align:-3px;margin-right:5px">{svg}</svg>{esc(k)}</div>'
        for k, svg in KIND_SYMBOLS.items()
    )
    body = (
        f"<details open><summary><b>Legend</b></summary><b>Held by / actor</b>{items}<b>Events</b>{kinds}"
        '<div><i style="background:#999;box-shadow:0 0 0 3px #ffeb3b"></i>new since last step</div>'
        '<div><i style="background:#fdd835"></i>mentions (clustered)</div>'
        '<div><i style="background:#fff;border:2px dashed #000"></i>dateline</div></details>'
    )
    return (
        "var legend = L.control({position: 'bottomleft'});\n"
        "legend.onAdd = function() { var d = L.DomUtil.create('div', 'cm-legend'); d.innerHTML = "
        + _js_json(body)
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
    m.get_root().header.add_child(branca.element.Element(MAP_CSS), name="cm_css")
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


KEEP_HIDDEN_JS = """
setTimeout(function() {
  var name = D.name;
  if (window.cmHidden && window.cmHidden[name] && parent._map) { parent._map.removeLayer(parent); }
}, 0);
"""


def _remember_visibility(group: folium.FeatureGroup) -> folium.FeatureGroup:
    """Re-hide a rebuilt overlay the analyst had switched off (see HELPERS_JS)."""
    group.add_child(DataLayer(KEEP_HIDDEN_JS, {"name": group.layer_name}, "visibility"))
    return group


def build_overlays(
    layers: MapLayers, colours: dict[str, str]
) -> tuple[list[folium.FeatureGroup], dict[str, int]]:
    """The date-dependent feature groups, in drawing order, with the number of items in each."""
    from geo.render.offline import OfflineMarkerCluster

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


def _as_date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


SELECTION_JS = """
L.circleMarker([D.lat, D.lon], {radius: 16, color: '#6a1b9a', weight: 4, fill: false,
  interactive: false}).addTo(parent);
L.tooltip({permanent: true, direction: 'top', offset: [0, -14], className: 'cm-label'})
  .setLatLng([D.lat, D.lon]).setContent(D.label).addTo(parent);
"""


def selection_group(lat: float, lon: float, label: str) -> folium.FeatureGroup:
    """A ring around the place the analyst selected (from the reader or a map click)."""
    g = folium.FeatureGroup(name="Selection", overlay=True, control=False)
    g.add_child(
        DataLayer(SELECTION_JS, {"lat": _round(lat), "lon": _round(lon), "label": esc(label)}, "selection")
    )
    return g
