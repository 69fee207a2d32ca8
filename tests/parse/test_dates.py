"""Article dates (marker, metadata, dateline) and relative expressions, with honest precision."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.parse.dates import article_date, find_dates, parse_date_string, parse_marker, resolve_relative

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" date 2021-08-10 Washington (AP) – Despite the advance", (D(2021, 8, 10), "day")),
        (" date 2018-07 Die Leiter der Auslandsgeheimdienste", (D(2018, 7, 1), "month")),
        ("NATO: Maas hopes\n\nDecember 1, 2020\n\nNATO is assessing", (D(2020, 12, 1), "day")),
        ("Kabul, 13. August 2021 (dpa) - Die Taliban haben", (D(2021, 8, 13), "day")),
        ("RAMADI, Iraq, May 17, 2015 (AP) — Islamic State militants", (D(2015, 5, 17), "day")),
        ("Berlin, 1. Dezember 2020. Die Bundesregierung", (D(2020, 12, 1), "day")),
        ("Headline\n\nPublished: 10.08.2021\n\nText", (D(2021, 8, 10), "day")),
        ("The USA will relocate soldiers. Kirby spoke on Thursday.", (None, None)),
    ],
)
def test_article_date(text: str, expected: tuple) -> None:
    assert article_date(text) == expected


def test_marker_needs_the_exact_form_and_keeps_month_precision() -> None:
    assert parse_marker(" date 2018-07 Die") == (D(2018, 7, 1), "month", 13)
    assert parse_marker("date 2021-08-10\nText")[:2] == (D(2021, 8, 10), "day")
    assert parse_marker("The date 2021-08-10 was") is None


def test_marker_wins_over_metadata_and_metadata_over_dateline() -> None:
    assert article_date(" date 2018-07 Kabul, 13. August 2021", metadata="2020-01-01") == (
        D(2018, 7, 1),
        "month",
    )
    assert article_date("Kabul, 13. August 2021 (dpa)", metadata="2021-08-14") == (D(2021, 8, 14), "day")


def test_a_date_deep_in_the_text_is_not_the_article_date() -> None:
    text = "The militants advanced steadily. " * 20 + "On March 3, 2014 the city fell."
    assert article_date(text) == (None, None)
    text = "Background: the war began long ago and continues. " * 3 + "Since December 1, 2020 talks stalled."
    assert article_date(text) == (None, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-08-10", (D(2021, 8, 10), "day")),
        ("2021-08-10T12:30:00Z", (D(2021, 8, 10), "day")),
        ("2018-07", (D(2018, 7, 1), "month")),
        ("2014", (D(2014, 1, 1), "year")),
        ("1. Dezember 2020", (D(2020, 12, 1), "day")),
        ("December 2020", (D(2020, 12, 1), "month")),
        ("Tue, 10 Aug 2021 12:00:00 GMT", (D(2021, 8, 10), "day")),
        ("not a date at all", None),
    ],
)
def test_metadata_strings(value: str, expected: tuple | None) -> None:
    assert parse_date_string(value) == expected


BASE = D(2021, 8, 12)  # a Thursday


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("on Thursday", (D(2021, 8, 12), "day")),  # the article's own day
        ("am Donnerstag", (D(2021, 8, 12), "day")),
        ("on Monday", (D(2021, 8, 9), "day")),
        ("am Sonntag", (D(2021, 8, 8), "day")),
        ("Friday", (D(2021, 8, 6), "day")),  # latest Friday on or before, never after
        ("yesterday", (D(2021, 8, 11), "day")),
        ("gestern", (D(2021, 8, 11), "day")),
        ("vorgestern", (D(2021, 8, 10), "day")),
        ("in January", (D(2021, 1, 1), "month")),
        ("im Januar", (D(2021, 1, 1), "month")),
        ("last June", (D(2021, 6, 1), "month")),
        ("in September", (D(2020, 9, 1), "month")),  # the latest September on or before the article
        ("Anfang Juli", (D(2021, 7, 1), "month")),
        ("in 2014", (D(2014, 1, 1), "year")),
        ("2014", (D(2014, 1, 1), "year")),
        ("last year", (D(2020, 1, 1), "year")),
        ("December 1, 2020", (D(2020, 12, 1), "day")),
        ("1. Dezember 2020", (D(2020, 12, 1), "day")),
        ("May 17", (D(2021, 5, 17), "day")),
        ("im Januar 2020", (D(2020, 1, 1), "month")),
        ("last summer", (D(2020, 1, 1), "year")),  # a season is reported as its year, not a made-up month
        ("two days ago", (D(2021, 8, 10), "day")),
        ("vor drei Tagen", (D(2021, 8, 9), "day")),
        ("last week", (D(2021, 8, 1), "month")),  # a week gives its month, not an invented day
        ("earlier this month", (D(2021, 8, 1), "month")),
        ("am 10. August", (D(2021, 8, 10), "day")),
        ("Mitte Juli", (D(2021, 7, 1), "month")),
        ("im Frühjahr", (D(2021, 1, 1), "year")),
        ("nothing here", (None, None)),
    ],
)
def test_resolve_relative(expr: str, expected: tuple) -> None:
    assert resolve_relative(expr, BASE, "en") == expected


def test_relative_without_article_date_stays_unknown() -> None:
    assert resolve_relative("on Thursday", None, "en") == (None, None)
    assert resolve_relative("in early July", None, "en") == (None, None)
    assert resolve_relative("in 2014", None, "en") == (D(2014, 1, 1), "year")  # explicit: needs no base


def test_month_precision_base_cannot_resolve_a_weekday() -> None:
    assert resolve_relative("am Dienstag", D(2018, 7, 1), "de", article_precision="month") == (None, None)
    assert resolve_relative("im August", D(2018, 7, 1), "de", article_precision="month") == (
        D(2017, 8, 1),
        "month",
    )


def test_find_dates_ignores_numbers_that_are_not_years_and_flags_since() -> None:
    text = "Some 2,500 troops and 2.500 Soldaten stayed; 4,500 left. Fighting since 2001 in Resolution 1373."
    spans = find_dates(text, base=BASE)
    assert [(s.text, s.since) for s in spans] == [("2001", True)]
    assert [s.text for s in find_dates("this may take long", base=BASE)] == []


def test_old_german_long_s_weekday_is_read_not_crashed_on() -> None:
    """Historical German print writes "Dienſtag"; the date scan must read it (it used to raise KeyError)."""
    text = "Am Dienſtag wurde die Stadt erobert."
    spans = find_dates(text, 0, len(text), base=dt.date(1848, 3, 10), base_precision="day")
    assert [(s.text, s.date, s.precision) for s in spans] == [("Am Dienſtag", dt.date(1848, 3, 7), "day")]
