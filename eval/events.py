"""The events development set (../shared/benchmarks/events_dev): who took which place, and when.

Scored exactly as that set's README prescribes, on the JSON objects of `conflictmap extract --format json`
(so the numbers are those of the product's own output, and any saved extract can be scored too):

- captured events: a gold event is matched by an unused predicted `captured` event whose point lies within
  30 km of the gold mention's point, whose actor the gold actor's regex finds (case-insensitive), and whose
  date starts with the gold date (a null gold date accepts any); a left-over prediction that matches an
  optional event by place and actor is neither credited nor penalised, any other is a false positive;
- article date: equal to the gold date; a month-precision gold date needs a date in that month *and*
  `date_precision` "month"; articles marked `date_optional` are left out;
- mention recall: a gold mention is found when an output mention has exactly its text and lies within its
  tolerance;
- persons as places: every output mention whose text is contained in a `not_places` entry of its article.

The matching and counting functions take plain dicts and dataclasses and import neither the gazetteer nor
the parser, so the protocol is unit-tested on tiny hand-made cases (tests/eval/test_events_scoring.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.scoring import haversine_km

PLACE_KM = 30.0  # an event's place is right within 30 km of the gold mention's point
LANGUAGES = ("en", "de", "all")


@dataclass(frozen=True, slots=True)
class GoldMention:
    text: str
    lat: float
    lon: float
    tol_km: float


@dataclass(frozen=True, slots=True)
class GoldEvent:
    place: str  # a mention surface form of the article
    lat: float
    lon: float
    actor: str  # a key of the gold `actors` table
    date: str | None  # "YYYY-MM-DD", "YYYY-MM" or None (any date)

    def label(self) -> str:
        return f"{self.place} / {self.actor} / {self.date or '-'}"


@dataclass(frozen=True, slots=True)
class PredEvent:
    """A `captured` event of the extract output, as far as the scorer reads it."""

    place: str | None
    lat: float | None
    lon: float | None
    actor: str | None
    date: str | None
    evidence: str = ""

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PredEvent:
        return cls(
            obj.get("place"), obj.get("lat"), obj.get("lon"), obj.get("actor"), obj.get("date"),
            obj.get("evidence") or "",
        )  # fmt: skip

    def label(self) -> str:
        return f"{self.place} / {self.actor} / {self.date or '-'}"


@dataclass(slots=True)
class GoldArticle:
    name: str  # the file name, which the extract output's `source` ends with
    language: str
    date: str | None
    date_precision: str | None
    date_optional: bool
    mentions: list[GoldMention]
    not_places: list[str]
    events: list[GoldEvent]
    optional_events: list[GoldEvent]


@dataclass(slots=True)
class Gold:
    actors: dict[str, re.Pattern[str]]
    articles: dict[str, GoldArticle]


def events_dir() -> Path:
    from eval.corpora import benchmarks_dir

    return benchmarks_dir() / "events_dev"


def _events(raw: Iterable[Sequence[Any]], points: Mapping[str, tuple[float, float]]) -> list[GoldEvent]:
    out = []
    for place, actor, date in raw:
        lat, lon = points[place]  # the README: the place is one of the article's mention surface forms
        out.append(GoldEvent(place, lat, lon, actor, date))
    return out


def parse_gold(data: Mapping[str, Any]) -> Gold:
    """The gold.json structure (see the set's README) as typed objects, actor regexes compiled."""
    actors = {name: re.compile(rx, re.IGNORECASE) for name, rx in data["actors"].items()}
    articles = {}
    for name, a in data["articles"].items():
        mentions = [GoldMention(t, lat, lon, tol) for t, lat, lon, tol in a["mentions"]]
        points = {m.text: (m.lat, m.lon) for m in mentions}
        articles[name] = GoldArticle(
            name=name,
            language=a.get("language") or "en",
            date=a.get("date"),
            date_precision=a.get("date_precision"),
            date_optional=bool(a.get("date_optional")),
            mentions=mentions,
            not_places=list(a.get("not_places") or []),
            events=_events(a.get("events") or [], points),
            optional_events=_events(a.get("optional_events") or [], points),
        )
    return Gold(actors, articles)


def load_gold(folder: Path) -> Gold:
    return parse_gold(json.loads((folder / "gold.json").read_text(encoding="utf-8")))


# --- matching ---------------------------------------------------------------------------------------------


def place_ok(gold: GoldEvent, pred: PredEvent) -> bool:
    if pred.lat is None or pred.lon is None:
        return False
    return haversine_km(gold.lat, gold.lon, pred.lat, pred.lon) <= PLACE_KM


def actor_ok(gold: GoldEvent, pred: PredEvent, actors: Mapping[str, re.Pattern[str]]) -> bool:
    return pred.actor is not None and actors[gold.actor].search(pred.actor) is not None


def date_ok(gold: GoldEvent, pred: PredEvent) -> bool:
    if gold.date is None:
        return True
    return pred.date is not None and pred.date.startswith(gold.date)


def event_matches(gold: GoldEvent, pred: PredEvent, actors: Mapping[str, re.Pattern[str]]) -> bool:
    return place_ok(gold, pred) and actor_ok(gold, pred, actors) and date_ok(gold, pred)


@dataclass(slots=True)
class EventMatch:
    """One article's events: matched pairs, misses, false positives and ignored (optional) predictions."""

    matched: list[tuple[GoldEvent, PredEvent]] = field(default_factory=list)
    missed: list[GoldEvent] = field(default_factory=list)
    spurious: list[PredEvent] = field(default_factory=list)
    optional: list[PredEvent] = field(default_factory=list)


def match_events(
    gold: Sequence[GoldEvent],
    optional: Sequence[GoldEvent],
    preds: Sequence[PredEvent],
    actors: Mapping[str, re.Pattern[str]],
) -> EventMatch:
    """The README's matching: each gold event, in order, takes the first unused prediction that matches."""
    result = EventMatch()
    used: set[int] = set()
    for g in gold:
        j = next((j for j, p in enumerate(preds) if j not in used and event_matches(g, p, actors)), None)
        if j is None:
            result.missed.append(g)
        else:
            used.add(j)
            result.matched.append((g, preds[j]))
    for j, p in enumerate(preds):
        if j in used:
            continue
        if any(place_ok(o, p) and actor_ok(o, p, actors) for o in optional):
            result.optional.append(p)
        else:
            result.spurious.append(p)
    return result


def article_date_ok(gold: GoldArticle, date: str | None, precision: str | None) -> bool | None:
    """Whether the article date is right; None when the article is left out (no date in its text)."""
    if gold.date_optional:
        return None
    if gold.date is None:
        return date is None
    if gold.date_precision == "month" or len(gold.date) == 7:
        return date is not None and date.startswith(gold.date) and precision == "month"
    return date == gold.date


def mentions_found(gold: Sequence[GoldMention], pred: Sequence[Mapping[str, Any]]) -> list[bool]:
    """For each gold mention: does an output mention have exactly its text, within its tolerance?"""
    by_text: dict[str, list[tuple[float, float]]] = {}
    for m in pred:
        if m.get("lat") is not None and m.get("lon") is not None:
            by_text.setdefault(m["text"], []).append((m["lat"], m["lon"]))
    return [
        any(haversine_km(g.lat, g.lon, lat, lon) <= g.tol_km for lat, lon in by_text.get(g.text, ()))
        for g in gold
    ]


def persons_as_places(not_places: Sequence[str], pred: Sequence[Mapping[str, Any]]) -> list[str]:
    """Output mention texts (one per mention) contained in (or ending) a person/organisation name."""
    return [m["text"] for m in pred if m.get("text") and any(m["text"] in n for n in not_places)]


# --- one article, the whole set ---------------------------------------------------------------------------


@dataclass(slots=True)
class ArticleResult:
    gold: GoldArticle
    events: EventMatch
    pred_date: str | None
    pred_precision: str | None
    date_ok: bool | None
    mentions: list[bool]
    persons: list[str]
    all_captured: list[PredEvent]  # every captured prediction, to explain the misses


def score_article(
    gold: GoldArticle, pred: Mapping[str, Any] | None, actors: Mapping[str, re.Pattern[str]]
) -> ArticleResult:
    """Score one extract object (None: the article is missing from the output, everything is missed)."""
    pred = pred or {}
    captured = [PredEvent.from_json(e) for e in pred.get("events") or [] if e.get("kind") == "captured"]
    mentions = list(pred.get("mentions") or [])
    date, precision = pred.get("date"), pred.get("date_precision")
    return ArticleResult(
        gold=gold,
        events=match_events(gold.events, gold.optional_events, captured, actors),
        pred_date=date,
        pred_precision=precision,
        date_ok=article_date_ok(gold, date, precision),
        mentions=mentions_found(gold.mentions, mentions),
        persons=persons_as_places(gold.not_places, mentions),
        all_captured=captured,
    )


@dataclass(slots=True)
class EventsScore:
    """Micro-averaged counts over a group of articles (one language, or all)."""

    articles: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    optional: int = 0
    dates_ok: int = 0
    dates_scored: int = 0
    mentions_found: int = 0
    mentions_gold: int = 0
    persons: int = 0

    def add(self, r: ArticleResult) -> None:
        self.articles += 1
        self.tp += len(r.events.matched)
        self.fp += len(r.events.spurious)
        self.fn += len(r.events.missed)
        self.optional += len(r.events.optional)
        if r.date_ok is not None:
            self.dates_scored += 1
            self.dates_ok += int(r.date_ok)
        self.mentions_found += sum(r.mentions)
        self.mentions_gold += len(r.mentions)
        self.persons += len(r.persons)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_ok / self.dates_scored if self.dates_scored else 0.0

    @property
    def mention_recall(self) -> float:
        return self.mentions_found / self.mentions_gold if self.mentions_gold else 0.0


def score_set(gold: Gold, preds: Mapping[str, Mapping[str, Any]]) -> list[ArticleResult]:
    """Score every gold article against the extract objects keyed by file name."""
    return [score_article(g, preds.get(name), gold.actors) for name, g in sorted(gold.articles.items())]


def by_language(results: Iterable[ArticleResult]) -> dict[str, EventsScore]:
    scores = {lang: EventsScore() for lang in LANGUAGES}
    for r in results:
        scores["all"].add(r)
        scores.setdefault(r.gold.language, EventsScore()).add(r)
    return scores


def index_by_name(objects: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Extract objects keyed by the file name their `source` ends with (the README matches by file name)."""
    return {Path(str(o.get("source") or "")).name: o for o in objects}


def run_pipeline(folder: Path) -> dict[str, Mapping[str, Any]]:
    """The product's own extract objects for the set's articles (the steps of `conflictmap extract`)."""
    from geo.parse.articles import Rejected, read_paths
    from geo.parse.pipeline import parse_article, parsed_to_json

    out = []
    for item in read_paths([folder / "articles"]):
        if not isinstance(item, Rejected):
            out.append(parsed_to_json(parse_article(item)))
    return index_by_name(out)


# --- printing ---------------------------------------------------------------------------------------------

EVENTS_HEADER = (
    "events_dev", "docs", "TP", "FP", "FN", "opt", "P", "R", "F1", "date acc", "ment R", "persons",
)  # fmt: skip


def table_rows(scores: Mapping[str, EventsScore]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [EVENTS_HEADER]
    for lang in LANGUAGES:
        s = scores[lang]
        rows.append(
            (
                lang,
                str(s.articles),
                str(s.tp),
                str(s.fp),
                str(s.fn),
                str(s.optional),
                f"{s.precision:.3f}",
                f"{s.recall:.3f}",
                f"{s.f1:.3f}",
                f"{s.date_accuracy:.3f} ({s.dates_ok}/{s.dates_scored})",
                f"{s.mention_recall:.3f} ({s.mentions_found}/{s.mentions_gold})",
                str(s.persons),
            )
        )
    return rows


LEGEND = (
    "captured events matched as the set's README says (place within 30 km, actor regex, date prefix);\n"
    "opt: predictions matching an optional (background) event, neither credited nor penalised; date acc:\n"
    "article dates (undated texts left out); ment R: mention recall (same text, within tolerance);\n"
    "persons: output mentions inside a person/organisation name of the gold `not_places` list."
)


def _why_missed(g: GoldEvent, preds: Sequence[PredEvent], actors: Mapping[str, re.Pattern[str]]) -> str:
    """The nearest failure among all captured predictions: wrong date, wrong actor, or none at the place."""
    here = [p for p in preds if place_ok(g, p)]
    dated = [p for p in here if actor_ok(g, p, actors)]
    if dated:
        return "wrong date: " + ", ".join(p.date or "none" for p in dated)
    if here:
        return "wrong actor: " + ", ".join(repr(p.actor) for p in here)
    same_name = [p for p in preds if p.place == g.place]
    if same_name:
        return "placed elsewhere or unresolved"
    return "not extracted"


def _why_spurious(p: PredEvent, gold: GoldArticle, actors: Mapping[str, re.Pattern[str]]) -> str:
    if p.lat is None:
        return "no coordinates"
    at_gold = [g for g in gold.events + gold.optional_events if place_ok(g, p)]
    if not at_gold:
        return "no event at this place"
    if not any(actor_ok(g, p, actors) for g in at_gold):
        return "wrong actor"
    return "wrong date or duplicate"


def error_kinds(results: Iterable[ArticleResult], actors: Mapping[str, re.Pattern[str]]) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for r in results:
        for g in r.events.missed:
            kinds["missed: " + _why_missed(g, r.all_captured, actors).split(":")[0]] += 1
        for p in r.events.spurious:
            kinds["spurious: " + _why_spurious(p, r.gold, actors)] += 1
        if r.date_ok is False:
            kinds["article date wrong"] += 1
    return kinds


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def error_report(results: Sequence[ArticleResult], actors: Mapping[str, re.Pattern[str]]) -> str:
    """Per article: the missed and spurious captured events (with why), a wrong date, missed mentions."""
    lines = []
    for r in results:
        g = r.gold
        out = []
        if r.date_ok is False:
            out.append(
                f"  date wrong: gold {g.date} ({g.date_precision}), output {r.pred_date} ({r.pred_precision})"
            )
        for m in r.events.missed:
            out.append(f"  missed    {m.label()}  [{_why_missed(m, r.all_captured, actors)}]")
        for p in r.events.spurious:
            out.append(f"  spurious  {p.label()}  [{_why_spurious(p, g, actors)}]  {_short(p.evidence)}")
        for p in r.events.optional:
            out.append(f"  optional  {p.label()}")
        lost = [m.text for m, ok in zip(g.mentions, r.mentions, strict=True) if not ok]
        if lost:
            out.append("  mentions not found: " + ", ".join(lost))
        if r.persons:
            out.append("  persons/organisations as places: " + ", ".join(r.persons))
        n_ok = len(r.events.matched)
        head = f"{g.name} ({g.language}): {n_ok}/{len(g.events)} events"
        lines.append(head + ("" if out else "  all right"))
        lines.extend(out)
    kinds = error_kinds(results, actors)
    if kinds:
        lines.append("error kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return "\n".join(lines)
