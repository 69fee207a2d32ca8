"""Choose the referent of each place mention using the whole document as context.

A name alone is ambiguous ("Bagdad" is also a town in the USA, "Islamabad" an old name of Chattogram,
"London" a city in Ontario), but an article is about somewhere. Each candidate gets a weight

    match quality^6  x  prominence^0.6  x  own-name bonus  x  head-word hint  x  context

* match quality: the gazetteer's score (exact > alias > folded; already discounted for names that are
  ordinary words), so context never lets a folded spelling beat an exact country name;
* prominence: population-equivalent (countries and capitals weigh most), sub-linear so that context can
  still choose a smaller namesake;
* own name: a place called by its main name is likelier than one for which it is only an alternate;
* head words around the mention ("Badghis province", "Provinz Herat" ask for a province; "city of");
* context, from all *other* mentions: the same country (up to x3), the same province (up to x5), and
  confident places within 400 km (up to x5).

Two passes: the first picks each mention's best candidate without context, the second rescores every
candidate against the context left by the other mentions. Mentions with the same candidate set share
one decision (one sense per discourse). Candidate scores are posterior probabilities among the
candidates (best first, at most five kept for the analyst).

Confidence = match score x (0.8 + 0.2 x posterior of the chosen candidate), on the gazetteer's scale, so
`geo.gazetteer.geocoder.ACCEPT_SCORE` is the acceptance line. Below it a mention keeps its candidates and
confidence but gets `place = None` (shown as "low confidence" by the dashboard); `conflictmap extract`
and the accuracy harness list only accepted mentions.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from geo.gazetteer.normalize import fold
from geo.geodesy import fast_km
from geo.model import Article, Candidate, Mention, Place

__all__ = ["resolve_mentions", "accept_score", "MAX_ALTERNATIVES"]

MAX_ALTERNATIVES = 5

_PROVINCE_BEFORE = re.compile(r"(?:Provinz|[Pp]rovince of|[Gg]overnorate of|[Gg]ouvernement|Oblast)\s+$")
_PROVINCE_AFTER = re.compile(
    r"^(?:[ -](?:[Pp]rovince|Provinz|[Gg]overnorate|[Oo]blast|[Rr]egion)|-Provinz|s? Provinz)"
)
_CITY_BEFORE = re.compile(r"(?:[Cc]ity of|[Tt]own of|Stadt|[Vv]illage of|Dorf)\s+$")
_CITY_AFTER = re.compile(r"^\s?(?:[Cc]ity|[Tt]own)\b")


def accept_score() -> float:
    """The geocoder's acceptance threshold (imported lazily so this module loads without the gazetteer)."""
    from geo.gazetteer.geocoder import ACCEPT_SCORE

    return float(ACCEPT_SCORE)


def _prominence(p: Place) -> float:
    """Population-equivalent of how often news means this place: countries and capitals weigh most.

    Provinces carry no population in the gazetteer; 200,000 lets a province seat of that size outrank
    its province for a bare name ("Herat", "Kabul" mean the city) while the province still beats
    villages of the same name.
    """
    if p.feature_code.startswith("PCL"):
        return max(float(p.population), 5e7)
    pop = float(p.population)
    if p.feature_code == "ADM1":
        return max(pop, 2e5)
    if p.feature_code == "PPLC":
        return 3.0 * max(pop, 1e5)
    if p.feature_code == "PPLA":
        return 2.0 * max(pop, 1e4)
    return max(pop, 500.0)


def _prior(p: Place) -> float:
    """Importance in [0, 1] (log prominence), used in the confidence figure."""
    return min(1.0, math.log10(_prominence(p)) / 7.5)


def _is_country(p: Place) -> bool:
    return p.feature_code.startswith("PCL")


def _km(a: Place, b: Place) -> float:
    """Distance for coherence: the fast equirectangular one, accurate enough at these scales."""
    return fast_km(a.latitude, a.longitude, b.latitude, b.longitude)


@dataclass(slots=True)
class _Group:
    """Mentions that share a candidate set (the same name, possibly inflected) and one decision."""

    mentions: list[Mention]
    candidates: list[Candidate]
    hint: str | None  # "province" | "city" | None
    weight: float  # how much this group speaks for the document's context
    best: int = 0
    names: frozenset[str] = frozenset()


# Literal words the `$`-anchored "before" patterns need: a C-speed substring test skips the regex
# (which tries every position of the window) for the many mentions without them.
_PROVINCE_BEFORE_WORDS = ("Provinz", "rovince of", "overnorate of", "ouvernement", "Oblast")
_CITY_BEFORE_WORDS = ("ity of", "own of", "Stadt", "illage of", "Dorf")


def _hint(article: Article, m: Mention) -> str | None:
    text = article.text
    before = text[max(0, m.start - 30) : m.start]
    after = text[m.end : m.end + 20]
    low = m.text.lower()
    if low.endswith((" province", " governorate", " oblast", " state")) or (
        any(w in before for w in _PROVINCE_BEFORE_WORDS) and _PROVINCE_BEFORE.search(before)
    ):
        return "province"
    if _PROVINCE_AFTER.match(after):
        return "province"
    if (any(w in before for w in _CITY_BEFORE_WORDS) and _CITY_BEFORE.search(before)) or _CITY_AFTER.match(
        after
    ):
        return "city"
    return None


def _hint_bonus(p: Place, hint: str | None) -> float:
    if hint == "province":
        return 1.0 if p.feature_code == "ADM1" else -0.3
    if hint == "city":
        return 0.15 if p.feature_class == "P" else -0.15
    return 0.0


# Exponents of the model below: match quality counts most, then prominence (sub-linear, so context can
# still pick Arlington, Texas over Arlington, Virginia in a Texan article but not London, Ontario over
# London in a Canadian article that merely names Canada).
_QUALITY_EXP = 6.0
_PROMINENCE_EXP = 0.6


_OWN_NAME_BONUS = math.log(5.0)
_HEAD_WORD_RE = re.compile(
    r"[ -](?:[Pp]rovince|Provinz|[Gg]overnorate|[Oo]blast|[Cc]ounty|[Pp]arish|[Dd]istrict|Distrikt|"
    r"[Pp]refecture|[Mm]unicipality|Raion|Rayon|Region|[Ss]tate)$"
)


def _name_keys(mentions: list[Mention]) -> frozenset[str]:
    """Folded forms of what the text calls the place (head word and German genitive "-s" removed)."""
    keys = set()
    for m in mentions:
        bare = _HEAD_WORD_RE.sub("", m.text)
        keys.add(fold(bare))
        if bare.endswith("s"):
            keys.add(fold(bare[:-1]))
    return frozenset(keys)


def _log_base(c: Candidate, hint: str | None, names: frozenset[str] = frozenset()) -> float:
    """log prior weight of a candidate before context: match quality, prominence, head-word hint.

    A place called by its own main name is likelier than one for which the name is only an alternate
    ("Islamabad" is Pakistan's capital, though GeoNames also lists it as an old name of Chattogram).
    """
    w = _QUALITY_EXP * math.log(max(c.score, 1e-3)) + _PROMINENCE_EXP * math.log(_prominence(c.place))
    if names and fold(c.place.name) in names:
        w += _OWN_NAME_BONUS
    return w + 3.0 * _hint_bonus(c.place, hint)


_MAX_POINTS = 150  # spatial support is quadratic in distinct places; bound it for book-length inputs


@dataclass(slots=True)
class _Context:
    countries: defaultdict[str, float]  # summed mention weights, not counts
    provinces: defaultdict[tuple[str, str], float]
    points: list[tuple[Place, float, int]]  # place, weight, group id
    total: float


def _context(groups: list[_Group]) -> _Context:
    countries: defaultdict[str, float] = defaultdict(float)
    provinces: defaultdict[tuple[str, str], float] = defaultdict(float)
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
    if len(points) > _MAX_POINTS:  # very long texts: the most repeated places carry the context
        points = sorted(points, key=lambda x: -x[1])[:_MAX_POINTS]
    return _Context(countries, provinces, points, total)


def _support(c: Candidate, gid: int, g: _Group, ctx: _Context) -> tuple[float, float, float]:
    """Country, province and spatial support in [0, 1] for candidate c from all *other* groups."""
    p = c.place
    own = g.candidates[g.best].place
    own_w = g.weight
    others = ctx.total - own_w
    if others <= 0:
        return 0.0, 0.0, 0.0
    cc = ctx.countries.get(p.country_code, 0.0)
    if own.country_code == p.country_code:
        cc -= own_w * (1.5 if _is_country(own) else 1.0)
    country = min(1.0, max(0.0, cc) / max(1.0, min(others, 3.0)))
    prov = 0.0
    if p.admin1_code and not _is_country(p):
        n = ctx.provinces.get((p.country_code, p.admin1_code), 0.0)
        if own.country_code == p.country_code and own.admin1_code == p.admin1_code:
            n -= own_w
        prov = min(1.0, max(0.0, n))
    spatial = 0.0
    if not _is_country(p):
        for q, w, other in ctx.points:
            if other == gid or q.geonameid == p.geonameid:
                continue
            d = _km(p, q)
            if d < 400:
                spatial = max(spatial, min(1.0, w) * (1.0 - d / 400.0))
    return country, prov, spatial


def _log_context(c: Candidate, gid: int, g: _Group, ctx: _Context) -> float:
    """log likelihood factor of the document context: up to x3 country, x5 province, x5 nearby places."""
    country, prov, spatial = _support(c, gid, g, ctx)
    return math.log(1 + 2 * country) + math.log(1 + 4 * prov) + math.log(1 + 4 * spatial)


_MAX_LOG_CONTEXT = math.log(3) + 2 * math.log(5)


def _posterior(logw: list[float]) -> list[float]:
    top = max(logw)
    ws = [math.exp(x - top) for x in logw]
    total = sum(ws)
    return [w / total for w in ws]


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
        g.names = _name_keys(g.mentions)
    posts: dict[int, list[float]] = {}
    bases = {gid: [_log_base(c, g.hint, g.names) for c in g.candidates] for gid, g in enumerate(groups)}
    for gid, g in enumerate(groups):
        if g.candidates:  # the best candidate without context (first of equals, as `max` picks)
            g.best = max(range(len(g.candidates)), key=bases[gid].__getitem__)
    for _ in range(2):
        ctx = _context(groups)
        for gid, g in enumerate(groups):
            base = bases[gid]
            if not base:
                continue
            if len(base) == 1:
                posts[gid] = [1.0]
                continue
            # Context multiplies a weight by at most 75 (log 4.3): candidates further behind cannot win,
            # so their context is not computed (the hot loop of this module).
            floor = max(base) - _MAX_LOG_CONTEXT
            logw = [
                b + (_log_context(c, gid, g, ctx) if b >= floor else 0.0)
                for b, c in zip(base, g.candidates, strict=True)
            ]
            posts[gid] = _posterior(logw)
            g.best = max(range(len(logw)), key=logw.__getitem__)
    for gid, g in enumerate(groups):
        if not g.candidates:
            for m in g.mentions:
                m.place, m.confidence = None, 0.0
            continue
        post = posts[gid]
        negated = [-x for x in post]
        order = sorted(range(len(post)), key=negated.__getitem__)
        ranked = [Candidate(g.candidates[k].place, round(post[k], 4)) for k in order]
        best = g.candidates[order[0]]
        # Confidence on the gazetteer's scale: the name's match score (which already discounts ordinary
        # words), lowered when the referent is uncertain among the candidates.
        confidence = round(max(0.0, min(1.0, best.score * (0.8 + 0.2 * post[order[0]]))), 4)
        for m in g.mentions:
            m.candidates = ranked[:MAX_ALTERNATIVES]
            m.confidence = confidence
            m.place = best.place if confidence >= threshold else None
    return mentions
