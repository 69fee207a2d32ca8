"""The peer system `geotext` (PyPI), scored side by side with conflictmap on the same texts.

geotext reports only names (no offsets, no coordinates). Its spans are recovered by running its own
candidate regex with `finditer` and keeping exactly the candidates its `GeoText` class keeps (cities and
countries in its index). Coordinates: a city gets the row of geotext's own `cities15000.txt` that its
index keeps for that name (the last one), a country the point of our gazetteer's entry for the ISO code
geotext assigns, since geotext has no country coordinates. That is geotext's own choice of referent.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from eval.scoring import Span

_CITY_RE = re.compile(r"[A-ZÀ-Ú]+[a-zà-ú]+[ \-]?(?:d[a-u].)?(?:[A-ZÀ-Ú]+[a-zà-ú]+)*")


@cache
def _index() -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    import geotext

    data = Path(geotext.__file__).parent / "data"
    cities: dict[str, tuple[float, float]] = {}
    with (data / "cities15000.txt").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            cities[cols[1].lower()] = (float(cols[4]), float(cols[5]))
    countries = dict(geotext.GeoText.index.countries)
    return cities, countries


@cache
def _country_point(cc: str) -> tuple[float, float] | None:
    from geo.gazetteer.lookup import get_gazetteer

    try:
        place = get_gazetteer().country(cc)
    except (KeyError, LookupError):
        return None
    return (place.latitude, place.longitude) if place is not None else None


def geotext_spans(text: str) -> list[Span]:
    """geotext's toponyms in `text` as spans with coordinates."""
    from geotext import GeoText

    cities, _ = _index()
    idx = GeoText.index
    out: list[Span] = []
    for m in _CITY_RE.finditer(text):
        raw = m.group(0)
        cand = raw.strip()
        start = m.start() + (len(raw) - len(raw.lstrip()))
        end = start + len(cand)
        low = cand.lower()
        if low in idx.countries:
            point = _country_point(idx.countries[low])
        elif low in idx.cities:
            point = cities.get(low)
        else:
            continue
        out.append(Span(start, end, point[0] if point else None, point[1] if point else None))
    return out
