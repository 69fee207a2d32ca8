"""Dashboard speed on the standard synthetic store (10,000 events, 100,000 mentions; bench/synth.py).

Figures:
- map rebuild when the date moves (geo.maps.layers queries + folium objects + the HTML/JS the browser gets),
  for two dates after a warm-up, the target being < 1.5 s on the server;
- the whole page rerun after moving the date slider, measured through streamlit's AppTest (what the
  server does when an analyst drags the slider: every panel, not only the map);
- the payload: the st_folium component's arguments sent on each rerun, and the basemap JSON fetched once
  from Streamlit's media store (target for the map payload: < 5 MB).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

from bench.figures import Figure

TARGET_S = 1.5
TARGET_BYTES = 5_000_000


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def run() -> list[Figure]:
    from bench.synth import make_synthetic_store
    from dashboard import data
    from dashboard.urlstate import ViewState
    from geo.render import leaflet as mapview
    from geo.store import Store

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "synthetic.sqlite"
        build_s, _ = _timed(lambda: make_synthetic_store(db))
        figures.append(Figure("synthetic store build (10,000 events, 100,000 mentions)", build_s, "s"))

        store = Store(db)
        view = ViewState()
        _, hi = store.date_range()
        colours = data.palette(store)
        inline = data.boundaries(data.data_countries(store), True)  # no Streamlit server here: inline
        basemap_bytes = len(json.dumps(inline, separators=(",", ":"), ensure_ascii=False).encode())
        boundaries = {"url": "/media/basemap.json"}  # what the running app sends (see data.publish)
        bounds = data.data_bounds(store)

        def rebuild(day: dt.date) -> tuple[mapview.BuiltMap, str]:
            layers = data.map_layers(store, view, day, day - dt.timedelta(days=1))
            built = mapview.build_map(layers, boundaries, colours, bounds=bounds)
            return built, mapview.render_html(built)

        warm_s, _ = _timed(lambda: rebuild(hi - dt.timedelta(days=30)))
        figures.append(Figure("map build, first view (cold caches)", warm_s, "s"))
        html_sizes = []
        for label, day in (
            ("date A", hi - dt.timedelta(days=10)),
            ("date B (+1 day)", hi - dt.timedelta(days=9)),
        ):
            cpu0 = time.process_time()
            secs, (built, html) = _timed(lambda day=day: rebuild(day))
            cpu = time.process_time() - cpu0
            html_sizes.append(len(html.encode()))
            # CPU time of the same rebuild: on a shared machine wall time also counts other processes
            figures.append(Figure(f"map rebuild CPU time in this process, {label}", cpu, "s"))
            figures.append(
                Figure(
                    f"map rebuild after moving the date, {label}", secs, "s", f"< {TARGET_S}", secs < TARGET_S
                )
            )
        figures.append(
            Figure(
                f"map HTML+JS payload ({built.counts['events']:,} events, "
                f"{built.counts['mentions']:,} mentions in {built.counts['mention_places']:,} places)",
                max(html_sizes) / 1e6,
                "MB",
                "< 5",
                max(html_sizes) < TARGET_BYTES,
            )
        )
        figures.append(Figure("basemap JSON, fetched once from the app's /media", basemap_bytes / 1e6, "MB"))
        store.close()

        figures += _apptest_figures(db, hi)
    return figures


def _apptest_figures(db: Path, hi: dt.date) -> list[Figure]:
    """Time the real page through AppTest: a first run, then two slider moves."""
    from streamlit.testing.v1 import AppTest

    app = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
    old = os.environ.get("CONFLICTMAP_DB")
    os.environ["CONFLICTMAP_DB"] = str(db)
    figures: list[Figure] = []
    try:
        at = AppTest.from_file(str(app), default_timeout=300)
        at.query_params["date"] = (hi - dt.timedelta(days=20)).isoformat()
        first_s, _ = _timed(at.run)
        figures.append(Figure("page first run (AppTest)", first_s, "s"))
        payload = 0
        for i, day in enumerate((hi - dt.timedelta(days=12), hi - dt.timedelta(days=11))):
            at.slider(key="date").set_value(day)
            secs, _ = _timed(at.run)
            if at.exception:
                raise RuntimeError(str(at.exception))
            comp = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")][
                0
            ]
            payload = max(payload, len(comp.proto.json_args.encode()))
            figures.append(
                Figure(
                    f"page rerun after moving the date slider (#{i + 1}, AppTest)",
                    secs,
                    "s",
                    f"< {TARGET_S}",
                    secs < TARGET_S,
                )
            )
        figures.append(
            Figure("st_folium arguments sent per rerun", payload / 1e6, "MB", "< 5", payload < TARGET_BYTES)
        )
    finally:
        if old is None:
            os.environ.pop("CONFLICTMAP_DB", None)
        else:
            os.environ["CONFLICTMAP_DB"] = old
    return figures


if __name__ == "__main__":
    from bench.figures import format_table

    print(format_table(run()))
