"""`GazetteerGeocoder`: a geopy geocoder over the bundled world gazetteer, fully offline.

It plugs in wherever geopy geocoders do (`geopandas.tools.geocode(names, provider=GazetteerGeocoder)`,
geopy's RateLimiter, ...), but never touches the network: its HTTP adapter refuses every request.

Scores: every result carries `raw["score"]` in [0, 1] (see `geo.gazetteer.lookup`). Two thresholds matter:

* `ACCEPT_SCORE` (0.7) - the geoparser accepts a mention's best candidate only at or above this.
  Ordinary English/German words that happen to be place names somewhere ("Price", "Die") score below it.
* `MIN_SCORE` (0.3) - below this, `geocode()` answers None: nothing credible, rather than a confident
  wrong place. Between the two, an explicit geocode query still gets its best guess, with its score.
"""

from __future__ import annotations

import math
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError, GeocoderUnavailable
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from geo.errors import InputError
from geo.gazetteer.lookup import Gazetteer, Match, get_gazetteer
from geo.geodesy import great_circle_km
from geo.model import Place

__all__ = [
    "ACCEPT_SCORE",
    "MAX_QUERY_LENGTH",
    "MIN_SCORE",
    "BadQueryError",
    "OptionError",
    "ControlCharacterError",
    "EmptyQueryError",
    "GazetteerGeocoder",
    "InvalidCountryError",
    "QueryTooLongError",
    "QueryTypeError",
    "location_to_json",
]

ACCEPT_SCORE = 0.7
MIN_SCORE = 0.3
MAX_QUERY_LENGTH = 300


class BadQueryError(GeocoderQueryError, InputError):
    """The query cannot be geocoded as given.

    Both a geopy `GeocoderQueryError` (code written for any geopy geocoder catches it) and a conflictmap
    `InputError` (the CLI turns it into one line and exit 2); both are `ValueError`s.
    """


class EmptyQueryError(BadQueryError):
    """Empty or blank query."""


class QueryTooLongError(BadQueryError):
    """Query longer than MAX_QUERY_LENGTH characters: not a place name."""


class ControlCharacterError(BadQueryError):
    """Query contains control characters (newlines, NUL, escape sequences...)."""


class QueryTypeError(BadQueryError, TypeError):
    """Query is not a string."""


class OptionError(BadQueryError, TypeError):
    """Options that contradict each other (`country` and `country_codes` together)."""


class InvalidCountryError(BadQueryError):
    """A country code that is not an ISO 3166-1 alpha-2 code known to the gazetteer."""


class _OfflineAdapter(BaseSyncAdapter):
    """geopy wants an HTTP adapter; this one guarantees we never use the network."""

    def get_json(self, url, *, timeout, headers):  # pragma: no cover - never called
        raise GeocoderUnavailable("GazetteerGeocoder is offline")

    def get_text(self, url, *, timeout, headers):  # pragma: no cover - never called
        raise GeocoderUnavailable("GazetteerGeocoder is offline")


def validate_query(query: Any) -> str:
    """The query as a clean single-spaced string, or a BadQueryError subclass saying what is wrong."""
    if not isinstance(query, str):
        raise QueryTypeError(f"query must be a string, not {type(query).__name__}")
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryTooLongError(f"query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}")
    if any((ord(c) < 32 and c not in "\t ") or 127 <= ord(c) < 160 for c in query):
        raise ControlCharacterError("query contains control characters")
    cleaned = " ".join(query.split())
    if not cleaned:
        raise EmptyQueryError("query is empty")
    return cleaned


class GazetteerGeocoder(Geocoder):
    """Offline geopy geocoder over `geo.gazetteer.lookup` (GeoNames cities500 + Natural Earth provinces)."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        min_score: float = MIN_SCORE,
        fuzzy: bool = True,
        timeout=DEFAULT_SENTINEL,
        user_agent: str | None = None,
    ) -> None:
        """Options are keyword-only; an unknown one is a TypeError (never silently ignored).

        `timeout` and `user_agent` are accepted for geopy compatibility (e.g. `geopandas.tools.geocode`
        passes them through); nothing goes over the network.
        """
        super().__init__(
            timeout=timeout, user_agent=user_agent or "conflictmap", adapter_factory=_OfflineAdapter
        )
        self._gazetteer = gazetteer
        self.min_score = min_score
        self.fuzzy = fuzzy

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = get_gazetteer()
        return self._gazetteer

    def _countries(self, country_codes) -> list[str] | None:
        if country_codes is None:
            return None
        if isinstance(country_codes, str):
            country_codes = country_codes.replace(";", ",").split(",")
        codes = [str(c).strip().upper() for c in country_codes if str(c).strip()]
        for c in codes:
            if len(c) != 2 or not c.isalpha() or self.gazetteer.country(c) is None:
                raise InvalidCountryError(
                    f"unknown country code {c!r} (expected ISO 3166-1 alpha-2, e.g. AF)"
                )
        return codes or None

    def geocode(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        timeout=DEFAULT_SENTINEL,
        country: str | list[str] | None = None,
        country_codes: str | list[str] | None = None,
        limit: int | None = None,
        min_score: float | None = None,
        fuzzy: bool | None = None,
    ) -> Location | list[Location] | None:
        """Place name -> Location ("Ghazni, Ghazni Province, Afghanistan", (lat, lon), raw).

        `country` (geopy GeoNames' spelling) or `country_codes`: ISO 3166-1 alpha-2 code(s), a string
        ("AF", "AF,PK") or a list, restricting results to those countries. Returns None (or [] when not
        `exactly_one`) if no candidate reaches `min_score`. Bad input raises a BadQueryError subclass;
        an unknown option is a TypeError.
        """
        text = validate_query(query)
        if country is not None and country_codes is not None:
            raise OptionError("pass `country` or `country_codes`, not both (they mean the same)")
        codes = self._countries(country if country is not None else country_codes)
        threshold = self.min_score if min_score is None else min_score
        n = 1 if exactly_one else max(1, int(limit or 10))
        # exactly_one: the best-ranked candidate or nothing (a lower-ranked but "safer" place would be
        # a confident wrong answer)
        matches = self.gazetteer.lookup(
            text, country_codes=codes, fuzzy=self.fuzzy if fuzzy is None else fuzzy, limit=n
        )
        locations = [self._location(m, text) for m in matches if m.score >= threshold][:n]
        if exactly_one:
            return locations[0] if locations else None
        return locations

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL):
        """(lat, lon) -> the nearest populated place, with the province and country containing the point.

        raw adds `distance_km`, `query_point`, and `province` / `country`: the ADM1 and country whose
        polygons contain the point, as dicts like the place's own raw, or None (e.g. at sea).
        """
        try:
            point = query if isinstance(query, Point) else Point(query)
        except (TypeError, ValueError) as exc:
            raise BadQueryError(f"not a coordinate pair: {query!r}") from exc
        lat, lon = float(point.latitude), float(point.longitude)
        if not (math.isfinite(lat) and math.isfinite(lon)):
            raise BadQueryError("coordinates must be finite numbers")
        gaz = self.gazetteer
        place = gaz.nearest(lat, lon)
        province = gaz.admin1_at(lat, lon)
        country = gaz.country_at(lat, lon)
        raw = _raw(place)
        raw.update(
            distance_km=round(great_circle_km(lat, lon, place.latitude, place.longitude), 3),
            query_point=[lat, lon],
            province=None if province is None else _raw(province),
            country=None if country is None else _raw(country),
        )
        loc = Location(place.address, (place.latitude, place.longitude), raw)
        return loc if exactly_one else [loc]

    def _location(self, match: Match, query: str) -> Location:
        raw = _raw(match.place)
        raw.update(query=query, matched_name=match.matched_name, match=match.how, score=match.score)
        return Location(match.place.address, (match.place.latitude, match.place.longitude), raw)


def _raw(place: Place) -> dict[str, Any]:
    return {
        "geonameid": place.geonameid,
        "name": place.name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "country_code": place.country_code,
        "country_name": place.country_name,
        "admin1": place.admin1_name,
        "admin1_code": place.admin1_code,
        "feature_class": place.feature_class,
        "feature_code": place.feature_code,
        "population": place.population,
    }


def location_to_json(query: str, location: Location | None) -> dict[str, Any] | None:
    """The machine interface record of ARCHITECTURE.md for one geocoded name (None if unresolved)."""
    if location is None:
        return None
    raw = location.raw
    return {
        "query": query,
        "name": raw["name"],
        "lat": location.latitude,
        "lon": location.longitude,
        "country_code": raw["country_code"] or None,  # null for continents and regions
        "admin1": raw["admin1"] or None,
        "geonameid": raw["geonameid"],
        "feature_code": raw["feature_code"],
        "population": raw["population"],
        "score": raw["score"],
    }
