"""The gazetteer builder's pieces that are easy to get subtly wrong: TopoJSON decoding, the string
tables and hash slots the runtime reads, name filtering, German genitives."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.gazetteer.build import (
    _german_genitive,
    _keep_alternate,
    country_point,
    hash_slots,
    pack_postings,
    split_antimeridian,
    string_table,
    topojson_features,
)
from geo.gazetteer.lookup import _find, _StringTable
from geo.gazetteer.normalize import key_hash

pytestmark = pytest.mark.requires_gazetteer


def test_topojson_quantized_arcs_decode_to_the_right_polygon() -> None:
    # a unit square from two arcs, delta-encoded and quantized, the way world-atlas stores countries
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "004", "properties": {"name": "Squareland"}},
            {"type": "Polygon", "arcs": [[~1, ~0]], "id": "005", "properties": {"name": "Reversed"}},
        ]}},
    }  # fmt: skip
    feats = topojson_features(topo, "countries")
    assert [f[0] for f in feats] == ["004", "005"]
    fid, props, geom = feats[0]
    assert props["name"] == "Squareland"
    assert geom.bounds == (10.0, 20.0, 11.0, 21.0)
    assert abs(geom.area - 1.0) < 1e-9
    assert abs(feats[1][2].area - 1.0) < 1e-9  # reversed arcs give the same square


def test_string_table_round_trip() -> None:
    names = ["Kabul", "", "Mazār-e Sharīf", "کابل", "Qal`a-i-Naw"]
    blob, off = string_table(names)
    table = _StringTable(blob, off)
    assert [table[i] for i in range(len(names))] == names
    assert table.all() == names
    assert _StringTable(*string_table([])).all() == []


def test_hash_slots_find_every_key_and_reject_others() -> None:
    keys = [f"key{i}" for i in range(1000)]
    hashes = [key_hash(k) for k in keys]
    slots = hash_slots(hashes)
    table = _StringTable(*string_table(keys), hot=True)
    index = (memoryview(slots), memoryview(np.asarray(hashes, dtype=np.uint64)))
    assert all(_find(index, table, k) == i for i, k in enumerate(keys))
    assert _find(index, table, "absent") == -1


def test_postings_pack_place_kind_and_name() -> None:
    packed = pack_postings(np.array([5, 239_000]), np.array([2, 0], dtype=np.uint8), np.array([974_000, 1]))
    decoded = [(v & 0xFFFFFF, (v >> 24) & 3, v >> 26) for v in packed.tolist()]
    assert decoded == [(5, 2, 974_000), (239_000, 0, 1)]


def test_alternate_name_filter() -> None:
    assert _keep_alternate("Masar-e Scharif")
    assert _keep_alternate("کابل")
    assert not _keep_alternate("KBL")  # airport code
    assert not _keep_alternate("kartuli")  # machine romanization, collides with ordinary words
    assert not _keep_alternate("12345")
    assert not _keep_alternate("")


def test_german_genitive() -> None:
    assert _german_genitive("Afghanistan") == "Afghanistans"
    assert _german_genitive("Irak") == "Iraks"
    assert _german_genitive("Usbekistan") == "Usbekistans"
    assert _german_genitive("Vereinigte Staaten") is None
    assert _german_genitive("Belarus") is None


def test_a_ring_across_the_antimeridian_is_cut_not_wrapped() -> None:
    # a 20 x 10 degree island from 170 E to 170 W, stored the way world-atlas stores Chukotka or Fiji
    ring = np.array([[170, 60], [-170, 60], [-170, 70], [170, 70], [170, 60]], dtype=float)
    parts = split_antimeridian(ring)
    assert sorted(p.bounds for p in parts) == [(-180.0, 60.0, -170.0, 70.0), (170.0, 60.0, 180.0, 70.0)]
    assert abs(sum(p.area for p in parts) - 200.0) < 1e-6  # not the 6,800 degrees^2 of the wrapped band


def test_a_ring_around_the_pole_is_closed_along_it() -> None:
    # Antarctica-like: a ring circling the South Pole, crossing the antimeridian once
    ring = np.array([[0, -70], [90, -72], [179, -70], [-179, -71], [-90, -72], [0, -70]], dtype=float)
    whole = shapely.union_all(split_antimeridian(ring))
    assert whole.bounds == (-180.0, -90.0, 180.0, -70.0)
    assert whole.contains(shapely.Point(0, -85))  # the pole side is inside, not the rest of the world
    assert not whole.contains(shapely.Point(0, 0))


def test_country_point_is_inside_and_on_the_main_part() -> None:
    # a crescent (the centroid of its bounding shape falls outside) plus a small far-away island
    crescent = shapely.box(0, 0, 10, 10).difference(shapely.box(2, 2, 12, 8))
    island = shapely.box(50, 50, 51, 51)
    lat, lon = country_point(shapely.MultiPolygon([*crescent.geoms, island]) if hasattr(crescent, "geoms")
                             else shapely.MultiPolygon([crescent, island]))  # fmt: skip
    assert crescent.contains(shapely.Point(lon, lat))
