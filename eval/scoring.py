"""Geoparsing scores as in Gritta, Pilehvar and Collier, "A pragmatic guide to geoparsing evaluation" (2020).

Kept free of any gazetteer or parser import (only the shared distance, `geo.geodesy`) so that the
protocol itself can be unit-tested on tiny hand-made cases: recognition is scored by one-to-one span
matching (exact, and a lenient overlap variant reported beside it), resolution by great-circle error of
the exactly matched toponyms.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from geo.geodesy import great_circle_km

MAX_DISTANCE_KM = 20039.0  # half the equator: the largest possible great-circle distance
ACCURACY_KM = 161.0  # 100 miles, the field's customary threshold


@dataclass(frozen=True, slots=True)
class Span:
    """A toponym span with optional coordinates (gold or predicted)."""

    start: int
    end: int
    lat: float | None = None
    lon: float | None = None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (the project's one implementation, geopy's)."""
    return great_circle_km(lat1, lon1, lat2, lon2)


def match_exact(gold: Sequence[Span], pred: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) with identical (start, end)."""
    by_span: dict[tuple[int, int], int] = {}
    for i, g in enumerate(gold):
        by_span.setdefault((g.start, g.end), i)
    pairs, used = [], set()
    for j, p in enumerate(pred):
        i = by_span.get((p.start, p.end))
        if i is not None and i not in used:
            used.add(i)
            pairs.append((i, j))
    return pairs


def match_overlap(gold: Sequence[Span], pred: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs where the spans overlap; exact pairs are taken first so they are never lost."""
    pairs = match_exact(gold, pred)
    used_g = {i for i, _ in pairs}
    used_p = {j for _, j in pairs}
    for j, p in enumerate(pred):
        if j in used_p:
            continue
        for i, g in enumerate(gold):
            if i not in used_g and p.start < g.end and g.start < p.end:
                used_g.add(i)
                used_p.add(j)
                pairs.append((i, j))
                break
    return pairs


@dataclass(slots=True)
class Counts:
    """Recognition counts accumulated over articles (micro-average)."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp += tp
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Errors:
    """Resolution errors in km; `None` (no predicted coordinates) counts as a miss."""

    km: list[float] = field(default_factory=list)
    misses: int = 0  # gold toponyms with coordinates that were not recognised (for the "all gold" view)

    @property
    def n(self) -> int:
        return len(self.km)

    def accuracy(self, threshold: float = ACCURACY_KM) -> float:
        return sum(1 for e in self.km if e <= threshold) / self.n if self.n else 0.0

    def accuracy_all(self, threshold: float = ACCURACY_KM) -> float:
        """Share within `threshold` over all gold toponyms with coordinates (unrecognised = wrong)."""
        total = self.n + self.misses
        return sum(1 for e in self.km if e <= threshold) / total if total else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.km) if self.km else float("nan")

    @property
    def mean(self) -> float:
        return statistics.fmean(self.km) if self.km else float("nan")

    @property
    def auc(self) -> float:
        """Area under the curve of sorted ln(error + 1), normalised by ln(20039); 0 is perfect."""
        if self.n < 2:
            return float("nan") if not self.n else math.log(self.km[0] + 1) / math.log(MAX_DISTANCE_KM)
        ys = sorted(math.log(e + 1) for e in self.km)
        area = sum((ys[k] + ys[k + 1]) / 2 for k in range(len(ys) - 1))
        return area / (math.log(MAX_DISTANCE_KM) * (len(ys) - 1))


def resolution_error(gold: Span, pred: Span) -> float:
    """Error in km for a matched pair; a prediction without coordinates is the worst possible error."""
    if pred.lat is None or pred.lon is None or gold.lat is None or gold.lon is None:
        return MAX_DISTANCE_KM
    return haversine_km(gold.lat, gold.lon, pred.lat, pred.lon)


@dataclass(slots=True)
class CorpusScore:
    """Everything printed for one (corpus, system) cell of the table."""

    exact: Counts = field(default_factory=Counts)
    overlap: Counts = field(default_factory=Counts)
    exact_coords: Counts = field(default_factory=Counts)  # gold restricted to toponyms with coordinates
    errors: Errors = field(default_factory=Errors)
    articles: int = 0

    def add_article(self, gold: Sequence[Span], pred: Sequence[Span]) -> None:
        """Score one article: recognition (exact, overlap, coords-only gold) and resolution."""
        self.articles += 1
        exact = match_exact(gold, pred)
        self.exact.add(len(exact), len(pred), len(gold))
        self.overlap.add(len(match_overlap(gold, pred)), len(pred), len(gold))
        with_coords = [g for g in gold if g.lat is not None]
        self.exact_coords.add(len(match_exact(with_coords, pred)), len(pred), len(with_coords))
        matched_gold = set()
        for i, j in exact:
            if gold[i].lat is None:
                continue
            matched_gold.add(i)
            self.errors.km.append(resolution_error(gold[i], pred[j]))
        self.errors.misses += sum(
            1 for i, g in enumerate(gold) if g.lat is not None and i not in matched_gold
        )


def score_articles(pairs: Iterable[tuple[Sequence[Span], Sequence[Span]]]) -> CorpusScore:
    """Micro-averaged score over (gold, predicted) span lists, one pair per article."""
    result = CorpusScore()
    for gold, pred in pairs:
        result.add_article(gold, pred)
    return result
