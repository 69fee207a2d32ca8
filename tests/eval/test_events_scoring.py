"""The events_dev scorer on tiny hand-made gold/output cases, so the events table of `make eval` is trusted.

No gazetteer: gold and output are plain dicts in the shapes of gold.json and `conflictmap extract --format
json`. Coordinates are chosen so distances are obvious (0.1 degree of latitude is about 11 km).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval import events as ev
from eval.__main__ import main

ACTORS = {
    "Ukrainian forces": "ukrain|kyiv",
    "Russian forces": "russ|moscow",
    "Islamic State": r"\bis\b|islamic",
}
# Izium at (49.2, 37.3); a second town far away at (50.0, 36.2).
MENTIONS = [["Izium", 49.2, 37.3, 30], ["Kharkiv", 50.0, 36.2, 30], ["Ukraine", 49.0, 32.0, 800]]


def _gold(**articles: dict[str, Any]) -> ev.Gold:
    base = {"date": "2022-09-10", "date_precision": "day", "language": "en", "mentions": MENTIONS}
    return ev.parse_gold(
        {"actors": ACTORS, "articles": {f"{k}.txt": {**base, **v} for k, v in articles.items()}}
    )


def _event(
    place: str, lat: float | None, lon: float | None, actor: str | None, date: str | None, kind="captured"
):
    return {
        "kind": kind,
        "actor": actor,
        "place": place,
        "lat": lat,
        "lon": lon,
        "date": date,
        "evidence": "...",
    }


def _out(name: str, events=(), mentions=(), date="2022-09-10", precision="day") -> dict[str, Any]:
    return {
        "source": f"/somewhere/{name}.txt",
        "date": date,
        "date_precision": precision,
        "mentions": list(mentions),
        "events": list(events),
    }


def _score(gold: ev.Gold, *outs: dict[str, Any]) -> ev.EventsScore:
    return ev.by_language(ev.score_set(gold, ev.index_by_name(outs)))["all"]


def test_place_within_30_km_matches_and_farther_does_not():
    gold = _gold(a={"events": [["Izium", "Ukrainian forces", "2022-09-10"]]})
    near = _event("Izium", 49.2 + 0.25, 37.3, "Ukrainian forces", "2022-09-10")  # about 28 km north
    far = _event("Izium", 49.2 + 0.3, 37.3, "Ukrainian forces", "2022-09-10")  # about 33 km north
    assert (_score(gold, _out("a", [near])).tp, _score(gold, _out("a", [far])).tp) == (1, 0)
    unresolved = _event("Izium", None, None, "Ukrainian forces", "2022-09-10")
    s = _score(gold, _out("a", [unresolved]))
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)


def test_actor_is_a_case_insensitive_regex_search_and_none_never_matches():
    gold = _gold(a={"events": [["Izium", "Ukrainian forces", None]]})
    for actor, tp in [
        ("UKRAINIAN FORCES", 1),
        ("the army of Ukraine", 1),
        ("Kyiv", 1),
        ("Russian forces", 0),
    ]:
        assert _score(gold, _out("a", [_event("Izium", 49.2, 37.3, actor, None)])).tp == tp, actor
    assert _score(gold, _out("a", [_event("Izium", 49.2, 37.3, None, None)])).tp == 0


def test_word_boundaries_in_actor_regex_are_honoured():
    gold = _gold(a={"events": [["Izium", "Islamic State", None]]})
    assert _score(gold, _out("a", [_event("Izium", 49.2, 37.3, "IS fighters", None)])).tp == 1
    assert _score(gold, _out("a", [_event("Izium", 49.2, 37.3, "Crisis group", None)])).tp == 0


@pytest.mark.parametrize(
    ("gold_date", "pred_date", "ok"),
    [
        ("2022-09-10", "2022-09-10", True),
        ("2022-09-10", "2022-09-11", False),  # a day-precision gold date needs that day
        ("2022-09-10", None, False),
        ("2022-09", "2022-09-01", True),  # month precision: any day of that month
        ("2022-09", "2022-09-30", True),
        ("2022-09", "2022-10-01", False),
        (None, "1993-07-01", True),  # the text does not fix the date: any date, or none
        (None, None, True),
    ],
)
def test_event_date_starts_with_the_gold_date(gold_date, pred_date, ok):
    gold = _gold(a={"events": [["Izium", "Ukrainian forces", gold_date]]})
    s = _score(gold, _out("a", [_event("Izium", 49.2, 37.3, "Ukrainian forces", pred_date)]))
    assert (s.tp, s.fp, s.fn) == ((1, 0, 0) if ok else (0, 1, 1))


def test_each_prediction_matches_at_most_one_gold_event():
    gold = _gold(
        a={"events": [["Izium", "Ukrainian forces", "2022-09"], ["Izium", "Ukrainian forces", None]]}
    )
    s = _score(gold, _out("a", [_event("Izium", 49.2, 37.3, "Ukrainian forces", "2022-09-10")]))
    assert (s.tp, s.fp, s.fn) == (1, 0, 1)
    twice = _event("Izium", 49.2, 37.3, "Ukrainian forces", "2022-09-10")
    s = _score(gold, _out("a", [twice, twice, twice]))
    assert (s.tp, s.fp, s.fn) == (2, 1, 0)  # the third report of the same fact is a false positive


def test_optional_event_is_neither_credited_nor_penalised_but_only_for_its_actor():
    gold = _gold(
        a={
            "events": [["Izium", "Ukrainian forces", "2022-09-10"]],
            "optional_events": [["Izium", "Russian forces", "2022-04"]],
        }
    )
    background = _event("Izium", 49.2, 37.3, "Russian forces", "2022-09-10")  # date ignored for optional ones
    s = _score(gold, _out("a", [background]))
    assert (s.tp, s.fp, s.fn, s.optional) == (0, 0, 1, 1)
    wrong_actor = _event("Izium", 49.2, 37.3, "Islamic State", "2022-04-01")
    s = _score(gold, _out("a", [wrong_actor]))
    assert (s.tp, s.fp, s.optional) == (0, 1, 0)
    elsewhere = _event("Kharkiv", 50.0, 36.2, "Russian forces", "2022-04-01")
    assert _score(gold, _out("a", [elsewhere])).fp == 1


def test_a_gold_event_is_taken_before_the_optional_one():
    gold = _gold(
        a={
            "events": [["Izium", "Ukrainian forces", None]],
            "optional_events": [["Izium", "Ukrainian forces", None]],
        }
    )
    s = _score(gold, _out("a", [_event("Izium", 49.2, 37.3, "Ukrainian forces", None)]))
    assert (s.tp, s.fp, s.fn, s.optional) == (1, 0, 0, 0)


def test_denial_text_without_gold_events_turns_any_capture_into_a_false_positive():
    gold = _gold(a={"events": []})  # "denied reports that the town had fallen"
    s = _score(gold, _out("a", [_event("Izium", 49.2, 37.3, "Russian forces", "2022-09-10")]))
    assert (s.tp, s.fp, s.fn) == (0, 1, 0)
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    s = _score(gold, _out("a"))
    assert (s.tp, s.fp, s.fn) == (0, 0, 0)


def test_only_captured_events_count():
    gold = _gold(a={"events": [["Izium", "Ukrainian forces", None]]})
    attacked = _event("Izium", 49.2, 37.3, "Ukrainian forces", None, kind="attacked")
    s = _score(gold, _out("a", [attacked]))
    assert (s.tp, s.fp, s.fn) == (0, 0, 1)


def test_precision_recall_f1_over_all_articles_and_by_language():
    gold = _gold(
        a={"events": [["Izium", "Ukrainian forces", None], ["Kharkiv", "Ukrainian forces", None]]},
        b={"events": [["Izium", "Russian forces", None]], "language": "de"},
    )
    results = ev.score_set(
        gold,
        ev.index_by_name(
            [
                _out("a", [_event("Izium", 49.2, 37.3, "Ukrainian forces", None)]),
                _out(
                    "b",
                    [
                        _event("Izium", 49.2, 37.3, "Russian forces", None),
                        _event("Kharkiv", 50, 36.2, "x", None),
                    ],
                ),
            ]
        ),
    )
    scores = ev.by_language(results)
    assert (scores["en"].tp, scores["en"].fp, scores["en"].fn) == (1, 0, 1)
    assert (scores["de"].tp, scores["de"].fp, scores["de"].fn) == (1, 1, 0)
    s = scores["all"]
    assert (s.articles, s.tp, s.fp, s.fn) == (2, 2, 1, 1)
    assert (
        s.precision == pytest.approx(2 / 3)
        and s.recall == pytest.approx(2 / 3)
        and s.f1 == pytest.approx(2 / 3)
    )


def test_an_article_missing_from_the_output_misses_everything():
    gold = _gold(a={"events": [["Izium", "Ukrainian forces", None]]})
    s = _score(gold)
    assert (s.articles, s.fn, s.dates_ok, s.dates_scored, s.mentions_found) == (1, 1, 0, 1, 0)


@pytest.mark.parametrize(
    ("gold", "pred", "ok"),
    [
        (("2022-09-10", "day", False), ("2022-09-10", "day"), True),
        (("2022-09-10", "day", False), ("2022-09-09", "day"), False),
        (("2022-09-10", "day", False), (None, None), False),
        (("2016-08", "month", False), ("2016-08-01", "month"), True),
        (("2016-08", "month", False), ("2016-08-24", "day"), False),  # a month date needs month precision
        (("2016-08", "month", False), ("2016-09-01", "month"), False),
        ((None, None, True), ("2019-01-01", "day"), None),  # no date in the text: left out of the score
        ((None, None, False), (None, None), True),
    ],
)
def test_article_date_rules(gold, pred, ok):
    date, precision, optional = gold
    g = _gold(a={"date": date, "date_precision": precision, "date_optional": optional, "events": []})
    r = ev.score_set(g, ev.index_by_name([_out("a", date=pred[0], precision=pred[1])]))[0]
    assert r.date_ok is ok
    s = ev.by_language([r])["all"]
    assert (s.dates_ok, s.dates_scored) == ((0, 0) if ok is None else (int(ok), 1))


def test_mention_recall_needs_the_same_text_within_the_tolerance():
    gold = _gold(a={"events": []})
    mentions = [
        {"text": "Izium", "lat": 49.25, "lon": 37.3},  # about 6 km off: found
        {"text": "kharkiv", "lat": 50.0, "lon": 36.2},  # other text (case): not found
        {"text": "Ukraine", "lat": 45.0, "lon": 32.0},  # 445 km off, tolerance 800: found
    ]
    s = _score(gold, _out("a", mentions=mentions))
    assert (s.mentions_found, s.mentions_gold) == (2, 3)
    far = [{"text": "Izium", "lat": 49.6, "lon": 37.3}]  # 44 km off, tolerance 30
    assert _score(gold, _out("a", mentions=far)).mentions_found == 0


def test_persons_as_places_counts_each_output_mention_inside_a_not_places_name():
    gold = _gold(a={"events": [], "not_places": ["Turki al-Maliki", "Arakan Army", "Willy Ngoma"]})
    mentions = [
        {"text": "Arakan", "lat": 20.0, "lon": 93.0},
        {"text": "Maliki", "lat": 1.0, "lon": 1.0},  # ends a person's name
        {"text": "Arakan", "lat": 20.0, "lon": 93.0},  # every mention counts
        {"text": "Goma", "lat": -1.68, "lon": 29.22},  # the city, not "Ngoma" (case-sensitive)
        {"text": "Izium", "lat": 49.2, "lon": 37.3},
    ]
    r = ev.score_set(gold, ev.index_by_name([_out("a", mentions=mentions)]))[0]
    assert r.persons == ["Arakan", "Maliki", "Arakan"]
    assert ev.by_language([r])["all"].persons == 3


def test_error_report_names_each_kind_of_error():
    gold = _gold(
        a={
            "events": [
                ["Izium", "Ukrainian forces", "2022-09-10"],
                ["Kharkiv", "Ukrainian forces", "2022-09"],
            ]
        },
        b={"events": [], "date": "2022-10", "date_precision": "month"},
    )
    results = ev.score_set(
        gold,
        ev.index_by_name(
            [
                _out("a", [_event("Izium", 49.2, 37.3, "Russian forces", "2022-09-10")]),
                _out(
                    "b", [_event("Kharkiv", 50.0, 36.2, "Ukrainian forces", "2022-10-01")], date="2022-10-01"
                ),
            ]
        ),
    )
    report = ev.error_report(results, gold.actors)
    assert "missed    Izium / Ukrainian forces / 2022-09-10  [wrong actor: 'Russian forces']" in report
    assert "missed    Kharkiv / Ukrainian forces / 2022-09  [not extracted]" in report
    assert "spurious  Kharkiv / Ukrainian forces / 2022-10-01  [no event at this place]" in report
    assert "date wrong: gold 2022-10 (month), output 2022-10-01 (day)" in report
    assert "error kinds:" in report and "missed: wrong actor 1" in report


def test_python_m_eval_events_scores_a_saved_extract(tmp_path: Path, monkeypatch, capsys):
    folder = tmp_path / "events_dev"
    folder.mkdir()
    head = {"date": "2022-09-10", "date_precision": "day", "mentions": MENTIONS, "not_places": []}
    gold = {
        "actors": ACTORS,
        "articles": {
            "d01_en_x.txt": {**head, "language": "en", "events": [["Izium", "Ukrainian forces", "2022-09"]]},
            "d02_de_y.txt": {**head, "language": "de", "events": [["Kharkiv", "Ukrainian forces", None]]},
        },
    }
    (folder / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    pred = tmp_path / "out.json"
    pred.write_text(
        json.dumps(
            [
                {
                    **_out("d01_en_x", [_event("Izyum", 49.19, 37.28, "Ukrainian army", "2022-09-10")]),
                    "language": "en",
                },
                {
                    **_out("d02_de_y", [_event("Kyiv", 50.45, 30.52, "Ukrainian army", None)]),
                    "language": "de",
                },
            ]
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("CONFLICTMAP_BENCHMARKS", str(tmp_path))
    assert main(["events", "--pred", str(pred), "--verbose"]) == 0
    out = capsys.readouterr().out
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line.split()[:1] in (["en"], ["de"], ["all"])
    }
    assert rows["en"][2:9] == ["1", "0", "0", "0", "1.000", "1.000", "1.000"]
    assert rows["de"][2:9] == ["0", "1", "1", "0", "0.000", "0.000", "0.000"]
    assert rows["all"][2:9] == ["1", "1", "1", "0", "0.500", "0.500", "0.500"]
    assert "d02_de_y.txt (de): 0/1 events" in out and "spurious  Kyiv / Ukrainian army / -" in out
