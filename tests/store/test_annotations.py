"""geo.store.annotations without any database: what an analyst's annotation log means for the frames a
map or export shows (set / choose / reject / undo / redo, notes, re-dating an article's events) and which
payloads are refused before anything is written."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from geo.store import UNCHECKED, AnnotationError, ConcurrentEditError
from geo.store import annotations as ann
from geo.store.base import EVENT_FRAME_COLUMNS, MENTION_FRAME_COLUMNS

H = "a" * 64  # content hash of the one article
HERAT = {
    "geonameid": 1140026,
    "name": "Herat",
    "latitude": 34.34817,
    "longitude": 62.19967,
    "country_code": "AF",
    "admin1_code": "11",
    "feature_code": "PPLA",
}
HERAT_OH = dict(
    HERAT, geonameid=990000001, latitude=39.1, longitude=-84.2, country_code="US", admin1_code="OH"
)


class Log:
    """An annotation log as a backend would read it: rows in order, ids growing."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self, target_type: str, key: str, action: str, payload: dict | None = None, *, undoes=None
    ) -> int:
        ann_id = len(self.rows) + 1
        self.rows.append((ann_id, target_type, key, action, json.dumps(payload or {}), "ana", undoes))
        return ann_id

    def states(self) -> dict[str, dict[str, dict[str, Any]]]:
        return ann.fold_annotations(self.rows)


def _mentions() -> pd.DataFrame:
    """Raw mentions of one article: Herat (0-5) and Kabul (20-25), as a backend loads them."""
    df = pd.DataFrame(
        {
            "mention_id": [1, 2],
            "article_id": [1, 1],
            "content_hash": [H, H],
            "target_key": [f"{H}:0:5", f"{H}:20:25"],
            "start": [0, 20],
            "end": [5, 25],
            "text": ["Herat", "Kabul"],
            "role": ["place", "place"],
            "geonameid": pd.array([HERAT_OH["geonameid"], 1138958], dtype="Int64"),
            "name": ["Herat", "Kabul"],
            "latitude": [HERAT_OH["latitude"], 34.52813],
            "longitude": [HERAT_OH["longitude"], 69.17233],
            "country_code": ["US", "AF"],
            "admin1_code": ["OH", "13"],
            "feature_code": ["PPL", "PPLC"],
            "confidence": [0.6, 0.9],
            "source": ["a.txt", "a.txt"],
            "title": ["T", "T"],
            "language": ["en", "en"],
            "article_date": pd.to_datetime([None, None]),
            "notes": ["", ""],
            "status": ["auto", "auto"],
            "last_annotation_id": pd.array([pd.NA, pd.NA], dtype="Int64"),
        }
    )
    return df[MENTION_FRAME_COLUMNS]


def _events(date_expressions: tuple[str | None, str | None] = ("on Thursday", None)) -> pd.DataFrame:
    """Raw events of the same (undated) article: one read from the Herat mention, one from Kabul."""
    df = pd.DataFrame(
        {
            "event_id": [1, 2],
            "article_id": [1, 1],
            "content_hash": [H, H],
            "target_key": [f"{H}:0:0:captured", f"{H}:20:20:attacked"],
            "kind": ["captured", "attacked"],
            "actor": ["Taliban", None],
            "actor_text": ["Taliban", None],
            "place": ["Herat", "Kabul"],
            "place_text": ["Herat", "Kabul"],
            "geonameid": pd.array([HERAT_OH["geonameid"], 1138958], dtype="Int64"),
            "latitude": [HERAT_OH["latitude"], 34.52813],
            "longitude": [HERAT_OH["longitude"], 69.17233],
            "country_code": ["US", "AF"],
            "admin1_code": ["OH", "13"],
            "event_date": [None, None],
            "date_precision": [None, None],
            "date_expression": list(date_expressions),
            "where_precision": pd.array([1, 1], dtype="Int64"),
            "confidence": [0.8, 0.7],
            "evidence": ["Herat fell on Thursday.", "Kabul was shelled."],
            "evidence_start": [0, 20],
            "evidence_end": [19, 38],
            "mention_start": pd.array([0, 20], dtype="Int64"),
            "mention_end": pd.array([5, 25], dtype="Int64"),
            "source": ["a.txt", "a.txt"],
            "title": ["T", "T"],
            "language": ["en", "en"],
            "article_date": pd.to_datetime([None, None]),
            "notes": ["", ""],
            "status": ["auto", "auto"],
            "last_annotation_id": pd.array([pd.NA, pd.NA], dtype="Int64"),
        }
    )
    return df[EVENT_FRAME_COLUMNS]


def _articles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": [1, 2],
            "content_hash": [H, "b" * 64],
            "date": pd.to_datetime([None, "2021-08-01"]),
            "date_precision": [None, "day"],
            "target_key": [H, "b" * 64],
            "notes": ["", ""],
            "status": ["auto", "auto"],
            "last_annotation_id": pd.array([pd.NA, pd.NA], dtype="Int64"),
        }
    )


# -------------------------------------------------------------------------------------------------- fold


def test_set_place_choose_and_status() -> None:
    log = Log()
    payload = ann.check_payload(
        "mention", "choose_candidate", {"geonameid": 1140026}, find_place={1140026: HERAT}.get
    )
    assert payload == HERAT
    last = log.add("mention", f"{H}:0:5", "choose_candidate", payload)
    m = ann.apply_to_mentions(_mentions(), log.states())
    herat = m.iloc[0]
    assert (herat["country_code"], herat["latitude"], herat["status"]) == ("AF", HERAT["latitude"], "edited")
    assert herat["last_annotation_id"] == last
    assert m.iloc[1]["status"] == "auto" and pd.isna(m.iloc[1]["last_annotation_id"])


def test_confirm_alone_confirms_and_after_an_edit_keeps_edited() -> None:
    log = Log()
    log.add("mention", f"{H}:20:25", "confirm")
    log.add("mention", f"{H}:0:5", "set_place", HERAT)
    log.add("mention", f"{H}:0:5", "confirm")
    states = log.states()["mention"]
    assert states[f"{H}:20:25"]["status"] == "confirmed"
    assert states[f"{H}:0:5"]["status"] == "edited"


def test_not_a_place_clears_the_point_of_the_mention_and_rejects_its_event() -> None:
    log = Log()
    log.add("mention", f"{H}:0:5", "not_a_place")
    states = log.states()
    m = ann.apply_to_mentions(_mentions(), states)
    assert m.iloc[0]["status"] == "rejected" and pd.isna(m.iloc[0]["latitude"])
    assert m.iloc[0]["name"] == "Herat"  # the text keeps its name; only the location goes
    e = ann.apply_to_events(_events(), states)
    assert e.iloc[0]["status"] == "rejected" and pd.isna(e.iloc[0]["latitude"])
    assert e.iloc[1]["status"] == "auto" and e.iloc[1]["latitude"] == pytest.approx(34.52813)


def test_events_inherit_the_mention_correction_unless_they_have_their_own() -> None:
    log = Log()
    log.add("mention", f"{H}:0:5", "set_place", HERAT)
    e = ann.apply_to_events(_events(), log.states())
    assert (e.iloc[0]["place"], e.iloc[0]["country_code"], e.iloc[0]["status"]) == ("Herat", "AF", "edited")
    point = ann.check_payload(
        "event", "set_point", {"latitude": 34.0, "longitude": 62.0, "name": "outskirts"}
    )
    log.add("event", f"{H}:0:0:captured", "set_point", point)
    e = ann.apply_to_events(_events(), log.states())
    assert (e.iloc[0]["place"], e.iloc[0]["latitude"]) == ("outskirts", 34.0)


def test_undo_restores_the_automatic_result_and_undo_of_undo_reapplies() -> None:
    log = Log()
    key = f"{H}:0:5"
    first = log.add("mention", key, "not_a_place")
    undo = log.add("mention", key, "undo", undoes=first)
    st = log.states()["mention"][key]
    assert st["status"] == "auto" and not st.get("rejected") and st["last_id"] == undo
    m = ann.apply_to_mentions(_mentions(), log.states())
    assert m.iloc[0]["latitude"] == pytest.approx(HERAT_OH["latitude"])
    redo = log.add("mention", key, "undo", undoes=undo)
    assert ann.active_ids([(r[0], r[6]) for r in log.rows]) == {first, redo}
    st = log.states()["mention"][key]
    assert st["status"] == "rejected" and st["last_id"] == redo


def test_notes_collect_with_their_authors() -> None:
    log = Log()
    log.add("event", f"{H}:20:20:attacked", "note", {"text": "two sources"})
    e = ann.apply_to_events(_events(), log.states())
    assert e.iloc[1]["notes"] == "two sources (ana)" and e.iloc[1]["status"] == "auto"


def test_fold_accepts_payloads_already_decoded() -> None:
    rows = [(1, "mention", f"{H}:0:5", "set_place", HERAT, "ana", None)]
    assert ann.fold_annotations(rows)["mention"][f"{H}:0:5"]["place"] == HERAT


# -------------------------------------------------------------------------------------------------- dates


def test_dating_an_article_redates_its_events() -> None:
    log = Log()
    log.add("article", H, "set_date", ann.check_article_date({"date": "2021-08-13"}))
    states = log.states()
    e = ann.apply_to_events(_events(), states)
    # "on Thursday" is resolved again against Friday 13 August; the event without an expression takes the date
    assert list(e["event_date"]) == [pd.Timestamp("2021-08-12"), pd.Timestamp("2021-08-13")]
    assert list(e["date_precision"]) == ["day", "day"]
    assert (e["article_date"] == pd.Timestamp("2021-08-13")).all()
    m = ann.apply_to_mentions(_mentions(), states)
    assert (m["article_date"] == pd.Timestamp("2021-08-13")).all()
    a = ann.apply_to_articles(_articles(), states["article"])
    assert list(a["article_id"]) == [2, 1]  # re-sorted by the analyst's date
    assert a.iloc[1]["date"] == pd.Timestamp("2021-08-13") and a.iloc[1]["status"] == "edited"


def test_an_edited_event_date_wins_over_redating() -> None:
    log = Log()
    log.add("event", f"{H}:0:0:captured", "edit_event", ann.check_event_edit({"event_date": "2021-08-10"}))
    log.add("article", H, "set_date", ann.check_article_date({"date": "2021-08-13"}))
    e = ann.apply_to_events(_events(), log.states())
    assert e.iloc[0]["event_date"] == pd.Timestamp("2021-08-10")
    assert e.iloc[1]["event_date"] == pd.Timestamp("2021-08-13")


def test_month_precision_dates_are_the_first_of_the_month_and_undating_clears() -> None:
    assert ann.check_article_date({"date": "2021-08-13", "date_precision": "month"}) == {
        "date": "2021-08-01",
        "date_precision": "month",
    }
    assert ann.check_article_date({"date": None}) == {"date": None, "date_precision": None}
    log = Log()
    log.add("article", "b" * 64, "set_date", ann.check_article_date({"date": None}))
    a = ann.apply_to_articles(_articles(), log.states()["article"])
    assert a["date"].isna().all()


# -------------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("target_type", "action", "payload", "message"),
    [
        ("mention", "rename", {}, "unknown action"),
        ("mention", "set_point", {"latitude": 95, "longitude": 0}, "outside the world"),
        ("mention", "set_point", {"latitude": "north"}, "numeric"),
        ("mention", "note", {"text": "  "}, "non-empty"),
        ("event", "edit_event", {"colour": "red"}, "unknown fields"),
        ("event", "edit_event", {"kind": "exploded"}, "kind must be one of"),
        ("event", "edit_event", {"where_precision": 9}, "1..7"),
        ("event", "edit_event", {"event_date": "13.08.2021"}, "YYYY-MM-DD"),
        ("mention", "edit_event", {"kind": "captured"}, "events only"),
        ("event", "set_date", {"date": "2021-08-13"}, "articles only"),
        ("article", "set_place", {"geonameid": 1}, "does not apply to articles"),
        ("article", "set_date", {"when": "today"}, "set_date needs"),
        ("article", "set_date", {"date": "2021-08-13", "date_precision": "week"}, "day, month or year"),
        ("mention", "choose_candidate", {"geonameid": "x"}, "integer 'geonameid'"),
        ("mention", "set_place", {"geonameid": 42}, "unknown place geonameid 42"),
    ],
)
def test_invalid_payloads_are_refused(target_type: str, action: str, payload: dict, message: str) -> None:
    with pytest.raises(AnnotationError, match=message):
        ann.check_payload(target_type, action, payload, find_place={}.get)


def test_annotation_errors_are_value_errors_and_need_an_analyst() -> None:
    with pytest.raises(ValueError, match="analyst"):
        ann.check_analyst("   ")
    assert ann.check_analyst(" ana ") == "ana"


def test_imported_rows_are_checked_before_anything_is_written() -> None:
    good = {
        "uid": "u1",
        "target_type": "mention",
        "target_key": f"{H}:0:5",
        "action": "set_point",
        "payload": {"latitude": 34.0, "longitude": 62.0},
        "analyst": "ana",
        "created_at": "2024-01-02T00:00:00",
    }
    older = dict(good, uid="u0", action="confirm", payload={}, created_at="2024-01-01T00:00:00")
    clean = ann.validate_imported([good, older])
    assert [r["uid"] for r in clean] == ["u0", "u1"] and clean[0]["content_hash"] == H
    with pytest.raises(AnnotationError, match="annotation 0: .*latitude"):
        ann.validate_imported([dict(good, payload={"latitude": 34.0})])
    with pytest.raises(AnnotationError, match="undo without undoes_uid"):
        ann.validate_imported([dict(good, action="undo", payload={})])
    with pytest.raises(AnnotationError, match="unknown target_type"):
        ann.validate_imported([dict(good, target_type="country")])


def test_concurrent_edit_check() -> None:
    ann.check_expected("mention", "k", UNCHECKED, (7, "ben", "t", "confirm"))
    ann.check_expected("mention", "k", None, None)
    ann.check_expected("mention", "k", 7, (7, "ben", "t", "confirm"))
    with pytest.raises(ConcurrentEditError, match="changed by ben"):
        ann.check_expected("mention", "k", 6, (7, "ben", "t", "confirm"))
    with pytest.raises(ConcurrentEditError, match="it has none"):
        ann.check_expected("mention", "k", 6, None)
