"""Actor normalisation: group name variants (en/de), state forces, generic forces and anaphors."""

from __future__ import annotations

import pytest

from geo.parse.actors import ActorContext, find_actors, normalise_actor


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("Daesh", "Islamic State"),
        ("DAESH", "Islamic State"),
        ("IS", "Islamic State"),
        ("ISIS", "Islamic State"),
        ("ISIL", "Islamic State"),
        ("Islamic State", "Islamic State"),
        ("Islamic State of Iraq and the Levant", "Islamic State"),
        ("Islamischer Staat", "Islamic State"),
        ("Islamischen Staates", "Islamic State"),
        ("IS-Kämpfer", "Islamic State"),
        ("Taliban", "Taliban"),
        ("Peshmerga", "Peshmerga"),
        ("Huthi-Rebellen", "Houthis"),
        ("Houthi rebels", "Houthis"),
        ("al-Shabab", "al-Shabaab"),
        ("Rapid Support Forces", "Rapid Support Forces"),
        ("RSF", "Rapid Support Forces"),
        ("Hayat Tahrir al-Sham", "Hayat Tahrir al-Sham"),
        ("Afghan forces", "Government of Afghanistan"),
        ("Afghan security forces", "Government of Afghanistan"),
        ("irakische Armee", "Government of Iraq"),
        ("Iraqi troops", "Government of Iraq"),
        ("russischen Truppen", "Government of Russia"),
        ("Ukrainian forces", "Government of Ukraine"),
        ("sudanesische Armee", "Government of Sudan"),
        ("Malian army", "Government of Mali"),
        ("US-Truppen", "Government of United States"),
    ],
)
def test_normalise_named_actors(surface: str, canonical: str) -> None:
    assert normalise_actor(surface) == canonical


def test_generic_state_forces_need_the_country() -> None:
    assert normalise_actor("security forces") is None
    assert normalise_actor("the security forces", country_name="Afghanistan") == "Government of Afghanistan"
    assert normalise_actor("die Armee", country_name="Mali") == "Government of Mali"


def test_lowercase_is_and_ordinary_words_are_not_actors() -> None:
    text = "This is the place where it is said that isis was a goddess; the island is calm. THIS IS WAR."
    assert [m.text for m in find_actors(text) if m.kind in ("armed_group", "state")] == []


def test_surface_form_and_offsets_are_kept() -> None:
    text = "Die Peshmerga und die irakische Armee kämpfen gegen Daesh."
    found = [(m.text, m.canonical, text[m.start : m.end]) for m in find_actors(text) if m.canonical]
    assert found == [
        ("Peshmerga", "Peshmerga", "Peshmerga"),
        ("irakische Armee", "Government of Iraq", "irakische Armee"),
        ("Daesh", "Islamic State", "Daesh"),
    ]


def test_anaphors_resolve_to_the_armed_group_named_before() -> None:
    text = (
        "The Taliban advanced on the city. Officials said the Islamists now control the centre. "
        "Later, al-Shabaab fighters attacked a base; the militants withdrew at dawn. "
        "Die Islamisten rückten vor."
    )
    ctx = ActorContext(text)
    resolved = [(m.text, ctx.resolve(m)) for m in ctx.matches if m.kind == "anaphor"]
    assert resolved == [
        ("the Islamists", "Taliban"),
        ("the militants", "al-Shabaab"),
        ("Die Islamisten", "al-Shabaab"),
    ]


def test_anaphor_before_any_name_uses_the_article_s_most_frequent_group() -> None:
    text = "The insurgents struck at night. Houthi forces later said the Houthis had won. Houthis again."
    ctx = ActorContext(text)
    first = next(m for m in ctx.matches if m.kind == "anaphor")
    assert ctx.resolve(first) == "Houthis"


def test_generic_forces_resolve_with_the_article_country() -> None:
    ctx = ActorContext("The security forces had withdrawn to a military base.", country_name="Afghanistan")
    (m,) = [m for m in ctx.matches if m.kind == "generic_state"]
    assert ctx.resolve(m) == "Government of Afghanistan"
