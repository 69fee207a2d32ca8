"""The geoparsing pipeline: article -> place mentions -> resolved places -> events.

One function per granularity so every caller (the `extract` and `ingest` commands, the dashboard upload,
the accuracy harness, the benchmarks) runs exactly the same steps, and one function that turns the
result into the stable JSON object of `conflictmap extract` (see ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from geo.model import Article, Event, Mention, ParsedArticle
from geo.parse.resolve import resolve_mentions
from geo.parse.toponyms import find_mentions

__all__ = ["parse_article", "extract_paths", "parsed_to_json", "accepted_mentions"]


def parse_article(article: Article) -> ParsedArticle:
    """Find, resolve and interpret the places of one article.

    All mentions are kept (low-confidence ones with `place=None`, so the dashboard can show them as such);
    events are extracted from the mentions by `geo.parse.events`.
    """
    from geo.parse.events import extract_events

    mentions = resolve_mentions(article, find_mentions(article))
    events = extract_events(article, mentions)
    return ParsedArticle(article=article, mentions=mentions, events=events)


def extract_paths(paths: Iterable[str | Path]) -> Iterator[Any]:
    """Parse every article found under `paths`; unreadable inputs come as `geo.parse.articles.Rejected`."""
    from geo.parse.articles import Rejected, read_paths

    for item in read_paths(paths):
        if isinstance(item, Rejected):
            yield item
        else:
            yield parse_article(item)


def accepted_mentions(parsed: ParsedArticle) -> list[Mention]:
    """Mentions resolved with a confidence at or above the acceptance line (those with a place)."""
    return [m for m in parsed.mentions if m.place is not None]


def _mention_json(m: Mention) -> dict[str, Any]:
    p = m.place
    assert p is not None
    return {
        "text": m.text,
        "start": m.start,
        "end": m.end,
        "name": p.name,
        "lat": p.latitude,  # gazetteer coordinates are already stored at GeoNames' precision
        "lon": p.longitude,
        "country_code": p.country_code or None,
        "geonameid": p.geonameid,
        "confidence": m.confidence,  # rounded by the resolver
    }


def _event_json(e: Event) -> dict[str, Any]:
    p = e.place
    return {
        "kind": e.kind,
        "actor": e.actor,
        "place": p.name if p is not None else e.place_text,
        "lat": p.latitude if p is not None else None,
        "lon": p.longitude if p is not None else None,
        "country_code": (p.country_code or None) if p is not None else None,
        "geonameid": p.geonameid if p is not None else None,
        "date": e.date.isoformat() if e.date is not None else None,
        "date_precision": e.date_precision,
        "where_precision": e.where_precision,
        "confidence": round(e.confidence, 4),
        "evidence": e.evidence,
    }


def parsed_to_json(parsed: ParsedArticle) -> dict[str, Any]:
    """The `conflictmap extract` object for one article (accepted mentions only, in text order).

    Keys exactly as documented in ARCHITECTURE.md. A dateline mention ("Washington (AP)") is listed like
    any other mention; its role is kept on `Mention.role` for Python callers (store, dashboard), and
    events are never placed at it.
    """
    a = parsed.article
    return {
        "source": a.source,
        "title": a.title,
        "language": a.language,
        "date": a.date.isoformat() if a.date is not None else None,
        "date_precision": a.date_precision if a.date is not None else None,
        "mentions": [_mention_json(m) for m in sorted(accepted_mentions(parsed), key=lambda m: m.start)],
        "events": [_event_json(e) for e in parsed.events],
    }
