"""The SQLite store on real files: idempotent ingest, atomic articles, annotations that override, survive
re-ingest, undo, export/import, concurrency, and schema migrations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from geo.store import (
    SCHEMA_VERSION,
    AnnotationError,
    ConcurrentEditError,
    SchemaError,
    Store,
    default_db_path,
)
from geo.store.migrations import MIGRATIONS
from tests.fixtures import hand_store as fx


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "store.sqlite") as s:
        yield s


def _mention(store: Store, text: str):
    m = store.mentions_df()
    return m[m["text"] == text].iloc[0]


def _event(store: Store, place_text: str, kind: str = "captured"):
    e = store.events_df()
    return e[(e["place_text"] == place_text) & (e["kind"] == kind)].iloc[0]


def test_ingest_is_idempotent_by_content_hash(store: Store) -> None:
    first = store.ingest(fx.seed_like_article())
    again = store.ingest(fx.seed_like_article())
    assert (first.status, first.mentions, first.events) == ("new", 4, 3)
    assert (again.status, again.article_id, again.mentions, again.events) == (
        "unchanged",
        first.article_id,
        0,
        0,
    )
    arts = store.articles_df()
    assert len(arts) == 1
    assert arts.loc[0, "n_mentions"] == 4 and arts.loc[0, "n_events"] == 3
    assert store.article(first.article_id)["text"].startswith("Kabul, 13. August 2021")
    assert store.article(first.article_id)["date"] == dt.date(2021, 8, 13)
    assert store.has_article(fx.seed_like_article().article.content_hash) == first.article_id


def test_failed_ingest_leaves_no_partial_article(store: Store) -> None:
    parsed = fx.seed_like_article()
    parsed.events[1].evidence_start = None  # type: ignore[assignment]  # a broken event after good rows
    with pytest.raises(TypeError):
        store.ingest(parsed)
    assert store.articles_df().empty
    assert store.mentions_df().empty and store.events_df().empty
    assert store.ingest(fx.seed_like_article()).status == "new"


def test_stored_values_round_trip(store: Store) -> None:
    store.ingest(fx.seed_like_article())
    herat = _event(store, "Herat")
    assert herat["actor"] == "Taliban" and herat["place"] == "Herat"
    assert herat["event_date"] == dt.datetime(2021, 8, 12) and herat["date_precision"] == "day"
    assert herat["latitude"] == pytest.approx(34.34817) and herat["country_code"] == "AF"
    assert herat["evidence"] == "The Taliban captured Herat on Thursday."
    assert herat["status"] == "auto" and herat["notes"] == ""
    undated = _event(store, "Ghazni", "attacked")
    assert pd.isna(undated["event_date"]) and pd.isna(undated["date_precision"])
    dateline = _mention(store, "Kabul")
    assert dateline["role"] == "dateline"
    cands = store.candidates(int(_mention(store, "Herat")["mention_id"]))
    assert [c["geonameid"] for c in cands] == [fx.HERAT.geonameid, fx.HERAT_OH.geonameid]
    assert store.date_range() == (dt.date(2021, 8, 12), dt.date(2021, 8, 13))


def test_choose_candidate_moves_mention_and_its_event(store: Store) -> None:
    store.ingest(fx.seed_like_article())
    m = _mention(store, "Herat")
    ann = store.annotate(
        "mention",
        m["target_key"],
        "choose_candidate",
        {"geonameid": fx.HERAT_OH.geonameid},
        analyst="ana",
        expected_last=None,
    )
    m2 = _mention(store, "Herat")
    assert (m2["country_code"], m2["status"], m2["last_annotation_id"]) == ("US", "edited", ann)
    ev = _event(store, "Herat")
    assert ev["country_code"] == "US" and ev["status"] == "edited"
    # undo restores the automatic result; undoing the undo re-applies the choice
    undo = store.undo(ann, analyst="ben")
    assert _mention(store, "Herat")["country_code"] == "AF"
    assert _mention(store, "Herat")["status"] == "auto"
    assert _event(store, "Herat")["country_code"] == "AF"
    store.undo(undo, analyst="ana")
    assert _mention(store, "Herat")["country_code"] == "US"
    with pytest.raises(AnnotationError, match="already undone"):
        store.undo(undo, analyst="ana")


def test_event_edits_override_and_notes_accumulate(store: Store) -> None:
    store.ingest(fx.seed_like_article())
    key = _event(store, "Ghazni")["target_key"]
    store.annotate(
        "event",
        key,
        "edit_event",
        {"actor": "Afghan army", "event_date": "2021-08-10", "date_precision": "month"},
        analyst="ana",
    )
    store.annotate("event", key, "note", {"text": "checked with a second source"}, analyst="ben")
    ev = store.events_df().set_index("target_key").loc[key]
    assert ev["actor"] == "Afghan army" and ev["event_date"] == dt.datetime(2021, 8, 10)
    assert ev["date_precision"] == "month" and ev["status"] == "edited"
    assert "checked with a second source (ben)" in ev["notes"]
    store.annotate("event", key, "confirm", analyst="cem")
    assert store.events_df().set_index("target_key").loc[key, "status"] == "edited"
    store.annotate("event", key, "reject", analyst="cem")
    assert store.events_df().set_index("target_key").loc[key, "status"] == "rejected"
    assert key not in set(store.events_df(include_rejected=False)["target_key"])


def test_not_a_place_rejects_the_mention_and_its_events(store: Store) -> None:
    store.ingest(fx.seed_like_article())
    m = _mention(store, "Herat")
    store.annotate("mention", m["target_key"], "not_a_place", analyst="ana")
    m2 = _mention(store, "Herat")
    assert m2["status"] == "rejected" and m2["latitude"] != m2["latitude"]  # NaN: no location
    assert _event(store, "Herat")["status"] == "rejected"


def test_set_point_and_set_place_with_fields(store: Store) -> None:
    store.ingest(fx.seed_like_article())
    key = _event(store, "Herat")["target_key"]
    store.annotate(
        "event", key, "set_point", {"latitude": 34.0, "longitude": 62.5, "name": "near Herat"}, analyst="ana"
    )
    ev = store.events_df().set_index("target_key").loc[key]
    assert (ev["latitude"], ev["longitude"], ev["place"]) == (34.0, 62.5, "near Herat")
    assert pd.isna(ev["geonameid"])
    place = {
        "geonameid": fx.MOSUL.geonameid,
        "name": "Mosul",
        "latitude": 36.335,
        "longitude": 43.119,
        "country_code": "IQ",
    }
    store.annotate("event", key, "set_place", place, analyst="ana")
    ev = store.events_df().set_index("target_key").loc[key]
    assert (ev["place"], ev["geonameid"], ev["country_code"]) == ("Mosul", fx.MOSUL.geonameid, "IQ")


def test_invalid_annotations_are_refused_with_a_reason(store: Store) -> None:
    store.ingest(fx.seed_like_article())
    mkey = _mention(store, "Herat")["target_key"]
    ekey = _event(store, "Herat")["target_key"]
    with pytest.raises(AnnotationError, match="unknown action"):
        store.annotate("mention", mkey, "delete", analyst="ana")
    with pytest.raises(AnnotationError, match="kind must be"):
        store.annotate("event", ekey, "edit_event", {"kind": "exploded"}, analyst="ana")
    with pytest.raises(AnnotationError, match="events only"):
        store.annotate("mention", mkey, "edit_event", {"actor": "x"}, analyst="ana")
    with pytest.raises(AnnotationError, match="analyst"):
        store.annotate("mention", mkey, "confirm", analyst=" ")
    with pytest.raises(AnnotationError, match="no mention"):
        store.annotate("mention", mkey.rsplit(":", 1)[0] + ":999", "confirm", analyst="ana")
    with pytest.raises(AnnotationError, match="outside the world"):
        store.annotate("event", ekey, "set_point", {"latitude": 95, "longitude": 0}, analyst="ana")
    with pytest.raises(AnnotationError, match="YYYY-MM-DD"):
        store.annotate("event", ekey, "edit_event", {"event_date": "last week"}, analyst="ana")
    assert store.annotation_history().empty


def test_concurrent_edit_raises_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    with Store(path) as a, Store(path) as b:
        a.ingest(fx.seed_like_article())
        seen_by_a = _mention(a, "Herat")
        seen_by_b = _mention(b, "Herat")
        b.annotate(
            "mention",
            seen_by_b["target_key"],
            "confirm",
            analyst="ben",
            expected_last=seen_by_b["last_annotation_id"],
        )
        # a still holds the old view: its edit must not silently win
        with pytest.raises(ConcurrentEditError, match="ben"):
            a.annotate(
                "mention",
                seen_by_a["target_key"],
                "not_a_place",
                analyst="ana",
                expected_last=seen_by_a["last_annotation_id"],
            )
        assert len(a.annotation_history()) == 1
        # after reloading, a sees b's change (cross-connection cache invalidation) and can edit
        fresh = _mention(a, "Herat")
        assert fresh["status"] == "confirmed"
        a.annotate(
            "mention",
            fresh["target_key"],
            "not_a_place",
            analyst="ana",
            expected_last=fresh["last_annotation_id"],
        )
        assert _mention(b, "Herat")["status"] == "rejected"


def test_annotations_are_append_only(store: Store) -> None:
    store.ingest(fx.seed_like_article())
    store.annotate("mention", _mention(store, "Herat")["target_key"], "confirm", analyst="ana")
    con = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE annotations SET analyst = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM annotations")
    con.close()


def test_annotations_survive_reparse_and_rebuild(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as a:
        a.ingest(fx.seed_like_article())
        a.annotate(
            "mention",
            _mention(a, "Herat")["target_key"],
            "choose_candidate",
            {"geonameid": fx.HERAT_OH.geonameid},
            analyst="ana",
        )
        a.annotate("event", _event(a, "Ghazni")["target_key"], "edit_event", {"actor": "IS"}, analyst="ana")
        # re-parse with a "newer pipeline": mentions and events are rewritten, annotations still apply
        out = a.ingest(fx.seed_like_article(), replace=True)
        assert out.status == "updated"
        assert _mention(a, "Herat")["country_code"] == "US"
        assert _event(a, "Ghazni")["actor"] == "IS"
        exported = a.export_annotations()
    payload = json.loads(json.dumps(exported))  # JSON-able
    with Store(tmp_path / "b.sqlite") as b:
        # annotations imported before the article exists apply once it is ingested
        assert b.import_annotations(payload) == 2
        assert b.import_annotations(payload) == 0
        b.ingest(fx.seed_like_article())
        assert _mention(b, "Herat")["country_code"] == "US"
        assert _event(b, "Ghazni")["actor"] == "IS"
        assert [r["uid"] for r in b.export_annotations()] == [r["uid"] for r in exported]


def test_export_import_keeps_undo_links(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as a:
        a.ingest(fx.seed_like_article())
        ann = a.annotate("mention", _mention(a, "Herat")["target_key"], "not_a_place", analyst="ana")
        a.undo(ann, analyst="ana")
        rows = a.export_annotations()
    with Store(tmp_path / "b.sqlite") as b:
        b.ingest(fx.seed_like_article())
        assert b.import_annotations(list(reversed(rows))) == 2  # order in the file does not matter
        assert _mention(b, "Herat")["status"] == "auto"
        hist = b.annotation_history()
        assert set(hist["action"]) == {"not_a_place", "undo"}
        assert hist.set_index("action").loc["not_a_place", "undone"]


def test_import_rejects_malformed_rows_atomically(store: Store) -> None:
    good = {
        "uid": "u1",
        "target_type": "mention",
        "target_key": "h:1:2",
        "action": "confirm",
        "payload": {},
        "analyst": "ana",
        "created_at": "2024-01-01T00:00:00+00:00",
    }
    bad = dict(good, uid="u2", action="explode")
    with pytest.raises(AnnotationError, match="unknown action"):
        store.import_annotations([good, bad])
    no_point = dict(good, uid="u3", action="set_point", payload={"latitude": "north"})
    with pytest.raises(AnnotationError, match="annotation 1: set_point needs numeric"):
        store.import_annotations([good, no_point])
    no_date = dict(good, uid="u4", target_type="article", target_key="h", action="set_date", payload={})
    with pytest.raises(AnnotationError, match="set_date needs"):
        store.import_annotations([no_date])
    assert store.export_annotations() == []


def test_history_lists_who_did_what(store: Store) -> None:
    store.ingest(fx.seed_like_article())
    key = _mention(store, "Ghazni")["target_key"]
    first = store.annotate("mention", key, "confirm", analyst="ana")
    store.annotate("mention", key, "note", {"text": "twice in the text"}, analyst="ben")
    hist = store.annotation_history("mention", key)
    assert list(hist["annotation_id"]) == [first + 1, first]
    assert list(hist["analyst"]) == ["ben", "ana"]
    assert hist.iloc[0]["payload"] == {"text": "twice in the text"}
    assert (hist["article_id"] == 1).all() and hist["active"].all()


def test_migrates_a_version_1_store(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](con)
    con.execute("PRAGMA user_version = 1")
    con.execute(
        "INSERT INTO articles (content_hash, source, title, language, date, date_precision, text,"
        " ingested_at) VALUES ('abc', 'old.txt', 'Old', 'en', '2015-05-17', 'day', 'Ramadi fell.',"
        " '2015-05-18')"
    )
    con.execute(
        "INSERT INTO events (article_id, event_key, kind, actor, name, lat, lon, event_date, date_precision,"
        " confidence, evidence, evidence_start, evidence_end) VALUES (1, '0::captured', 'captured', 'IS',"
        " 'Ramadi', 33.42, 43.3, '2015-05-17', 'day', 0.9, 'Ramadi fell.', 0, 12)"
    )
    con.close()
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        ev = s.events_df()
        assert list(ev["place"]) == ["Ramadi"] and pd.isna(ev.loc[0, "date_expression"])
        s.annotate("event", ev.loc[0, "target_key"], "confirm", analyst="ana")
        assert s.events_df().loc[0, "status"] == "confirmed"
        assert s.ingest(fx.seed_like_article()).status == "new"


def test_refuses_newer_or_foreign_databases(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(SchemaError, match="newer"):
        Store(newer)
    foreign = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(SchemaError, match="not a conflictmap store"):
        Store(foreign)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SchemaError):
        Store(junk)


def test_default_path_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLICTMAP_DB", str(tmp_path / "env.sqlite"))
    assert default_db_path() == tmp_path / "env.sqlite"
    with Store() as s:
        assert s.path == tmp_path / "env.sqlite"
    monkeypatch.delenv("CONFLICTMAP_DB")
    assert default_db_path().name == "conflictmap.sqlite" and default_db_path().parent.name == "data"


def test_bulk_ingest_and_duplicate_event_keys(store: Store) -> None:
    base = fx.capture_article(fx.HERAT, "Herat", "Taliban", dt.date(2021, 8, 12))
    twice = dataclasses.replace(base, events=base.events * 2)  # same sentence, same place, same kind
    outcomes = store.ingest_many([twice, fx.capture_article(fx.GHAZNI, "Ghazni", "IS", dt.date(2021, 8, 1))])
    assert [o.status for o in outcomes] == ["new", "new"]
    keys = store.events_df()["target_key"]
    assert keys.is_unique and len(keys) == 3


def _undated_article():
    parsed = fx.seed_like_article()
    art = parsed.article
    parsed.article = dataclasses.replace(art, date=None, date_precision=None)
    herat, ghazni, attack = parsed.events
    herat.date, herat.date_precision, herat.date_expression = None, None, "on Thursday"
    ghazni.date, ghazni.date_precision = None, None
    return parsed


def test_analyst_dates_an_undated_article_and_its_events_follow(store: Store) -> None:
    store.ingest(_undated_article())
    assert store.events_df()["event_date"].isna().all()
    h = store.articles_df().loc[0, "content_hash"]
    ann = store.annotate(
        "article",
        h,
        "set_date",
        {"date": "2021-08-13", "date_precision": "day"},
        analyst="ana",
        expected_last=None,
    )
    art = store.articles_df().iloc[0]
    assert art["date"] == pd.Timestamp("2021-08-13") and art["status"] == "edited"
    assert art["last_annotation_id"] == ann and art["target_key"] == h
    assert store.article(int(art["article_id"]))["date"] == dt.date(2021, 8, 13)
    ev = store.events_df()
    # "on Thursday" is the latest Thursday on or before the article date; the others take the article date
    assert _event(store, "Herat")["event_date"] == pd.Timestamp("2021-08-12")
    assert _event(store, "Ghazni")["event_date"] == pd.Timestamp("2021-08-13")
    assert (ev["article_date"] == pd.Timestamp("2021-08-13")).all()
    assert (store.mentions_df()["article_date"] == pd.Timestamp("2021-08-13")).all()
    assert store.date_range() == (dt.date(2021, 8, 12), dt.date(2021, 8, 13))
    # an event's own date edit wins over the article date
    store.annotate(
        "event",
        _event(store, "Ghazni")["target_key"],
        "edit_event",
        {"event_date": "2021-08-01"},
        analyst="ben",
    )
    assert _event(store, "Ghazni")["event_date"] == pd.Timestamp("2021-08-01")
    store.undo(ann, analyst="ana")
    assert pd.isna(store.articles_df().loc[0, "date"]) and pd.isna(_event(store, "Herat")["event_date"])
    with pytest.raises(AnnotationError, match="articles only"):
        store.annotate(
            "event", _event(store, "Herat")["target_key"], "set_date", {"date": "2021-08-13"}, analyst="ana"
        )
    with pytest.raises(AnnotationError, match="does not apply to articles"):
        store.annotate("article", h, "not_a_place", analyst="ana")
    with pytest.raises(AnnotationError, match="no article"):
        store.annotate("article", "0" * 64, "note", {"text": "x"}, analyst="ana")


def test_month_precision_article_date_is_not_made_up(store: Store) -> None:
    store.ingest(_undated_article())
    h = store.articles_df().loc[0, "content_hash"]
    store.annotate("article", h, "set_date", {"date": "2021-08-17", "date_precision": "month"}, analyst="ana")
    art = store.articles_df().iloc[0]
    assert art["date"] == pd.Timestamp("2021-08-01") and art["date_precision"] == "month"
    ghazni = _event(store, "Ghazni")
    assert ghazni["date_precision"] == "month"


def test_migrates_a_version_4_store_with_annotations(tmp_path: Path) -> None:
    path = tmp_path / "v4data.sqlite"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    for migration in MIGRATIONS[:4]:
        migration(con)
    con.execute("PRAGMA user_version = 4")
    con.execute(
        "INSERT INTO articles (content_hash, source, text, ingested_at) VALUES ('h', 's', 'Herat fell.', 'x')"
    )
    con.execute(
        'INSERT INTO mentions (article_id, start, "end", text, name, lat, lon) '
        "VALUES (1, 0, 5, 'Herat', 'Herat', 34.3, 62.2)"
    )
    con.execute(
        "INSERT INTO annotations (uid, target_type, content_hash, target_key, action, payload, analyst, "
        "created_at) VALUES ('u1', 'mention', 'h', 'h:0:5', 'not_a_place', '{}', 'ana', "
        "'2024-01-01T00:00:00')"
    )
    con.execute(
        "INSERT INTO annotations (uid, target_type, content_hash, target_key, action, payload, analyst, "
        "created_at, undoes_id, undoes_uid) VALUES ('u2', 'mention', 'h', 'h:0:5', 'undo', '{}', 'ben', "
        "'2024-01-02T00:00:00', 1, 'u1')"
    )
    con.close()
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        hist = s.annotation_history()
        assert list(hist["uid"]) == ["u2", "u1"] and list(hist["undoes_id"].fillna(0)) == [1, 0]
        assert s.mentions_df().loc[0, "status"] == "auto"  # the undo still applies after the rebuild
        s.annotate("article", "h", "set_date", {"date": "2021-08-13"}, analyst="ana")
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):  # the triggers survived the rebuild
        con.execute("DELETE FROM annotations")
    con.close()


def test_reads_follow_ingests_and_reparses_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "inc.sqlite"
    with Store(path) as reader, Store(path) as writer:
        writer.ingest(fx.seed_like_article())
        assert len(reader.mentions_df()) == 4 and len(reader.events_df()) == 3
        writer.ingest(fx.capture_article(fx.MOSUL, "Mosul", "IS", dt.date(2014, 6, 10)))
        assert len(reader.mentions_df()) == 6 and len(reader.events_df()) == 4  # appended rows
        assert reader.mentions_df()["mention_id"].is_unique
        fewer = fx.seed_like_article()
        fewer.mentions = fewer.mentions[:2]
        fewer.events = fewer.events[:1]
        assert writer.ingest(fewer, replace=True).status == "updated"
        assert len(reader.mentions_df()) == 4 and len(reader.events_df()) == 2  # re-read, not appended
        assert reader.articles_df()["n_mentions"].tolist() == [2, 2]
