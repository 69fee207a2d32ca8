"""GazetteerGeocoder: a geopy geocoder that works offline and as a geopandas provider."""

from __future__ import annotations

import math

import geopandas
import pytest
from geopy.exc import GeocoderQueryError
from geopy.location import Location

from geo.errors import ConflictmapError, InputError
from geo.gazetteer.geocoder import (
    ACCEPT_SCORE,
    MIN_SCORE,
    BadQueryError,
    ControlCharacterError,
    EmptyQueryError,
    GazetteerGeocoder,
    InvalidCountryError,
    OptionError,
    QueryTooLongError,
    QueryTypeError,
)

pytestmark = pytest.mark.requires_gazetteer


@pytest.fixture(scope="module")
def geocoder() -> GazetteerGeocoder:
    return GazetteerGeocoder()


def test_geocode_returns_a_geopy_location_with_raw_details(geocoder: GazetteerGeocoder) -> None:
    loc = geocoder.geocode("Ghazni")
    assert isinstance(loc, Location)
    assert loc.address == "Ghazni, Ghazni Province, Afghanistan"
    assert abs(loc.latitude - 33.55) < 0.1 and abs(loc.longitude - 68.42) < 0.1
    raw = loc.raw
    assert raw["geonameid"] == 1141269
    assert (raw["country_code"], raw["feature_code"], raw["admin1"]) == ("AF", "PPLA", "Ghazni Province")
    assert raw["population"] > 100_000
    assert (raw["matched_name"], raw["match"], raw["score"]) == ("Ghazni", "exact", 1.0)


def test_alias_and_folded_spellings(geocoder: GazetteerGeocoder) -> None:
    gasni = geocoder.geocode("Gasni")
    assert gasni.raw["geonameid"] == 1141269 and gasni.raw["match"] == "alias"
    assert geocoder.geocode("Masar-i-Scharif").raw["name"].startswith("Maz")


def test_country_codes_and_several_results(geocoder: GazetteerGeocoder) -> None:
    loc = geocoder.geocode("Faizabad", country_codes="AF")
    assert loc.raw["country_code"] == "AF" and loc.raw["admin1"].startswith("Badakhshan")
    several = geocoder.geocode("Faizabad", exactly_one=False, limit=5)
    assert 1 < len(several) <= 5
    assert {x.raw["country_code"] for x in several} >= {"AF", "IN"}
    with pytest.raises(InvalidCountryError):
        geocoder.geocode("Kabul", country_codes=["XX"])


def test_geonames_spelling_country_restricts_like_country_codes(geocoder: GazetteerGeocoder) -> None:
    # geopy's GeoNames geocoder spells the option `country`; it must restrict, not be swallowed
    assert geocoder.geocode("Herat", country="US") is None
    assert geocoder.geocode("Herat", country="AF").raw["country_code"] == "AF"
    assert geocoder.geocode("Faizabad", country=["IN"]).raw["country_code"] == "IN"
    with pytest.raises(OptionError):
        geocoder.geocode("Herat", country="AF", country_codes="AF")


@pytest.mark.parametrize(
    "call",
    [
        lambda g: g.geocode("Herat", contry="US"),
        lambda g: g.geocode("Herat", country_bias="US"),
        lambda g: g.reverse((34.35, 62.2), lang="de"),
        lambda g: GazetteerGeocoder(scheme="https"),
    ],
)
def test_unknown_options_are_rejected_not_ignored(geocoder: GazetteerGeocoder, call) -> None:
    with pytest.raises(TypeError):
        call(geocoder)


def test_query_errors_are_geopy_and_conflictmap_errors(geocoder: GazetteerGeocoder) -> None:
    with pytest.raises(EmptyQueryError) as info:
        geocoder.geocode("  ")
    assert isinstance(info.value, GeocoderQueryError) and isinstance(info.value, InputError)
    assert isinstance(info.value, ConflictmapError) and isinstance(info.value, ValueError)


def test_nothing_credible_gives_none(geocoder: GazetteerGeocoder) -> None:
    assert geocoder.geocode("xqzzyvvk") is None
    assert geocoder.geocode("xqzzyvvk", exactly_one=False) == []
    assert geocoder.geocode("Die") is None  # a French village by name, but the German article first
    price = geocoder.geocode("Price")  # an explicit query still gets its best guess, flagged by its score
    assert price is None or MIN_SCORE <= price.raw["score"] < ACCEPT_SCORE


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("", EmptyQueryError),
        ("   \t ", EmptyQueryError),
        ("x" * 301, QueryTooLongError),
        ("Ka\nbul", ControlCharacterError),
        ("Kabul\x00", ControlCharacterError),
        ("\x1b[31mKabul", ControlCharacterError),
        (42, QueryTypeError),
        (None, QueryTypeError),
        (b"Kabul", QueryTypeError),
    ],
)
def test_bad_input_raises_geopy_query_errors(geocoder: GazetteerGeocoder, query, error) -> None:
    with pytest.raises(error) as info:
        geocoder.geocode(query)
    assert isinstance(info.value, GeocoderQueryError) and isinstance(info.value, BadQueryError)
    assert str(info.value)


def test_300_characters_is_still_allowed(geocoder: GazetteerGeocoder) -> None:
    assert geocoder.geocode("Kabul" + " " * 295) is not None


def test_reverse_gives_nearest_place_with_province_and_country(geocoder: GazetteerGeocoder) -> None:
    loc = geocoder.reverse((31.60, 64.36))
    assert isinstance(loc, Location)
    assert loc.raw["name"].startswith("Lashkar")
    assert loc.raw["distance_km"] < 5
    assert loc.raw["province"]["name"] == "Helmand"
    assert loc.raw["province"]["feature_code"] == "ADM1"
    assert loc.raw["country"]["country_code"] == "AF"
    assert geocoder.reverse("34.53, 69.17", exactly_one=False)[0].raw["name"] == "Kabul"


def test_reverse_at_sea_has_no_province_or_country(geocoder: GazetteerGeocoder) -> None:
    loc = geocoder.reverse((0.0, -30.0))
    assert loc.raw["province"] is None and loc.raw["country"] is None
    assert loc.raw["distance_km"] > 100


def test_reverse_bad_input(geocoder: GazetteerGeocoder) -> None:
    with pytest.raises(BadQueryError):
        geocoder.reverse("not a point")


def test_works_as_geopandas_provider() -> None:
    df = geopandas.tools.geocode(["Herat", "Mossul", "xqzzyvvk"], provider=GazetteerGeocoder)
    assert df.crs.to_epsg() == 4326
    herat, mosul, nothing = df.geometry
    assert math.isclose(herat.y, 34.35, abs_tol=0.1) and math.isclose(herat.x, 62.2, abs_tol=0.1)
    assert math.isclose(mosul.y, 36.34, abs_tol=0.1)
    assert nothing.is_empty
    assert df.loc[0, "address"] == "Herāt, Herat Province, Afghanistan"


def test_geopandas_reverse_provider() -> None:
    from shapely.geometry import Point

    df = geopandas.tools.reverse_geocode([Point(62.2, 34.35)], provider=GazetteerGeocoder)
    assert df.loc[0, "address"].startswith("Her")


def test_never_uses_the_network(geocoder: GazetteerGeocoder) -> None:
    from geopy.exc import GeocoderUnavailable

    with pytest.raises(GeocoderUnavailable):
        geocoder.adapter.get_json("http://example.invalid/", timeout=1, headers={})
