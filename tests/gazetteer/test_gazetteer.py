"""The world gazetteer: news spellings resolve to the right place, ordinary words do not."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import Point

from geo.gazetteer.geocoder import ACCEPT_SCORE
from geo.gazetteer.lookup import ATTRIBUTION, Gazetteer, Match, get_gazetteer

pytestmark = pytest.mark.requires_gazetteer

# Reference coordinates (lat, lon) of the towns, from general knowledge, independent of the gazetteer.
HERAT = (34.34, 62.20)
QALA_I_NAW = (34.99, 63.13)
GHAZNI = (33.55, 68.42)
KABUL = (34.53, 69.17)
MOSUL = (36.34, 43.13)
ERBIL = (36.19, 44.01)
MAZAR = (36.71, 67.11)
JALALABAD = (34.43, 70.45)
LASHKAR_GAH = (31.59, 64.37)
KUNDUZ = (36.73, 68.86)
FAYZABAD_BADAKHSHAN = (37.12, 70.58)
BAGHDAD = (33.31, 44.36)
TASHKENT = (41.30, 69.24)

TOWNS = [
    ("Herat", HERAT),
    ("Kala-e Nau", QALA_I_NAW),
    ("Qala-i-Naw", QALA_I_NAW),
    ("Ghazni", GHAZNI),
    ("Gasni", GHAZNI),
    ("Kabul", KABUL),
    ("Mosul", MOSUL),
    ("Mossul", MOSUL),
    ("Erbil", ERBIL),
    ("Irbil", ERBIL),
    ("Hawler", ERBIL),
    ("Mazar-i-Sharif", MAZAR),
    ("Masar-i-Scharif", MAZAR),
    ("Dschalalabad", JALALABAD),
    ("Lashkar Gah", LASHKAR_GAH),
    ("Laschkar Gah", LASHKAR_GAH),
    ("Kundus", KUNDUZ),
]
# provinces: (query, country, a town known to lie in that province)
PROVINCES = [("Badghis", "AF", QALA_I_NAW), ("Helmand", "AF", LASHKAR_GAH)]
COUNTRIES = [("Afghanistan", "AF", KABUL), ("Afghanistans", "AF", KABUL), ("Irak", "IQ", BAGHDAD),
             ("Usbekistan", "UZ", TASHKENT)]  # fmt: skip

# Ordinary English and German words that often start a sentence in news text; many are GeoNames names
# somewhere ("Price", "Die", "Most", "Police"). Chosen as everyday words, not by looking at the data.
ENGLISH = """
The A An This That These Those It He She They We You I There Here What When Where Why How Who Which
But And Or So Yet Also However Meanwhile Still Then Now Today Yesterday Tomorrow Later Earlier After
Before During While Although Because Since Until Unless If Once Despite Instead Indeed Officials Police
Soldiers Residents Witnesses Sources Authorities Forces Fighters Militants Troops Price Prices Many Most
Some Several Few All Both Each Every Other Another Such No Not Only Even Security Government According
Reports Fighting Clashes Attacks Talks Local Last Next First Second Third New Former Senior Early Late
Recent Further Large Small
""".split()
GERMAN = """
Der Die Das Ein Eine Einer Dem Den Des Nach Vor Bei Mit Seit Wegen Trotz Während Gegen Ohne Unter Über
Auch Aber Und Oder Doch Noch Schon Bereits Dann Danach Damals Heute Gestern Morgen Inzwischen Zuvor
Später Zudem Außerdem Allerdings Jedoch Dennoch Trotzdem Deshalb Daher Darum Weil Als Wenn Ob Es Er Sie
Wir Ihr Man Sich Dies Diese Dieser Jeder Alle Viele Einige Mehrere Manche Keine Kein Nur Laut Nachdem
Bevor Sobald Zwar Sowohl Weder Etwa Rund Fast Mehr Weniger Ebenfalls Vielmehr Soldaten Kämpfer Behörden
Angaben Berichten Zufolge Offenbar Angeblich Unterdessen Bislang Erst Neue Erste Zweite Letzte Ganze
Große Kleine Hohe Starke Schwere Wie Was Wo Wer Warum Hier Dort
""".split()
SENTENCE_WORDS = sorted(set(ENGLISH) | set(GERMAN))


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (map(math.radians, a)), (map(math.radians, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


@pytest.fixture(scope="module")
def provinces(gaz: Gazetteer):
    return gaz.provinces().set_index("geonameid")


@pytest.fixture(scope="module")
def countries(gaz: Gazetteer):
    return gaz.countries().set_index("geonameid")


def best(gaz: Gazetteer, name: str, **kw) -> Match:
    matches = gaz.lookup(name, **kw)
    assert matches, f"{name!r} did not resolve"
    return matches[0]


@pytest.mark.parametrize(("name", "where"), TOWNS)
def test_town_resolves_within_10_km(gaz: Gazetteer, name: str, where: tuple[float, float]) -> None:
    m = best(gaz, name)
    assert m.place.feature_class == "P"
    assert km((m.place.latitude, m.place.longitude), where) < 10, m
    assert m.score >= ACCEPT_SCORE


@pytest.mark.parametrize(("name", "cc", "town"), PROVINCES)
def test_province_point_lies_in_its_polygon(gaz, provinces, name, cc, town) -> None:
    m = best(gaz, name)
    assert (m.place.feature_code, m.place.country_code) == ("ADM1", cc)
    polygon = provinces.loc[m.place.geonameid, "geometry"]
    assert polygon.contains(Point(m.place.longitude, m.place.latitude))
    assert polygon.contains(Point(town[1], town[0]))  # and it is the right province
    assert m.score >= ACCEPT_SCORE


@pytest.mark.parametrize(("name", "cc", "city"), COUNTRIES)
def test_country_point_lies_in_its_polygon(gaz, countries, name, cc, city) -> None:
    m = best(gaz, name)
    assert (m.place.feature_code, m.place.country_code) == ("PCLI", cc)
    polygon = countries.loc[m.place.geonameid, "geometry"]
    assert polygon.contains(Point(m.place.longitude, m.place.latitude))
    assert polygon.contains(Point(city[1], city[0]))
    assert m.score >= ACCEPT_SCORE


def test_match_kinds_are_reported(gaz: Gazetteer) -> None:
    assert best(gaz, "Kabul").how == "exact"
    assert best(gaz, "Gasni").how == "alias"  # curated in data/gazetteer/aliases.csv
    assert best(gaz, "kabul").how == "exact"  # case alone does not demote
    assert best(gaz, "Kunduz Province").place.feature_code == "ADM1"
    assert best(gaz, "Lashkargāh").how == "folded"
    fuzzy = best(gaz, "Kandahr")
    assert (fuzzy.how, fuzzy.place.country_code, fuzzy.place.feature_class) == ("fuzzy", "AF", "P")
    assert fuzzy.score < best(gaz, "Kandahar").score


def test_faizabad_with_afghanistan_bias_is_the_badakhshan_seat(gaz: Gazetteer) -> None:
    m = best(gaz, "Faizabad", country_codes=["AF"])
    assert km((m.place.latitude, m.place.longitude), FAYZABAD_BADAKHSHAN) < 10
    assert m.place.admin1_name.startswith("Badakhshan")
    assert all(x.place.country_code == "AF" for x in gaz.lookup("Faizabad", country_codes=["AF"]))


def test_faizabad_without_bias_is_the_most_important(gaz: Gazetteer) -> None:
    """Importance: capital > province seat > other place, then population."""
    matches = gaz.lookup("Faizabad", limit=20)
    assert {m.place.country_code for m in matches} >= {"AF", "IN"}
    order = {"PCLI": 4, "PPLC": 3, "ADM1": 2, "PPLA": 2}
    exact = [m for m in matches if m.how == "exact"]
    most = max(exact, key=lambda m: (order.get(m.place.feature_code, 1), m.place.population))
    assert matches[0].place == most.place


def test_islamabad_is_pakistans_capital_not_chattogram(gaz: Gazetteer) -> None:
    m = best(gaz, "Islamabad")
    assert (m.place.country_code, m.place.feature_code) == ("PK", "PPLC")
    assert any(x.place.country_code == "BD" for x in gaz.lookup("Islamabad"))  # the trap exists


def test_bagdad_is_baghdad_not_the_us_town(gaz: Gazetteer) -> None:
    m = best(gaz, "Bagdad")
    assert km((m.place.latitude, m.place.longitude), BAGHDAD) < 10


def test_country_codes_restrict(gaz: Gazetteer) -> None:
    assert best(gaz, "Bagdad", country_codes=["US"]).place.country_code == "US"
    assert gaz.lookup("Kabul", country_codes=["DE"]) == []


def test_two_hundred_sentence_start_words_stay_below_accept_score(gaz: Gazetteer) -> None:
    """ACCEPT_SCORE (0.7) is the score the geoparser needs to accept a candidate."""
    assert ACCEPT_SCORE == 0.7
    assert len(SENTENCE_WORDS) >= 200
    accepted = {}
    for word in SENTENCE_WORDS:
        matches = gaz.lookup(word, limit=1)
        if matches and matches[0].score >= ACCEPT_SCORE:
            accepted[word] = matches[0]
    assert accepted == {}
    # the trap is real: several of these words are place names in the data
    assert {"Price", "Die", "Police"} <= {w for w in SENTENCE_WORDS if gaz.lookup(w, fuzzy=False)}


def test_nonsense_finds_nothing(gaz: Gazetteer) -> None:
    assert gaz.lookup("xqzzyvvk") == []
    assert gaz.lookup("   ") == []


def test_place_fields_and_address(gaz: Gazetteer) -> None:
    p = best(gaz, "Ghazni").place
    assert p.address == "Ghazni, Ghazni Province, Afghanistan"
    assert (p.country_code, p.feature_code, p.admin1_code) == ("AF", "PPLA", "08")
    assert p.population > 100_000
    assert gaz.get(p.geonameid) == p


def test_navigation(gaz: Gazetteer) -> None:
    herat = best(gaz, "Herat").place
    province = gaz.province_of(herat)
    assert province is not None and province.feature_code == "ADM1" and province.name == "Herat"
    assert gaz.seat_of(province) == herat
    kabul_province = gaz.province_of(best(gaz, "Kabul").place)
    assert gaz.seat_of(kabul_province).feature_code == "PPLC"
    # seats come from GeoNames feature codes, not from size: Qala i Naw (9,000) is Badghis' capital
    assert gaz.seat_of(best(gaz, "Badghis").place).name == "Qala i Naw"
    assert gaz.seat_of(best(gaz, "Helmand").place).name.startswith("Lashkar")
    assert gaz.country("af").name == "Afghanistan"
    assert gaz.country("ZZ") is None
    assert gaz.get(-1) is None


def test_reverse_lookups(gaz: Gazetteer) -> None:
    assert gaz.nearest(34.35, 62.21).name.startswith("Her")
    assert gaz.admin1_at(*LASHKAR_GAH).name == "Helmand"
    assert gaz.country_at(*MOSUL).country_code == "IQ"
    assert gaz.country_at(0.0, -30.0) is None  # Atlantic
    assert gaz.admin1_at(0.0, -30.0) is None


def test_layers(gaz: Gazetteer, provinces, countries) -> None:
    assert list(gaz.provinces().columns) == ["geonameid", "name", "name_de", "country_code", "admin1_code",
                                             "geometry"]  # fmt: skip
    assert list(gaz.countries().columns) == ["geonameid", "country_code", "name", "name_de", "geometry"]
    assert gaz.provinces().crs.to_epsg() == 4326
    assert (provinces["country_code"] == "AF").sum() == 34
    assert (provinces["country_code"] == "IQ").sum() == 18
    assert "Irak" in set(countries["name_de"])
    assert len(countries) > 200


def test_surface_names_cover_all_scripts_and_aliases(gaz: Gazetteer) -> None:
    names = set(gaz.surface_names())
    assert {"Kabul", "Gasni", "Kala-e Nau", "Afghanistans", "Irak", "کابل"} <= names
    assert len(names) > 500_000


def test_attribution_credits_geonames_and_natural_earth() -> None:
    assert "GeoNames" in ATTRIBUTION and "CC BY 4.0" in ATTRIBUTION and "Natural Earth" in ATTRIBUTION


def test_fold_shortcut_is_sound(gaz: Gazetteer) -> None:
    """lookup() reuses fold(simple_key(q)) instead of fold(q) unless _fold_differs(q) says otherwise."""
    from geo.gazetteer.lookup import _fold_differs
    from geo.gazetteer.normalize import fold, simple_key

    names = gaz.surface_names()[::40]
    wrong = [n for n in names if not _fold_differs(n) and fold(n) != fold(simple_key(n))]
    assert wrong == []


def test_key_tables_match_the_normalisers(gaz: Gazetteer) -> None:
    from geo.gazetteer.normalize import fold, simple_key

    simple, folded = set(gaz.simple_keys()), set(gaz.fold_keys())
    for name in ("Mazar-i-Sharif", "Kala-e Nau", "Gasni", "Afghanistans"):
        assert simple_key(name) in simple and fold(name) in folded


def test_memoised_lookups_are_equal_and_independent(gaz: Gazetteer) -> None:
    first = gaz.lookup("Kunduz", limit=3)
    first.clear()  # the caller owns the list
    again = gaz.lookup("Kunduz", limit=3)
    assert len(again) == 3 and again == gaz.lookup("Kunduz", limit=3)
    assert gaz.lookup("Kunduz", country_codes=("IQ",)) == []  # arguments are part of the key
    assert gaz.lookup("Kunduz", country_codes=["AF"], limit=1)[0].place.country_code == "AF"
    with pytest.raises(AttributeError):
        again[0].score = 0.0  # type: ignore[misc]  # Match objects are shared, hence frozen


# ---- boundaries and points that a map or a "where is it" question would show wrong


def test_every_country_point_lies_inside_its_country(gaz: Gazetteer, countries) -> None:
    """~250 countries: the point a country name resolves to is inside the country's own polygon (so
    within its bounding box); Russia's was once a point in Canada because of antimeridian wrapping."""
    outside = []
    for gid, row in countries.iterrows():
        place = gaz.get(int(gid))
        if not row.geometry.contains(Point(place.longitude, place.latitude)):
            outside.append((row["name"], place.latitude, place.longitude))
    assert outside == []
    assert len(countries) > 200


def _parts(geom):
    return list(getattr(geom, "geoms", [geom]))


@pytest.mark.parametrize("layer", ["countries", "provinces"])
def test_no_polygon_wraps_around_the_globe(gaz: Gazetteer, layer: str) -> None:
    """A part spanning more than 180 degrees of longitude is a ring read across the antimeridian (it
    draws as a band across every map). Antarctica's ring around the South Pole is the one exception."""
    frame = getattr(gaz, layer)()
    wide = [
        (row["name"], round(part.bounds[2] - part.bounds[0]))
        for row in frame.itertuples(index=False)
        for part in _parts(row.geometry)
        if part.bounds[2] - part.bounds[0] > 180 and part.bounds[1] > -89.9
    ]
    assert wide == []


@pytest.mark.parametrize(
    ("name", "cc", "where"),
    [
        ("Russia", "RU", (60.0, 100.0)),  # GeoNames/CIA Factbook country centre
        ("United States", "US", (39.8, -98.6)),  # geographic centre of the contiguous US (Kansas)
        ("China", "CN", (35.0, 105.0)),
        ("Fiji", "FJ", (-17.8, 178.0)),  # Viti Levu, Fiji's main island
    ],
)
def test_country_points_are_near_the_conventional_centre(gaz: Gazetteer, name, cc, where) -> None:
    m = best(gaz, name)
    assert (m.place.country_code, m.place.feature_code) == (cc, "PCLI")
    assert km((m.place.latitude, m.place.longitude), where) < 500, m.place
    assert gaz.country_at(m.place.latitude, m.place.longitude).country_code == cc


def test_russia_spans_chukotka_on_both_sides_of_the_antimeridian(gaz: Gazetteer) -> None:
    assert gaz.country_at(66.0, 172.0).country_code == "RU"  # Chukotka west of 180 degrees
    assert gaz.country_at(65.8, -173.0).country_code == "RU"  # and east of it
    assert gaz.country_at(50.0, -100.0).country_code == "CA"  # and Canada is Canada


# ---- names news uses that the sources lack


@pytest.mark.parametrize(
    ("name", "cc"),
    [("Britain", "GB"), ("Great Britain", "GB"), ("Großbritannien", "GB"), ("Vereinigtes Königreich", "GB"),
     ("Vereinigte Staaten", "US"), ("Weißrussland", "BY"), ("Tschechien", "CZ"), ("Holland", "NL")],
)  # fmt: skip
def test_country_names_from_news(gaz: Gazetteer, name: str, cc: str) -> None:
    m = best(gaz, name)
    assert (m.place.country_code, m.place.feature_code) == (cc, "PCLI")
    assert m.score >= ACCEPT_SCORE


@pytest.mark.parametrize("name", ["England", "Scotland", "Wales", "Northern Ireland", "Schottland"])
def test_uk_constituent_countries_are_gb_provinces(gaz: Gazetteer, provinces, name: str) -> None:
    m = best(gaz, name)
    assert (m.place.country_code, m.place.feature_code) == ("GB", "ADM1")
    assert provinces.loc[m.place.geonameid, "geometry"].contains(Point(m.place.longitude, m.place.latitude))
    assert m.score >= ACCEPT_SCORE


def test_london_lies_in_england(gaz: Gazetteer) -> None:
    london = best(gaz, "London", country_codes=["GB"]).place
    assert gaz.province_of(london).name == "England"
    assert gaz.admin1_at(53.48, -2.24).name == "England"  # Manchester: GeoNames' ADM1, not the county
    assert gaz.admin1_at(55.95, -3.19).name == "Scotland"  # Edinburgh
    assert gaz.admin1_at(34.53, 69.17).name == "Kabul"  # elsewhere units do not overlap


@pytest.mark.parametrize(
    ("name", "code", "where"),
    [("Africa", "CONT", (0.0, 20.0)), ("Afrika", "CONT", (0.0, 20.0)), ("Europe", "CONT", (50.0, 10.0)),
     ("Europa", "CONT", (50.0, 10.0)), ("Asia", "CONT", (35.0, 90.0)), ("Middle East", "RGN", (29.0, 45.0)),
     ("Naher Osten", "RGN", (29.0, 45.0)), ("Nahost", "RGN", (29.0, 45.0))],
)  # fmt: skip
def test_continents_and_regions_are_not_towns(gaz: Gazetteer, name: str, code: str, where) -> None:
    m = best(gaz, name)
    assert (m.place.feature_class, m.place.feature_code) == ("L", code)
    assert km((m.place.latitude, m.place.longitude), where) < 1500
    assert m.score >= ACCEPT_SCORE


def test_precomputed_fold_bound_matches_the_postings(gaz: Gazetteer) -> None:
    """The exact-name shortcut skips the fold index using s_ftop, the prominence of the top place of each
    simple key's fold posting; it must equal what reading the postings gives, or rankings would change."""
    off, post = gaz._f_cols
    rows = range(0, len(gaz.simple_keys()), 997)
    for j in rows:
        f = gaz._s_frow[j]
        expected = gaz._prom_l[post[off[f]] & 0xFFFFFF] if f >= 0 else -1e9
        assert abs(gaz._s_ftop[j] - expected) < 1e-3
