"""geo.maps.timeline: control as intervals per place, from events stored in a real SQLite store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from geo.maps import timeline
from geo.store import Store
from tests.fixtures import hand_store as fx

pytestmark = pytest.mark.requires_gazetteer

D = dt.date


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "t.sqlite") as s:
        yield s


def _holder(state: pd.DataFrame, name: str):
    rows = state[state["name"] == name]
    return None if rows.empty else rows.iloc[0]["controller"]


def test_capture_then_retake_gives_two_intervals(store: Store) -> None:
    store.ingest(fx.capture_article(fx.HERAT, "Herat", "Taliban", D(2021, 8, 12)))
    store.ingest(fx.capture_article(fx.HERAT, "Herat", "Afghan army", D(2021, 9, 1)))
    iv = timeline.control_intervals(store.events_df())
    assert list(iv["controller"]) == ["Taliban", "Afghan army"]
    assert iv.loc[0, "end_date"] == pd.Timestamp("2021-09-01")
    assert iv.loc[0, "closed_by_event"] == iv.loc[1, "opened_by_event"]
    assert pd.isna(iv.loc[1, "end_date"]) and pd.isna(iv.loc[1, "closed_by_event"])
    assert iv.loc[0, "evidence"].startswith("Taliban fighters captured Herat")
    ev = store.events_df()
    assert _holder(timeline.control_at(ev, "2021-08-11"), "Herat") is None
    assert _holder(timeline.control_at(ev, "2021-08-12"), "Herat") == "Taliban"
    assert _holder(timeline.control_at(ev, D(2021, 8, 31)), "Herat") == "Taliban"
    assert _holder(timeline.control_at(ev, "2021-09-01"), "Herat") == "Afghan army"
    assert _holder(timeline.control_at(ev, None), "Herat") == "Afghan army"
    latest = timeline.control_at(ev, "2022-01-01").iloc[0]
    assert latest["since"] == pd.Timestamp("2021-09-01") and latest["n_changes"] == 2
    assert len(latest["event_ids"].split(",")) == 2


def test_repeated_reports_confirm_instead_of_reopening(store: Store) -> None:
    store.ingest(fx.capture_article(fx.GHAZNI, "Ghazni", "Taliban", D(2021, 8, 13)))
    store.ingest(fx.capture_article(fx.GHAZNI, "Ghazni", "Taliban", D(2021, 8, 20)))
    iv = timeline.control_intervals(store.events_df())
    assert len(iv) == 1 and iv.loc[0, "n_confirmations"] == 1
    st = timeline.control_at(store.events_df(), "2021-08-15").iloc[0]
    assert st["since"] == pd.Timestamp("2021-08-13")
    assert st["last_confirmed"] == pd.Timestamp("2021-08-13")  # the later report is not yet known
    st = timeline.control_at(store.events_df(), "2021-08-21").iloc[0]
    assert st["last_confirmed"] == pd.Timestamp("2021-08-20") and st["event_ids"].count(",") == 1


def test_withdrawal_vacates_the_place(store: Store) -> None:
    store.ingest(fx.capture_article(fx.MOSUL, "Mosul", "IS", D(2014, 6, 10)))
    store.ingest(fx.capture_article(fx.MOSUL, "Mosul", "IS", D(2017, 7, 1), kind="withdrew"))
    ev = store.events_df()
    st = timeline.control_at(ev, "2017-07-02").iloc[0]
    assert pd.isna(st["controller"]) and st["state"] == "vacated" and st["previous_controller"] == "IS"
    assert timeline.control_at(ev, "2016-01-01").iloc[0]["controller"] == "IS"


def test_non_control_events_do_not_change_hands(store: Store) -> None:
    store.ingest(fx.capture_article(fx.GHAZNI, "Ghazni", "Taliban", D(2021, 8, 13)))
    store.ingest(fx.capture_article(fx.GHAZNI, "Ghazni", "Afghan army", D(2021, 8, 14), kind="attacked"))
    assert _holder(timeline.control_at(store.events_df(), "2021-08-30"), "Ghazni") == "Taliban"


def test_attacks_by_others_after_a_capture_mark_the_place_contested(store: Store) -> None:
    store.ingest(fx.capture_article(fx.GHAZNI, "Ghazni", "Taliban", D(2021, 8, 10), kind="attacked"))
    store.ingest(fx.capture_article(fx.GHAZNI, "Ghazni", "Taliban", D(2021, 8, 13)))
    store.ingest(fx.capture_article(fx.GHAZNI, "Ghazni", "Afghan army", D(2021, 8, 14), kind="attacked"))
    ev = store.events_df()
    held = timeline.control_at(ev, "2021-08-13").iloc[0]
    assert held["controller"] == "Taliban" and not held["contested"]  # the earlier attack was the capture's
    later = timeline.control_at(ev, "2021-08-30").iloc[0]
    assert later["contested"] and later["contested_by"] == "Afghan army"
    assert later["last_attack"] == pd.Timestamp("2021-08-14") and later["controller"] == "Taliban"


def test_undated_or_unplaced_events_are_listed_not_mapped(store: Store) -> None:
    parsed = fx.capture_article(fx.HERAT, "Herat", "Taliban", D(2021, 8, 12))
    parsed.events[0].date = None
    parsed.events[0].date_precision = None
    store.ingest(parsed)
    nowhere = fx.capture_article(fx.GHAZNI, "Ghazni", "IS", D(2021, 8, 1))
    nowhere.events[0].place = None
    store.ingest(nowhere)
    anonymous = fx.capture_article(fx.KABUL, "Kabul", "Taliban", D(2021, 8, 15))
    anonymous.events[0].actor = None
    store.ingest(anonymous)
    ev = store.events_df()
    assert timeline.control_intervals(ev).empty
    assert timeline.control_at(ev, "2030-01-01").empty
    listed = timeline.unplaced_control_events(ev)
    assert sorted(listed["reason"]) == ["no actor", "no date", "no location"]


def test_analyst_edits_change_control(store: Store) -> None:
    store.ingest(fx.capture_article(fx.HERAT, "Herat", "Taliban", D(2021, 8, 12)))
    store.ingest(fx.capture_article(fx.HERAT, "Herat", "Afghan army", D(2021, 9, 1)))
    retake = store.events_df().iloc[1]
    store.annotate("event", retake["target_key"], "edit_event", {"event_date": "2021-10-01"}, analyst="ana")
    assert _holder(timeline.control_at(store.events_df(), "2021-09-15"), "Herat") == "Taliban"
    store.annotate("event", retake["target_key"], "reject", analyst="ana")
    assert _holder(timeline.control_at(store.events_df(), "2022-01-01"), "Herat") == "Taliban"


def test_month_precision_counts_from_the_first_of_the_month(store: Store) -> None:
    parsed = fx.capture_article(fx.MOSUL, "Mosul", "IS", D(2014, 6, 1))
    parsed.events[0].date_precision = "month"
    store.ingest(parsed)
    st = timeline.control_at(store.events_df(), "2014-06-01").iloc[0]
    assert st["controller"] == "IS" and st["since_precision"] == "month"
