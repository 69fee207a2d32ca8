"""Issue 14, annotations: no annotation, whether typed in the dashboard, imported from a file or already in
a store, can break a read, and an export always imports again.

What a user would notice: a bad payload is refused with a message naming the annotation's uid and field
(and nothing is written); a bad row already in a store (an older version, a hand edit) is skipped, shown as
invalid in the history and can be undone; analysts' clocks and timestamp formats do not change what an
export means; a uid seen again with different content is an error, not a silent choice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from geo.cli import main
from geo.export.data import export_data
from geo.maps import layers
from geo.model import MAX_YEAR, MIN_YEAR
from geo.store import AnnotationError, Store
from tests.fixtures.hand_store import GHAZNI, HERAT_OH, KABUL, capture_article, seed_like_article

pytestmark = pytest.mark.requires_gazetteer

DAY = dt.date(2021, 8, 12)


def _article_with_relative_date():
    """One article whose event was dated "on Thursday": an analyst's article date re-dates it."""
    parsed = capture_article(GHAZNI, "Ghazni", "Taliban", DAY)
    parsed.events[0].date_expression = "on Thursday"
    return parsed


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "store.sqlite") as s:
        s.ingest(_article_with_relative_date())
        s.ingest(seed_like_article())
        yield s


def _article_key(store: Store) -> str:
    return str(store.articles_df().set_index("source").loc["Ghazni-2021-08-12.txt", "content_hash"])


def _mention_key(store: Store, text: str = "Herat") -> str:
    m = store.mentions_df()
    return str(m[m["text"] == text]["target_key"].iloc[0])


def _event_key(store: Store) -> str:
    return str(store.events_df()["target_key"].iloc[0])


def _row(uid: str, target_type: str, target_key: str, action: str, payload: dict[str, Any], **kw: Any):
    row = {
        "uid": uid,
        "target_type": target_type,
        "target_key": target_key,
        "content_hash": target_key.split(":", 1)[0],
        "action": action,
        "payload": payload,
        "analyst": "ana",
        "created_at": "2024-05-01T10:00:00+00:00",
        "undoes_uid": None,
    }
    row.update(kw)
    return row


def _reads_work(store: Store) -> None:
    """What `map`, `export` and the dashboard read: the effective frames, every layer, a data export."""
    assert len(layers.events_layer(store)) >= 1
    layers.control_layer(store, "2021-08-20")
    layers.mentions_layer(store)
    store.date_range()
    result = export_data(store, "geojson")
    assert result.data is not None and json.loads(result.data)["features"]


# -------------------------------------------------------------------------------------------------------
# 1. every payload is checked on import and in Store.annotate (the dashboard's way in)


@pytest.mark.parametrize(
    ("target", "action", "payload", "field"),
    [
        ("article", "set_date", {"date": "0001-01-01", "date_precision": "day"}, "date"),
        ("article", "set_date", {"date": "9999-12-31", "date_precision": "year"}, "date"),
        ("event", "edit_event", {"event_date": "0001-01-01"}, "event_date"),
        ("mention", "set_place", {"geonameid": "abc", "latitude": 34.0, "longitude": 62.0}, "geonameid"),
        ("event", "edit_event", {"where_precision": True}, "where_precision"),
        ("event", "edit_event", {"where_precision": 2.5}, "where_precision"),
        ("event", "edit_event", {"where_precision": float("inf")}, "where_precision"),
        ("mention", "set_point", {"latitude": 34.0, "longitude": 62.0, "name": ["x"]}, "name"),
    ],
)
def test_import_refuses_an_invalid_payload_naming_uid_and_field(
    store: Store, target: str, action: str, payload: dict[str, Any], field: str
) -> None:
    key = {"article": _article_key, "event": _event_key, "mention": _mention_key}[target](store)
    good = _row("good-1", "mention", _mention_key(store), "confirm", {})
    bad = _row("bad-uid-7", target, key, action, payload)
    with pytest.raises(AnnotationError, match=rf"{field}.*bad-uid-7"):
        store.import_annotations([good, bad])
    assert store.export_annotations() == []  # nothing half-imported
    _reads_work(store)


def test_import_refuses_malformed_target_keys(store: Store) -> None:
    bad = _row("k1", "mention", "abc:one:two", "confirm", {})
    with pytest.raises(AnnotationError, match=r"target_key.*k1"):
        store.import_annotations([bad])
    wrong_hash = _row("k2", "mention", _mention_key(store), "confirm", {}, content_hash="f" * 64)
    with pytest.raises(AnnotationError, match=r"content_hash.*k2"):
        store.import_annotations([wrong_hash])


def test_cli_import_of_a_non_integer_geonameid_is_one_line_and_exit_2(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _row("gid-abc", "mention", _mention_key(store), "set_place", {"geonameid": "abc"})
    bad["payload"].update(latitude=34.0, longitude=62.0, name="Herat", country_code="AF")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([bad]), encoding="utf-8")
    assert main(["annotations", "import", str(path), "--db", str(store.path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "gid-abc" in err and "geonameid" in err


@pytest.mark.parametrize(
    ("target", "action", "payload", "message"),
    [
        ("article", "set_date", {"date": "0001-01-01"}, f"date: year 1 is outside {MIN_YEAR}-{MAX_YEAR}"),
        ("article", "set_date", {"date": f"{MAX_YEAR + 1}-01-01"}, "outside"),
        ("event", "edit_event", {"event_date": "0999-12-31"}, "event_date: year 999"),
        ("event", "edit_event", {"where_precision": True}, "where_precision"),
        (
            "mention",
            "set_place",
            {"geonameid": 1, "name": "X", "latitude": 999.0, "longitude": 0.0, "country_code": "AF"},
            "outside the world",
        ),
        (
            "mention",
            "set_place",
            {"geonameid": 1, "name": "X", "latitude": "north", "longitude": 0.0, "country_code": "AF"},
            "latitude",
        ),
        ("mention", "undo", {"annotation_id": "abc"}, "annotation_id must be an integer"),
    ],
)
def test_annotate_refuses_what_an_import_would(
    store: Store, target: str, action: str, payload: dict[str, Any], message: str
) -> None:
    key = {"article": _article_key, "event": _event_key, "mention": _mention_key}[target](store)
    with pytest.raises(AnnotationError, match=message):
        store.annotate(target, key, action, payload, analyst="ana")  # type: ignore[arg-type]
    assert store.annotation_history().empty
    _reads_work(store)


def test_the_year_range_edges_are_accepted(store: Store) -> None:
    key = _article_key(store)
    store.annotate("article", key, "set_date", {"date": f"{MIN_YEAR}-01-01"}, analyst="ana")
    store.annotate("article", key, "set_date", {"date": f"{MAX_YEAR}-12-31"}, analyst="ana")
    assert store.articles_df().set_index("content_hash").loc[key, "date"].year == MAX_YEAR


# -------------------------------------------------------------------------------------------------------
# 2. a bad row already in a store: skipped with a warning, shown invalid, undoable


def _insert_raw(path: Path, uid: str, target_type: str, key: str, action: str, payload: str) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "INSERT INTO annotations (uid, target_type, content_hash, target_key, action, payload, analyst, "
            "created_at) VALUES (?,?,?,?,?,?,?,?)",
            (uid, target_type, key.split(":", 1)[0], key, action, payload, "old", "2020-01-01T00:00:00"),
        )
        con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    con.close()


def test_a_bad_row_in_the_store_is_skipped_shown_invalid_and_can_be_undone(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    art = _article_key(store)
    year_one = json.dumps({"date": "0001-01-01", "date_precision": "day"})
    _insert_raw(store.path, "year-one", "article", art, "set_date", year_one)
    _insert_raw(store.path, "gid-abc", "mention", _mention_key(store), "set_place", '{"geonameid": "abc"}')
    _insert_raw(store.path, "not-json", "mention", _mention_key(store, "Kabul"), "confirm", "{oops")
    # a good annotation next to them still applies
    store.annotate("mention", _mention_key(store, "Ghazni"), "not_a_place", analyst="ana")

    with caplog.at_level(logging.WARNING, logger="geo.store"):
        _reads_work(store)  # OverflowError / ValueError before
    assert "is invalid and was skipped" in caplog.text and "year 1 is outside" in caplog.text
    dated = store.articles_df().set_index("content_hash").loc[art, "date"]
    assert dated == dt.datetime(2021, 8, 12)  # the bad date is not applied
    assert set(store.mentions_df()["status"]) >= {"rejected"}

    hist = store.annotation_history().set_index("uid")
    assert list(hist.loc[["year-one", "gid-abc", "not-json"], "status"]) == ["invalid"] * 3
    assert hist.loc["year-one", "problem"].startswith("date: year 1 is outside")
    assert hist.loc["not-json", "payload"] == {"raw": "{oops"}
    assert hist.drop(["year-one", "gid-abc", "not-json"])["status"].eq("active").all()
    assert hist["valid"].sum() == 1

    # the annotations export leaves the bad rows out, so it imports elsewhere
    exported = store.export_annotations()
    assert [r["action"] for r in exported] == ["not_a_place"]

    # undo clears it: allowed, recorded, and the row is then "undone"
    undo_id = store.undo(int(hist.loc["year-one", "annotation_id"]), analyst="ana")
    hist = store.annotation_history().set_index("uid")
    assert hist.loc["year-one", "status"] == "undone"
    assert hist.set_index("annotation_id").loc[undo_id, "status"] == "active"
    _reads_work(store)
    with Store(tmp_path / "other.sqlite") as other:  # the undo of a left-out row is left out too
        assert other.import_annotations(store.export_annotations()) == 1


def test_an_undo_in_a_dependency_cycle_does_not_break_a_read(store: Store) -> None:
    """Hand-made rows that undo each other: the read still works and each is decided once."""
    key = _mention_key(store)
    first = store.annotate("mention", key, "not_a_place", analyst="ana")
    con = sqlite3.connect(store.path)
    with con:
        con.execute("DROP TRIGGER annotations_append_only_update")
        con.execute(
            "INSERT INTO annotations (uid, target_type, content_hash, target_key, action, payload, analyst, "
            "created_at, undoes_id, undoes_uid) VALUES ('c2', 'mention', ?, ?, 'undo', '{}', 'x', "
            "'2020-01-01T00:00:00', ?, 'c1')",
            (key.split(":", 1)[0], key, first),
        )
        con.execute("UPDATE annotations SET undoes_id = ? WHERE annotation_id = ?", (first + 1, first))
        con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    con.close()
    _reads_work(store)
    assert len(store.annotation_history()) == 2


# -------------------------------------------------------------------------------------------------------
# 3. order: parsed times, and an undo always after its target


def test_an_undo_stamped_before_its_target_exports_and_imports_again(store: Store, tmp_path: Path) -> None:
    key = _mention_key(store)
    target = _row("t1", "mention", key, "not_a_place", {}, created_at="2024-05-01T10:00:00Z")
    # made on a laptop whose clock is a minute behind, after it had imported t1
    undo = _row("u1", "mention", key, "undo", {}, created_at="2024-05-01T09:59:00+00:00", undoes_uid="t1")
    assert store.import_annotations([undo, target]) == 2
    assert _status(store, key) == "auto"  # the undo applies
    exported = store.export_annotations()
    assert [r["uid"] for r in exported] == ["t1", "u1"]  # the undo follows its target
    with Store(tmp_path / "b.sqlite") as b:
        b.ingest(seed_like_article())
        assert b.import_annotations(json.loads(json.dumps(exported))) == 2
        assert _status(b, key) == "auto"
        assert [r["uid"] for r in b.export_annotations()] == ["t1", "u1"]
        assert b.import_annotations(exported) == 0


def _status(store: Store, key: str) -> str:
    m = store.mentions_df()
    return str(m[m["target_key"] == key]["status"].iloc[0])


def _place(uid: str, key: str, place, created_at: str) -> dict[str, Any]:
    payload = {
        "geonameid": place.geonameid,
        "name": place.name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "country_code": place.country_code,
        "admin1_code": place.admin1_code,
        "feature_code": place.feature_code,
    }
    return _row(uid, "mention", key, "set_place", payload, created_at=created_at)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.5+00:00"),  # "Z" sorts after "." as text
        ("2024-05-01T11:00:00+01:00", "2024-05-01T10:30:00+00:00"),  # 10:00 UTC vs 10:30 UTC
        ("2024-05-01T10:00:00.999999999Z", "2024-05-01 10:00:01"),  # nanoseconds; no zone is UTC
    ],
)
def test_the_later_annotation_wins_whatever_the_timestamp_format(
    store: Store, tmp_path: Path, earlier: str, later: str
) -> None:
    key = _mention_key(store)
    rows = [_place("late", key, KABUL, later), _place("early", key, HERAT_OH, earlier)]
    store.import_annotations(rows)
    m = store.mentions_df()
    assert m[m["target_key"] == key]["country_code"].iloc[0] == "AF"  # Kabul, the later choice
    exported = store.export_annotations()
    assert [r["uid"] for r in exported] == ["early", "late"]
    with Store(tmp_path / "b.sqlite") as b:
        b.ingest(seed_like_article())
        b.import_annotations(exported)
        m = b.mentions_df()
        assert m[m["target_key"] == key]["name"].iloc[0] == "Kabul"


# -------------------------------------------------------------------------------------------------------
# 4. the same uid with different content


def test_a_uid_seen_again_with_different_content_is_refused(store: Store) -> None:
    key = _mention_key(store)
    first = _row("same-uid", "mention", key, "note", {"text": "checked"})
    assert store.import_annotations([first]) == 1
    changed = dict(first, payload={"text": "edited later"})
    other = _row("fresh", "mention", key, "confirm", {})
    with pytest.raises(AnnotationError, match="same-uid"):
        store.import_annotations([other, changed])
    assert [r["uid"] for r in store.export_annotations()] == ["same-uid"]  # nothing half-imported
    # identical again (even with "Z" for "+00:00") is still idempotent
    assert store.import_annotations([dict(first, created_at="2024-05-01T10:00:00Z")]) == 0


def test_a_uid_twice_in_one_file_with_different_content_is_refused(store: Store) -> None:
    key = _mention_key(store)
    row = _row("dup", "mention", key, "note", {"text": "one"})
    with pytest.raises(AnnotationError, match=r"uid dup appears twice"):
        store.import_annotations([row, dict(row, analyst="ben")])
    assert store.export_annotations() == []
    assert store.import_annotations([row, dict(row)]) == 1  # identical duplicates: imported once
