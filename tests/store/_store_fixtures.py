"""Hand-built ParsedArticle objects for the store, timeline and layer tests.

They let those tests run on real SQLite files without depending on the geoparser's accuracy: the store's
job is to keep and fold what it is given. Places carry their real GeoNames ids, except HERAT_OH, a
made-up "Herat, Ohio" alternative (fictitious id) used to test picking another candidate.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from geo.model import Article, Candidate, Event, Mention, ParsedArticle, Place

HERAT = Place(1140026, "Herat", 34.34817, 62.19967, "P", "PPLA", "AF", "11", "Herat", "Afghanistan", 272806)
GHAZNI = Place(
    1141269, "Ghazni", 33.55391, 68.42096, "P", "PPLA", "AF", "08", "Ghazni", "Afghanistan", 141000
)
KABUL = Place(1138958, "Kabul", 34.52813, 69.17233, "P", "PPLC", "AF", "13", "Kabul", "Afghanistan", 3043532)
MOSUL = Place(99072, "Mosul", 36.335, 43.11889, "P", "PPLA", "IQ", "15", "Nineveh", "Iraq", 1739800)
HERAT_OH = Place(990000001, "Herat", 39.1, -84.2, "P", "PPL", "US", "OH", "Ohio", "United States", 900)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mention(
    text: str,
    word: str,
    place: Place | None,
    *,
    role: str = "place",
    nth: int = 0,
    alternatives: tuple[Place, ...] = (),
    confidence: float = 0.9,
) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    cands = [Candidate(place, confidence)] if place else []
    cands += [Candidate(p, 0.1) for p in alternatives]
    return Mention(start, start + len(word), word, cands, place, confidence if place else 0.0, role)  # type: ignore[arg-type]


def event(
    text: str,
    sentence: str,
    kind: str,
    actor: str | None,
    place: Place | None,
    word: str,
    date: dt.date | None,
    precision: str | None = "day",
    confidence: float = 0.8,
) -> Event:
    s = text.index(sentence)
    m = text.index(word, s)
    return Event(
        kind=kind,
        actor=actor,
        place=place,
        place_text=word,
        date=date,
        date_precision=precision,  # type: ignore[arg-type]
        where_precision=place.where_precision if place else None,
        confidence=confidence,
        evidence=sentence,
        evidence_start=s,
        evidence_end=s + len(sentence),
        actor_text=actor,
        mention_start=m,
        mention_end=m + len(word),
    )


def capture_article(
    place: Place,
    word: str,
    actor: str,
    date: dt.date,
    *,
    source: str | None = None,
    kind: str = "captured",
    language: str = "en",
    extra: str = "",
) -> ParsedArticle:
    """A one-sentence article reporting `actor` `kind` `place` on `date`."""
    verb = {"captured": "captured", "withdrew": "withdrew from", "attacked": "attacked"}.get(kind, kind)
    sentence = f"{actor} fighters {verb} {word} on {date.isoformat()}."
    text = f"KABUL (AP) - {sentence} {extra}".strip()
    art = Article(
        text=text,
        source=source or f"{word}-{date}.txt",
        content_hash=content_hash(text),
        title=f"{word} {kind}",
        language=language,
        date=date,
        date_precision="day",
    )
    mentions = [mention(text, "KABUL", KABUL, role="dateline"), mention(text, word, place)]
    events = [event(text, sentence, kind, actor, place, word, date)]
    return ParsedArticle(art, mentions, events)


def seed_like_article() -> ParsedArticle:
    """Two captures in one article, a mention with an alternative, one undated background event."""
    text = (
        "Kabul, 13. August 2021 (dpa) - The Taliban captured Herat on Thursday. "
        "Ghazni also fell to the Taliban. Earlier the insurgents attacked Ghazni."
    )
    art = Article(
        text=text,
        source="seed.txt",
        content_hash=content_hash(text),
        title="Herat falls",
        language="en",
        date=dt.date(2021, 8, 13),
        date_precision="day",
    )
    mentions = [
        mention(text, "Kabul", KABUL, role="dateline"),
        mention(text, "Herat", HERAT, alternatives=(HERAT_OH,)),
        mention(text, "Ghazni", GHAZNI),
        mention(text, "Ghazni", GHAZNI, nth=1),
    ]
    s1 = "The Taliban captured Herat on Thursday."
    s2 = "Ghazni also fell to the Taliban."
    s3 = "Earlier the insurgents attacked Ghazni."
    events = [
        event(text, s1, "captured", "Taliban", HERAT, "Herat", dt.date(2021, 8, 12)),
        event(text, s2, "captured", "Taliban", GHAZNI, "Ghazni", dt.date(2021, 8, 13)),
        event(text, s3, "attacked", "Taliban", GHAZNI, "Ghazni", None, None),
    ]
    return ParsedArticle(art, mentions, events)
