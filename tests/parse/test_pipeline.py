"""The whole geoparsing pipeline and the JSON object `conflictmap extract` prints for one article."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.parse.articles import article_from_text
from geo.parse.pipeline import extract_paths, parse_article, parsed_to_json

pytestmark = pytest.mark.requires_gazetteer

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MENTION_KEYS = {"text", "start", "end", "name", "lat", "lon", "country_code", "geonameid", "confidence"}
EVENT_KEYS = {
    "kind",
    "actor",
    "place",
    "lat",
    "lon",
    "country_code",
    "geonameid",
    "date",
    "date_precision",
    "where_precision",
    "confidence",
    "evidence",
}


def _seed_json(prefix: str) -> dict:
    items = [p for p in extract_paths([next(SEEDS.glob(f"{prefix}_*.txt"))])]
    assert len(items) == 1
    return parsed_to_json(items[0])


def test_json_shape_and_offsets():
    path = next(SEEDS.glob("002_*.txt"))
    text = path.read_text(encoding="utf-8")
    obj = _seed_json("002")
    assert set(obj) == {"source", "title", "language", "date", "date_precision", "mentions", "events"}
    assert obj["language"] == "en"
    assert obj["mentions"]
    for m in obj["mentions"]:
        assert set(m) == MENTION_KEYS
        assert text[m["start"] : m["end"]] == m["text"]
        assert -90 <= m["lat"] <= 90 and -180 <= m["lon"] <= 180
    starts = [m["start"] for m in obj["mentions"]]
    assert starts == sorted(starts)
    for e in obj["events"]:
        assert set(e) == EVENT_KEYS


def test_seed_002_reports_captures_by_the_taliban():
    obj = _seed_json("002")
    captured = {e["place"] for e in obj["events"] if e["kind"] == "captured" and e["actor"] == "Taliban"}
    assert {"Qala i Naw", "Ghazni"} <= captured
    assert not captured & {"Washington", "Kabul", "Islamabad"}


def test_seed_dates_keep_their_precision():
    assert (_seed_json("000")["date"], _seed_json("000")["date_precision"]) == ("2021-08-10", "day")
    obj = _seed_json("004")
    assert obj["date_precision"] == "month" and obj["date"].startswith("2018-07")


def test_only_accepted_mentions_are_printed_but_all_are_kept():
    art = article_from_text("Officials in Kabul and in Herat said the road was open.", source="t.txt")
    parsed = parse_article(art)
    assert {m.text for m in parsed.mentions} >= {"Kabul", "Herat"}
    printed = parsed_to_json(parsed)["mentions"]
    assert len(printed) == sum(1 for m in parsed.mentions if m.place is not None)


def test_german_capture_event():
    art = article_from_text(
        " date 2021-08-13 Kabul, 13. August 2021 (dpa) - Die Taliban haben am Donnerstag die Stadt Gasni "
        "eingenommen. Auch Herat fiel an die Islamisten.",
        source="de.txt",
    )
    parsed = parse_article(art)
    obj = parsed_to_json(parsed)
    assert obj["language"] == "de"
    assert [m.role for m in parsed.mentions if m.text == "Kabul"] == ["dateline"]
    assert "Kabul" in {m["text"] for m in obj["mentions"]}
    captured = {e["place"] for e in obj["events"] if e["kind"] == "captured"}
    assert "Ghazni" in captured
    assert "Kabul" not in captured
