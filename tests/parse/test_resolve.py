"""Resolution of mentions with the document's context: the point an analyst sees on the map."""

from __future__ import annotations

import pytest

from geo.model import Article
from geo.parse.resolve import accept_score, resolve_mentions
from geo.parse.toponyms import find_mentions

pytestmark = pytest.mark.requires_gazetteer


def _resolve(text: str, language: str = "en") -> dict[str, object]:
    art = Article(text=text, source="test", content_hash="x", language=language)
    mentions = resolve_mentions(art, find_mentions(art))
    return {m.text: m for m in mentions}


def test_world_conflict_places_resolve_to_the_right_country():
    got = _resolve(
        "Rebels shelled Aleppo. Russian troops encircled Mariupol. Fighting raged in Khartoum. "
        "Jihadists once held Timbuktu. Houthi forces control Sanaa. Clashes erupted in Goma."
    )
    want = {"Aleppo": "SY", "Mariupol": "UA", "Khartoum": "SD", "Timbuktu": "ML", "Sanaa": "YE", "Goma": "CD"}
    for name, cc in want.items():
        m = got[name]
        assert m.place is not None and m.place.country_code == cc, (name, m.place)
        assert m.confidence >= accept_score()


def test_seed_spellings_resolve_near_the_real_place():
    got = _resolve(
        "Kala-e Nau in the Badghis province fell. The city of Gasni, 150 kilometers from Kabul, fell too.",
    )
    assert got["Kala-e Nau"].place.name == "Qala i Naw"
    assert got["Badghis province"].place.feature_code == "ADM1"
    assert got["Gasni"].place.name == "Ghazni" and got["Gasni"].place.feature_class == "P"
    assert got["Kabul"].place.feature_code == "PPLC"


def test_context_disambiguates_same_names():
    # Bagdad is also a town in the USA; Iraqi context keeps the capital of Iraq.
    iraq = _resolve("Die Angriffe zwischen Bagdad und Erbil nahmen zu, meldete die Regierung im Irak.", "de")
    assert iraq["Bagdad"].place.country_code == "IQ"
    # A country name beats a folded town name even when another country dominates the text.
    iran = _resolve("Iran, Iran and Iran again: the envoy from Iran flew on to Irak.", "de")
    assert iran["Irak"].place.country_code == "IQ"


def test_province_head_word_prefers_the_province():
    got = _resolve("Heavy fighting was reported in Helmand Province and in Kandahar.")
    assert got["Helmand Province"].place.feature_code == "ADM1"
    assert got["Kandahar"].place.feature_class == "P"


def test_alternatives_are_kept_and_ranked():
    m = _resolve("Clashes near Bagdad.")["Bagdad"]
    assert len(m.candidates) >= 2
    scores = [c.score for c in m.candidates]
    assert scores == sorted(scores, reverse=True)
    assert m.candidates[0].place == m.place
    assert 0.0 <= m.confidence <= 1.0


def test_low_confidence_mention_keeps_candidates_without_place():
    from geo.gazetteer.lookup import get_gazetteer
    from geo.model import Candidate, Mention

    text = "Officials in Price said so."
    art = Article(text=text, source="t", content_hash="x", language="en")
    # "Price" (Utah) is also an ordinary word: the gazetteer scores the name low.
    matches = get_gazetteer().lookup("Price", fuzzy=False)
    m = Mention(13, 18, "Price", [Candidate(x.place, x.score) for x in matches])
    (out,) = resolve_mentions(art, [m])
    assert out.confidence < accept_score()
    assert out.place is None
    assert out.candidates and out.candidates[0].place.name == "Price"
