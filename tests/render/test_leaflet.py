"""The map builder, the reader and the URL state on tables built by hand (no store, no gazetteer)."""

from __future__ import annotations

import datetime as dt
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard import reader, urlstate
from geo.render import leaflet as mapview
from geo.render.offline import all_asset_urls, external_assets, is_local, static_file
from geo.render.palette import controller_palette

pytestmark = pytest.mark.requires_gazetteer

EVIL = '<script>alert("x")</script>'


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(
                kind="captured",
                actor="Taliban",
                place="Herat",
                latitude=34.348,
                longitude=62.2,
                event_date=pd.Timestamp("2021-08-12"),
                date_precision="day",
                where_precision=1,
                evidence=f"Herat fell to the Taliban {EVIL}.",
                title=f"Report {EVIL}",
                source="a.txt",
                status="confirmed",
                notes="",
                is_new=True,
            ),
            dict(
                kind="captured",
                actor="Islamic State",
                place="Mosul",
                latitude=36.34,
                longitude=43.13,
                event_date=pd.Timestamp("2014-01-01"),
                date_precision="year",
                where_precision=1,
                evidence="DAESH captured Mosul in 2014.",
                title=None,
                source="b.txt",
                status="auto",
                notes="",
                is_new=False,
            ),
        ]
    )


def _control() -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(
                name="Herat",
                controller="Taliban",
                state="held",
                latitude=34.348,
                longitude=62.2,
                since=pd.Timestamp("2021-08-12"),
                since_precision="day",
                last_confirmed=pd.Timestamp("2021-08-12"),
                evidence="Herat fell.",
                title="t",
                source="s",
                status="auto",
            ),
            dict(
                name="Kunduz",
                controller=None,
                state="vacated",
                latitude=36.7,
                longitude=68.9,
                since=pd.Timestamp("2021-07-01"),
                since_precision="month",
                last_confirmed=None,
                evidence="Troops withdrew.",
                title="t",
                source="s",
                status="auto",
            ),
        ]
    )


def _built(**kw) -> mapview.BuiltMap:
    mentions = pd.DataFrame(
        [
            dict(name="Kabul", latitude=34.53, longitude=69.17, article_id=i % 3, status="auto")
            for i in range(7)
        ]
        + [dict(name=EVIL, latitude=1.0, longitude=2.0, article_id=1, status="edited")]
    )
    layers = mapview.MapLayers(control=_control(), events=_events(), mentions=mentions, **kw)
    colours = controller_palette(["Taliban", "Islamic State"])
    return mapview.build_map(layers, mapview.boundary_data(None, None, fill=True), colours)


def test_every_text_reaching_html_is_escaped() -> None:
    html = mapview.render_html(_built())
    assert "<script>alert" not in html
    tables = mapview.layer_tables(html)
    ev = tables["events"][0]
    assert any("&lt;script&gt;" in r[6] for r in ev["rows"])  # evidence
    assert any("&lt;script&gt;" in a for a in ev["articles"])  # article title
    assert any("&lt;script&gt;" in r[2] for r in tables["mentions"][0]["rows"])


def test_map_loads_only_local_assets() -> None:
    built = _built()
    m = built.standalone()
    assert external_assets(m) == []
    html = m.get_root().render()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert urls and all(is_local(u) for u in urls), urls
    assert all(static_file(u).is_file() for u in all_asset_urls())
    assert "tileLayer" not in html


def test_osm_tiles_are_opt_in() -> None:
    built = mapview.build_map(
        mapview.MapLayers(), mapview.boundary_data(None, None, fill=False), {}, osm_tiles=True
    )
    assert "tile.openstreetmap.org" in mapview.render_html(built)


def test_layers_hold_what_the_tables_say() -> None:
    built = _built()
    tables = mapview.layer_tables(mapview.render_html(built))
    ctrl = tables["control"][0]
    holders = {r[2]: ctrl["actors"][r[3]] for r in ctrl["rows"]}
    assert holders == {"Herat": "Taliban", "Kunduz": "vacated (no holder)"}
    # month precision is shown as an approximate month, never as a made-up day
    assert any(r[4] == "≈ 2021-07 (month precision)" for r in ctrl["rows"])
    ev = tables["events"][0]
    by_place = {r[5]: r for r in ev["rows"]}
    assert by_place["Herat"][10] == 1 and by_place["Mosul"][10] == 0  # new since the previous step
    assert by_place["Mosul"][4] == "≈ 2014 (year precision)"
    assert by_place["Herat"][8].startswith("confirmed")  # annotation status in the popup
    mentions = {r[2]: r for r in tables["mentions"][0]["rows"]}
    assert mentions["Kabul"][3] == 7 and mentions["Kabul"][4] == 3  # 7 mentions in 3 articles
    assert built.counts["mentions"] == 8 and built.counts["mention_places"] == 2


def test_events_are_clustered_when_there_are_many() -> None:
    many = pd.concat([_events()] * 500, ignore_index=True)
    layers = mapview.MapLayers(events=many)
    built = mapview.build_map(layers, mapview.boundary_data(None, None, fill=True), {})
    html = mapview.render_html(built)
    assert built.counts["events"] == 1000
    assert html.count("L.markerClusterGroup(") == 2  # events and mentions


def test_province_polygons_are_shaded_by_holder() -> None:
    prov = gpd.GeoDataFrame(
        [
            dict(
                geonameid=-1,
                name="Herat",
                controller="Taliban",
                seat_name="Herat",
                since=pd.Timestamp("2021-08-12"),
                since_precision="day",
                evidence="Herat fell.",
                geometry=shapely.box(61, 33, 64, 35.5),
            )
        ],
        crs="EPSG:4326",
    )
    data, n = mapview.province_rows(prov, {"Taliban": "#d62728"})
    assert n == 1 and data["colours"] == ["#d62728"]
    assert data["fc"]["features"][0]["properties"]["c"] == "Herat"


def test_the_basemap_never_draws_a_band_round_the_world() -> None:
    """One antimeridian splitter: the gazetteer build cuts every ring at +-180 degrees
    (geo.gazetteer.build.split_antimeridian), and the map draws its polygons as they are. A Fiji-like ring
    across the date line, cut by the build, reaches the map as two narrow parts on either side."""
    from geo.gazetteer.build import split_antimeridian

    ring = [(179.0, -16.0), (-179.0, -16.0), (-179.0, -17.0), (179.0, -17.0), (179.0, -16.0)]
    parts = split_antimeridian(ring)
    frame = gpd.GeoDataFrame(geometry=[shapely.MultiPolygon(parts)], crs="EPSG:4326")
    geometry = mapview.boundary_data(frame, None, fill=True)["countries"]["features"][0]["geometry"]
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    for polygon in geometry["coordinates"]:
        xs = [x for x, _ in polygon[0]]
        assert max(xs) - min(xs) <= 1.0 + 1e-9
        assert min(xs) >= -180 and max(xs) <= 180


def test_event_symbols_and_legend_come_from_the_kind_registry() -> None:
    from geo.kinds import KINDS

    built = _built()
    html = mapview.render_html(built)
    assert mapview.layer_tables(html)["events"][0]["symbols"] == {k.name: k.symbol for k in KINDS}
    legend = mapview.legend_js({"Taliban": "#d62728"})
    for kind in KINDS:
        assert mapview.js_json(kind.label)[1:-1] in legend and mapview.js_json(kind.symbol)[1:-1] in legend


def test_reader_highlights_each_place_by_status_and_escapes_the_text() -> None:
    text = f"Kala-e Nau fell. {EVIL} Herat too. Price said."
    mentions = pd.DataFrame(
        [
            dict(
                start=0,
                end=10,
                text="Kala-e Nau",
                status="auto",
                role="place",
                latitude=35.0,
                confidence=0.9,
                name="Qala i Naw",
                target_key="k1",
            ),
            dict(
                start=text.index("Herat"),
                end=text.index("Herat") + 5,
                text="Herat",
                status="confirmed",
                role="place",
                latitude=34.3,
                confidence=0.9,
                name="Herat",
                target_key="k2",
            ),
            dict(
                start=text.index("Price"),
                end=text.index("Price") + 5,
                text="Price",
                status="rejected",
                role="place",
                latitude=None,
                confidence=0.3,
                name=None,
                target_key="k3",
            ),
        ]
    )
    out = reader.highlight_html(text, mentions, selected_key="k2")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'class="cm-resolved"' in out and "Kala-e Nau</mark>" in out
    assert 'class="cm-annotated"' in out and "outline" in out  # selected place is outlined
    assert 'class="cm-rejected"' in out


def test_view_state_round_trips_through_the_url() -> None:
    view = urlstate.ViewState(
        date=dt.date(2021, 8, 13),
        countries=["AF"],
        actors=["Taliban"],
        kinds=["captured"],
        languages=["en", "de"],
        min_confidence=0.5,
        article_id=3,
    )
    params = urlstate.to_params(view)
    assert params["date"] == "2021-08-13" and params["lang"] == "en,de"
    assert urlstate.parse(params) == view
    assert urlstate.parse({"date": "garbage", "minconf": "x"}) == urlstate.ViewState()


def test_template_like_article_text_is_shown_as_text_not_evaluated() -> None:
    events = _events()
    events.loc[0, "evidence"] = "Rebels wrote {{ 7*7 }} and {% if x %}y{% endif %} on the wall {# c #}."
    built = mapview.build_map(
        mapview.MapLayers(events=events), mapview.boundary_data(None, None, fill=True), {}
    )
    html = mapview.render_html(built)
    ev = mapview.layer_tables(html)["events"][0]
    assert ev["rows"][0][6] == "Rebels wrote {{ 7*7 }} and {% if x %}y{% endif %} on the wall {# c #}."
    assert "49" not in ev["rows"][0][6]


def test_a_vacated_place_never_reads_nan_or_none() -> None:
    """A place whose holder withdrew reads "vacated (no holder)" in the point and province popups, whatever
    form the missing controller takes (None, NaN, pd.NA)."""
    for missing in (None, float("nan"), pd.NA):
        control = _control().astype(object)
        control.at[1, "controller"] = missing
        data, _ = mapview.control_points(control, {})
        holders = {r[2]: data["actors"][r[3]] for r in data["rows"]}
        assert holders["Kunduz"] == "vacated (no holder)", missing
        provinces = gpd.GeoDataFrame(
            [dict(name="Kunduz", controller=missing, state="vacated", seat_name="Kunduz", since=None)],
            geometry=[shapely.box(68, 36, 69, 37)],
        )
        pdata, _ = mapview.province_rows(provinces, {})
        assert pdata["actors"] == ["vacated (no holder)"]
    assert mapview.holder_text(float("nan"), "vacated") == "vacated (no holder)"
    assert mapview.holder_text(None, None) == "unknown"
    assert "nan" not in mapview.render_html(_built()).split("cm-data:control")[1].split("cm-end")[0]


def test_approximate_dates_are_marked_in_text_and_drawn_dashed() -> None:
    """A year- or month-precision date says "≈ ... (year precision)" and its row carries the flag the JS
    draws as a dashed outline; a day-precision date does not. The legend explains the dashes."""
    assert mapview.date_text(pd.Timestamp("2014-01-01"), "year") == "≈ 2014 (year precision)"
    assert mapview.date_text(dt.date(2021, 7, 1), "month") == "≈ 2021-07 (month precision)"
    assert mapview.date_text(dt.date(2021, 8, 12), "day") == "2021-08-12 (day)"
    assert mapview.date_text(None, "year") == "undated"
    html = mapview.render_html(_built())
    tables = mapview.layer_tables(html)
    ev = {r[5]: r for r in tables["events"][0]["rows"]}
    assert (ev["Mosul"][11], ev["Herat"][11]) == (1, 0)
    ctrl = {r[2]: r for r in tables["control"][0]["rows"]}
    assert (ctrl["Kunduz"][9], ctrl["Herat"][9]) == (1, 0)
    provinces = gpd.GeoDataFrame(
        [
            dict(
                name="Nineveh",
                controller="Islamic State",
                state="held",
                since=pd.Timestamp("2014-01-01"),
                since_precision="year",
            ),
            dict(
                name="Herat",
                controller="Taliban",
                state="held",
                since=pd.Timestamp("2021-08-12"),
                since_precision="day",
            ),
        ],
        geometry=[shapely.box(42, 35, 44, 37), shapely.box(61, 33, 63, 35)],
    )
    pdata, _ = mapview.province_rows(provinces, {})
    props = {f["properties"]["n"]: f["properties"] for f in pdata["fc"]["features"]}
    assert props["Nineveh"]["u"] == 1 and props["Nineveh"]["d"] == "≈ 2014 (year precision)"
    assert props["Herat"]["u"] == 0
    # the drawing code uses the flags, and the legend says what a dashed outline means
    assert "dashArray: r[9] ?" in html and "r[11] === 1" in html and "cm-approx" in html
    assert "approximate date" in html and "≈ 2014 (year precision)" in html
