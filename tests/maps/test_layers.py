"""geo.maps.layers on a real SQLite store: what the map shows at a date, with filters and annotations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.maps import layers
from geo.maps.layers import LayerFilter
from geo.store import Store
from tests.fixtures import hand_store as fx

pytestmark = pytest.mark.requires_gazetteer

D = dt.date


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "l.sqlite") as s:
        s.ingest(fx.capture_article(fx.HERAT, "Herat", "Taliban", D(2021, 8, 12)))
        s.ingest(fx.capture_article(fx.HERAT, "Herat", "Afghan army", D(2021, 9, 1), language="de"))
        s.ingest(fx.capture_article(fx.GHAZNI, "Ghazni", "Taliban", D(2021, 8, 13)))
        s.ingest(fx.capture_article(fx.MOSUL, "Mosul", "IS", D(2014, 6, 10)))
        s.ingest(fx.capture_article(fx.MOSUL, "Mosul", "IS", D(2014, 6, 9), kind="attacked"))
        yield s


def _held(gdf) -> dict[str, str]:
    return dict(zip(gdf["name"], gdf["controller"], strict=True))


def test_control_layer_follows_the_date(store: Store) -> None:
    assert _held(layers.control_layer(store, "2014-01-01")) == {}
    assert _held(layers.control_layer(store, "2021-08-12")) == {"Mosul": "IS", "Herat": "Taliban"}
    between = layers.control_layer(store, D(2021, 8, 20))
    assert _held(between) == {"Mosul": "IS", "Herat": "Taliban", "Ghazni": "Taliban"}
    after = layers.control_layer(store, "2021-09-01")
    assert _held(after)["Herat"] == "Afghan army"
    assert after.crs.to_epsg() == 4326
    herat = after[after["name"] == "Herat"].iloc[0]
    assert (herat.geometry.x, herat.geometry.y) == pytest.approx((fx.HERAT.longitude, fx.HERAT.latitude))
    assert herat["previous_controller"] == "Taliban" and herat["n_changes"] == 2
    assert "Afghan army fighters captured Herat" in herat["evidence"]
    assert list(after.columns) == layers.CONTROL_COLUMNS + ["geometry"]


def test_control_filters_apply_to_the_result_not_the_evidence(store: Store) -> None:
    # Filtering on the old holder must not make Herat look still held by the Taliban.
    taliban = layers.control_layer(store, "2021-09-05", LayerFilter(actors=["Taliban"]))
    assert _held(taliban) == {"Ghazni": "Taliban"}
    iraq = layers.control_layer(store, "2021-09-05", LayerFilter(countries=["iq"]))
    assert _held(iraq) == {"Mosul": "IS"}
    # Evidence filters do change what counts: without German articles the retake is unknown.
    english = layers.control_layer(store, "2021-09-05", LayerFilter(languages=("en",)))
    assert _held(english)["Herat"] == "Taliban"


def test_events_layer_up_to_date_with_new_flag(store: Store) -> None:
    ev = layers.events_layer(store, "2021-08-13", since="2021-08-12")
    assert list(ev["place"]) == ["Mosul", "Mosul", "Herat", "Ghazni"]
    assert list(ev["is_new"]) == [False, False, False, True]
    assert list(ev.columns) == layers.EVENT_COLUMNS + ["geometry"]
    assert len(layers.events_layer(store)) == 5
    assert set(layers.events_layer(store, None, LayerFilter(kinds=["attacked"]))["place"]) == {"Mosul"}
    assert len(layers.events_layer(store, None, LayerFilter(min_confidence=0.9))) == 0
    some = store.articles_df()["article_id"].iloc[:1].tolist()
    assert len(layers.events_layer(store, None, LayerFilter(article_ids=some))) == 1


def test_annotations_reach_every_layer(store: Store) -> None:
    ev = store.events_df()
    ghazni = ev[ev["place"] == "Ghazni"].iloc[0]
    store.annotate(
        "event", ghazni["target_key"], "set_point", {"latitude": 33.0, "longitude": 68.0}, analyst="a"
    )
    moved = layers.control_layer(store, "2021-08-20")
    pt = moved[moved["controller"] == "Taliban"].set_index("name")
    assert (pt.loc["33.0000, 68.0000"].geometry.y, pt.loc["33.0000, 68.0000"].geometry.x) == (33.0, 68.0)
    store.annotate("event", ghazni["target_key"], "reject", analyst="a")
    assert "Ghazni" not in set(layers.events_layer(store)["place"])
    assert len(layers.control_layer(store, "2021-08-20")) == 2
    herat_mention = store.mentions_df()
    herat_mention = herat_mention[herat_mention["text"] == "Herat"].iloc[0]
    store.annotate("mention", herat_mention["target_key"], "not_a_place", analyst="a")
    ml = layers.mentions_layer(store)
    assert herat_mention["mention_id"] not in set(ml["mention_id"])
    assert list(ml.columns) == layers.MENTION_COLUMNS + ["geometry"]
    assert len(layers.mentions_layer(store, LayerFilter(include_rejected=False, countries=["IQ"]))) == 2


def test_datelines_one_per_article(store: Store) -> None:
    dl = layers.datelines_layer(store)
    assert len(dl) == 5 and set(dl["name"]) == {"Kabul"}
    assert dl["article_id"].is_unique
    assert list(dl.columns) == layers.DATELINE_COLUMNS + ["geometry"]


def test_empty_store_gives_empty_layers(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.sqlite") as s:
        assert layers.control_layer(s, "2021-01-01").empty
        assert layers.events_layer(s, "2021-01-01").empty
        assert layers.mentions_layer(s).empty
        assert layers.datelines_layer(s).empty
        assert layers.province_control_layer(s, "2021-01-01").empty
        assert s.date_range() == (None, None)


def test_province_shaded_by_who_holds_its_seat(store: Store) -> None:
    before = layers.province_control_layer(store, "2021-08-12")
    assert set(before["seat_geonameid"]) == {fx.HERAT.geonameid, fx.MOSUL.geonameid}
    herat = before[before["seat_geonameid"] == fx.HERAT.geonameid].iloc[0]
    assert herat["country_code"] == "AF" and herat["controller"] == "Taliban"
    assert herat["held_via"] == "seat" and herat.geometry.contains(_point(fx.HERAT))
    after = layers.province_control_layer(store, "2021-09-02", LayerFilter(countries=["AF"]))
    assert dict(zip(after["seat_geonameid"], after["controller"], strict=True)) == {
        fx.HERAT.geonameid: "Afghan army",
        fx.GHAZNI.geonameid: "Taliban",
    }
    assert list(after.columns) == layers.PROVINCE_COLUMNS + ["geometry"] and after.crs.to_epsg() == 4326


def _point(place):
    from shapely.geometry import Point

    return Point(place.longitude, place.latitude)
