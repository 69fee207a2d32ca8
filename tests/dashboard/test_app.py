"""The dashboard page driven headlessly with streamlit.testing.v1.AppTest on a store built from seeds/.

The map is a custom component, so the tests read what the page sends to the browser: the st_folium
component's arguments (the Leaflet script and each layer's data table).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.annotate import panel_key  # noqa: E402
from geo.render.offline import is_local, static_file  # noqa: E402
from geo.store import Store  # noqa: E402
from tests.fixtures.dashboard import APP, control_places, event_places, folium_args, tables

pytestmark = pytest.mark.requires_gazetteer

TIMEOUT = 120


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _article_id(db: Path, source_part: str) -> int:
    with Store(db) as store:
        arts = store.articles_df()
    hit = arts[arts["source"].astype(str).str.contains(source_part, regex=False)]
    assert len(hit) == 1, source_part
    return int(hit.iloc[0]["article_id"])


def test_slider_changes_what_the_control_layer_holds(seed_db: Path) -> None:
    at = _app(date="2021-08-11")
    assert not at.exception
    before = control_places(at)
    assert "Mosul" in before  # captured in 2014 (year precision), still held on the chosen date
    assert not any(name.startswith("Kandah") for name in before)

    at.slider(key="date").set_value(dt.date(2021, 8, 12)).run()
    assert not at.exception
    after = control_places(at)
    kandahar = [name for name in after if name.startswith("Kandah")]
    assert kandahar and after[kandahar[0]] == "Taliban"
    # the view is in the URL, so it can be shared
    assert at.query_params["date"] in ("2021-08-12", ["2021-08-12"])
    # the capture is new since the previous step, so its event marker is emphasised
    ev = tables(at)["events"][0]
    new_rows = [r for r in ev["rows"] if r[10] == 1]
    assert [r[5] for r in new_rows] and all(r[5].startswith("Kandah") for r in new_rows)


def test_url_parameters_open_the_same_view(seed_db: Path) -> None:
    at = _app(date="2021-08-11", actor="Taliban", country="AF")
    assert at.slider(key="date").value == dt.date(2021, 8, 11)
    assert at.multiselect(key="f_actor").value == ["Taliban"]
    assert at.multiselect(key="f_country").value == ["AF"]


def test_filters_restrict_the_layers(seed_db: Path) -> None:
    at = _app(date="2021-08-13")
    all_events = event_places(at)
    assert {a for _, _, a in all_events} >= {"Taliban", "Islamic State"}

    at.multiselect(key="f_country").set_value(["IQ"]).run()
    iq = event_places(at)
    assert iq and all(p == "Mosul" for p, _, _ in iq)
    assert set(control_places(at)) == {"Mosul"}

    at.multiselect(key="f_country").set_value([]).run()
    at.multiselect(key="f_actor").set_value(["Taliban"]).run()
    assert {a for _, _, a in event_places(at)} == {"Taliban"}

    at.multiselect(key="f_actor").set_value([]).run()
    at.multiselect(key="f_kind").set_value(["attacked"]).run()
    assert {k for _, k, _ in event_places(at)} <= {"attacked"}

    at.multiselect(key="f_kind").set_value([]).run()
    at.slider(key="f_minconf").set_value(0.8).run()
    with Store(seed_db) as store:
        ev = store.events_df()
    strong = ev[(ev["confidence"] >= 0.8) & ev["event_date"].notna()]
    assert len(event_places(at)) == len(strong)

    at.slider(key="f_minconf").set_value(0.0).run()
    at.multiselect(key="f_lang").set_value(["de"]).run()
    mention_total = sum(r[3] for r in tables(at)["mentions"][0]["rows"])
    with Store(seed_db) as store:
        me = store.mentions_df()
    de = me[(me["language"] == "de") & me["latitude"].notna() & (me["status"] != "rejected")]
    assert mention_total == len(de)
    assert at.query_params["lang"] in ("de", ["de"])


def test_choosing_an_article_moves_the_date_and_filters(seed_db: Path) -> None:
    aid = _article_id(seed_db, "000_")
    at = _app(date="2021-08-13")
    at.selectbox(key="f_article").set_value(aid).run()
    assert not at.exception
    assert at.slider(key="date").value == dt.date(2021, 8, 10)
    # the reader shows the article with its places highlighted
    html = "".join(m.value for m in at.markdown)
    assert "cm-article" in html and "<mark" in html and "Afghanistan</mark>" in html


def test_annotation_round_trip_is_persisted_in_sqlite(seed_db: Path) -> None:
    aid = _article_id(seed_db, "002_")
    with Store(seed_db) as store:
        mentions = store.mentions_df(aid)
    herat = mentions[mentions["text"] == "Herat"].iloc[0]

    at = _app(date="2021-08-13")
    at.text_input(key="analyst").set_value("Test Analyst").run()
    at.selectbox(key="f_article").set_value(aid).run()
    at.selectbox(key="reader_mention").set_value(herat["target_key"]).run()
    assert not at.exception
    k = panel_key("mention", herat["target_key"])
    at.text_area(key=f"{k}_note").set_value("checked against the AP wire").run()
    at.button(key=f"{k}_note_btn").click().run()
    at.button(key=f"{k}_confirm").click().run()
    assert not at.exception
    assert any("Saved: confirm" in html.unescape(s.value) for s in at.success)

    # persisted in the SQLite file itself, with who and what
    con = sqlite3.connect(seed_db)
    rows = con.execute(
        "SELECT target_type, target_key, action, analyst, payload FROM annotations ORDER BY annotation_id"
    ).fetchall()
    con.close()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("mention", herat["target_key"], "note", "Test Analyst"),
        ("mention", herat["target_key"], "confirm", "Test Analyst"),
    ]
    assert "AP wire" in rows[0][4]

    # a fresh session (new AppTest = page reload) shows the annotation in the history and undoes it
    at2 = _app(date="2021-08-13")
    at2.text_input(key="analyst").set_value("Second Analyst").run()
    undo_buttons = [b for b in at2.button if b.key and b.key.startswith("hist_all_undo_")]
    assert len(undo_buttons) == 2
    undo_buttons[0].click().run()  # newest first: undo the confirm
    with Store(seed_db) as store:
        hist = store.annotation_history("mention", herat["target_key"])
        status = store.mentions_df(aid).set_index("target_key").loc[herat["target_key"], "status"]
    assert hist.iloc[0]["action"] == "undo" and hist.iloc[0]["analyst"] == "Second Analyst"
    assert status == "auto"


def _mention_count(at, name: str) -> int:
    t = tables(at)
    return sum(r[3] for r in t["mentions"][0]["rows"] if r[2] == name)


def test_marking_not_a_place_removes_it_from_the_map(seed_db: Path) -> None:
    aid = _article_id(seed_db, "000_")
    with Store(seed_db) as store:
        m = store.mentions_df(aid)
    washington = m[m["text"].str.startswith("Washington")].iloc[0]
    at = _app()
    before = _mention_count(at, washington["name"])
    at.text_input(key="analyst").set_value("A").run()
    at.selectbox(key="f_article").set_value(aid).run()
    at.selectbox(key="reader_mention").set_value(washington["target_key"]).run()
    at.button(key=f"{panel_key('mention', washington['target_key'])}_reject").click().run()
    assert not at.exception
    with Store(seed_db) as store:
        status = store.mentions_df(aid).set_index("target_key").loc[washington["target_key"], "status"]
    assert status == "rejected"
    # the reader shows it struck through as rejected
    assert any("cm-rejected" in md.value for md in at.markdown)
    at.selectbox(key="f_article").set_value(None).run()
    assert _mention_count(at, washington["name"]) == before - 1


def test_pasted_article_is_ingested_from_the_page(seed_db: Path) -> None:
    at = _app()
    at.text_area(key="ingest_text").set_value(
        "MOSUL, Iraq, July 10, 2017 (Reuters) - Iraqi forces retook Mosul from Islamic State on Monday."
    ).run()
    at.button(key="ingest_go").click().run()
    assert not at.exception
    with Store(seed_db) as store:
        assert (store.articles_df()["source"] == "<pasted>").sum() == 1
    assert any("1 new article" in s.value for s in at.success)


def test_upload_with_one_bad_file_reports_it_and_keeps_the_good_ones(seed_db: Path) -> None:
    from dashboard.ingest import ingest_uploads

    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    good = b"date 2021-08-14\nThe Taliban captured Jalalabad on Sunday, officials said."
    with Store(seed_db) as store:
        n_before = len(store.articles_df())
        batch = json.dumps(
            [
                {"text": "Kurdish forces retook Sinjar from Islamic State.", "date": "2015-11-13"},
                {"title": "no text"},
            ]
        ).encode()
        uploads = [("good.txt", good), ("photo.png", png), ("empty.txt", b""), ("batch.json", batch)]
        report = ingest_uploads(store, uploads)
        n_after = len(store.articles_df())
        sources = set(store.articles_df()["source"])
    by_name = {f.source: f for f in report.files}
    assert by_name["good.txt"].status == "new" and by_name["good.txt"].articles == 1
    assert by_name["photo.png"].status == "rejected" and by_name["photo.png"].reason
    assert by_name["empty.txt"].status == "rejected" and by_name["empty.txt"].reason
    assert by_name["batch.json"].status == "new" and by_name["batch.json"].articles == 1
    bad_records = [f for f in report.rejected if f.source.startswith("batch.json#")]
    assert len(bad_records) == 1 and bad_records[0].reason  # the record without text, as the CLI reports it
    assert n_after == n_before + 2
    assert "good.txt" in sources and not any("conflictmap-upload" in str(x) for x in sources)

    # the page shows one line per file, with the reason for each rejected one
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["ingest_report"] = report
    at.run()
    warnings = " ".join(html.unescape(w.value) for w in at.warning)
    assert "photo.png" in warnings and "empty.txt" in warnings and "good.txt" not in warnings


def test_map_assets_are_local_and_present(seed_db: Path) -> None:
    args = folium_args(_app())
    links = args["js_links"] + args["css_links"]
    assert links and all(is_local(u) for u in links), links
    assert all(static_file(u).is_file() for u in links)
    assert "http://" not in args["header"] and "https://" not in args["header"]
    assert "L.tileLayer" not in args["script"]  # no online tiles unless the analyst opts in


def test_osm_tiles_only_when_opted_in(seed_db: Path) -> None:
    at = _app(osm="1")
    assert "tile.openstreetmap.org" in folium_args(at)["script"]


def test_seed_story_without_a_date_stays_off_the_dated_map(seed_db: Path) -> None:
    """Seed 002 states no date: its captures are not invented onto the time-keyed control layer."""
    at = _app(date="2021-08-13")
    held = control_places(at)
    assert not [n for n in held if n.startswith(("Her", "Qala", "Ghazn"))]


def test_seed_story_taliban_hold_herat_qala_i_naw_and_ghazni(seed_db: Path) -> None:
    """With the shipped sample analyst annotation dating seed 002 (as `make seed` imports it), the story
    is on the map: Herat, Qala i Naw and Ghazni held by the Taliban, each traced to its 002 sentence."""
    sample = Path(__file__).resolve().parents[2] / "data" / "sample" / "seed_annotations.json"
    with Store(seed_db) as store:
        assert store.import_annotations(json.loads(sample.read_text(encoding="utf-8"))) == 2
        ev = store.events_df()
    at = _app(date="2021-08-13")
    assert not at.exception
    held = control_places(at)
    ctrl = tables(at)["control"][0]
    evidence = {row[2]: row[6] for row in ctrl["rows"]}
    seed_002 = ev[ev["source"].astype(str).str.contains("002_928509faa5dd10ce")]
    for place in ("Her", "Qala", "Ghazn"):
        names = [n for n in held if n.startswith(place)]
        assert names and held[names[0]] == "Taliban", (place, held)
        sentence = evidence[names[0]]
        assert sentence and (seed_002["evidence"] == sentence).any(), (place, sentence)


def _select_event(at: AppTest, db: Path, place_prefix: str) -> tuple[str, dict]:
    """Select an event through the page (as a map click on its marker would) and return its panel key."""
    with Store(db) as store:
        ev = store.events_df()
    row = ev[ev["place"].astype(str).str.startswith(place_prefix)].iloc[0].to_dict()
    at.session_state["sel_point"] = (float(row["latitude"]), float(row["longitude"]))
    at.session_state["selected"] = {"type": "event", "key": row["target_key"]}
    at.run()
    return panel_key("event", row["target_key"]), row


def test_editing_an_event_changes_the_map(seed_db: Path) -> None:
    at = _app(date="2021-08-12")
    at.text_input(key="analyst").set_value("Editor").run()
    k, row = _select_event(at, seed_db, "Kandah")
    assert not at.exception
    at.selectbox(key=f"{k}_kind").set_value("attacked")
    at.text_input(key=f"{k}_actor").set_value("Afghan army")
    at.date_input(key=f"{k}_date").set_value(dt.date(2021, 8, 11))
    at.button(key=f"{k}_edit").click().run()
    assert not at.exception
    with Store(seed_db) as store:
        ev = store.events_df().set_index("target_key").loc[row["target_key"]]
    assert (ev["kind"], ev["actor"], ev["status"]) == ("attacked", "Afghan army", "edited")
    assert pd.Timestamp(ev["event_date"]).date() == dt.date(2021, 8, 11)
    # no longer a capture: Kandahar leaves the control layer; the event shows the new kind and actor
    assert not any(n.startswith("Kandah") for n in control_places(at))
    assert any(
        p.startswith("Kandah") and k2 == "attacked" and a == "Afghan army" for p, k2, a in event_places(at)
    )


def test_gazetteer_search_and_map_click_set_the_place(seed_db: Path) -> None:
    at = _app(date="2021-08-12")
    at.text_input(key="analyst").set_value("Geo").run()
    k, row = _select_event(at, seed_db, "Kandah")
    at.text_input(key=f"{k}_q").set_value("Lashkar Gah").run()
    assert not at.exception
    found = at.selectbox(key=f"{k}_found")
    assert found.value["name"].startswith("Lashkar")
    at.button(key=f"{k}_found_btn").click().run()
    with Store(seed_db) as store:
        ev = store.events_df().set_index("target_key").loc[row["target_key"]]
    assert str(ev["place"]).startswith("Lashkar") and abs(float(ev["latitude"]) - 31.6) < 0.2

    # a plain click on the map offers "set point" for the selected item
    at.session_state["map_click"] = {"lat": 31.0, "lng": 65.0}
    at.run()
    at.text_input(key=f"{k}_pt_name").set_value("Checkpoint near Kandahar")
    at.button(key=f"{k}_pt").click().run()
    with Store(seed_db) as store:
        ev = store.events_df().set_index("target_key").loc[row["target_key"]]
    assert ev["place"] == "Checkpoint near Kandahar"
    assert (round(float(ev["latitude"]), 3), round(float(ev["longitude"]), 3)) == (31.0, 65.0)


def test_data_download_uses_the_current_view(seed_db: Path) -> None:
    at = _app(date="2021-08-12", country="AF")
    at.selectbox(key="dl_data_fmt").set_value("geojson")
    at.button(key="dl_data_go").click().run()
    assert not at.exception
    sig, fmt, blob = at.session_state["dl_data"]
    assert fmt == "geojson"
    import json as _json

    features = _json.loads(blob)["features"]
    assert features and all(f["properties"]["country_code"] == "AF" for f in features)


def test_an_analyst_can_date_an_undated_event_and_it_reaches_the_map(seed_db: Path) -> None:
    aid = _article_id(seed_db, "002_")
    with Store(seed_db) as store:
        ev = store.events_df(aid)
    capture = ev[(ev["kind"] == "captured") & ev["event_date"].isna() & ev["actor"].notna()]
    # Seed 002 says only "on Thursday": its captures must come out undated (a regression if they don't).
    assert not capture.empty, "seed 002's captures should be undated until an analyst dates them"
    row = capture.iloc[0]
    at = _app(date="2021-08-12")
    at.text_input(key="analyst").set_value("Dater").run()
    at.selectbox(key="undated_pick").set_value(row["target_key"]).run()
    assert not at.exception
    k = panel_key("event", row["target_key"])
    at.date_input(key=f"{k}_date").set_value(dt.date(2021, 8, 12))
    at.selectbox(key=f"{k}_precision").set_value("day")
    at.button(key=f"{k}_edit").click().run()
    assert not at.exception
    held = control_places(at)
    assert held.get(row["place"]) == row["actor"]
    ctrl = tables(at)["control"][0]
    evidence = {r[2]: r[6] for r in ctrl["rows"]}
    assert evidence[row["place"]] and html.unescape(evidence[row["place"]]) in row["evidence"]


def test_map_download_is_the_static_export_of_the_current_view(seed_db: Path) -> None:
    at = _app(date="2021-08-12")
    at.selectbox(key="dl_map_fmt").set_value("png")
    at.button(key="dl_map_go").click().run()
    assert not at.exception
    _, fmt, blob = at.session_state["dl_map"]
    assert fmt == "png" and blob[:8] == b"\x89PNG\r\n\x1a\n" and len(blob) > 10_000


def test_previous_and_next_event_buttons_jump_between_event_dates(seed_db: Path) -> None:
    at = _app(date="2020-01-01")
    at.button(key="next_event").click().run()
    assert at.slider(key="date").value == dt.date(2021, 8, 12)  # the dated Kandahar capture
    at.button(key="prev_event").click().run()
    assert at.slider(key="date").value == dt.date(2014, 1, 1)  # Mosul, 2014 (year precision)
    assert "Mosul" in control_places(at) and not any(n.startswith("Kandah") for n in control_places(at))


def test_a_link_with_unknown_filter_values_still_opens(seed_db: Path) -> None:
    at = _app(date="1999-01-01", actor="Nobody", country="ZZ", kind="captured", minconf="7", article="999")
    assert not at.exception
    assert at.multiselect(key="f_actor").value == [] and at.multiselect(key="f_kind").value == ["captured"]
    assert at.slider(key="date").value == dt.date(2014, 1, 1)  # clamped to the earliest date in the store


def test_play_steps_one_day_at_a_time_and_stops_at_the_end(seed_db: Path) -> None:
    at = _app(date="2021-08-11")
    assert not any(n.startswith("Kandah") for n in control_places(at))
    at.button(key="play").click().run()
    assert not at.exception
    assert at.slider(key="date").value == dt.date(2021, 8, 12)  # one day later: the last date
    assert at.session_state["playing"] is False  # stopped at the end of the range
    assert any(n.startswith("Kandah") for n in control_places(at))


def test_an_empty_store_opens_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLICTMAP_DB", str(tmp_path / "empty.sqlite"))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("store is empty" in i.value for i in at.info)
    assert tables(at)["events"][0]["rows"] == []


# --- item 7 (wrong or silent values) and item 12 (filters that match nothing) of issue 15 ---------------


def _markdown(at: AppTest) -> str:
    return "\n".join(html.unescape(m.value) for m in at.markdown)


def test_a_vacated_place_reads_vacated_not_nan(seed_db: Path) -> None:
    """Kandahar after the Taliban withdrew (no one took over): the panel and the map say "vacated (no
    holder)" and who left, never "held by nan"."""
    with Store(seed_db) as store:
        ev = store.events_df()
        row = ev[ev["place"].astype(str).str.startswith("Kandah")].iloc[0]
        store.annotate("event", row["target_key"], "edit_event", {"kind": "withdrew"}, analyst="t")
    at = _app(date="2021-08-13")
    at.session_state["sel_point"] = (float(row["latitude"]), float(row["longitude"]))
    at.run()
    assert not at.exception
    text = _markdown(at)
    assert "vacated (no holder) since 2021-08-12 (day), left by **Taliban**" in text
    assert "nan" not in text.lower().replace("kandah", "")
    held = control_places(at)
    assert [held[n] for n in held if n.startswith("Kandah")] == ["vacated (no holder)"]
    assert "vacated (no holder)" in tables(at)["provinces"][0]["actors"]


def test_editing_only_the_date_keeps_the_precision(seed_db: Path) -> None:
    """Seed 002's events are dated through their article (the shipped analyst annotation); changing only
    an event's date keeps its day precision, and Mosul's year precision stays a year."""
    sample = Path(__file__).resolve().parents[2] / "data" / "sample" / "seed_annotations.json"
    with Store(seed_db) as store:
        store.import_annotations(json.loads(sample.read_text(encoding="utf-8")))
    at = _app(date="2021-08-13")
    at.text_input(key="analyst").set_value("Editor").run()
    k, row = _select_event(at, seed_db, "Her")
    assert row["date_precision"] == "day"
    at.date_input(key=f"{k}_date").set_value(dt.date(2021, 8, 11))
    at.button(key=f"{k}_edit").click().run()
    assert not at.exception
    with Store(seed_db) as store:
        ev = store.events_df().set_index("target_key").loc[row["target_key"]]
    assert pd.Timestamp(ev["event_date"]).date() == dt.date(2021, 8, 11) and ev["date_precision"] == "day"
    assert "2021-08-11 (day)" in _markdown(at) and "(-)" not in _markdown(at)

    k, row = _select_event(at, seed_db, "Mosul")
    at.date_input(key=f"{k}_date").set_value(dt.date(2014, 6, 10))
    at.button(key=f"{k}_edit").click().run()
    with Store(seed_db) as store:
        ev = store.events_df().set_index("target_key").loc[row["target_key"]]
    assert ev["date_precision"] == "year"


def test_a_link_date_outside_the_data_is_moved_and_said(seed_db: Path) -> None:
    at = _app(date="1999-01-01")
    assert at.slider(key="date").value == dt.date(2014, 1, 1)
    notes = [w.value for w in at.warning]
    assert any("1999-01-01" in n and "showing 2014-01-01" in n for n in notes), notes
    at.slider(key="date").set_value(dt.date(2021, 8, 12)).run()
    assert not any("1999-01-01" in w.value for w in at.warning)  # gone once the analyst moves the date

    late = _app(date="2030-05-01")
    assert late.slider(key="date").value == dt.date(2021, 8, 12)
    assert any("2030-05-01" in w.value and "showing 2021-08-12" in w.value for w in late.warning)
    assert not any("outside the data" in w.value for w in _app(date="2021-08-11").warning)


def test_a_year_precision_capture_is_marked_approximate(seed_db: Path) -> None:
    """Mosul, captured "2014" (year precision): every place that shows the date says "≈ 2014 (year
    precision)", the marker and the circle carry the dashed-outline flag, and the legend explains it."""
    at = _app(date="2014-06-01")
    ctrl = {r[2]: r for r in tables(at)["control"][0]["rows"]}
    assert ctrl["Mosul"][4] == "≈ 2014 (year precision)" and ctrl["Mosul"][9] == 1
    ev = [r for r in tables(at)["events"][0]["rows"] if r[5] == "Mosul"]
    assert ev and ev[0][4] == "≈ 2014 (year precision)" and ev[0][11] == 1
    assert "approximate date" in folium_args(at)["script"]
    _select_event(at, seed_db, "Mosul")
    text = _markdown(at)
    assert "held by **Islamic State** since ≈ 2014 (year precision)" in text
    assert "Islamic State, ≈ 2014 (year precision)" in text
    # a day-precision date is not marked
    later = _app(date="2021-08-12")
    kandahar = [r for r in tables(later)["events"][0]["rows"] if r[5].startswith("Kandah")]
    assert kandahar[0][4] == "2021-08-12 (day)" and kandahar[0][11] == 0


def test_filters_that_match_nothing_say_so_and_clear_in_one_click(seed_db: Path) -> None:
    at = _app(date="2021-08-12", country="IQ", actor="Taliban", minconf="0.5")
    assert not at.exception
    assert tables(at)["events"][0]["rows"] == []
    notes = [html.unescape(w.value) for w in at.warning]
    assert any("No event matches these filters (country: IQ; actor: Taliban" in n for n in notes), notes
    at.button(key="clear_filters").click().run()
    assert not at.exception
    assert at.multiselect(key="f_country").value == [] and at.multiselect(key="f_actor").value == []
    assert at.slider(key="f_minconf").value == 0.0
    assert not any(k in at.query_params for k in ("country", "actor", "minconf"))
    assert at.query_params["date"] in ("2021-08-12", ["2021-08-12"])  # the date is not a filter
    assert tables(at)["events"][0]["rows"]
    assert not any("matches these filters" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key == "clear_filters"]
    # filters that match items at other dates only: said, with the same button
    early = _app(date="2014-06-01", country="AF")
    assert any("they match events at later dates" in html.unescape(i.value) for i in early.info)
    assert [b for b in early.button if b.key == "clear_filters"]
