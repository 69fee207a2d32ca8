"""The geoparsing scorer on tiny hand-made cases, so the numbers `make eval` prints can be trusted."""

from __future__ import annotations

import math

import pytest

from eval.scoring import (
    CorpusScore,
    Errors,
    Span,
    haversine_km,
    match_exact,
    match_overlap,
    score_articles,
)


def test_haversine_known_distance():
    # Kabul -> Kandahar is about 457 km on the great circle.
    assert haversine_km(34.5281, 69.1723, 31.6133, 65.7101) == pytest.approx(457, abs=5)
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0


def test_exact_match_is_one_to_one():
    gold = [Span(0, 5), Span(10, 17)]
    pred = [Span(0, 5), Span(0, 5), Span(10, 16)]
    assert match_exact(gold, pred) == [(0, 0)]


def test_overlap_match_counts_partial_spans_once():
    gold = [Span(0, 16)]  # "Helmand Province"
    pred = [Span(0, 7), Span(8, 16)]  # "Helmand", "Province"
    assert len(match_overlap(gold, pred)) == 1


def test_precision_recall_f1_micro_averaged():
    s = score_articles(
        [
            ([Span(0, 5), Span(10, 15)], [Span(0, 5), Span(20, 25)]),  # 1 TP, 1 FP, 1 FN
            ([Span(0, 3)], [Span(0, 3)]),  # 1 TP
        ]
    )
    assert (s.exact.tp, s.exact.predicted, s.exact.gold) == (2, 3, 3)
    assert s.exact.precision == pytest.approx(2 / 3)
    assert s.exact.recall == pytest.approx(2 / 3)
    assert s.exact.f1 == pytest.approx(2 / 3)


def test_resolution_errors_only_for_exact_matches_with_coordinates():
    s = CorpusScore()
    gold = [Span(0, 5, 34.53, 69.17), Span(10, 15, None, None), Span(20, 25, 36.34, 43.13)]
    pred = [Span(0, 5, 34.53, 69.17), Span(10, 15, 1.0, 1.0), Span(30, 35, 0.0, 0.0)]
    s.add_article(gold, pred)
    assert s.errors.n == 1  # the gold without coordinates is not scored, the unmatched one is a miss
    assert s.errors.misses == 1
    assert s.errors.accuracy() == 1.0
    assert s.errors.accuracy_all() == 0.5
    assert s.exact_coords.gold == 2


def test_prediction_without_coordinates_is_wrong():
    s = CorpusScore()
    s.add_article([Span(0, 5, 10.0, 10.0)], [Span(0, 5, None, None)])
    assert s.errors.accuracy() == 0.0
    assert s.errors.km == [20039.0]


def test_median_and_auc():
    e = Errors(km=[0.0, 0.0, 100.0, 20038.0])
    assert e.median == 50.0
    assert e.accuracy() == 0.75
    assert 0.0 < e.auc < 1.0
    assert Errors(km=[0.0, 0.0]).auc == 0.0
    assert math.isnan(Errors().median)
