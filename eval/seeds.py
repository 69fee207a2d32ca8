"""The seed facts of issue 3's acceptance, checked on the five sample articles in seeds/.

Each check is a (label, passed, detail) row, printed by `make eval` under the corpus table.
"""

from __future__ import annotations

from pathlib import Path

from geo.gazetteer.normalize import fold
from geo.model import ParsedArticle

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# prefix of the seed file -> (date ISO or None, precision or None); None means "null or honest".
EXPECTED_DATES = {"000": ("2021-08-10", "day"), "001": ("2020-12-01", "day"), "004": ("2018-07", "month")}
# Each expected mention: spellings, any of which may be the mention text or the resolved place's name.
EXPECTED_MENTIONS = [
    ("Herat",),
    ("Kala-e Nau", "Qala i Naw", "Qala-i-Naw"),
    ("Badghis",),
    ("Gasni", "Ghazni"),
    ("Kabul",),
    ("Qatar",),
    ("Mossul", "Mosul"),
    ("Bagdad", "Baghdad"),
    ("Erbil",),
    ("Irak", "Iraq"),
    ("Islamabad",),
    ("Afghanistan",),
]
FORBIDDEN_MENTIONS = ["Ismail Chan", "Chan", "Ismail", "Kirby", "Price", "Maas", "Taliban"]
EXPECTED_CAPTURES = [  # (seed prefix, place spellings, actor, year or None, precision or None)
    ("002", ("Herat",), "Taliban", None, None),
    ("002", ("Qala i Naw", "Kala-e Nau", "Qala-i-Naw"), "Taliban", None, None),
    ("002", ("Ghazni", "Gasni"), "Taliban", None, None),
    ("003", ("Mosul", "Mossul"), "Islamic State", 2014, "year"),
]
NO_CAPTURE_AT = ("Washington", "Islamabad", "Kabul")


def _folds(names: tuple[str, ...] | list[str]) -> set[str]:
    return {fold(n) for n in names}


def parse_seeds() -> dict[str, ParsedArticle]:
    from geo.parse.articles import Rejected, read_paths
    from geo.parse.pipeline import parse_article

    out: dict[str, ParsedArticle] = {}
    for item in read_paths([SEEDS]):
        if isinstance(item, Rejected):
            continue
        out[Path(item.source).name[:3]] = parse_article(item)
    return out


def check_seeds() -> list[tuple[str, bool, str]]:
    parsed = parse_seeds()
    rows: list[tuple[str, bool, str]] = []
    for prefix, (want, prec) in EXPECTED_DATES.items():
        a = parsed[prefix].article if prefix in parsed else None
        got = None
        if a is not None and a.date is not None:
            got = a.date.isoformat()[:7] if a.date_precision == "month" else a.date.isoformat()
        ok = a is not None and got == want and a.date_precision == prec
        rows.append((f"date {prefix} = {want} ({prec})", ok, f"{got} ({a.date_precision if a else None})"))
    for prefix in ("002", "003"):
        a = parsed[prefix].article if prefix in parsed else None
        ok = a is not None and (a.date is None or a.date_precision in ("day", "month", "year"))
        rows.append(
            (
                f"date {prefix} null or with precision",
                ok,
                f"{a.date if a else None} ({a.date_precision if a else None})",
            )
        )
    mentions = [m for p in parsed.values() for m in p.mentions if m.place is not None]
    seen = {fold(m.text) for m in mentions} | {fold(m.place.name) for m in mentions if m.place}
    for names in EXPECTED_MENTIONS:
        ok = bool(_folds(names) & seen)
        rows.append((f"mention {names[0]}", ok, "found" if ok else "missing"))
    texts = {m.text for m in mentions}
    for bad in FORBIDDEN_MENTIONS:
        hit = [t for t in texts if t == bad or t.startswith(bad + "'")]
        rows.append((f"no mention {bad}", not hit, ", ".join(hit) or "none"))
    first = parsed.get("000")
    dl = [m for m in (first.mentions if first else []) if m.text == "Washington"]
    ok = bool(dl) and dl[0].role == "dateline"
    rows.append(("Washington (AP) is a dateline", ok, dl[0].role if dl else "not found"))
    for prefix, names, actor, year, prec in EXPECTED_CAPTURES:
        p = parsed.get(prefix)
        evs = [e for e in (p.events if p else []) if e.kind == "captured"]
        want = _folds(names)
        hit = [
            e
            for e in evs
            if e.place is not None and (fold(e.place.name) in want or fold(e.place_text or "") in want)
        ]
        ok = any(
            e.actor == actor
            and (year is None or (e.date is not None and e.date.year == year))
            and (prec is None or e.date_precision == prec)
            for e in hit
        )
        detail = "; ".join(f"{e.actor} {e.date} {e.date_precision}" for e in hit) or "no captured event there"
        rows.append(
            (f"event {prefix}: {names[0]} captured by {actor}" + (f" in {year}" if year else ""), ok, detail)
        )
    bad_events = [
        (k, e.place.name)
        for k, p in parsed.items()
        for e in p.events
        if e.kind == "captured" and e.place is not None and e.place.name in NO_CAPTURE_AT
    ]
    rows.append(
        ("no captured event at Washington/Islamabad/Kabul", not bad_events, str(bad_events or "none"))
    )
    return rows
