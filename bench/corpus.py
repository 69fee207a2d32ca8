"""A reproducible synthetic corpus of conflict-news articles in English and German, for benchmarks.

Real news cannot be redistributed in bulk, and timing needs volume: this generator composes ~4 KB
articles from varied sentence templates (captures, attacks, sieges, withdrawals, ceasefires, quotes,
background) filled with random places of the world gazetteer, actors, people and dates. It is for speed
measurements only; accuracy is measured on the human-annotated corpora by `make eval`.

    from bench.corpus import generate_texts, write_corpus
    texts = generate_texts(2000, seed=7)            # list[GeneratedText]
    paths = write_corpus("/tmp/corpus", 2000)        # .txt files with a " date YYYY-MM-DD " marker
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GeneratedText", "generate_texts", "write_corpus", "sample_places"]

ACTORS_EN = [
    "the Taliban",
    "Islamic State fighters",
    "government forces",
    "the army",
    "rebel fighters",
    "the militia",
    "the RSF",
    "Houthi rebels",
    "al-Shabaab militants",
    "separatist forces",
    "the insurgents",
    "Kurdish fighters",
    "Wagner mercenaries",
    "the rebels",
]
ACTORS_DE = [
    "die Taliban",
    "der IS",
    "Regierungstruppen",
    "die Armee",
    "Rebellen",
    "die Miliz",
    "die RSF-Miliz",
    "Huthi-Rebellen",
    "die Schabaab-Miliz",
    "Separatisten",
    "die Aufständischen",
    "kurdische Kämpfer",
    "Wagner-Söldner",
    "die Islamisten",
]
PEOPLE = [
    "John Kirby",
    "Ned Price",
    "Heiko Maas",
    "Antonio Guterres",
    "Josep Borrell",
    "Amina Mohammed",
    "Sergej Lawrow",
    "Annalena Baerbock",
    "Olaf Scholz",
    "Lloyd Austin",
    "Rafael Grossi",
    "Martin Griffiths",
    "Volker Türk",
    "Hans Grundberg",
    "Nada al-Nashif",
    "Ahmed Hassan",
]
TITLES_EN = [
    "spokesman",
    "Defence Minister",
    "Foreign Minister",
    "UN envoy",
    "the governor,",
    "General",
    "President",
    "a senior official,",
]
TITLES_DE = [
    "Sprecher",
    "Verteidigungsminister",
    "Außenministerin",
    "UN-Gesandter",
    "Gouverneur",
    "General",
    "Präsident",
    "Regierungssprecher",
]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]

EN = [
    "{actor_c} captured {p1} on {wd} after days of heavy fighting, local officials said.",
    "{p1} fell to {actor} early on {wd}, according to residents reached by telephone.",
    "{actor_c} seized control of the district around {p1}, some {n} kilometres from {p2}.",
    "Government troops retook {p1} from {actor} in {month}, the defence ministry in {p2} said.",
    "Fighters overran an army base near {p1} and were advancing on {p2}, {person} said.",
    "{actor_c} attacked a checkpoint on the road between {p1} and {p2}, killing {n} soldiers.",
    "Shelling hit residential areas of {p1} overnight, and the hospital in {p2} reported {n} wounded.",
    "{p1} has been besieged for {n} weeks and food is running out, aid workers in {p2} warned.",
    "The security forces withdrew from {p1} to a military base outside {p2}.",
    "A ceasefire agreed in {p2} was broken on {wd} when fighting resumed near {p1}.",
    "Talks between the two sides are expected to resume in {p3} next week.",
    '"We will not give up {p1}," {title} {person} told reporters in {p2} on {wd}.',
    "The United Nations said {n} families had fled {p1} for camps near {p2} since {month}.",
    "Analysts said the fall of {p1} would open the road to {p2} and cut supply lines to {p3}.",
    "In {year}, {actor} had briefly held {p1} before being pushed back towards {p2}.",
    "Prices for bread and fuel in {p1} have doubled, traders said, as convoys from {p2} stopped.",
    "Witnesses described long queues at the border crossing near {p1} as people tried to reach {p3}.",
    "The governor of {p1} province said reinforcements from {p2} had arrived on {wd}.",
    "It was not possible to verify the claims independently.",
    "The ministry did not respond to a request for comment.",
    "Humanitarian groups have repeatedly called for safe corridors for civilians.",
    "Several provincial capitals have changed hands in recent weeks.",
]
DE = [
    "{actor_c} haben am {wd} nach tagelangen Kämpfen {p1} eingenommen, wie örtliche Behörden mitteilten.",
    "{p1} fiel am {wd} an {actor}, berichteten Einwohner telefonisch.",
    "{actor_c} brachten das Gebiet um {p1} unter ihre Kontrolle, rund {n} Kilometer von {p2} entfernt.",
    "Regierungstruppen eroberten {p1} im {month_de} zurück, teilte das Verteidigungsministerium in {p2} mit.",
    "Kämpfer überrannten einen Stützpunkt bei {p1} und rückten auf {p2} vor, sagte {person}.",
    "{actor_c} griffen einen Kontrollpunkt an der Straße zwischen {p1} und {p2} an, {n} Soldaten starben.",
    "In der Nacht wurden Wohngebiete von {p1} beschossen, das Krankenhaus in {p2} meldete {n} Verletzte.",
    "{p1} ist seit {n} Wochen belagert, Helfer in {p2} warnten vor einer Hungersnot.",
    "Die Sicherheitskräfte zogen sich aus {p1} auf einen Stützpunkt außerhalb von {p2} zurück.",
    "Eine in {p2} vereinbarte Waffenruhe wurde am {wd} gebrochen, als bei {p1} erneut gekämpft wurde.",
    "Die Gespräche zwischen beiden Seiten sollen kommende Woche in {p3} fortgesetzt werden.",
    "„Wir werden {p1} nicht aufgeben“, sagte {title} {person} am {wd} in {p2}.",
    "Laut den Vereinten Nationen sind seit {month_de} {n} Familien aus {p1} in Lager bei {p2} geflohen.",
    "Beobachter sagten, der Fall von {p1} öffne den Weg nach {p2} und schneide {p3} vom Nachschub ab.",
    "Bereits {year} hatten {actor} {p1} kurzzeitig gehalten, bevor sie Richtung {p2} zurückgedrängt wurden.",
    "Die Preise für Brot und Treibstoff in {p1} haben sich verdoppelt, seit Konvois aus {p2} ausbleiben.",
    "Zeugen berichteten von langen Schlangen am Grenzübergang bei {p1}, wo Menschen nach {p3} wollten.",
    "Der Gouverneur der Provinz {p1} sagte, am {wd} seien Verstärkungen aus {p2} eingetroffen.",
    "Die Angaben ließen sich zunächst nicht unabhängig überprüfen.",
    "Das Ministerium reagierte nicht auf eine Anfrage.",
    "Hilfsorganisationen fordern seit Langem sichere Korridore für Zivilisten.",
    "Mehrere Provinzhauptstädte haben in den vergangenen Wochen den Besitzer gewechselt.",
]


@dataclass(frozen=True, slots=True)
class GeneratedText:
    """One synthetic article: language, full text (with date marker) and the place names used."""

    language: str
    text: str
    date: dt.date
    places: tuple[str, ...]


def sample_places(n: int = 3000, seed: int = 1) -> list[str]:
    """Names of `n` random world places of the gazetteer (populated places of 1,000+, provinces, countries).

    Only the documented gazetteer API is used: random surface names are looked up, and the canonical
    name of a credible populated place or division is kept.
    """
    from geo.gazetteer.lookup import get_gazetteer

    gaz = get_gazetteer()
    names = [s for s in gaz.surface_names() if s.isascii() and s[:1].isupper() and 4 <= len(s) <= 24]
    rng = random.Random(seed)
    rng.shuffle(names)
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        if len(out) >= n:
            break
        for m in gaz.lookup(name, fuzzy=False, limit=1):
            p = m.place
            if (
                m.how == "exact"
                and p.name.isascii()
                and p.name not in seen
                and (p.population >= 1000 or p.feature_code == "ADM1" or p.feature_code.startswith("PCL"))
            ):
                seen.add(p.name)
                out.append(p.name)
    return out


def generate_texts(
    n: int = 2000, seed: int = 7, size: int = 4000, places: list[str] | None = None
) -> list[GeneratedText]:
    """`n` articles of about `size` characters, alternating English and German, deterministic per seed."""
    rng = random.Random(seed)
    pool = places if places is not None else sample_places(seed=seed)
    out: list[GeneratedText] = []
    for k in range(n):
        lang = "en" if k % 2 == 0 else "de"
        date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        local = rng.sample(pool, 6)
        used: list[str] = []
        templates = EN if lang == "en" else DE
        parts: list[str] = [f" date {date.isoformat()} "]
        if lang == "en":
            parts.append(f"{local[0].upper()}, {date:%b} {date.day} (Reuters) - ")
        else:
            parts.append(f"{local[0]}, {date.day}. {MONTHS_DE[date.month - 1]} {date.year} (dpa) - ")
        length = sum(map(len, parts))
        while length < size:
            p1, p2, p3 = rng.sample(local, 3)
            used += [p1, p2, p3]
            actor = rng.choice(ACTORS_EN if lang == "en" else ACTORS_DE)
            sentence = rng.choice(templates).format(
                actor=actor,
                actor_c=actor[0].upper() + actor[1:],
                p1=p1,
                p2=p2,
                p3=p3,
                wd=rng.choice(WEEKDAYS_EN if lang == "en" else WEEKDAYS_DE),
                n=rng.randrange(2, 400),
                month=date.strftime("%B"),
                month_de=MONTHS_DE[date.month - 1],
                year=date.year - rng.randrange(1, 8),
                person=rng.choice(PEOPLE),
                title=rng.choice(TITLES_EN if lang == "en" else TITLES_DE),
            )
            sep = "\n\n" if rng.random() < 0.25 else " "
            parts.append(sentence + sep)
            length += len(sentence) + len(sep)
        out.append(GeneratedText(lang, "".join(parts).rstrip() + "\n", date, tuple(dict.fromkeys(used))))
    return out


def write_corpus(folder: str | Path, n: int = 2000, seed: int = 7) -> list[Path]:
    """Write `n` generated articles as UTF-8 .txt files into `folder`; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, g in enumerate(generate_texts(n, seed=seed)):
        path = folder / f"{k:05d}_{g.language}.txt"
        path.write_text(g.text, encoding="utf-8")
        paths.append(path)
    return paths
