"""Synthetic test data for the event tests: a few hand-made Places and a tiny mention finder.

This is *test data*, deliberately independent of the gazetteer and the toponym recogniser (owned by other
modules), so event rules are tested on their own. Coordinates are approximate; ids are made up (negative).
"""

from __future__ import annotations

import re
from pathlib import Path

from geo.model import Article, Candidate, Mention, Place
from geo.parse.articles import article_from_text, read_file

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _p(gid: int, name: str, lat: float, lon: float, code: str, cc: str, country: str, pop: int = 0) -> Place:
    fclass = "A" if code.startswith(("PCL", "ADM")) else "P"
    return Place(-gid, name, lat, lon, fclass, code, cc, "", "", country, pop)


PLACES: dict[str, Place] = {
    "Herat": _p(1, "Herat", 34.35, 62.20, "PPLA", "AF", "Afghanistan", 600000),
    "Kala-e Nau": _p(2, "Qala i Naw", 34.99, 63.13, "PPLA", "AF", "Afghanistan", 9000),
    "Badghis": _p(3, "Badghis", 35.0, 63.5, "ADM1", "AF", "Afghanistan"),
    "Gasni": _p(4, "Ghazni", 33.55, 68.42, "PPLA", "AF", "Afghanistan", 140000),
    "Kabul": _p(5, "Kabul", 34.53, 69.17, "PPLC", "AF", "Afghanistan", 3000000),
    "Afghanistan": _p(6, "Afghanistan", 33.0, 66.0, "PCLI", "AF", "Afghanistan"),
    "Washington": _p(7, "Washington", 38.9, -77.04, "PPLC", "US", "United States"),
    "Qatar": _p(8, "Qatar", 25.5, 51.25, "PCLI", "QA", "Qatar"),
    "Mossul": _p(9, "Mosul", 36.34, 43.13, "PPLA", "IQ", "Iraq", 1700000),
    "Bagdad": _p(10, "Baghdad", 33.34, 44.40, "PPLC", "IQ", "Iraq"),
    "Erbil": _p(11, "Erbil", 36.19, 44.01, "PPLA", "IQ", "Iraq"),
    "Irak": _p(12, "Iraq", 33.0, 44.0, "PCLI", "IQ", "Iraq"),
    "Islamabad": _p(13, "Islamabad", 33.72, 73.04, "PPLC", "PK", "Pakistan"),
    "Syrien": _p(14, "Syria", 35.0, 38.0, "PCLI", "SY", "Syria"),
    "Afghanistans": _p(6, "Afghanistan", 33.0, 66.0, "PCLI", "AF", "Afghanistan"),
    # non-seed places for the generalisation tests
    "Palmyra": _p(20, "Palmyra", 34.55, 38.27, "PPL", "SY", "Syria"),
    "Aleppo": _p(21, "Aleppo", 36.2, 37.16, "PPLA", "SY", "Syria"),
    "Marib": _p(22, "Marib", 15.46, 45.33, "PPLA", "YE", "Yemen"),
    "Sanaa": _p(23, "Sanaa", 15.35, 44.2, "PPLC", "YE", "Yemen"),
    "Kherson": _p(24, "Kherson", 46.64, 32.61, "PPLA", "UA", "Ukraine"),
    "Bachmut": _p(25, "Bakhmut", 48.6, 38.0, "PPL", "UA", "Ukraine"),
    "Bakhmut": _p(25, "Bakhmut", 48.6, 38.0, "PPL", "UA", "Ukraine"),
    "El Fasher": _p(26, "El Fasher", 13.63, 25.35, "PPLA", "SD", "Sudan"),
    "Khartoum": _p(27, "Khartoum", 15.5, 32.56, "PPLC", "SD", "Sudan"),
    "Kidal": _p(28, "Kidal", 18.44, 1.41, "PPLA", "ML", "Mali"),
    "Gao": _p(29, "Gao", 16.27, -0.04, "PPLA", "ML", "Mali"),
    "Kundus": _p(30, "Kunduz", 36.73, 68.86, "PPLA", "AF", "Afghanistan"),
    "Kunduz": _p(30, "Kunduz", 36.73, 68.86, "PPLA", "AF", "Afghanistan"),
    "Ramadi": _p(31, "Ramadi", 33.42, 43.3, "PPLA", "IQ", "Iraq"),
    "Kobane": _p(32, "Kobani", 36.89, 38.35, "PPL", "SY", "Syria"),
    "Raqqa": _p(33, "Raqqa", 35.95, 39.01, "PPLA", "SY", "Syria"),
    "Ukraine": _p(34, "Ukraine", 49.0, 32.0, "PCLI", "UA", "Ukraine"),
    "Mali": _p(35, "Mali", 17.0, -4.0, "PCLI", "ML", "Mali"),
    "Helmand": _p(36, "Helmand", 31.0, 64.0, "ADM1", "AF", "Afghanistan"),
    "Lashkar Gah": _p(37, "Lashkar Gah", 31.59, 64.37, "PPLA", "AF", "Afghanistan"),
    "Kandahar": _p(38, "Kandahar", 31.61, 65.7, "PPLA", "AF", "Afghanistan"),
    "Tikrit": _p(39, "Tikrit", 34.6, 43.68, "PPLA", "IQ", "Iraq"),
    "Donezk": _p(40, "Donetsk", 48.0, 37.8, "PPLA", "UA", "Ukraine"),
    "Cherson": _p(24, "Kherson", 46.64, 32.61, "PPLA", "UA", "Ukraine"),
}


def find_mentions(text: str) -> list[Mention]:
    """Every occurrence of a PLACES key (whole word, case-sensitive), longest first, no overlaps.

    A name right at the start of the body followed by "(" (e.g. "Washington (AP)") is a dateline.
    """
    names = sorted(PLACES, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])")
    out: list[Mention] = []
    for m in pattern.finditer(text):
        place = PLACES[m.group(0)]
        role = "place"
        head = text[: m.start()]
        if re.fullmatch(r"\s*(?:date\s+[\d-]+\s+)?", head) and re.match(r"\s*\(", text[m.end() :]):
            role = "dateline"
        out.append(
            Mention(m.start(), m.end(), m.group(0), [Candidate(place, 0.9)], place, 0.9, role)  # type: ignore[arg-type]
        )
    return out


def seed(n: int) -> Article:
    (path,) = sorted(SEEDS.glob(f"{n:03d}_*.txt"))
    (art,) = read_file(path)
    return art


def article(text: str, date: str | None = None, language: str | None = None) -> Article:
    return article_from_text(text, "<test>", date=date, language=language)
