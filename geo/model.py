"""Plain data objects shared by every step of the pipeline.

They live in one small module so that each step (articles, toponyms, resolve, events, store, layers,
export) depends on the shapes, not on each other's internals. They hold data only; behaviour lives in
the module that owns the step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from geo.kinds import KIND_NAMES

DatePrecision = Literal["day", "month", "year"]
# The one range of years a date may have, inclusive, whatever its source (metadata, the ` date ` marker,
# a dateline, an in-text or relative date, an annotation). Outside it a date is a typo or junk, and date
# arithmetic near year 1 or 9999 overflows ("on Thursday" in an article dated 0001-01-01).
MIN_YEAR = 1000
MAX_YEAR = 2200
# A map view or bounding box: (west, south, east, north) in degrees, always four numbers.
BBox = tuple[float, float, float, float]
EventKind = Literal["captured", "attacked", "besieged", "withdrew", "ceasefire", "other"]
EVENT_KINDS: tuple[str, ...] = KIND_NAMES  # the registry in geo.kinds is the one list of kinds

# UCDP GED where_prec: 1 exact place, 2 near a place, 3 second-order admin, 4 first-order admin, 6 country,
# 7 larger than a country (continents, regions such as "the Middle East").
WHERE_PRECISION_BY_FEATURE = {
    "PCLI": 6,
    "PCLD": 6,
    "PCLS": 6,
    "PCLF": 6,
    "PCL": 6,
    "ADM1": 4,
    "ADM2": 3,
    "CONT": 7,
    "RGN": 7,
}


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry: a country (PCLI...), a province (ADM1) or a populated place (P class).

    `geonameid` is the GeoNames id where one exists; provinces that Natural Earth has but GeoNames'
    cities500 lacks get a stable negative id built by the gazetteer.
    """

    geonameid: int
    name: str
    latitude: float
    longitude: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1_code: str = ""
    admin1_name: str = ""
    country_name: str = ""
    population: int = 0

    @property
    def address(self) -> str:
        """Human address in geopy style, e.g. "Ghazni, Ghazni Province, Afghanistan"."""
        parts = [self.name]
        if self.feature_code not in ("ADM1",) and self.admin1_name and self.admin1_name != self.name:
            parts.append(self.admin1_name)
        if self.country_name and self.country_name != self.name:
            parts.append(self.country_name)
        return ", ".join(parts)

    @property
    def where_precision(self) -> int:
        """UCDP-style spatial precision of an event placed at this entry."""
        return WHERE_PRECISION_BY_FEATURE.get(self.feature_code, 1)


@dataclass(slots=True)
class Article:
    """One decoded news article. Offsets elsewhere index into `text` (the whole decoded file text)."""

    text: str
    source: str
    content_hash: str
    title: str | None = None
    language: str | None = None
    date: dt.date | None = None
    date_precision: DatePrecision | None = None
    url: str | None = None


@dataclass(slots=True)
class Candidate:
    """A possible referent of a mention, with the resolver's score in [0, 1]."""

    place: Place
    score: float


@dataclass(slots=True)
class Mention:
    """A place name found in an article; `text == article.text[start:end]`."""

    start: int
    end: int
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    place: Place | None = None
    confidence: float = 0.0
    role: Literal["place", "dateline"] = "place"


@dataclass(slots=True)
class Event:
    """A reported change or act at a place: who did what where and when, with its evidence sentence."""

    kind: str
    actor: str | None
    place: Place | None
    place_text: str | None
    date: dt.date | None
    date_precision: DatePrecision | None
    where_precision: int | None
    confidence: float
    evidence: str
    evidence_start: int
    evidence_end: int
    actor_text: str | None = None
    mention_start: int | None = None
    mention_end: int | None = None
    # The words that dated the event ("on Thursday", "am Donnerstag", "in 2014"), or None when the event
    # simply takes the article's date. Kept so that the date can be re-resolved when an analyst later
    # dates an undated article (geo.parse.dates.resolve_relative(date_expression, article_date, language)).
    date_expression: str | None = None


@dataclass(slots=True)
class ParsedArticle:
    """The result of geoparsing one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
