"""The language registry: English and German are found, and a third language is data only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from geo.parse import lang
from geo.parse.actors import find_actors
from geo.parse.dates import find_dates
from geo.parse.events import split_sentences, tables
from geo.parse.lang import Language, TriggerRule

# A made-up third language (Spanish-like words), registered at run time: no engine module is edited.
XX = Language(
    code="es",
    name="Español (test)",
    months={"enero": 1, "febrero": 2, "marzo": 3},
    weekdays={"lunes": 0, "martes": 1},
    weekday_lead=("el",),
    relative={"yesterday": ("ayer", ("ayer",))},
    triggers=(TriggerRule("tomaron", "captured", r"tomaron", "active", 0.85, ("tomaron",)),),
    negation=r"\bno\b",
    demonyms={"IQ": ("iraquí",)},
    state_force=r"(?:fuerzas|tropas)\s+(?-i:{demonym})(?:es)?",
    state_force_prefixes=("fuerzas", "tropas"),
    armed_groups={"Islamic State": ((r"Estado Islámico", ("estado",)),)},
    function_words=frozenset("el la los las que de en y por con una".split()),
)


@pytest.fixture
def spanish() -> Iterator[Language]:
    lang.register(XX)
    try:
        yield XX
    finally:
        lang.unregister("es")


def test_english_and_german_are_registered_in_order() -> None:
    assert [x.code for x in lang.all_languages()][:2] == ["en", "de"]
    assert lang.get("de").months["dezember"] == 12
    assert "abandon" in {t.name for t in lang.get("en").triggers}


def test_a_third_language_is_data_only(spanish: Language) -> None:
    base = dt.date(2021, 8, 12)
    assert [(s.text, s.date) for s in find_dates("Ayer, el martes", base=base)] == [
        ("Ayer", dt.date(2021, 8, 11)),
        ("el martes", dt.date(2021, 8, 10)),
    ]
    actors = {(m.text, m.canonical) for m in find_actors("El Estado Islámico y las fuerzas iraquíes")}
    assert actors == {("Estado Islámico", "Islamic State"), ("fuerzas iraquíes", "Government of Iraq")}
    assert "tomaron" in {t.name for t in tables().triggers}


def test_removing_the_language_removes_its_words(spanish: Language) -> None:
    assert find_dates("ayer", base=dt.date(2021, 8, 12))
    lang.unregister("es")
    assert find_dates("ayer", base=dt.date(2021, 8, 12)) == []
    assert split_sentences("Kabul fell. Herat too.") == [(0, 11), (12, 22)]


def test_a_trigger_of_an_unknown_kind_is_refused() -> None:
    bad = Language(
        code="zz", name="bad", triggers=(TriggerRule("x", "exploded", "boom", "active", 0.5, ("boom",)),)
    )
    lang.register(bad)
    try:
        with pytest.raises(ValueError, match="EVENT_KINDS"):
            tables()
    finally:
        lang.unregister("zz")


def test_a_registered_language_is_detected_by_its_function_words(spanish: Language) -> None:
    from geo.parse.articles import detect_language

    text = (
        "El ejército y la policía dijeron que los rebeldes de la zona tomaron una base en la provincia "
        "por la noche"
    )
    assert detect_language(text) == "es"
    assert (
        detect_language("The army said that the rebels of the area took a base in the province and the town")
        == "en"
    )
