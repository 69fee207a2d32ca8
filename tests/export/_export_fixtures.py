"""A small store filled by hand with geo.model objects, for export tests that must not depend on the parser.

The story is a plausible August 2021 week in Afghanistan; offsets point into the article text so the store
accepts the rows exactly as it would accept the pipeline's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from geo.model import Article, Candidate, Event, Mention, ParsedArticle, Place

PLACES = {
    "Herat": Place(
        1140026, "Herat", 34.34817, 62.19967, "P", "PPLA", "AF", "11", "Herat", "Afghanistan", 272806
    ),
    "Qala i Naw": Place(
        1129867, "Qala i Naw", 34.98735, 63.12891, "P", "PPL", "AF", "02", "Badghis", "Afghanistan", 9000
    ),
    "Ghazni": Place(
        1141269, "Ghazni", 33.55391, 68.42096, "P", "PPLA", "AF", "08", "Ghazni", "Afghanistan", 141000
    ),
    "Kabul": Place(
        1138958, "Kabul", 34.52813, 69.17233, "P", "PPLC", "AF", "13", "Kabul", "Afghanistan", 3043532
    ),
    "Kandahar": Place(
        1138336, "Kandahar", 31.61332, 65.71013, "P", "PPLA", "AF", "23", "Kandahar", "Afghanistan", 391190
    ),
    "Lashkar Gah": Place(
        1134720, "Lashkar Gah", 31.59382, 64.37161, "P", "PPLA", "AF", "10", "Helmand", "Afghanistan", 201546
    ),
}

# (date, sentences); each sentence: (text, place name, kind, actor)
STORY = [
    (
        dt.date(2021, 8, 10),
        [
            ("Fighting continued around Lashkar Gah on Tuesday.", "Lashkar Gah", "attacked", "Taliban"),
            ("Government forces held Kandahar after heavy clashes.", "Kandahar", "attacked", "Taliban"),
        ],
    ),
    (
        dt.date(2021, 8, 12),
        [
            ("The Taliban captured Ghazni on Thursday morning.", "Ghazni", "captured", "Taliban"),
            (
                "Qala i Naw fell to the Taliban after a ceasefire broke down.",
                "Qala i Naw",
                "captured",
                "Taliban",
            ),
            ("Herat was taken by the Taliban late on Thursday.", "Herat", "captured", "Taliban"),
        ],
    ),
    (
        dt.date(2021, 8, 13),
        [
            ("Kandahar fell to the Taliban overnight.", "Kandahar", "captured", "Taliban"),
            ("Lashkar Gah was besieged by the insurgents.", "Lashkar Gah", "besieged", "Taliban"),
            (
                "Officials in Kabul said the army withdrew to the airport.",
                "Kabul",
                "withdrew",
                "Afghan government",
            ),
        ],
    ),
]


def parsed_articles() -> list[ParsedArticle]:
    """Three articles, each with its mentions and events at real character offsets."""
    out = []
    for i, (date, sentences) in enumerate(STORY):
        title = f"Report {i + 1}: Afghanistan, {date:%d %B %Y}"
        text = title + "\n\n" + " ".join(s[0] for s in sentences)
        art = Article(
            text=text,
            source=f"hand/{i:03d}.txt",
            content_hash=hashlib.sha256(text.encode()).hexdigest()[:16],
            title=title,
            language="en",
            date=date,
            date_precision="day",
        )
        mentions, events = [], []
        for sentence, name, kind, actor in sentences:
            s_start = text.index(sentence)
            m_start = text.index(name, s_start)
            place = PLACES[name]
            mentions.append(Mention(m_start, m_start + len(name), name, [Candidate(place, 0.9)], place, 0.9))
            events.append(
                Event(
                    kind=kind,
                    actor=actor,
                    place=place,
                    place_text=name,
                    date=date,
                    date_precision="day",
                    where_precision=1,
                    confidence=0.8,
                    evidence=sentence,
                    evidence_start=s_start,
                    evidence_end=s_start + len(sentence),
                    actor_text=actor,
                    mention_start=m_start,
                    mention_end=m_start + len(name),
                )
            )
        out.append(ParsedArticle(art, mentions, events))
    return out


def hand_store(path: Path):
    """A Store at `path` holding `parsed_articles()`."""
    from geo.store import Store

    store = Store(path)
    for p in parsed_articles():
        store.ingest(p)
    return store


def annotated_hand_store(path: Path):
    """`hand_store` plus three analyst annotations through the store's public API: an actor edit and a
    note with HTML-looking text on Herat's capture, a moved point for Ghazni, a rejected siege."""
    store = hand_store(path)
    ev = store.events_df()
    herat = ev.loc[(ev["place"] == "Herat") & (ev["kind"] == "captured"), "target_key"].iloc[0]
    store.annotate("event", herat, "edit_event", {"actor": "Taliban"}, analyst="ana")
    store.annotate(
        "event", herat, "note", {"text": "confirmed by <b>two</b> sources & a call"}, analyst="ana"
    )
    ghazni = ev.loc[ev["place"] == "Ghazni", "target_key"].iloc[0]
    store.annotate(
        "event",
        ghazni,
        "set_point",
        {"latitude": 33.56, "longitude": 68.43, "name": "Ghazni city"},
        analyst="ana",
    )
    siege = ev.loc[ev["kind"] == "besieged", "target_key"].iloc[0]
    store.annotate("event", siege, "reject", {}, analyst="ana")
    return store
