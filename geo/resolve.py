"""Choose the referent of each place mention using the whole document as context.

A name alone is ambiguous ("Bagdad" is also a town in the USA, "Faizabad" is in three countries), but an
article is about somewhere. Each candidate is scored on

* how the name matched (the gazetteer's score: exact > alias > folded),
* prior importance (countries, provinces, capitals and large cities are what news names most),
* document context: the countries and provinces the article names or implies, and the distance to the
  article's other confident places (spatial coherence),
* head words around the mention ("Badghis province", "Provinz Herat" ask for a province; "Herat city"
  for a town).

Two passes: the first picks each mention's best candidate without context, the second rescores every
candidate against the context left by all *other* mentions (a mention never supports itself). Mentions
with the same candidate set share one decision (one sense per discourse).

Confidence is on the gazetteer's score scale, so `geo.geocoder.ACCEPT_SCORE` is the acceptance line:
below it a mention keeps its candidates and confidence but gets `place = None` ("low confidence" for the
dashboard); `conflictmap extract` and the accuracy harness list only accepted mentions.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from geo.model import Article, Candidate, Mention, Place

__all__ = ["resolve_mentions", "accept_score", "MAX_ALTERNATIVES"]

MAX_ALTERNATIVES = 5

_FEATURE_PRIOR = {"PCLI": 1.0, "PCLD": 0.95, "PCLS": 0.9, "PCLF": 0.9, "PCL": 0.95, "PCLIX": 0.8, "ADM1": 0.8}
_PPL_PRIOR = {"PPLC": 0.95, "PPLA": 0.75, "PPLA2": 0.55, "PPLA3": 0.45, "PPLA4": 0.4, "PPLG": 0.6}
_PROVINCE_BEFORE = re.compile(r"(?:Provinz|[Pp]rovince of|[Gg]overnorate of|[Gg]ouvernement|Oblast)\s+$")
_PROVINCE_AFTER = re.compile(
    r"^(?:[ -](?:[Pp]rovince|Provinz|[Gg]overnorate|[Oo]blast|[Rr]egion)|-Provinz|s? Provinz)"
)
_CITY_BEFORE = re.compile(r"(?:[Cc]ity of|[Tt]own of|Stadt|[Vv]illage of|Dorf)\s+$")
_CITY_AFTER = re.compile(r"^\s?(?:[Cc]ity|[Tt]own)\b")


def accept_score() -> float:
    """The geocoder's acceptance threshold (imported lazily so this module loads without the gazetteer)."""
    try:
        from geo.geocoder import ACCEPT_SCORE
    except ImportError:  # geocoder module not yet built in this checkout: use the documented default
        return 0.6
    return float(ACCEPT_SCORE)


def _prior(p: Place) -> float:
    """Importance in [0, 1]: feature class and population, as news names important places most."""
    fw = _FEATURE_PRIOR.get(p.feature_code)
    if fw is None:
        fw = _PPL_PRIOR.get(p.feature_code, 0.3 if p.feature_class == "P" else 0.2)
    pw = min(1.0, math.log10(p.population + 1) / 7.0) if p.population > 0 else 0.0
    return 0.55 * fw + 0.45 * pw


def _is_country(p: Place) -> bool:
    return p.feature_code.startswith("PCL")


def _km(a: Place, b: Place) -> float:
    """Equirectangular distance: accurate enough for coherence at these scales and ten times faster."""
    lat = math.radians((a.latitude + b.latitude) / 2)
    dx = math.radians(b.longitude - a.longitude)
    dx = (dx + math.pi) % (2 * math.pi) - math.pi
    dy = math.radians(b.latitude - a.latitude)
    return 6371.0 * math.hypot(dx * math.cos(lat), dy)


@dataclass(slots=True)
class _Group:
    """Mentions that share a candidate set (the same name, possibly inflected) and one decision."""

    mentions: list[Mention]
    candidates: list[Candidate]
    hint: str | None  # "province" | "city" | None
    weight: float  # how much this group speaks for the document's context
    best: int = 0


def _hint(article: Article, m: Mention) -> str | None:
    text = article.text
    before = text[max(0, m.start - 30) : m.start]
    after = text[m.end : m.end + 20]
    low = m.text.lower()
    if low.endswith((" province", " governorate", " oblast", " state")) or _PROVINCE_BEFORE.search(before):
        return "province"
    if _PROVINCE_AFTER.match(after):
        return "province"
    if _CITY_BEFORE.search(before) or _CITY_AFTER.match(after):
        return "city"
    return None


def _hint_bonus(p: Place, hint: str | None) -> float:
    if hint == "province":
        return 0.35 if p.feature_code == "ADM1" else -0.15
    if hint == "city":
        return 0.15 if p.feature_class == "P" else -0.15
    return 0.0


def _base(c: Candidate, hint: str | None) -> float:
    return 0.5 * c.score + 0.5 * _prior(c.place) + _hint_bonus(c.place, hint)


@dataclass(slots=True)
class _Context:
    countries: Counter[str]
    provinces: Counter[tuple[str, str]]
    points: list[tuple[Place, float, int]]  # place, weight, group id
    total: float


def _context(groups: list[_Group]) -> _Context:
    countries: Counter[str] = Counter()
    provinces: Counter[tuple[str, str]] = Counter()
    points: list[tuple[Place, float, int]] = []
    total = 0.0
    for gid, g in enumerate(groups):
        if not g.candidates:
            continue
        p = g.candidates[g.best].place
        w = g.weight
        total += w
        countries[p.country_code] += w * (1.5 if _is_country(p) else 1.0)
        if p.feature_code == "ADM1" or p.admin1_code:
            provinces[(p.country_code, p.admin1_code)] += w
        if not _is_country(p):
            points.append((p, w, gid))
    return _Context(countries, provinces, points, total)


def _context_score(c: Candidate, gid: int, g: _Group, ctx: _Context) -> float:
    """Support in [0, 1] for candidate c from all other groups."""
    p = c.place
    own = g.candidates[g.best].place
    own_w = g.weight
    others = ctx.total - own_w
    if others <= 0:
        return 0.0
    cc = ctx.countries.get(p.country_code, 0.0)
    if own.country_code == p.country_code:
        cc -= own_w * (1.5 if _is_country(own) else 1.0)
    country_support = min(1.0, max(0.0, cc) / max(1.0, others))
    prov = 0.0
    if p.admin1_code:
        n = ctx.provinces.get((p.country_code, p.admin1_code), 0.0)
        if own.country_code == p.country_code and own.admin1_code == p.admin1_code:
            n -= own_w
        prov = 1.0 if n > 0 else 0.0
    spatial = 0.0
    if not _is_country(p):
        near = 0.0
        for q, w, other in ctx.points:
            if other == gid:
                continue
            d = _km(p, q)
            if d < 400:
                near = max(near, w * (1.0 - d / 400.0))
        spatial = min(1.0, near)
    return min(1.0, 0.55 * country_support + 0.2 * prov + 0.25 * spatial + (0.15 if cc > 0 else 0.0))


def resolve_mentions(article: Article, mentions: list[Mention]) -> list[Mention]:
    """Set `place`, `confidence` and ranked `candidates` (best first, at most 5) on every mention.

    Returns the same mention objects (all of them, including low-confidence ones with `place=None`).
    """
    if not mentions:
        return mentions
    threshold = accept_score()
    by_key: dict[tuple[int, ...], _Group] = {}
    hints: dict[tuple[int, ...], list[str | None]] = defaultdict(list)
    for m in mentions:
        key = tuple(c.place.geonameid for c in m.candidates)
        g = by_key.get(key)
        if g is None:
            g = by_key[key] = _Group([], list(m.candidates), None, 0.0)
        g.mentions.append(m)
        hints[key].append(_hint(article, m))
    groups = list(by_key.values())
    for key, g in by_key.items():
        hs = [h for h in hints[key] if h]
        g.hint = Counter(hs).most_common(1)[0][0] if hs else None
        datelines_only = all(m.role == "dateline" for m in g.mentions)
        g.weight = (0.3 if datelines_only else 1.0) * min(2.0, 1.0 + 0.25 * (len(g.mentions) - 1))
        if g.candidates:
            g.best = max(range(len(g.candidates)), key=lambda k, g=g: _base(g.candidates[k], g.hint))
    scores: dict[int, list[float]] = {}
    for _ in range(2):
        ctx = _context(groups)
        for gid, g in enumerate(groups):
            if not g.candidates:
                continue
            s = [0.6 * _base(c, g.hint) + 0.4 * _context_score(c, gid, g, ctx) for c in g.candidates]
            scores[gid] = s
            g.best = max(range(len(s)), key=s.__getitem__)
    final_ctx = _context(groups)
    for gid, g in enumerate(groups):
        if not g.candidates:
            for m in g.mentions:
                m.place, m.confidence = None, 0.0
            continue
        s = scores[gid]
        order = sorted(range(len(s)), key=lambda k, s=s: -s[k])
        top = s[order[0]]
        ranked = [Candidate(g.candidates[k].place, round(max(0.0, min(1.0, s[k])), 4)) for k in order]
        best = g.candidates[order[0]]
        # Confidence on the gazetteer's scale: the match score, discounted when the choice is unclear
        # (a runner-up close behind) and when neither importance nor context backs it.
        runner = s[order[1]] if len(order) > 1 else 0.0
        margin = min(1.0, (top - runner) / 0.15) if len(order) > 1 else 1.0
        support = max(_prior(best.place), _context_score(best, gid, g, final_ctx))
        confidence = best.score * (0.8 + 0.1 * margin + 0.1 * min(1.0, support * 1.5))
        confidence = round(max(0.0, min(1.0, confidence)), 4)
        for m in g.mentions:
            m.candidates = [Candidate(c.place, c.score) for c in ranked[:MAX_ALTERNATIVES]]
            m.confidence = confidence
            m.place = best.place if confidence >= threshold else None
    return mentions
