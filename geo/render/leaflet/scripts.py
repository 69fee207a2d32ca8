"""The JavaScript and CSS of the Leaflet map, as fixed text (no data, no user strings in here).

Every layer ships a compact JSON table `D` (built by `geo.render.leaflet.tables`) and one of the scripts
below turns it into Leaflet objects inside its parent group `parent`. Strings in `D` are already
HTML-escaped; these scripts only concatenate them into fixed markup. The same scripts run in the
dashboard's iframe and in the standalone HTML export.
"""

MAP_CSS = """
<style>
.cm-ev{border-radius:50%;border:1.5px solid #fff;box-shadow:0 0 2px #000;display:flex;
  align-items:center;justify-content:center}
.cm-ev svg{width:12px;height:12px}
.cm-new{box-shadow:0 0 0 3px #ffeb3b,0 0 6px 4px #000;z-index:1000 !important}
.cm-approx{border:2px dashed #000}
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
.cm-legend i.cm-approx{border:2px dashed #000;box-shadow:none;width:10px;height:10px}
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
// approx: the date is a month or a year (stored as its first day), so the marker gets a dashed outline
window.cmIcon = function(symbols, kind, colour, isNew, approx) {
  var size = isNew ? 24 : 18;
  return L.divIcon({
    className: '',
    iconSize: [size, size],
    html: '<div class="cm-ev' + (isNew ? ' cm-new' : '') + (approx ? ' cm-approx' : '') + '" style="width:' +
      size + 'px;height:' +
      size + 'px;background:' + colour + '"><svg viewBox="0 0 14 14">' + (symbols[kind] || '') +
      '</svg></div>'
  });
};
"""


CONTROL_JS = """
for (var i = 0; i < D.rows.length; i++) {
  var r = D.rows[i];
  var colour = D.colours[r[3]];
  // r[9]: the holder's 'since' is a month or a year: a thicker dashed outline says the date is approximate
  var m = L.circleMarker([r[0], r[1]], {radius: 9, color: '#222', weight: r[9] ? 2.5 : 1.5,
    dashArray: r[9] ? '4,3' : null, fillColor: colour, fillOpacity: 0.9, bubblingMouseEvents: false});
  m.bindTooltip(r[2] + ' \u2014 ' + D.actors[r[3]] + (r[9] ? ' (since ' + r[4] + ')' : ''));
  m.bindPopup((function(r) { return function() {
    return cmPopup(r[2], [['Held by', D.actors[r[3]]], ['Since', r[4]], ['Last confirmed', r[5]],
      ['Evidence', r[6] ? '<q>' + r[6] + '</q>' : ''], ['Article', D.articles[r[7]]], ['Status', r[8]]]);
  }; })(r));
  m.addTo(parent);
}
"""


EVENTS_JS = """
var ms = [];
for (var i = 0; i < D.rows.length; i++) {
  var r = D.rows[i];
  var kind = D.kinds[r[2]];
  var m = L.marker([r[0], r[1]], {icon: cmIcon(D.symbols, kind, D.colours[r[3]], r[10] === 1, r[11] === 1),
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


PROVINCES_JS = """
L.geoJSON(D.fc, {
  style: function(f) { var u = f.properties.u === 1;  // approximate 'since': dashed outline
    return {color: '#333', weight: u ? 2 : 1, dashArray: u ? '6,4' : null,
      fillColor: D.colours[f.properties.a], fillOpacity: 0.35}; },
  onEachFeature: function(f, layer) {
    var p = f.properties;
    layer.bindTooltip(p.n + ' \u2014 ' + D.actors[p.a]);
    layer.bindPopup(cmPopup(p.n, [['Held by', D.actors[p.a]], ['Capital', p.c], ['Since', p.d],
      ['Evidence', p.e ? '<q>' + p.e + '</q>' : '']]));
  }
}).eachLayer(function(l) { parent.addLayer(l); });
"""


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
  // Served by the dashboard's own server (same host): fetched once, then cached by the browser,
  // instead of resending a megabyte of polygons with every rerun.
  fetch(D.url).then(function(r) { return r.json(); }).then(draw);
} else {
  draw(D);
}
"""


KEEP_HIDDEN_JS = """
setTimeout(function() {
  var name = D.name;
  if (window.cmHidden && window.cmHidden[name] && parent._map) { parent._map.removeLayer(parent); }
}, 0);
"""


SELECTION_JS = """
L.circleMarker([D.lat, D.lon], {radius: 16, color: '#6a1b9a', weight: 4, fill: false,
  interactive: false}).addTo(parent);
L.tooltip({permanent: true, direction: 'top', offset: [0, -14], className: 'cm-label'})
  .setLatLng([D.lat, D.lon]).setContent(D.label).addTo(parent);
"""
